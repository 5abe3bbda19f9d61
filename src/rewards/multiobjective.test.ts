import { expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import { compileReward } from "./program.js";

const info = { features: ["speed", "energy"], events: [], actionSize: 1, obsSize: 1 };

function run(spec: unknown, speed: number[], energy: number[]) {
  const n = speed.length;
  const program = compileReward(spec, info);
  const cols = [Float64Array.from(speed), Float64Array.from(energy)];
  const batch = { n, prev: cols, next: cols, actions: new Int32Array(n), actionSize: 1, taskReward: new Float32Array(n), terminated: new Uint8Array(n), truncated: Uint8Array.from(speed.map(() => 1)), events: new Uint32Array(n), obsSize: 1, episodeStep: new Float64Array(n) };
  const bound = program.bind(batch, []);
  bound.apply();
  return { program, bound, total: Array.from(bound.total64) };
}

const terms = [
  { kind: "expression", expr: "speed", objective: "speed", role: "primary" },
  { kind: "expression", expr: "-energy", objective: "energy" },
];

test("each objective's per-step and episode reward is kept apart", () => {
  const { program, bound } = run({ terms }, [1, 2], [3, 5]);
  expect(program.objectives).toEqual(["speed", "energy"]);
  expect(Array.from(bound.objectives[0])).toEqual([1, 2]);
  expect(Array.from(bound.objectives[1])).toEqual([-3, -5]);
  expect(Array.from(bound.finishedObjectives[1])).toEqual([-3, -5]);
});

test("without a scalarization the objectives are summed; weighted sums use the weights", () => {
  expect(run({ terms }, [1, 2], [3, 5]).total).toEqual([-2, -3]);
  expect(run({ terms, scalarize: { method: "weighted", weights: { speed: 2, energy: 0.5 } } }, [1, 2], [3, 5]).total).toEqual([0.5, 1.5]);
});

test("Chebyshev: −max_i w_i·|z_i − r_i| against the utopia point", () => {
  const spec = { terms, scalarize: { method: "chebyshev", weights: { speed: 1, energy: 2 }, reference: { speed: 4, energy: 0 } } };
  // row 0: max(1·|4−1|, 2·|0−(−3)|) = 6; row 1: max(1·|4−2|, 2·|0−(−1)|) = 2
  expect(run(spec, [1, 2], [3, 1]).total).toEqual([-6, -2]);
});

test("lexicographic: a capped first objective dominates the second by the base", () => {
  const spec = { terms, scalarize: { method: "lexicographic", order: ["speed", "energy"], thresholds: { speed: 1.5 }, base: 10 } };
  // row 0: 10·min(1, 1.5) + (−3) = 7; row 1: 10·min(2, 1.5) + (−5) = 10
  expect(run(spec, [1, 2], [3, 5]).total).toEqual([7, 10]);
});

test("naming an objective no term has is an error with the path", () => {
  expect(() => run({ terms, scalarize: { method: "weighted", weights: { sped: 1 } } }, [1], [1])).toThrow(UserError);
  expect(() => run({ terms, scalarize: { method: "weighted", weights: { sped: 1 } } }, [1], [1])).toThrow('reward.scalarize: unknown objective "sped"; the terms name: speed, energy');
});
