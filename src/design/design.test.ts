import { describe, expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { RunConfig } from "../runs/config.js";
import { critique } from "./critic.js";
import { evolveRewards, type Candidate } from "./evolve.js";
import { crossover, mutate, randomSpec, sparseSpec, type AuxTerm, type CandidateSpec } from "./genome.js";
import { preferenceAccuracy, recordEpisodes } from "./prescreen.js";

const VOCAB = { features: ["carrying", "key.distance", "goal.distance"], events: ["pickup:key", "open:door"] };
const GENOME = { gamma: 0.99, maxTerms: 3 };

describe("the model-free designer's operators", () => {
  test("specs keep the task's reward as their one primary term, names unique, at most maxTerms auxiliary terms, built from the vocabulary", () => {
    const rng = new Rng(1);
    let specs: CandidateSpec[] = Array.from({ length: 20 }, () => randomSpec(VOCAB, rng, GENOME));
    for (let round = 0; round < 30; round++) specs = specs.map((s, k) => (k % 3 === 0 ? crossover(s, specs[(k + 1) % specs.length], rng, GENOME) : mutate(s, VOCAB, rng, GENOME)));
    for (const spec of specs) {
      expect(spec.terms[0]).toEqual(sparseSpec().terms[0]);
      const aux = spec.terms.slice(1) as AuxTerm[];
      expect(aux.length).toBeLessThanOrEqual(3);
      expect(new Set(aux.map((t) => t.name)).size).toBe(aux.length);
      for (const t of aux) {
        expect(Number.isFinite(t.weight)).toBe(true);
        if (t.kind === "event") expect(VOCAB.events).toContain(t.event);
        else if (t.kind === "expression") expect(VOCAB.features).toContain(t.expr);
        else for (const f of t.phi.split(/ \+ /).map((p) => p.replace("0.5 * ", ""))) expect(VOCAB.features).toContain(f);
      }
    }
    // Every operator came up: all three term shapes and both weight signs survive somewhere.
    const all = specs.flatMap((s) => s.terms.slice(1) as AuxTerm[]);
    expect(new Set(all.map((t) => t.kind))).toEqual(new Set(["event", "potential", "expression"]));
    expect(all.some((t) => t.kind === "potential" && t.phi.includes("+"))).toBe(true);
    expect(all.some((t) => t.weight < 0) && all.some((t) => t.weight > 0)).toBe(true);
  });

  test("the same seed draws the same specs", () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 10 }, () => mutate(randomSpec(VOCAB, rng, GENOME), VOCAB, rng, GENOME));
    };
    expect(draw(4)).toEqual(draw(4));
    expect(draw(4)).not.toEqual(draw(5));
  });
});

describe("the critic", () => {
  test("passes a sound spec with the check's warnings, and rejects a spec that does not compile or pays a non-finite reward, one line each", () => {
    const sound = critique("DoorKey-5x5", undefined, { terms: [{ kind: "task" }, { kind: "event", event: "pickup:key", weight: 0.2 }] }, { steps: 100, seed: 0 });
    expect(sound.ok).toBe(true);
    expect(sound.errors).toEqual([]);
    const unknown = critique("DoorKey-5x5", undefined, { terms: [{ kind: "task" }, { kind: "event", event: "pickup:keys" }] }, { steps: 100, seed: 0 });
    expect(unknown.ok).toBe(false);
    expect(unknown.errors).toEqual([expect.stringMatching(/^reward\.terms\[1\]\.event: unknown event "pickup:keys"/)]);
    const infinite = critique("DoorKey-5x5", undefined, { terms: [{ kind: "task" }, { name: "bad", kind: "expression", expr: "log(carrying)" }] }, { steps: 100, seed: 0 });
    expect(infinite.ok).toBe(false);
    expect(infinite.errors[0]).toMatch(/^non-finite: /);
  });
});

