import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { make } from "../registry.js";
import { A, EMPTY } from "../grid/objects.js";
import { E } from "../grid/events.js";
import { Benchmark } from "./benchmark.js";
import { UniverseEnv } from "./env.js";
import { DIFFICULTIES, sampleRuleset } from "./generate.js";
import { decodeRuleset, describeRuleset, encodeRuleset, rulesetFromJson, RulesetJson, rulesetToJson, type Ruleset } from "./ruleset.js";
import { NOTHING, parseTile, type Tile } from "./tiles.js";

const tmp = mkdtempSync(join(tmpdir(), "universe-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const t = (name: string): Tile => parseTile(name)!;

/** A one-room world with `ruleset`, emptied, the agent at (x, y) facing `dir`, and `cells` placed by name. */
function world(ruleset: unknown, agent: [number, number, number], cells: [number, number, string][]) {
  const env = make("Universe-R1-9x9", { kwargs: { ruleset } });
  env.reset(0);
  const core = env.core as UniverseEnv;
  for (let y = 1; y < 8; y++) for (let x = 1; x < 8; x++) core.grid.set(x, y, EMPTY);
  for (const [x, y, name] of cells) core.grid.set(x, y, t(name));
  core.carrying = 0;
  core.setAgent(agent[0], agent[1], agent[2]);
  return { env, core, step: (a: number) => env.step(a) };
}

describe("production rules and goals", () => {
  test("hold: picking up the red ball turns it into a blue pyramid, which is the goal", () => {
    const { core, step } = world({ goal: { kind: "hold", tile: "blue pyramid" }, rules: [{ kind: "hold", tile: "red ball", product: "blue pyramid" }], objects: ["red ball"] }, [3, 3, 0], [[4, 3, "red ball"]]);
    const s = step(A.pickup);
    expect(core.carrying).toBe(t("blue pyramid"));
    expect(s.terminated).toBe(true);
    expect(s.reward).toBeCloseTo(1 - 0.9 / core.maxSteps);
    expect(core.eventMask & E.rule).toBeTruthy();
    // The ball was picked up (the rule then turned it into a pyramid).
    expect(core.eventMask & E["pickup:ball"]).toBeTruthy();
    expect(core.eventMask & E["pickup:shape"]).toBe(0);
  });

  test("near with a side: only the object on that side of the agent changes, after moving forward", () => {
    const rule = { kind: "near", tile: "green key", side: "up", product: "nothing" };
    const { core, step } = world({ goal: { kind: "hold", tile: "white star" }, rules: [rule], objects: ["green key"] }, [3, 4, 0], [[4, 3, "green key"], [4, 5, "green key"]]);
    // Facing east from (3, 4): forward to (4, 4); a key is above (4, 3) and one below (4, 5).
    const s = step(A.forward);
    expect(s.terminated).toBe(false);
    expect(core.grid.get(4, 3)).toBe(NOTHING);
    expect(core.grid.get(4, 5)).toBe(t("green key"));
  });

  test("tiles-near: dropping the purple square with the red ball right of it makes a yellow hex where the ball was; the goal is to stand next to it", () => {
    const ruleset = {
      goal: { kind: "near", tile: "yellow hex" },
      rules: [{ kind: "tiles-near", a: "purple square", b: "red ball", side: "right", product: "yellow hex" }],
      objects: ["purple square", "red ball"],
    };
    const { core, step } = world(ruleset, [2, 3, 0], [[5, 3, "red ball"]]);
    core.carrying = t("purple square");
    // Drop east of the agent at (3, 3): the ball at (5, 3) is not adjacent yet, nothing fires.
    expect(step(A.drop).terminated).toBe(false);
    expect(core.grid.get(3, 3)).toBe(t("purple square"));
    expect(core.grid.get(5, 3)).toBe(t("red ball"));
    // Pick it up again, walk one step, drop it at (4, 3): the ball is on its right.
    step(A.pickup);
    step(A.forward);
    const dropped = step(A.drop);
    expect(core.grid.get(4, 3)).toBe(NOTHING);
    expect(core.grid.get(5, 3)).toBe(t("yellow hex"));
    expect(dropped.terminated).toBe(false);
    // The goal is checked after forward moves: walking up to (4, 3) puts the hex next to the agent.
    const s = step(A.forward);
    expect(core.agentX).toBe(4);
    expect(s.terminated).toBe(true);
  });

  test("tiles-near with a side does not fire with the partner on another side", () => {
    const ruleset = { goal: { kind: "hold", tile: "white star" }, rules: [{ kind: "tiles-near", a: "purple square", b: "red ball", side: "up", product: "nothing" }], objects: ["purple square"] };
    const { core, step } = world(ruleset, [2, 3, 0], [[4, 3, "red ball"]]);
    core.carrying = t("purple square");
    step(A.drop);
    expect(core.grid.get(3, 3)).toBe(t("purple square"));
    expect(core.eventMask & E.rule).toBe(0);
  });

  test("hold fires on a pickup only: carrying the object about does not change it", () => {
    const { core, step } = world({ goal: { kind: "hold", tile: "white star" }, rules: [{ kind: "hold", tile: "red ball", product: "blue pyramid" }], objects: ["red ball"] }, [3, 3, 0], []);
    core.carrying = t("red ball");
    step(A.forward);
    step(A.left);
    expect(core.carrying).toBe(t("red ball"));
  });

  test("a sided pair completes from either object: dropping b with a below it", () => {
    const ruleset = { goal: { kind: "tiles-near", a: "grey hex", b: "pink key", side: "up" }, rules: [], objects: ["grey hex", "pink key"] };
    const below = world(ruleset, [3, 4, 0], [[4, 5, "grey hex"]]);
    below.core.carrying = t("pink key");
    expect(below.step(A.drop).terminated).toBe(true);
    // a above the dropped b is the wrong way round.
    const above = world(ruleset, [3, 4, 0], [[4, 3, "grey hex"]]);
    above.core.carrying = t("pink key");
    expect(above.step(A.drop).terminated).toBe(false);
  });

  test("a tiles-near goal on a side: b above a", () => {
    const ruleset = { goal: { kind: "tiles-near", a: "grey hex", b: "pink key", side: "up" }, rules: [], objects: ["grey hex", "pink key"] };
    const { core, step } = world(ruleset, [3, 4, 0], [[4, 3, "pink key"]]);
    core.carrying = t("grey hex");
    expect(step(A.drop).terminated).toBe(true);
  });
});

describe("the task generator", () => {
  /** Every goal object is placed or produced, through the rules, from placed objects. */
  function solvable(r: Ruleset): boolean {
    const have = new Set(r.objects);
    for (let changed = true; changed; ) {
      changed = false;
      for (const x of r.rules) {
        const inputs = x.kind === "tiles-near" ? [x.a, x.b] : [x.tile];
        if (inputs.every((i) => have.has(i)) && x.product !== NOTHING && !have.has(x.product)) {
          have.add(x.product);
          changed = true;
        }
      }
    }
    const g = r.goal;
    return (g.kind === "tiles-near" ? [g.a, g.b] : [g.tile]).every((x) => have.has(x));
  }

  test.each(Object.keys(DIFFICULTIES))("%s: every task's goal is reachable from its objects, with as many main rules as the depth allows", (difficulty) => {
    const p = DIFFICULTIES[difficulty];
    const rng = new Rng(5);
    for (let i = 0; i < 500; i++) {
      const r = sampleRuleset(rng, p);
      expect(solvable(r), describeRuleset(r).join("; ")).toBe(true);
      expect(r.rules.length).toBeLessThanOrEqual(2 ** p.depth - 1 + (p.depth > 0 ? 2 ** p.depth : 0) + p.distractorRules);
      if (p.depth === 0) expect(r.rules).toHaveLength(0);
    }
  });

  test("the same seed gives the same benchmark; another seed another; tasks are distinct", () => {
    const a = Benchmark.generate("small", 300, 7);
    const b = Benchmark.generate("small", 300, 7);
    const c = Benchmark.generate("small", 300, 8);
    const codes = (x: Benchmark) => Array.from({ length: x.size }, (_, i) => encodeRuleset(x.task(i)).join(","));
    expect(codes(a)).toEqual(codes(b));
    expect(codes(a)).not.toEqual(codes(c));
    expect(new Set(codes(a)).size).toBe(300);
  });

  test("train and test splits are disjoint and cover the benchmark", () => {
    const b = Benchmark.generate("trivial", 95, 1);
    const train = b.split("train");
    const test = b.split("test");
    expect(train).toEqual({ start: 0, end: 85 });
    expect(test).toEqual({ start: 85, end: 95 });
  });
});

describe("ruleset forms", () => {
  test("bytes and named data round-trip", () => {
    const rng = new Rng(3);
    for (const p of Object.values(DIFFICULTIES))
      for (let i = 0; i < 100; i++) {
        const r = sampleRuleset(rng, p);
        expect(decodeRuleset(encodeRuleset(r))).toEqual(r);
        expect(rulesetFromJson(RulesetJson.parse(rulesetToJson(r)))).toEqual(r);
      }
  });

  test("a wrong tile name is refused with the path and what was expected", () => {
    expect(() => make("Universe-R1-9x9", { kwargs: { ruleset: { goal: { kind: "hold", tile: "blue pyramidd" }, objects: ["red ball"] } } })).toThrow(/kwargs\.ruleset\.goal\.tile.*"<color> <shape>"/);
  });

  test("a saved benchmark loads as it was; a damaged file is one line naming it", () => {
    const b = Benchmark.generate("medium", 200, 11);
    const path = join(tmp, "medium.rlu");
    b.save(path);
    const back = Benchmark.load(path);
    expect(back.header).toEqual(b.header);
    for (let i = 0; i < b.size; i++) expect(back.task(i)).toEqual(b.task(i));
    const bad = join(tmp, "bad.rlu");
    for (const bytes of [Buffer.from("not gzip"), gzipSync(Buffer.from("{}\n")), readFileSync(path).subarray(0, 100), gzipSync(Buffer.concat([Buffer.from(JSON.stringify(b.header) + "\n"), Buffer.from([3, 0, 9, 9, 9])]))]) {
      writeFileSync(bad, bytes);
      let error: unknown;
      try {
        Benchmark.load(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).not.toContain("\n");
    }
    const env = make("Universe-R1-9x9", { kwargs: { benchmark: path, split: "test" } });
    env.reset(0);
    expect((env.core as UniverseEnv).taskIndex).toBeGreaterThanOrEqual(180);
  });
});

describe("the environment", () => {
  test("the same seed gives the same episodes, bit for bit", () => {
    const run = () => {
      const env = make("Universe-R4-13x13", { kwargs: { benchmark: "high", count: 100 } });
      const rng = new Rng(9);
      const out: number[] = [];
      let obs = env.reset(4).obs;
      for (let i = 0; i < 400; i++) {
        const s = env.step(rng.int(7));
        out.push(s.reward, s.obs.reduce((a, b) => a + b, 0));
        if (s.terminated || s.truncated) obs = env.reset().obs;
      }
      return [...out, ...obs];
    };
    expect(run()).toEqual(run());
  });

  test("a trial keeps its task for k episodes, then draws another", () => {
    const env = make("Universe-R1-9x9", { kwargs: { benchmark: "small", count: 500, trial: 3 } });
    const core = env.core as UniverseEnv;
    const seen: [number, number][] = [];
    env.reset(1);
    for (let e = 0; e < 9; e++) {
      seen.push([core.taskIndex, core.episodeInTrial]);
      env.reset();
    }
    expect(seen.map((s) => s[1])).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    for (const k of [0, 3, 6]) expect(new Set(seen.slice(k, k + 3).map((s) => s[0])).size).toBe(1);
    expect(new Set(seen.map((s) => s[0])).size).toBeGreaterThan(1);
  });

  test("show: goal puts the goal's code after the view; nothing leaves it out", () => {
    const shown = make("Universe-R1-9x9", { kwargs: { show: "goal" } });
    const hidden = make("Universe-R1-9x9", {});
    expect(shown.observationSpace.size).toBe(hidden.observationSpace.size + 4);
    const obs = shown.reset(2).obs;
    const code = encodeRuleset((shown.core as UniverseEnv).task).slice(0, 4);
    expect(Array.from(obs.subarray(obs.length - 4))).toEqual(code);
  });
});
