import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { initGru, tokenize, TokenGru } from "./token-gru.js";

test("the GRU's backward pass is the gradient: it matches central finite differences on every parameter block", () => {
  const shape = { vocab: 7, embed: 3, hidden: 4, actions: 3 };
  const gru = new TokenGru(shape);
  const p = initGru(shape, new Rng(1));
  const tokens = Int32Array.of(2, 5, 2, 0, 6);
  // A loss of the logits with a gradient that depends on them: L = Σ_a w_a · logits_a²/2 + logits_0.
  const w = [0.3, -1.2, 0.7];
  const loss = (q: Float64Array) => {
    const l = gru.forward(q, tokens).logits;
    return l.reduce((s, v, a) => s + (w[a] * v * v) / 2, 0) + l[0];
  };
  const trace = gru.forward(p, tokens);
  const dLogits = Array.from(trace.logits, (v, a) => w[a] * v + (a === 0 ? 1 : 0));
  const grad = new Float64Array(gru.size);
  gru.backward(p, trace, dLogits, grad);
  const eps = 1e-6;
  let checked = 0;
  for (let i = 0; i < gru.size; i++) {
    const q = Float64Array.from(p);
    q[i] += eps;
    const up = loss(q);
    q[i] -= 2 * eps;
    const down = loss(q);
    const numeric = (up - down) / (2 * eps);
    expect(grad[i]).toBeCloseTo(numeric, 6);
    if (numeric !== 0) checked++;
  }
  // Every block took part (embeddings of unused tokens have zero gradient, the rest do not).
  expect(checked).toBeGreaterThan(gru.size - 4 * 3);
});

test("tokens: words hashed to ids, the last ones kept", () => {
  const ids = tokenize("You face north. Ahead: 2 free steps", 64, 4);
  expect(ids).toHaveLength(4);
  expect(tokenize("You face north. Ahead: 2 free steps", 64, 4)).toEqual(ids);
  for (const id of ids) expect(id).toBeLessThan(64);
});
