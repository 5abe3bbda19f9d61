import { describe, expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { solve } from "../envs/grid/solver.js";
import { make, makeVector } from "../envs/registry.js";
import { clip, event, expression, potential, reward, task, code, combine } from "./builder.js";
import { compileReward } from "./program.js";
import { RewardedVector, envInfoOf } from "./rewarded.js";
import { parseConfigText } from "../core/config.js";

const YAML_SPEC = `
terms:
  - {name: goal, kind: task}
  - {name: key, kind: event, event: "pickup:key", weight: 0.2, once: true}
  - {name: door, kind: event, event: "open:door", weight: 0.2}
  - {name: step, kind: expression, expr: "-0.01"}
  - {name: progress, kind: potential, phi: "-goal.distance", gamma: 0.9}
`;

/** Plays a planned DoorKey-5x5 episode in env 0 of a vector (others idle) and in a single env side by side. */
function plannedEpisode(seed: number) {
  const single = make("DoorKey-5x5");
  single.reset(seed);
  const plan = solve(single.core as GridEnv)!;
  single.reset(seed);
  return { single, plan };
}

describe("a five-term spec on DoorKey", () => {
  test("each term pays what its definition says, step by step, and sums per episode", () => {
    const seed = 3;
    const { single, plan } = plannedEpisode(seed);
    const rv = new RewardedVector(makeVector("DoorKey-5x5", 1), parseConfigText(YAML_SPEC));
    rv.reset(seed);
    expect(rv.program.terms.map((t) => [t.name, t.role])).toEqual([
      ["goal", "primary"],
      ["key", "auxiliary"],
      ["door", "auxiliary"],
      ["step", "auxiliary"],
      ["progress", "auxiliary"],
    ]);
    expect([...rv.program.features]).toEqual(["goal.distance"]);
    let prevDist = single.readFeatures(["goal.distance"])["goal.distance"];
    let keyPaid = false;
    const sums = [0, 0, 0, 0, 0];
    for (const action of plan) {
      const s = single.step(action);
      rv.step(Int32Array.of(action));
      const dist = single.readFeatures(["goal.distance"])["goal.distance"];
      const expected = [
        s.reward,
        s.info.events.includes("pickup:key") && !keyPaid ? 0.2 : 0,
        s.info.events.includes("open:door") ? 0.2 : 0,
        -0.01,
        0.9 * (s.terminated ? 0 : -dist) - -prevDist,
      ];
      if (s.info.events.includes("pickup:key")) keyPaid = true;
      rv.reward.terms.forEach((col, k) => expect(col[0]).toBeCloseTo(expected[k], 6));
      expect(rv.rewards[0]).toBeCloseTo(expected.reduce((a, b) => a + b, 0), 5);
      expect(rv.reward.primary[0]).toBeCloseTo(s.reward, 6);
      expected.forEach((v, k) => (sums[k] += v));
      prevDist = dist;
      if (s.terminated) break;
    }
    rv.reward.finishedTerms.forEach((col, k) => expect(col[0]).toBeCloseTo(sums[k], 5));
    expect(rv.reward.finishedPrimary[0]).toBeCloseTo(sums[0], 6);
    expect(rv.reward.finishedTotal[0]).toBeCloseTo(sums.reduce((a, b) => a + b, 0), 4);
  });

  test("the builder makes the same program as the YAML", () => {
    const built = reward()
      .primary(task(1, { name: "goal" }))
      .aux(event("pickup:key", 0.2, { once: true, name: "key" }))
      .aux(event("open:door", 0.2, { name: "door" }))
      .aux(expression("-0.01", { name: "step" }))
      .aux(potential("-goal.distance", { gamma: 0.9, name: "progress" }))
      .build();
    const info = envInfoOf(makeVector("DoorKey-5x5", 1));
    const a = compileReward(built, info);
    const b = compileReward(parseConfigText(YAML_SPEC), info);
    expect(a.terms).toEqual(b.terms);
    expect(a.features).toEqual(b.features);
  });

  test("once, max and decay limit what an event pays within an episode, and reset between episodes", () => {
    const info = { features: [], events: ["tick"], actionSize: 1, obsSize: 1 };
    const spec = { terms: [task(), event("tick", 1, { name: "once", once: true }), event("tick", 1, { name: "max2", max: 2 }), event("tick", 1, { name: "decay", decay: 0.5 })] };
    const program = compileReward(spec, info);
    const batch = {
      n: 1, prev: [], next: [], actions: Int32Array.of(0), actionSize: 1, taskReward: Float32Array.of(0),
      terminated: Uint8Array.of(0), truncated: Uint8Array.of(0), events: Uint32Array.of(1), obsSize: 1, episodeStep: Float64Array.of(1),
    };
    const bound = program.bind(batch, ["tick"]);
    const seen: number[][] = [];
    for (let t = 0; t < 4; t++) {
      batch.truncated[0] = t === 2 ? 1 : 0;
      bound.apply();
      seen.push(bound.terms.slice(1).map((c) => c[0]));
    }
    expect(seen).toEqual([
      [1, 1, 1],
      [0, 1, 0.5],
      [0, 0, 0.25],
      [1, 1, 1], // a new episode
    ]);
  });
});

describe("bad specs give one line with the path", () => {
  const info = envInfoOf(makeVector("DoorKey-5x5", 1));
  const errorOf = (spec: unknown): string => {
    try {
      compileReward(spec, info);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).not.toContain("\n");
      return (e as Error).message;
    }
    throw new Error("expected a UserError");
  };
  test.each([
    [{ terms: [{ kind: "tsak" }] }, 'reward.terms[0].kind: expected one of task, event, expression, potential, intrinsic, learned, code, sandboxed, combine, got "tsak" (did you mean "task"?)'],
    [{ terms: [{ kind: "task", weight: "big" }] }, 'reward.terms[0].weight: expected a number, got "big"'],
    [{ terms: [{ kind: "task" }, { kind: "expression", expr: "agent.z * 2" }] }, 'reward.terms[1].expr: unknown feature "agent.z" (did you mean "agent.x" or "agent.y"?) at column 1'],
    [{ terms: [{ kind: "task" }, { kind: "expression", expr: "goal.distance +* 2" }] }, 'reward.terms[1].expr: expected a number, a name or a call at column 16, got "*"'],
    [{ terms: [{ kind: "task" }, { kind: "event", event: "pickup:kye" }] }, 'reward.terms[1].event: unknown event "pickup:kye" (did you mean "pickup:key"?)'],
    [{ terms: [{ kind: "task" }, { kind: "expression", expr: "a" }], define: { a: "b + 1", b: "a * 2" } }, "reward.define.a: cyclic reference: a → b → a"],
    [{ terms: [{ kind: "task" }, { kind: "potential", phi: "prev.goal.distance" }] }, "reward.terms[1].phi: a potential is a function of one state: write goal.distance, not prev.goal.distance (at column 1)"],
    [{ terms: [{ kind: "expression", expr: "1" }] }, 'reward.terms: expected at least one term with role "primary" (the true objective, usually {kind: task}; {kind: task, optimize: false} measures it without learning from it)'],
    [{ terms: [{ kind: "task", name: "a" }, { kind: "task", name: "a" }] }, 'reward.terms[1].name: duplicate term name "a"; term names must be unique'],
    [{ terms: [] }, "reward.terms: expected a non-empty list, got a list of 0"],
    [{ terms: [{ kind: "task" }], transforms: [{ type: "clip", min: 1, max: 0 }] }, "reward.transforms[0].max: expected min ≤ max"],
    [{ terms: [{ kind: "task" }, { kind: "intrinsic", module: "rdn" }] }, 'reward.terms[1].module: unknown intrinsic module "rdn" (did you mean "rnd"?)'],
    [{ terms: [{ kind: "task" }, { kind: "combine", op: "avg", terms: [{ kind: "task" }] }] }, 'reward.terms[1].op: expected one of "sum", "product", "krc", "min", "max", got "avg"'],
    [{ terms: [{ kind: "task" }], tems: [] }, 'reward: unknown key "tems" (did you mean "terms"?)'],
  ])("%j", (spec, message) => {
    expect(errorOf(spec)).toBe(message);
  });
});

