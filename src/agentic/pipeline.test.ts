import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ABSTAINED, FAILED, RewardPipeline, SCORED } from "./pipeline.js";
import { defineScorer, ruleScorer, type ScorerDefinition } from "./scorer.js";
import { SCORERS } from "./scorers/registry.js";
import { parseAgenticSpec } from "./spec.js";
import { parseTrajectory } from "./trajectory.js";

/** Counts the trajectories it is asked about, returning the answer's length. */
function counting() {
  const seen: string[] = [];
  const def = defineScorer({
    kind: "counted",
    description: "test",
    options: z.object({}).strict(),
    make: (_o, name) => ruleScorer(name, (t) => (seen.push(t.answer), { value: t.answer.length, reason: "len" })),
  });
  return { seen, def: def as ScorerDefinition };
}

function pipelineWith(spec: unknown, extra: ScorerDefinition[] = []): RewardPipeline {
  const defs = new Map(SCORERS);
  for (const d of extra) defs.set(d.kind, d);
  return new RewardPipeline(parseAgenticSpec(spec, defs), { baseDir: ".", env: {} });
}

const batch = (answers: string[], ref = "42") => answers.map((a) => parseTrajectory({ answer: a, reference: { answer: ref } }));

describe("the scoring pipeline", () => {
  it("sums weighted aspects and keeps each one's value and reason", async () => {
    const p = pipelineWith({ aspects: [{ kind: "exact" }, { name: "tags", kind: "tags", weight: 0.5 }] });
    const s = await p.score(batch(["42", "<think>x</think><answer>41</answer>"]));
    expect(Array.from(s.rewards)).toEqual([1, 0.5]);
    const results = RewardPipeline.results(s);
    expect(results[0]!.aspects).toEqual({ exact: 1, tags: 0 });
    expect(results[1]!.reasons.tags).toMatch(/well formed/);
  });

  it("a gated aspect is not scored where its gate is closed, and takes `otherwise` there", async () => {
    const { seen, def } = counting();
    const p = pipelineWith({ aspects: [{ name: "correct", kind: "exact" }, { name: "len", kind: "counted", weight: 0.1, gate: { on: "correct", min: 1, otherwise: -1 } }] }, [def]);
    const s = await p.score(batch(["42", "41", " 42 "]));
    expect(seen).toEqual(["42", " 42 "]);
    expect(Array.from(s.aspects[1]!.values)).toEqual([2, -1, 4]);
    expect(s.aspects[1]!.reasons[1]).toBe("gated: correct < 1");
    expect(s.rewards[1]).toBeCloseTo(-0.1, 12);
  });

  it("PAR maps a value to the mean sigmoid of its margin over the reference responses", async () => {
    const { def } = counting();
    const p = pipelineWith({ aspects: [{ name: "len", kind: "counted", par: { k: 0.5 } }] }, [def]);
    const t = parseTrajectory({ answer: "abcd", reference: { responses: ["a", "abcdef"] } });
    const s = await p.score([t, parseTrajectory({ answer: "x" })]);
    // r = 4, references 1 and 6, k = 0.5: (σ(0.5·3) + σ(0.5·−2))/2 = (0.817574 + 0.268941)/2 = 0.543258.
    expect(s.aspects[0]!.values[0]).toBeCloseTo(0.543258, 6);
    // Without reference responses PAR does not apply.
    expect(Number.isNaN(s.aspects[0]!.values[1])).toBe(true);
    expect(s.aspects[0]!.reasons[1]).toBe("PAR needs reference.responses");
  });

  it("a scorer's non-finite value fails the reward, with the reason saying so; it is never summed as 0", async () => {
    const bad = defineScorer({ kind: "bad", description: "t", options: z.object({}).strict(), make: (_o, name) => ruleScorer(name, () => ({ value: NaN, reason: "oops" })) });
    const p = pipelineWith({ aspects: [{ kind: "bad" }, { kind: "exact" }] }, [bad as ScorerDefinition]);
    const s = await p.score(batch(["42"]));
    expect(Number.isNaN(s.rewards[0])).toBe(true);
    expect(s.status[0]).toBe(FAILED);
    expect(s.failures[0]).toBe("bad: non-finite value NaN; oops");
    expect(RewardPipeline.results(s)[0]).toMatchObject({ reward: null, status: "failed", failure: "bad: non-finite value NaN; oops", aspects: { bad: null, exact: 1 } });
    // Asked for a number, a caller gets it; the status still says failed.
    expect(RewardPipeline.results(s, -1)[0]).toMatchObject({ reward: -1, status: "failed" });
  });

  it("a scorer that throws, synchronously or not, fails its aspect for the batch instead of rejecting it", async () => {
    const throwing = (kind: string, async: boolean) =>
      defineScorer({
        kind,
        description: "t",
        options: z.object({}).strict(),
        make: (_o, name) => ({
          name,
          scoreBatch: () => {
            if (!async) throw new Error("boom\nat line 2");
            return Promise.reject(new Error("async boom"));
          },
        }),
      }) as ScorerDefinition;
    const p = pipelineWith({ aspects: [{ kind: "exact" }, { kind: "sync" }, { kind: "async" }] }, [throwing("sync", false), throwing("async", true)]);
    const s = await p.score(batch(["42", "7"]));
    expect(Array.from(s.status)).toEqual([FAILED, FAILED]);
    expect(s.aspects[1]!.reasons).toEqual(["scorer threw: boom at line 2", "scorer threw: boom at line 2"]);
    expect(s.aspects[2]!.reasons[0]).toBe("scorer threw: async boom");
    expect(s.failures[0]).toBe("sync: scorer threw: boom at line 2");
    // The aspect that worked keeps its values.
    expect(Array.from(s.aspects[0]!.values)).toEqual([1, 0]);
  });

  it("an asynchronous aspect that does not answer within deadlineMs fails, and a weight-0 failure is only logged", async () => {
    const slow = defineScorer({
      kind: "slow",
      description: "t",
      options: z.object({}).strict(),
      make: (_o, name) => ({ name, scoreBatch: (b) => new Promise((resolve) => setTimeout(() => resolve(b.map(() => ({ value: 1, reason: "late" }))), 2000).unref()) }),
    }) as ScorerDefinition;
    const p = pipelineWith({ aspects: [{ kind: "exact" }, { kind: "slow", deadlineMs: 30 }] }, [slow]);
    const t0 = Date.now();
    const s = await p.score(batch(["42"]));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.status[0]).toBe(FAILED);
    expect(s.aspects[1]!.reasons[0]).toBe("no scores within the aspect's deadline of 30 ms");
    const logged = pipelineWith({ aspects: [{ kind: "exact" }, { kind: "slow", deadlineMs: 30, weight: 0 }] }, [slow]);
    const l = await logged.score(batch(["42"]));
    expect([l.status[0], l.rewards[0], l.aspects[1]!.status[0]]).toEqual([SCORED, 1, FAILED]);
  });

  it("a missed deadline or an aborted request aborts the scorer's signal; later aspects are not scored after an abort", async () => {
    const seen: AbortSignal[] = [];
    const waits = defineScorer({
      kind: "waits",
      description: "t",
      options: z.object({}).strict(),
      make: (_o, name) => ({ name, scoreBatch: (_b, o) => (seen.push(o!.signal!), new Promise(() => {})) }),
    }) as ScorerDefinition;
    const { seen: counted, def } = counting();
    const late = await pipelineWith({ aspects: [{ kind: "waits", deadlineMs: 30 }] }, [waits]).score(batch(["42"]));
    expect(late.aspects[0]!.reasons[0]).toBe("no scores within the aspect's deadline of 30 ms");
    expect(seen[0]!.aborted).toBe(true);
    const request = new AbortController();
    const p = pipelineWith({ aspects: [{ kind: "waits" }, { kind: "counted" }] }, [waits, def]);
    const pending = p.score(batch(["42"]), { signal: request.signal });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen[1]!.aborted).toBe(false);
    request.abort();
    const s = await pending;
    expect(seen[1]!.aborted).toBe(true);
    expect(s.status[0]).toBe(FAILED);
    expect(s.aspects.map((a) => a.reasons[0])).toEqual(["cancelled: the request was aborted", "cancelled: the request was aborted"]);
    expect(counted).toEqual([]);
  });

  it("a gated scorer that throws fails only the trajectories it was asked about; a gate on an abstaining aspect abstains", async () => {
    const boom = defineScorer({ kind: "boom", description: "t", options: z.object({}).strict(), make: (_o, name) => ({ name, scoreBatch: () => Promise.reject(new Error("down")) }) }) as ScorerDefinition;
    const p = pipelineWith({ aspects: [{ kind: "exact" }, { kind: "boom", gate: { on: "exact" } }] }, [boom]);
    const s = await p.score([...batch(["42", "7"]), parseTrajectory({ answer: "42" })]);
    // Open gate: the scorer failed. Closed gate: `otherwise` (0), scored. No reference: exact abstains, so does boom.
    expect(Array.from(s.aspects[1]!.status)).toEqual([FAILED, SCORED, ABSTAINED]);
    expect(Array.from(s.status)).toEqual([FAILED, SCORED, ABSTAINED]);
    expect(s.aspects[1]!.reasons[2]).toBe("gate exact did not apply");
  });

  it("a scorer that returns nulls or too few scores fails those trajectories instead of rejecting the request", async () => {
    const nulls = defineScorer({ kind: "nulls", description: "t", options: z.object({}).strict(), make: (_o, name) => ({ name, scoreBatch: (b) => b.map(() => null as never) }) }) as ScorerDefinition;
    const short = defineScorer({ kind: "short", description: "t", options: z.object({}).strict(), make: (_o, name) => ({ name, scoreBatch: () => [] }) }) as ScorerDefinition;
    const p = pipelineWith({ aspects: [{ kind: "exact" }, { kind: "nulls" }, { kind: "short", gate: { on: "exact" } }] }, [nulls, short]);
    const s = await p.score(batch(["42", "7"]));
    expect(s.aspects[1]!.reasons[0]).toBe("scorer returned null instead of a score");
    expect(s.aspects[2]!.reasons[0]).toBe("scorer returned 0 scores for 1 trajectories");
    expect(Array.from(s.aspects[2]!.status)).toEqual([FAILED, SCORED]);
  });

  it("a reward no counting aspect applied to abstains (null), and a gate whose aspect failed fails the gated aspect", async () => {
    const p = pipelineWith({ aspects: [{ kind: "numeric" }, { kind: "exact", weight: 0 }] });
    const noRef = [parseTrajectory({ answer: "42" })];
    const s = await p.score(noRef);
    expect(s.status[0]).toBe(ABSTAINED);
    expect(RewardPipeline.results(s)[0]).toMatchObject({ reward: null, status: "abstained" });
    // A reference that is not a number: the numeric scorer cannot read its input, which is a failure.
    const gated = pipelineWith({ aspects: [{ kind: "numeric", weight: 0 }, { kind: "exact", gate: { on: "numeric" } }] });
    const g = await gated.score(batch(["42"], "forty-two"));
    expect(g.aspects[0]!.status[0]).toBe(FAILED);
    expect(g.aspects[1]!.reasons[0]).toBe("gate numeric failed");
    expect(g.status[0]).toBe(FAILED);
  });

  it("spec errors name the aspect: duplicate names, gates on later aspects", () => {
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact" }, { kind: "exact" }] }, SCORERS)).toThrow(/^aspects\[1\]\.name: duplicate aspect name "exact"/);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact", gate: { on: "tags" } }, { kind: "tags" }] }, SCORERS)).toThrow(/^aspects\[0\]\.gate\.on: expected the name of an aspect listed before this one/);
    expect(() => parseAgenticSpec({ aspects: [] }, SCORERS)).toThrow(/^aspects: /);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact", weight: "high" }] }, SCORERS)).toThrow(/^aspects\[0\]\.weight: /);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact", tolerance: 1 }] }, SCORERS)).toThrow(/^aspects\[0\]/);
    expect(() => parseAgenticSpec({ aspects: [{ name: "score", kind: "exact" }] }, SCORERS)).toThrow(/^aspects\[0\]\.name: "score" is reserved/);
    expect(() => parseAgenticSpec({ aspects: [{ name: "rewardlab_failed", kind: "exact" }] }, SCORERS)).toThrow(/^aspects\[0\]\.name: names starting with "rewardlab_" are reserved/);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact" }], failedReward: "zero" }, SCORERS)).toThrow(/^failedReward: /);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact" }], advantages: { estimator: "rloo", aggregation: "normalize_then_sum" } }, SCORERS)).toThrow(/^advantages\.aggregation: normalize_then_sum normalizes each aspect with grpo/);
  });

  it("a scorer that cannot be built names its aspect", () => {
    const spec = parseAgenticSpec({ aspects: [{ kind: "exact" }, { kind: "judge", model: "m", baseURL: "https://judge.example/v1" }] }, SCORERS);
    expect(() => new RewardPipeline(spec, { baseDir: ".", env: {} })).toThrow(/^aspects\[1\]\.apiKeyEnv: /);
  });
});
