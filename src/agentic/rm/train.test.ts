import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { loadHead, rmText } from "./head.js";
import { heldOutIndices, parsePairs, splitTranscript, trainRewardModel, type PreferencePair } from "./train.js";

const PAIRS = fileURLToPath(new URL("../../../examples/agentic/pairs.jsonl", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "rewardlab-rm-"));

describe("preference pairs files", () => {
  test("accept RewardBench rows and hh-rlhf transcripts, whose last Assistant turn is the response", () => {
    const text = [
      JSON.stringify({ prompt: "2+2?", chosen: "4", rejected: "5", subset: "math", id: 7 }),
      "",
      JSON.stringify({
        chosen: "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: What is 2+2?\n\nAssistant: It is 4.",
        rejected: "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: What is 2+2?\n\nAssistant: Go away.",
        margin: 1.5,
      }),
    ].join("\n");
    expect(parsePairs(text, "p.jsonl")).toEqual([
      { prompt: "2+2?", chosen: "4", rejected: "5", subset: "math" },
      { prompt: "Human: Hi\n\nAssistant: Hello!\n\nHuman: What is 2+2?", chosen: "It is 4.", rejected: "Go away.", margin: 1.5 },
    ]);
    expect(splitTranscript("no turns here")).toBeUndefined();
  });

  test("with a bad row are a UserError naming the file and line and saying what was expected", () => {
    const good = JSON.stringify({ prompt: "p", chosen: "a", rejected: "b" });
    const cases: [string, string][] = [
      ["{not json", 'p.jsonl:3: expected a JSON object {"prompt", "chosen", "rejected"}, got invalid JSON'],
      ["[1, 2]", 'p.jsonl:3: expected an object {"prompt", "chosen", "rejected"}, got a list of 2'],
      [JSON.stringify({ prompt: "p", chosen: "a" }), 'p.jsonl:3: expected "rejected" to be a string, got nothing'],
      [JSON.stringify({ prompt: 3, chosen: "a", rejected: "b" }), 'p.jsonl:3: expected "prompt" to be a string, got 3'],
      [JSON.stringify({ prompt: "p", chosen: "a", rejected: "b", margin: "big" }), 'p.jsonl:3: expected "margin" to be a number, got "big"'],
      [JSON.stringify({ chosen: "plain text", rejected: "more text" }), 'p.jsonl:3: expected "prompt", or hh-rlhf transcripts'],
      [JSON.stringify({ chosen: "\n\nHuman: a\n\nAssistant: x", rejected: "\n\nHuman: b\n\nAssistant: y" }), "p.jsonl:3: expected the chosen and rejected transcripts to share everything before their last Assistant turn"],
    ];
    for (const [row, message] of cases) {
      let error: unknown;
      try {
        parsePairs(`${good}\n\n${row}\n${good}`, "p.jsonl");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toContain(message);
    }
  });

  test("are held out by whole prompts, a seeded share of them", () => {
    const pairs: PreferencePair[] = Array.from({ length: 30 }, (_, i) => ({ prompt: `q${i % 10}`, chosen: `good ${i}`, rejected: `bad ${i}` }));
    const held = heldOutIndices(pairs, 0.2, new Rng(4));
    expect(held.size).toBe(6);
    for (let i = 0; i < 30; i++) expect(held.has(i)).toBe(held.has(i % 10)); // a prompt's pairs stay together
    expect([...heldOutIndices(pairs, 0.2, new Rng(4))]).toEqual([...held]);
    expect([...heldOutIndices(pairs, 0.2, new Rng(5))]).not.toEqual([...held]);
    expect(heldOutIndices(pairs, 0, new Rng(4)).size).toBe(0);
    // Never everything: one prompt is always left to train on.
    expect(heldOutIndices(pairs.slice(0, 2), 0.9, new Rng(1)).size).toBe(1);
  });
});

describe("training on the example pairs (real sentence embeddings)", () => {
  // 64 hand-written pairs over 64 prompts: helpful and correct answers against rude, evasive,
  // off-topic and wrong ones. A quarter of the prompts is held out. Measured (seeds 0-2): held-out
  // accuracy 15/16, 13/16, 11/16 (mean 0.81); the same training on label-shuffled pairs: 0.56, 0.31,
  // 0.56 (mean 0.48). Over seeds 0-9 the mean is 0.86 against 0.54. The "wrong" subset (a
  // confidently wrong fact) is near chance: an embedding of the text does not know the facts.
  test("reaches held-out accuracy well above chance, where training on shuffled labels stays at chance", async () => {
    const real: number[] = [];
    const shuffled: number[] = [];
    const byStyle = { correct: 0, total: 0 };
    for (const seed of [0, 1, 2]) {
      const r = await trainRewardModel(PAIRS, { seed, heldOut: 0.25 });
      expect(r.heldOutPairs).toBe(16);
      expect(r.trainPairs).toBe(48);
      expect(r.trainAccuracy).toBeGreaterThan(0.95);
      expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]);
      real.push(r.heldOutAccuracy!);
      for (const s of r.subsets) {
        if (s.subset === "wrong") continue;
        byStyle.correct += s.heldOut.accuracy * s.heldOut.pairs || 0;
        byStyle.total += s.heldOut.pairs;
      }
      const control = await trainRewardModel(PAIRS, { seed, heldOut: 0.25, labelNoise: 0.5 });
      shuffled.push(control.heldOutAccuracy!);
    }
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean(real)).toBeGreaterThanOrEqual(0.75);
    expect(mean(shuffled)).toBeLessThanOrEqual(0.65);
    expect(mean(real) - mean(shuffled)).toBeGreaterThanOrEqual(0.2);
    // Rude, evasive and off-topic answers are what the embedding can see.
    expect(byStyle.correct / byStyle.total).toBeGreaterThanOrEqual(0.85);
  });

  test("writes a head file that loads back and scores a helpful answer above a rude one to a new prompt", async () => {
    const out = join(dir, "rm.json");
    const r = await trainRewardModel(PAIRS, { seed: 0, out, hidden: 4, epochs: 30 });
    expect(r.out).toBe(out);
    const { head, training } = loadHead(out);
    expect(training).toMatchObject({ pairsFile: "pairs.jsonl", pairs: 64, heldOutAccuracy: r.heldOutAccuracy, options: { hidden: 4, epochs: 30, seed: 0 } });
    const { embed } = await import("./embedder.js");
    const prompt = "How do I make my bicycle chain run smoothly?";
    const [good, rude] = await embed([rmText(prompt, "Clean it with a rag, then put a drop of chain oil on each link and wipe off the excess."), rmText(prompt, "Figure it out yourself, I'm not your mechanic.")]);
    expect(head.score(good)).toBeGreaterThan(head.score(rude));
    expect(head.score(good)).toBe(r.head.score(good));
  });

  test("from pairs in memory, with a custom embedding, and rejects too few pairs and bad options", async () => {
    const letters = (t: string) => Array.from({ length: 4 }, (_, k) => (t.match(/!/g)?.length ?? 0) * (k === 0 ? 1 : 0) + (k === 1 ? t.length / 100 : 0));
    const pairs = Array.from({ length: 12 }, (_, i) => ({ prompt: `p${i}`, chosen: `yes${"!".repeat(1 + (i % 3))}`, rejected: "no" }));
    const r = await trainRewardModel(pairs, { heldOut: 0.25 }, { embed: async (ts) => ts.map(letters) });
    expect(r.head.dimension).toBe(4);
    expect(r.heldOutAccuracy).toBe(1);
    await expect(trainRewardModel(pairs.slice(0, 1), {})).rejects.toThrow("pairs: expected at least 2 preference pairs, got 1");
    await expect(trainRewardModel(pairs, { epochs: 0 })).rejects.toThrow(UserError);
    await expect(trainRewardModel(join(dir, "none.jsonl"))).rejects.toThrow(/none\.jsonl: cannot read the preference pairs \(ENOENT\)/);
    writeFileSync(join(dir, "bad.jsonl"), '{"prompt": "p", "chosen": "a", "rejected": "b"}\n{"prompt": "p"}\n');
    await expect(trainRewardModel(join(dir, "bad.jsonl"))).rejects.toThrow(/bad\.jsonl:2: expected "chosen" to be a string/);
  });
});
