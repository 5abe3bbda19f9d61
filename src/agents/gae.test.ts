import { expect, test } from "vitest";
import { gae } from "./gae.js";

test("GAE matches a hand-computed 3-step rollout with an episode end in the middle", () => {
  // One environment, 3 steps; the episode ends at t = 1.
  const rewards = Float32Array.of(1, 2, 0.5);
  const values = Float32Array.of(0.5, 1, 2);
  const dones = Uint8Array.of(0, 1, 0);
  const last = Float32Array.of(3);
  const [gamma, lam] = [0.9, 0.8];
  const adv = new Float32Array(3);
  const ret = new Float32Array(3);
  gae(rewards, values, dones, last, 1, 3, gamma, lam, adv, ret);
  const d2 = 0.5 + gamma * 3 - 2; // t = 2 bootstraps from the last value
  const d1 = 2 - 1; // t = 1 ends the episode: no bootstrap
  const d0 = 1 + gamma * 1 - 0.5;
  const a2 = d2;
  const a1 = d1;
  const a0 = d0 + gamma * lam * a1;
  expect(Array.from(adv)).toEqual([a0, a1, a2].map(Math.fround));
  expect(Array.from(ret)).toEqual([a0 + 0.5, a1 + 1, a2 + 2].map(Math.fround));
});

test("environments are independent in a time-major rollout", () => {
  const n = 2;
  const rewards = Float32Array.of(1, 0, 1, 0);
  const values = new Float32Array(4);
  const dones = new Uint8Array(4);
  const adv = new Float32Array(4);
  gae(rewards, values, dones, new Float32Array(2), n, 2, 1, 1, adv, new Float32Array(4));
  expect(Array.from(adv)).toEqual([2, 0, 1, 0]);
});
