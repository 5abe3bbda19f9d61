/**
 * `rewardlab bench rewards`: what a reward program costs.
 *
 * - `doorkey-8x8/vector64/plain`: VectorEnv steps/s with random actions (as `bench envs`).
 * - `doorkey-8x8/vector64/rewarded`: the same through `RewardedVector` with a
 *   five-term spec (task, two events, an expression, a potential).
 * - `doorkey-8x8/vector64/overhead`: extra time per step, plain/rewarded − 1, in %
 *   (target ≤ 15%). The two loops are timed in alternation and the median
 *   ratio is kept, so drift in machine load hits both alike.
 * - `expression/eval`: one evaluation of a compiled expression,
 *   `-abs(agent.x - 6) + 0.1 * carrying.key`, over batches of 65,536 rows (target ≤ 20 ns);
 *   `expression/eval-batch64`: the same over batches of 64, as a vector of 64 calls it.
 */
import { Rng } from "../src/core/rng.js";
import { actionBuffer, sampleInto } from "../src/core/spaces.js";
import { makeVector } from "../src/envs/registry.js";
import type { VectorEnv } from "../src/envs/vector.js";
import { checkedExpression, compileExpression, featuresOf, type ExprInputs } from "../src/rewards/expr/index.js";
import { RewardedVector, envInfoOf } from "../src/rewards/rewarded.js";
import { measureRate, type Figure } from "./harness.js";

/** The spec of src/rewards/program.test.ts. */
export const FIVE_TERMS = {
  terms: [
    { name: "goal", kind: "task" },
    { name: "key", kind: "event", event: "pickup:key", weight: 0.2, once: true },
    { name: "door", kind: "event", event: "open:door", weight: 0.2 },
    { name: "step", kind: "expression", expr: "-0.01" },
    { name: "progress", kind: "potential", phi: "-goal.distance", gamma: 0.9 },
  ],
};

export const EXPRESSION = "-abs(agent.x - 6) + 0.1 * carrying.key";
export const TARGETS = { overheadPercent: 15, expressionNs: 20 };
const ENV = "DoorKey-8x8";
const N = 64;
const ROUNDS = 5;

export function* rewardsSuite(seconds: number): Generator<Figure> {
  const { plain, rewarded } = overhead(seconds);
  const name = `${ENV.toLowerCase()}/vector${N}`;
  yield { suite: "rewards", name: `${name}/plain`, value: plain, unit: "steps/s" };
  yield { suite: "rewards", name: `${name}/rewarded`, value: rewarded, unit: "steps/s" };
  yield { suite: "rewards", name: `${name}/overhead`, value: 100 * (plain / rewarded - 1), unit: "%" };
  yield { suite: "rewards", name: "expression/eval", value: expressionNs(seconds, 1 << 16), unit: "ns" };
  yield { suite: "rewards", name: "expression/eval-batch64", value: expressionNs(seconds, N), unit: "ns" };
}

/** Median rates of the plain and the rewarded loop, timed in alternating rounds. */
function overhead(seconds: number): { plain: number; rewarded: number } {
  const plainVec = makeVector(ENV, N);
  const rv = new RewardedVector(makeVector(ENV, N), FIVE_TERMS);
  const plainLoop = stepLoop(plainVec, (a) => plainVec.step(a));
  const rewardedLoop = stepLoop(rv.vec, (a) => rv.step(a));
  rv.reset(0);
  const plain: number[] = [];
  const rewarded: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(measureRate(plainLoop, N, seconds / (2 * ROUNDS)));
    rewarded.push(measureRate(rewardedLoop, N, seconds / (2 * ROUNDS)));
  }
  // The ratio of medians: each median is over rounds of the same loop.
  return { plain: median(plain), rewarded: median(rewarded) };
}

function stepLoop(vec: VectorEnv, step: (actions: Int32Array | Float32Array) => void): (iterations: number) => void {
  const rng = new Rng(1);
  const space = vec.actionSpace;
  const actions = actionBuffer(space, vec.n);
  vec.reset(0);
  return (iterations) => {
    for (let it = 0; it < iterations; it++) {
      for (let i = 0; i < vec.n; i++) sampleInto(space, rng, actions, i * vec.actionSize);
      step(actions);
    }
  };
}

/** Nanoseconds per row of the compiled batch loop of EXPRESSION over `rows` DoorKey-like rows (the call's cost included). */
function expressionNs(seconds: number, rows: number): number {
  const info = envInfoOf(makeVector(ENV, 1));
  const e = checkedExpression(EXPRESSION, { features: info.features, events: info.events, actionSize: info.actionSize }, "bench");
  const features = [...featuresOf(e.node).keys()];
  const rng = new Rng(2);
  // agent.x in 1…6, carrying.key in {0, 1}, as on an 8×8 grid.
  const columns = features.map((f) => Float64Array.from({ length: rows }, () => (f === "agent.x" ? 1 + rng.int(6) : rng.int(2))));
  const inputs: ExprInputs = {
    prev: columns,
    next: columns,
    actions: new Int32Array(rows),
    actionSize: 1,
    taskReward: new Float32Array(rows),
    terminated: new Uint8Array(rows),
    truncated: new Uint8Array(rows),
    events: new Uint32Array(rows),
  };
  const run = compileExpression(e.node, e.type, { features, eventBits: new Map() }).batch(inputs);
  const out = new Float64Array(rows);
  const rate = measureRate((iterations) => {
    for (let it = 0; it < iterations; it++) run(rows, out);
  }, rows, seconds / 4);
  if (!Number.isFinite(out[0])) throw new Error("expression bench: non-finite output");
  return 1e9 / rate;
}

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
