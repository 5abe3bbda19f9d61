import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { RewardModel, type Comparison } from "./reward-model.js";
import { Vpl, type UserBatch } from "./vpl.js";

const d = 4;
const T = 4;
// Two kinds of user who agree on feature 0 and disagree on feature 1.
const W = [
  [1, 2, 0, 0],
  [1, -2, 0, 0],
];

function pair(w: number[], rng: Rng): Comparison {
  const seg = () => Float32Array.from({ length: T * d }, () => rng.normal());
  const a = seg();
  const b = seg();
  const ret = (x: Float32Array) => x.reduce((s, v, i) => s + v * w[i % d], 0);
  return { a, b, label: ret(a) > ret(b) ? 1 : 0 };
}

function user(type: number, rng: Rng, C: number, Q: number): UserBatch & { type: number } {
  return { type, context: Array.from({ length: C }, () => pair(W[type], rng)), queries: Array.from({ length: Q }, () => pair(W[type], rng)) };
}

test("VPL infers who is labelling from a few of their labels and beats one Bradley–Terry model on a population that disagrees", () => {
  const rng = new Rng(0);
  const C = 8;
  const Q = 8;
  const users = Array.from({ length: 400 }, (_, i) => user(i % 2, rng, C, Q));
  const vpl = new Vpl(d, { latent: 2, hidden: 32, learningRate: 3e-3, beta: 0.01, seed: 1 });
  const losses: number[] = [];
  for (let step = 0; step < 400; step++) {
    const batch = Array.from({ length: 16 }, () => users[rng.int(users.length)]);
    losses.push(vpl.train(batch, C, Q));
  }
  const bt = new RewardModel(d, { members: 1, hidden: [32], epochs: 10, seed: 1 });
  bt.train(users.flatMap((u) => [...u.context, ...u.queries]));
  // New users of each type: their context, then their held-out queries.
  const fresh = Array.from({ length: 40 }, (_, i) => user(i % 2, rng, C, 20));
  let vplRight = 0;
  let btRight = 0;
  let total = 0;
  for (const u of fresh) {
    const p = vpl.predict(u, C);
    u.queries.forEach((q, j) => {
      vplRight += (p[j] > 0.5 ? 1 : 0) === q.label ? 1 : 0;
      btRight += (bt.preferenceProbabilities(q.a, q.b)[0] > 0.5 ? 1 : 0) === q.label ? 1 : 0;
      total++;
    });
  }
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  expect(mean(losses.slice(-50))).toBeLessThan(mean(losses.slice(0, 50)));
  // One model can only serve the users' common ground (feature 0); VPL serves each.
  expect(btRight / total).toBeLessThan(0.75);
  expect(vplRight / total).toBeGreaterThan(btRight / total + 0.1);
}, 120_000);
