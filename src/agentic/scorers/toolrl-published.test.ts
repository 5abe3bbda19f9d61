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

describe("published mode on hostile input", () => {
  test("a 1 MB answer, 20 000 differently named calls or deep nesting are scored quickly, without an exception", () => {
    const gold = '<tool_call>\n{"name": "a", "parameters": {"v": 1}}\n</tool_call>';
    const many = Array.from({ length: 20_000 }, (_, i) => `{"name": "t${i}", "parameters": {"v": ${i}}}`).join("\n");
    const settings: PublishedSettings = { template: "qwen", granularity: "default", scale: "default", length: "fixed" };
    const start = performance.now();
    // 20 000 predicted names, none "a": names 0/(1 + 20 000); no match. S = 0, so R_min −3; format 1; length round(1/512, 2) = 0.
    expect(publishedScore(`<think>x</think>\n<tool_call>\n${many}\n</tool_call>`, gold, 0, settings).score).toBe(1 - 3 + 0);
    const big = `<think>${"w ".repeat(1 << 19)}</think>\n<tool_call>\n{"name": "a", "parameters": {"v": "${"y".repeat(1 << 20)}"}}\n</tool_call>`;
    // Names 1, keys 1, value unequal: S = 2 of 3 → R_correct = 6·2/3 − 3 = 1; format 1; length min(1, round(2^19/512, 2)) = 1.
    expect(publishedScore(big, gold, 0, settings).score).toBe(3);
    expect(publishedScore(`<think>x</think>\n<tool_call>\n${"[".repeat(1 << 20)}\n</tool_call>`, gold, 0, settings).correctness).toBe(-3);
    expect(publishedScore("<tool_call>".repeat(1 << 17), gold, 0, settings).score).toBe(-3);
    expect(performance.now() - start).toBeLessThan(3000);
  });
});