describe("non-finite rewards stop the run with the term, environment and step", () => {
  test("a log of zero in one environment is reported, not passed on", () => {
    const rv = new RewardedVector(makeVector("Empty-5x5", 3), { terms: [task(), expression("log(agent.x - 2)", { name: "bad" })] });
    rv.reset(0);
    // Agents start at x = 1: log(−1) is NaN on the first step.
    expect(() => rv.step(Int32Array.of(0, 0, 0))).toThrow(/^reward\.terms\[1\]: term "bad" produced NaN in environment 0 at step 1 \(step 1 of its episode\)$/);
  });

  test("a code term returning Infinity is reported", () => {
    const rv = new RewardedVector(makeVector("Empty-5x5", 2), { terms: [task(), code((t) => (t.env === 1 ? 1 / 0 : 0), { name: "mine", trusted: true })] });
    rv.reset(0);
    expect(() => rv.step(Int32Array.of(0, 0))).toThrow('reward.terms[1]: term "mine" produced Infinity in environment 1 at step 1 (step 1 of its episode)');
  });
});

describe("combinators and transforms on terms", () => {
  test("krc is a soft AND: negative if any factor is, the geometric mean of magnitudes otherwise", () => {
    const info = { features: ["a", "b"], events: [], actionSize: 1, obsSize: 1 };
    const program = compileReward({ terms: [task(), combine("krc", [expression("a"), expression("b")], { name: "k" }), combine("min", [expression("a"), expression("b")], { name: "m" })] }, info);
    const next = [Float64Array.of(4, -4, 0.25), Float64Array.of(9, 9, 4)];
    const batch = { n: 3, prev: next, next, actions: new Int32Array(3), actionSize: 1, taskReward: new Float32Array(3), terminated: new Uint8Array(3), truncated: new Uint8Array(3), events: new Uint32Array(3), obsSize: 1, episodeStep: new Float64Array(3) };
    const bound = program.bind(batch, []);
    bound.apply();
    expect(Array.from(bound.terms[1])).toEqual([6, -6, 1]);
    expect(Array.from(bound.terms[2])).toEqual([4, -4, 0.25]);
  });

  test("a clip on the total bounds the reward to learn from, not the per-term record", () => {
    const rv = new RewardedVector(makeVector("Empty-5x5", 1), reward().primary(task()).aux(expression("5", { name: "big" })).transform(clip(-1, 1)).build());
    rv.reset(0);
    rv.step(Int32Array.of(0));
    expect(rv.rewards[0]).toBe(1);
    expect(rv.reward.terms[1][0]).toBe(5);
  });
});

