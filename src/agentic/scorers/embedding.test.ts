import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { parseTrajectory, type TrajectoryInput } from "../trajectory.js";
import { clearEmbeddingCache, cosine, embed, embeddingStats, EMBED_CHUNK, EMBEDDING_MODEL, LruCache } from "../rm/embedder.js";
import { trainRewardModel } from "../rm/train.js";
import { embeddingScorers, referenceTexts } from "./embedding.js";

const context = (baseDir: string) => ({ baseDir, env: {} });
const kind = (k: string) => embeddingScorers.find((d) => d.kind === k)!;
const batch = (...ts: TrajectoryInput[]) => ts.map((t) => parseTrajectory(t));

describe("the embedder", () => {
  test("gives unit-length 512-number vectors, the same for a text alone or in a batch of more than one chunk, and embeds each distinct text once", async () => {
    const texts = Array.from({ length: EMBED_CHUNK * 2 + 5 }, (_, i) => `Sentence number ${i} about the weather in town ${i % 7}.`);
    const before = embeddingStats().embedded;
    const many = await embed([...texts, texts[0]]);
    expect(embeddingStats().embedded - before).toBe(texts.length);
    expect(many).toHaveLength(texts.length + 1);
    expect(many[0].length).toBe(EMBEDDING_MODEL.dimension);
    expect(Math.hypot(...many[3])).toBeCloseTo(1, 4);
    expect(many.at(-1)).toBe(many[0]);
    // Cached: asking again embeds nothing new.
    const again = await embed([texts[40], texts[41]]);
    expect(embeddingStats().embedded - before).toBe(texts.length);
    expect(again[0]).toBe(many[40]);
    // Embedded alone after the cache is cleared, a text gets the same vector as in the big batch.
    clearEmbeddingCache();
    const [alone] = await embed([texts[40]]);
    expect(alone).not.toBe(many[40]);
    for (let k = 0; k < alone.length; k++) expect(alone[k]).toBeCloseTo(many[40][k], 5);
  });

  test("places paraphrases close together and unrelated sentences far apart; the package's `distance` is this cosine similarity", async () => {
    const [a, b, c] = await embed(["The capital of France is Paris.", "Paris is France's capital city.", "My dog loves chasing tennis balls."]);
    expect(cosine(a, b)).toBeGreaterThan(0.8);
    expect(cosine(a, c)).toBeLessThan(0.3);
    const { distance } = await import("@energetic-ai/embeddings");
    expect(distance(Array.from(a), Array.from(b))).toBeCloseTo(cosine(a, b), 5);
  });

  test("cache drops the least recently used entry", () => {
    const lru = new LruCache<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1); // a is now the most recent
    lru.set("c", 3);
    expect([lru.get("a"), lru.get("b"), lru.get("c"), lru.size]).toEqual([1, undefined, 3, 2]);
  });
});

describe("similarity", () => {
  const similarity = kind("similarity").make({ against: "all" }, "sim", context("."));

  test("scores a paraphrase of the reference above an unrelated answer, against the closest reference, and names it", async () => {
    const scores = await similarity.scoreBatch(
      batch(
        { prompt: "Capital of France?", answer: "Paris is the capital of France.", reference: { answer: ["Berlin", "The capital of France is Paris."] } },
        { prompt: "Capital of France?", answer: "I like turtles and green salad.", reference: { answer: ["Berlin", "The capital of France is Paris."] } },
        { answer: "Forty-two is the answer.", reference: { answer: 42, responses: ["The answer is forty-two."] } },
      ),
    );
    expect(scores[0].value!).toBeGreaterThan(0.8);
    expect(scores[0].reason).toMatch(/^cosine similarity 0\.\d{3} to reference\.answer\[1\] \(best of 2\)$/);
    expect(scores[1].value!).toBeLessThan(scores[0].value! - 0.4);
    expect(scores[2].reason).toContain("to reference.responses[0]");
  });

  test("is null without a reference and 0 for an empty answer; `against` restricts the references", async () => {
    const responsesOnly = kind("similarity").make({ against: "responses" }, "sim", context("."));
    const t = batch({ answer: "Paris.", reference: { answer: "Paris." } }, { answer: "", reference: { responses: ["Paris."] } }, { answer: "Paris." });
    const scores = await responsesOnly.scoreBatch(t);
    expect(scores[0]).toEqual({ value: null, reason: "no reference.responses to compare with" });
    expect(scores[1]).toEqual({ value: 0, reason: "empty answer" });
    expect((await similarity.scoreBatch([t[2]]))[0]).toEqual({ value: null, reason: "no reference.answer or reference.responses to compare with" });
    expect((await similarity.scoreBatch([t[0]]))[0].value).toBeCloseTo(1, 5);
    expect(referenceTexts(t[0], "answer")).toEqual([{ text: "Paris.", from: "reference.answer" }]);
  });
});

describe("rm", () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-rm-scorer-"));

  test("scores trajectories with a trained head resolved against the spec's directory: a helpful answer above a rude or evasive one", async () => {
    const pairs = fileURLToPath(new URL("../../../examples/agentic/pairs.jsonl", import.meta.url));
    const trained = await trainRewardModel(pairs, { out: join(dir, "rm.json"), seed: 0 });
    const rm = kind("rm").make({ model: "rm.json" }, "rm", context(dir));
    const prompt = "How do I keep my houseplants alive while I'm on holiday for a week?";
    const scores = await rm.scoreBatch(
      batch(
        { prompt, answer: "Water them well the day before you leave and move them out of direct sun; for a week that is usually enough." },
        { prompt, answer: "Not my problem. Ask a gardener, you lazy person." },
        { prompt: [{ role: "user", content: prompt }], answer: "Plants are a complicated subject, so I couldn't say." },
      ),
    );
    expect(scores[0].value!).toBeGreaterThan(scores[1].value!);
    expect(scores[0].value!).toBeGreaterThan(scores[2].value!);
    expect(scores[0].reason).toBe(`reward model rm.json scores ${scores[0].value!.toFixed(3)}`);
    // The same text the trainer embeds: a one-message prompt is its content.
    const { rmText } = await import("../rm/head.js");
    const [v] = await embed([rmText(prompt, "Plants are a complicated subject, so I couldn't say.")]);
    expect(scores[2].value).toBe(trained.head.score(v));
  });

  test("rejects a missing or malformed head file when the scorer is made, naming the file", () => {
    expect(() => kind("rm").make({ model: "nope.json" }, "rm", context(dir))).toThrow(UserError);
    expect(() => kind("rm").make({ model: "nope.json" }, "rm", context(dir))).toThrow(`${join(dir, "nope.json")}: cannot read the reward head`);
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ format: "rewardlab.reward-head/1", embedding: { model: EMBEDDING_MODEL.name, dimension: 512 }, hidden: 0, activation: "tanh", layers: [{ w: [1, 2], b: [0] }] }));
    expect(() => kind("rm").make({ model: "bad.json" }, "rm", context(dir))).toThrow(`${join(dir, "bad.json")}: layers[0].w: expected 512 numbers, got a list of 2`);
    expect(kind("rm").options.safeParse({ model: "rm.json", extra: 1 }).success).toBe(false);
    expect(kind("similarity").options.parse({})).toEqual({ against: "all" });
  });
});
