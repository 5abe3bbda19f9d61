import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RewardPipeline } from "./pipeline.js";
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

  it("a scorer's non-finite value is treated as not applicable, with the reason saying so", async () => {
    const bad = defineScorer({ kind: "bad", description: "t", options: z.object({}).strict(), make: (_o, name) => ruleScorer(name, () => ({ value: NaN, reason: "oops" })) });
    const p = pipelineWith({ aspects: [{ kind: "bad" }, { kind: "exact" }] }, [bad as ScorerDefinition]);
    const s = await p.score(batch(["42"]));
    expect(s.rewards[0]).toBe(1);
    expect(s.aspects[0]!.reasons[0]).toMatch(/^non-finite value NaN treated as not applicable/);
  });

  it("spec errors name the aspect: duplicate names, gates on later aspects", () => {
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact" }, { kind: "exact" }] }, SCORERS)).toThrow(/^aspects\[1\]\.name: duplicate aspect name "exact"/);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact", gate: { on: "tags" } }, { kind: "tags" }] }, SCORERS)).toThrow(/^aspects\[0\]\.gate\.on: expected the name of an aspect listed before this one/);
    expect(() => parseAgenticSpec({ aspects: [] }, SCORERS)).toThrow(/^aspects: /);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact", weight: "high" }] }, SCORERS)).toThrow(/^aspects\[0\]\.weight: /);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact", tolerance: 1 }] }, SCORERS)).toThrow(/^aspects\[0\]/);
    expect(() => parseAgenticSpec({ aspects: [{ name: "score", kind: "exact" }] }, SCORERS)).toThrow(/^aspects\[0\]\.name: "score" is reserved/);
    expect(() => parseAgenticSpec({ aspects: [{ kind: "exact" }], advantages: { estimator: "rloo", aggregation: "normalize_then_sum" } }, SCORERS)).toThrow(/^advantages\.aggregation: normalize_then_sum normalizes each aspect with grpo/);
  });

  it("a scorer that cannot be built names its aspect", () => {
    const spec = parseAgenticSpec({ aspects: [{ kind: "exact" }, { kind: "judge", model: "m", baseURL: "https://judge.example/v1" }] }, SCORERS);
    expect(() => new RewardPipeline(spec, { baseDir: ".", env: {} })).toThrow(/^aspects\[1\]\.apiKeyEnv: /);
  });
});
