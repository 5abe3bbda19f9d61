import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseConfig } from "../../core/config.js";
import { importTrajectory } from "../import.js";
import type { Score } from "../scorer.js";
import { parseTrajectory } from "../trajectory.js";
import { toolrlScorers } from "./toolrl.js";
import { publishedScore, type PublishedSettings } from "./toolrl-published.js";

/** One case of fixtures/toolrl/cases.jsonl: inputs and what the authors' compute_score returned (or raised). */
interface Fixture {
  id: string;
  group: string;
  settings: PublishedSettings;
  step: number;
  /** Their solution_str ended with the template's end token. */
  eos: boolean;
  ground_truth: string;
  answer: string;
  expected: { score: number; format: number; correctness: number; length: number } | null;
  raised: string | null;
}

const fixtures: Fixture[] = readFileSync(new URL("../../../fixtures/toolrl/cases.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => JSON.parse(line) as Fixture);
const scored = fixtures.filter((f) => f.expected !== null);
const raised = fixtures.filter((f) => f.raised !== null);

const END = { qwen: "<|im_end|>", llama: "<|eot_id|>" };
const needsStep = (s: PublishedSettings) => s.scale === "two-stage" || s.scale === "dynamic" || s.length === "dynamic";

/**
 * Scores fixtures as verl rows the authors' data preparation writes
 * (`reward_model.ground_truth` a string), through rewardlab's importer.
 * The step reaches the scorer as the `step` option for even-numbered
 * cases and as `extra_info.step` (metadata) for odd ones.
 */
function scoreAll(cases: readonly Fixture[]): Score[] {
  return cases.map((f, i) => {
    const { template, granularity, scale, length } = f.settings;
    const viaOption = needsStep(f.settings) && i % 2 === 0;
    const options = { mode: "published", published: { template, granularity, scale, length, ...(viaOption ? { step: f.step } : {}) } };
    const def = toolrlScorers[0];
    const scorer = def.make(parseConfig(def.options, options), "toolrl", { baseDir: ".", env: {} });
    const row = {
      data_source: "rlla",
      prompt: [{ role: "user", content: "Find the weather in Paris." }],
      reward_model: { style: "rule", ground_truth: f.ground_truth },
      extra_info: viaOption ? {} : { step: f.step },
      response: f.answer + (f.eos ? END[template] : ""),
    };
    return (scorer.scoreBatch([importTrajectory(row)]) as Score[])[0];
  });
}

describe("parity with the authors' compute_score (fixtures/toolrl)", () => {
  test("the fixtures hold several hundred cases, every published setting, and cases where their code raised", () => {
    expect(fixtures.length).toBeGreaterThan(500);
    expect(raised.length).toBeGreaterThan(0);
    const seen = (k: keyof PublishedSettings) => new Set(fixtures.map((f) => f.settings[k]));
    expect(seen("granularity")).toEqual(new Set(["default", "refined", "intermediate", "coarse"]));
    expect(seen("scale")).toEqual(new Set(["default", "equal", "two-stage", "dynamic"]));
    expect(seen("length")).toEqual(new Set(["off", "fixed", "dynamic"]));
    expect(seen("template")).toEqual(new Set(["qwen", "llama"]));
  });

  test("mode: published gives their score (to 1e-9) on every fixture where their code returns one", () => {
    const scores = scoreAll(scored);
    const wrong = scored
      .map((f, i) => ({ id: f.id, expected: f.expected!.score, got: scores[i]!.value, reason: scores[i]!.reason }))
      .filter((r) => r.got === null || Math.abs(r.got - r.expected) > 1e-9);
    expect(wrong).toEqual([]);
  });

  test("each of their three terms matches too: format, correctness, length", () => {
    const wrong: string[] = [];
    for (const f of scored) {
      const r = publishedScore(f.answer, f.ground_truth, f.step, f.settings);
      for (const k of ["format", "correctness", "length"] as const) {
        if (Math.abs(r[k] - f.expected![k]) > 1e-9) wrong.push(`${f.id} ${k}: expected ${f.expected![k]}, got ${r[k]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test("where their code raised (a gold that json.loads rejects), the score is failed: null with the reason", () => {
    const scores = scoreAll(raised);
    for (const [i, s] of scores.entries()) {
      expect(s.value, raised[i]!.id).toBeNull();
      expect(s.reason, raised[i]!.id).toMatch(/^the reference's <tool_call> block is not JSON lines/);
      expect(s.status).toBe("failed");
    }
  });

  test("a structured reference (reference.toolCalls, reference.answer) scores as the gold string it stands for", () => {
    // Their own rows: golds whose calls are plain {"name", "parameters"} lines.
    const real = scored.filter((f) => f.group === "real");
    expect(real.length).toBeGreaterThan(100);
    const def = toolrlScorers[0];
    const scorer = def.make(parseConfig(def.options, { mode: "published" }), "toolrl", { baseDir: ".", env: {} });
    for (const f of real) {
      const block = f.ground_truth.includes("<tool_call>") ? f.ground_truth.split("<tool_call>")[1]!.split("</tool_call>")[0]!.trim() : "";
      const toolCalls = block === "" ? [] : block.split("\n").map((line) => {
        const c = JSON.parse(line) as { name: string; parameters: Record<string, unknown> };
        return { name: c.name, arguments: c.parameters };
      });
      const reference = { toolCalls, ...(f.ground_truth.includes("<response>") ? { answer: "the gold response" } : {}) };
      const s = (scorer.scoreBatch([parseTrajectory({ answer: f.answer, reference })]) as Score[])[0]!;
      expect(s.value, f.id).toBeCloseTo(f.expected!.score, 9);
    }
  });
});