describe("the pre-screen", () => {
  test("replays recorded random episodes: the task's reward ranks every success first, a bonus for staying alive ranks failures first", () => {
    const episodes = recordEpisodes("DoorKey-5x5", undefined, 64, 0);
    expect(recordEpisodes("DoorKey-5x5", undefined, 64, 0)).toEqual(episodes);
    const wins = episodes.filter((e) => e.success).length;
    expect(wins).toBeGreaterThan(0);
    expect(wins).toBeLessThan(64);
    const p = (spec: unknown) => preferenceAccuracy("DoorKey-5x5", undefined, spec, episodes);
    expect(p({ terms: [{ kind: "task" }] })).toBe(1);
    // Failures are truncated at the step limit, so they collect the most of a per-step bonus.
    expect(p({ terms: [{ kind: "task" }, { name: "alive", kind: "expression", expr: "1", weight: 0.1 }] })).toBe(0);
    expect(p({ terms: [{ kind: "task" }] })).toBe(p({ terms: [{ kind: "task", weight: 3 }] }));
    expect(preferenceAccuracy("DoorKey-5x5", undefined, { terms: [{ kind: "task" }] }, episodes.filter((e) => !e.success))).toBeNaN();
  });
});

describe("the pre-screen with demonstrations", () => {
  test("a planner's demonstrations replay as successes, join the random episodes, and a reward that pays for lingering is caught by them", async () => {
    const { plannerDemonstrations } = await import("../learn/demos/demos.js");
    const { replayOutcomes } = await import("./prescreen.js");
    const demos = plannerDemonstrations("DoorKey-8x8", {}, 6, 50);
    const replayed = replayOutcomes("DoorKey-8x8", undefined, demos);
    expect(replayed.map((e) => e.success)).toEqual(demos.map(() => true));
    // Failures alone (a random policy's, on a task it rarely wins): the pre-screen cannot judge.
    const random = recordEpisodes("DoorKey-8x8", undefined, 16, 0).filter((e) => !e.success);
    expect(random.length).toBeGreaterThan(8);
    const linger = { terms: [{ kind: "task" }, { name: "alive", kind: "expression", expr: "1", weight: 0.1 }] };
    expect(preferenceAccuracy("DoorKey-8x8", undefined, linger, random)).toBeNaN();
    expect(preferenceAccuracy("DoorKey-8x8", undefined, linger, [...random, ...replayed])).toBe(0);
    expect(preferenceAccuracy("DoorKey-8x8", undefined, { terms: [{ kind: "task" }] }, [...random, ...replayed])).toBe(1);
    expect(() => replayOutcomes("DoorKey-8x8", undefined, [{ seed: 0, actions: [1, 9] }], "demos.jsonl")).toThrow("demos.jsonl[0].actions[1]: expected an action from 0 to 6, got 9");
  });
});

