import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { EMBEDDING_MODEL } from "./embedder.js";
import { HeadOptions, loadHead, pairAccuracy, promptText, RewardHead, rmText, saveHead, type EmbeddedPair } from "./head.js";

function unit(rng: Rng, d: number): Float64Array {
  const v = Float64Array.from({ length: d }, () => rng.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function randomPairs(rng: Rng, d: number, n: number): EmbeddedPair[] {
  return Array.from({ length: n }, (_, i) => ({ chosen: unit(rng, d), rejected: unit(rng, d), ...(i % 3 === 0 ? { margin: 0.7 } : {}) }));
}

/** Pairs whose chosen side has a larger projection on a hidden direction u (plus noise elsewhere). */
function separablePairs(rng: Rng, d: number, n: number, u: Float64Array): EmbeddedPair[] {
  const pairs: EmbeddedPair[] = [];
  while (pairs.length < n) {
    const a = unit(rng, d);
    const b = unit(rng, d);
    const pa = a.reduce((s, x, k) => s + x * u[k], 0);
    const pb = b.reduce((s, x, k) => s + x * u[k], 0);
    if (Math.abs(pa - pb) < 0.05) continue;
    pairs.push(pa > pb ? { chosen: a, rejected: b } : { chosen: b, rejected: a });
  }
  return pairs;
}

describe("the Bradley–Terry loss", () => {
  for (const hidden of [0, 3]) {
    test(`has a hand-written gradient that matches central finite differences (hidden = ${hidden}, with margins, centering and L2)`, () => {
      const rng = new Rng(11);
      const d = 7;
      const head = RewardHead.init(d, hidden, rng);
      // Move the biases off zero so every term of the gradient is exercised.
      for (let i = 0; i < head.params.length; i++) head.params[i] += rng.normal(0, 0.3);
      const pairs = randomPairs(rng, d, 5);
      const options = { margin: 0.25, centerCoefficient: 0.05, l2: 0.02 };
      const grad = new Float64Array(head.params.length);
      head.lossAndGradient(pairs, options, grad);
      const h = 1e-6;
      let worst = 0;
      for (let i = 0; i < head.params.length; i++) {
        const saved = head.params[i];
        head.params[i] = saved + h;
        const up = head.lossAndGradient(pairs, options);
        head.params[i] = saved - h;
        const down = head.lossAndGradient(pairs, options);
        head.params[i] = saved;
        const numeric = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - grad[i]) / Math.max(1e-4, Math.abs(numeric) + Math.abs(grad[i])));
      }
      expect(worst).toBeLessThan(1e-6);
      expect(grad.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    });
  }

  test("is −log σ(r_c − r_r − m) plus the centering term, as TRL's RewardTrainer computes it", () => {
    const head = new RewardHead(2, 0, Float64Array.of(0.5, -0.25, 0.1));
    const s = Math.SQRT2;
    const pair = { chosen: [1, 0], rejected: [0, 1] };
    const rc = 0.5 * s + 0.1;
    const rr = -0.25 * s + 0.1;
    expect(head.score(pair.chosen)).toBeCloseTo(rc, 12);
    const loss = head.lossAndGradient([pair], { margin: 0.3, centerCoefficient: 0.01, l2: 0 });
    expect(loss).toBeCloseTo(-Math.log(1 / (1 + Math.exp(-(rc - rr - 0.3)))) + 0.01 * (rc + rr) ** 2, 12);
  });
});

describe("training", () => {
  test("a linear head and a one-hidden-layer head both learn a preference direction, reach high held-out accuracy and lower the loss; the same seed gives the same weights", () => {
    const d = 32;
    const rng = new Rng(3);
    const u = unit(rng, d);
    const train = separablePairs(rng, d, 200, u);
    const heldOut = separablePairs(rng, d, 100, u);
    for (const hidden of [0, 8]) {
      const options = HeadOptions.parse({ hidden, epochs: 30, seed: 1 });
      const head = RewardHead.init(d, hidden, new Rng(1));
      const before = pairAccuracy(head, heldOut);
      const losses = head.fit(train, options, new Rng(2));
      expect(losses).toHaveLength(30);
      expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
      expect(pairAccuracy(head, heldOut)).toBeGreaterThan(0.9);
      expect(before).toBeLessThan(0.75);
      const again = RewardHead.init(d, hidden, new Rng(1));
      again.fit(train, options, new Rng(2));
      expect(Array.from(again.params)).toEqual(Array.from(head.params));
    }
  });

  test("ties count as wrong", () => {
    const head = new RewardHead(3, 0);
    expect(pairAccuracy(head, [{ chosen: [1, 0, 0], rejected: [0, 1, 0] }])).toBe(0);
    expect(pairAccuracy(head, [])).toBeNaN();
  });
});

describe("saved heads", () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-head-"));
  const d = EMBEDDING_MODEL.dimension;

  test("round-trip through JSON with the embedding model's name and dimension, scoring exactly as before", () => {
    for (const hidden of [0, 4]) {
      const head = RewardHead.init(d, hidden, new Rng(hidden + 5));
      const file = join(dir, `head-${hidden}.json`);
      saveHead(file, head, { pairs: 3 });
      const json = JSON.parse(readFileSync(file, "utf8"));
      expect(json.format).toBe("rewardlab.reward-head/1");
      expect(json.embedding).toEqual({ model: EMBEDDING_MODEL.name, dimension: d });
      const loaded = loadHead(file);
      expect(loaded.training).toEqual({ pairs: 3 });
      const x = unit(new Rng(9), d);
      expect(loaded.head.score(x)).toBe(head.score(x));
      expect(loaded.head.hidden).toBe(hidden);
    }
  });

  test("with a wrong shape, format or model are a UserError naming the file and the field", () => {
    const file = join(dir, "good.json");
    saveHead(file, RewardHead.init(d, 2, new Rng(1)));
    const good = JSON.parse(readFileSync(file, "utf8"));
    const cases: [string, (j: typeof good) => void, string][] = [
      ["short.json", (j) => (j.layers[0].w = j.layers[0].w.slice(0, 100)), "layers[0].w: expected 1024 numbers, got a list of 100"],
      ["nan.json", (j) => (j.layers[1].w[1] = "x"), 'layers[1].w[1]: expected a finite number, got "x"'],
      ["layers.json", (j) => j.layers.pop(), "layers: expected 2 layers for hidden = 2"],
      ["dim.json", (j) => (j.embedding.dimension = 384), "embedding.dimension: expected 512, got 384"],
      ["model.json", (j) => (j.embedding.model = "all-MiniLM-L6-v2"), 'embedding.model: expected "universal-sentence-encoder-lite-en"'],
      ["format.json", (j) => (j.format = "rewardlab.reward-head/9"), 'format: expected "rewardlab.reward-head/1", got "rewardlab.reward-head/9"'],
    ];
    for (const [name, mutate, message] of cases) {
      const j = structuredClone(good);
      mutate(j);
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(j));
      let error: unknown;
      try {
        loadHead(path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toContain(`${path}: ${message}`);
    }
    writeFileSync(join(dir, "broken.json"), "{");
    expect(() => loadHead(join(dir, "broken.json"))).toThrow(/broken\.json: expected a reward head \(JSON\), got invalid JSON/);
    expect(() => loadHead(join(dir, "missing.json"))).toThrow(/missing\.json: cannot read the reward head \(ENOENT\)/);
  });
});

test("the embedded text is the prompt, a blank line and the response; long prompts keep their end; message prompts become transcripts", () => {
  expect(rmText("What is 2+2?", "4")).toBe("What is 2+2?\n\n4");
  expect(rmText("", "4")).toBe("4");
  const long = rmText("x".repeat(2000) + "END", "ok");
  expect(long.startsWith("…")).toBe(true);
  expect(long).toContain("END\n\nok");
  expect(long.length).toBe(1 + 1500 + 2 + 2);
  expect(promptText([{ role: "user", content: "hi" }])).toBe("hi");
  expect(
    promptText([
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
      { role: "user", content: "2+2?" },
    ]),
  ).toBe("System: be brief\n\nHuman: hi\n\nAssistant: hello\n\nHuman: 2+2?");
});