test("a term with optimize: false counts in the primary return but not in the reward the agent learns from", () => {
  const rv = new RewardedVector(makeVector("CartPole-v1", 2), { terms: [{ kind: "task", optimize: false }, { name: "half", kind: "expression", expr: "0.5" }] });
  rv.reset(0);
  rv.step([0, 1]);
  expect(Array.from(rv.reward.primary)).toEqual([1, 1]);
  expect(Array.from(rv.rewards)).toEqual([0.5, 0.5]);
  expect(Array.from(rv.reward.terms[0])).toEqual([1, 1]); // still shown per term
  expect(rv.program.terms.map((t) => t.optimize)).toEqual([false, true]);
});

describe("define: names expanded are held to the expression limits", () => {
  const info = envInfoOf(makeVector("DoorKey-5x5", 1));
  const messageOf = (define: Record<string, string>, expr: string): string => {
    try {
      compileReward({ terms: [{ kind: "task" }, { kind: "expression", expr }], define }, info);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return (e as Error).message;
    }
    throw new Error("expected a UserError");
  };

  test("defines that double at each level are refused once they pass the node limit, without expanding them all", () => {
    // d40 would be 2^40 nodes.
    const define: Record<string, string> = { d0: "agent.x" };
    for (let k = 1; k <= 40; k++) define[`d${k}`] = `d${k - 1} + d${k - 1}`;
    const t0 = performance.now();
    expect(messageOf(define, "d40")).toBe("reward.terms[1].expr: expression larger than 20000 numbers, names and operators once its define: names are expanded; split it into several terms");
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  test("a chain of defines, each shallow, is refused once it nests past the depth limit", () => {
    const define: Record<string, string> = { d0: "agent.x" };
    for (let k = 1; k <= 600; k++) define[`d${k}`] = `d${k - 1} + 1`;
    expect(messageOf(define, "d600")).toMatch(/^reward\.terms\[1\]\.expr: expression nested deeper than 500 levels once its define: names are expanded \(/);
    // 400 levels are fine.
    expect(() => compileReward({ terms: [{ kind: "task" }, { kind: "expression", expr: "d400" }], define }, info)).not.toThrow();
  });
});

test("a reset mid-episode drops the episodes under way: the next episode's returns are its own, once-per-episode events pay again", () => {
  const spec = { terms: [{ kind: "task" }, { name: "moved", kind: "event", event: "pickup:key", weight: 0.5, once: true }, { name: "alive", kind: "expression", expr: "1" }] };
  const rv = new RewardedVector(makeVector("CartPole-v1", 2), { terms: [{ kind: "task" }, { name: "alive", kind: "expression", expr: "1" }] });
  rv.reset(0);
  for (let t = 0; t < 5; t++) rv.step(Int32Array.of(0, 1));
  rv.reset(100);
  const lengths = [0, 0];
  const done = [false, false];
  while (!done[0] || !done[1]) {
    rv.step(Int32Array.of(0, 0));
    for (let i = 0; i < 2; i++) {
      if (done[i]) continue;
      lengths[i]++;
      if (rv.vec.terminated[i] || rv.vec.truncated[i]) {
        done[i] = true;
        // CartPole pays 1 per step: the first episode after the reset counts its own steps only.
        expect(rv.reward.finishedPrimary[i]).toBe(lengths[i]);
        expect(rv.reward.finishedTerms[1][i]).toBe(lengths[i]);
      }
    }
  }
  // A once-per-episode event pays again after a reset that cut its episode short: follow the
  // planner's path to the goal up to its second-to-last step (the key picked up), twice.
  const grid = new RewardedVector(makeVector("DoorKey-5x5", 1), spec);
  grid.reset(3);
  const plan = solve(grid.vec.cores[0] as GridEnv)!;
  const pays: number[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    grid.reset(3);
    let paid = 0;
    for (const a of plan.slice(0, -1)) {
      grid.step(Int32Array.of(a));
      paid += grid.reward.terms[1][0];
    }
    pays.push(paid);
  }
  expect(pays).toEqual([0.5, 0.5]);
});