describe("evolveRewards", () => {
  const config = RunConfig.parse({ env: { id: "DoorKey-5x5" }, numEnvs: 4, learner: { algo: "ppo", numSteps: 32 }, steps: 1024, evaluation: { episodes: 4 } });
  const options = { population: 4, iterations: 3, elite: 2, seeds: [1, 2], checkSteps: 50, maxTerms: 2, seed: 3 };

  test("a seeded lineage: the sparse reward first, children of the best so far, each scored on held-out episodes of its trained runs; the best is the highest score", async () => {
    const seen: Candidate[] = [];
    const a = await evolveRewards(config, options, { onCandidate: (c) => seen.push(c) });
    const b = await evolveRewards(config, options);
    expect(b.candidates).toEqual(a.candidates);
    expect(seen).toEqual(a.candidates);
    const { candidates } = a;
    expect(candidates[0]).toMatchObject({ id: "i0-0", origin: "sparse", spec: sparseSpec() });
    // 4 in iteration 0, then 2 new ones per iteration (2 elites carried over).
    expect(candidates.map((c) => c.iteration)).toEqual([0, 0, 0, 0, 1, 1, 2, 2]);
    const ids = new Set<string>();
    for (const c of candidates) {
      for (const p of c.parents) expect(ids.has(p)).toBe(true);
      ids.add(c.id);
      expect((c.spec as CandidateSpec).terms[0]).toEqual(sparseSpec().terms[0]);
      expect(c.verdict.ok).toBe(true);
      expect(c.scores).toHaveLength(2);
      expect(c.score).toBeCloseTo((c.scores![0] + c.scores![1]) / 2, 12);
    }
    // Children come from the two best of the iteration before.
    const before = candidates.filter((c) => c.iteration === 0).sort((x, y) => y.score! - x.score!);
    for (const c of candidates.filter((c) => c.iteration === 1)) for (const p of c.parents) expect(before.slice(0, 2).map((x) => x.id)).toContain(p);
    expect(a.best.score).toBe(Math.max(...candidates.map((c) => c.score!)));
    // A spec seen before is not trained again.
    const distinct = new Set(candidates.map((c) => JSON.stringify(c.spec))).size;
    expect(a.runs).toBe(distinct * 2);
    expect(a.saved).toBe(0);
    expect(a.finalists).toEqual([]);
  }, 60_000);

  test("with the pre-screen, candidates that prefer failures are dropped before training and counted as saved", async () => {
    const r = await evolveRewards(config, { ...options, population: 10, iterations: 1, seeds: [1], prescreen: { episodes: 48, threshold: 0.5 } });
    const dropped = r.candidates.filter((c) => !c.verdict.ok);
    expect(dropped.length).toBeGreaterThan(0);
    for (const c of r.candidates) {
      expect(c.preference).toBeDefined();
      if (c.preference! < 0.5) {
        expect(c.verdict.errors[0]).toMatch(/^prescreen: prefers failures \(P\(success > failure\) = 0\.\d{3} over \d+ × \d+ recorded episodes, below 0\.5\)$/);
        expect(c.scores).toBeUndefined();
      } else expect(c.scores).toHaveLength(1);
    }
    expect(r.saved).toBe(dropped.length);
    expect(r.rejected).toEqual({ critic: 0, prescreen: dropped.length, training: 0 });
  }, 60_000);

  test("finalists: the best distinct candidates trained again on fresh seeds, and the best of that re-check wins", async () => {
    const r = await evolveRewards(config, { ...options, finalists: 2, finalSeeds: [7, 8] });
    const plain = await evolveRewards(config, options);
    // The search is the same; only the pick differs.
    expect(r.candidates.map((c) => [c.id, c.score])).toEqual(plain.candidates.map((c) => [c.id, c.score]));
    expect(r.finalists).toHaveLength(2);
    expect(JSON.stringify(r.finalists[0].spec)).not.toBe(JSON.stringify(r.finalists[1].spec));
    expect(r.finalists[0].score).toBe(plain.best.score);
    expect(r.best.finalScore).toBe(Math.max(...r.finalists.map((c) => c.finalScore!)));
    expect(r.runs).toBe(plain.runs + 2 * 2);
    await expect(evolveRewards(config, { ...options, finalSeeds: [2, 7] })).rejects.toThrow(/^finalSeeds: expected seeds no candidate is judged on; 2 is also a training seed$/);
  }, 60_000);
});

describe("feature scales", () => {
  test("a feature enters a term divided by the range it spans under a random policy; 0/1 features as they are", async () => {
    const { featureScales } = await import("./genome.js");
    const { makeRewarded } = await import("../rewards/make.js");
    const scales = featureScales(makeRewarded("MountainCar-v0", 8, sparseSpec()).vec, 256, 0);
    // The car's velocity spans a few hundredths; its position most of a unit.
    expect(scales["car.velocity"]).toBeGreaterThan(0.01);
    expect(scales["car.velocity"]).toBeLessThan(0.1);
    expect(scales["car.position"]).toBeGreaterThan(0.3);
    const vocab = { features: ["car.velocity", "door.open"], events: [], scales: { "car.velocity": 0.057, "door.open": 1 } };
    const rng = new Rng(4);
    const texts = new Set<string>();
    for (let k = 0; k < 200; k++) {
      const t = randomSpec(vocab, rng, GENOME).terms.slice(1) as AuxTerm[];
      for (const term of t) texts.add(term.kind === "potential" ? term.phi : term.kind === "expression" ? term.expr : "");
    }
    expect(texts).toContain("car.velocity / 0.057");
    expect(texts).toContain("door.open");
    expect(texts).toContain("0.5 * car.velocity / 0.057 + 0.5 * door.open");
  });
});
