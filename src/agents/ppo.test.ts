import { expect, test } from "vitest";
import { train } from "../runs/loop.js";
import { makeVector } from "../envs/registry.js";
import { RewardedVector } from "../rewards/rewarded.js";
import { Ppo } from "./ppo.js";

const cartpole = (n = 4) => new RewardedVector(makeVector("CartPole-v1", n), { terms: [{ kind: "task" }] });

/** Mean return of greedy episodes on fresh environments. */
function evaluate(ppo: Ppo, episodes: number, seed: number): number {
  const vec = makeVector("CartPole-v1", 1);
  let obs = vec.reset(seed);
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    for (;;) {
      vec.step(ppo.policyActions(obs));
      obs = vec.obs;
      if (vec.terminated[0] || vec.truncated[0]) {
        total += vec.episodeReturn[0];
        break;
      }
    }
  }
  return total / episodes;
}

test("PPO with CleanRL's defaults (500k-step schedule) solves CartPole-v1 within 250k steps (seeded)", () => {
  const ppo = new Ppo(cartpole(), {}, 1);
  const returns: number[] = [];
  let solvedAt = Infinity;
  train(ppo, 500_000, (_m, episodes) => {
    returns.push(...episodes.map((e) => e.primary));
    const recent = returns.slice(-20);
    if (recent.length === 20 && recent.reduce((a, b) => a + b, 0) / 20 >= 475) {
      solvedAt = ppo.globalStep;
      return false;
    }
  });
  expect(solvedAt).toBeLessThanOrEqual(250_000);
  expect(evaluate(ppo, 5, 123)).toBeGreaterThanOrEqual(475);
}, 120_000);

test("the same seed gives the same training, bit for bit", () => {
  const run = () => {
    const ppo = new Ppo(cartpole(2), { numSteps: 32 }, 7);
    const metrics: number[] = [];
    train(ppo, 32 * 2 * 3, (m) => void metrics.push(m["losses/policy_loss"], m["losses/value_loss"], m["losses/approx_kl"]));
    return { metrics, params: JSON.stringify(ppo.state().params) };
  };
  const a = run();
  const b = run();
  expect(a.metrics.length).toBe(9);
  expect(b).toEqual(a);
});

test("a saved learner loads into a new one and acts the same", () => {
  const ppo = new Ppo(cartpole(2), { numSteps: 32 }, 3);
  train(ppo, 64 * 2);
  const other = new Ppo(cartpole(2), { numSteps: 32 }, 99);
  other.load(JSON.parse(JSON.stringify(ppo.state())));
  const obs = Float32Array.of(0.01, 0.2, -0.03, -0.1, 0.05, -0.4, 0.02, 0.3);
  expect(Array.from(other.policyActions(obs))).toEqual(Array.from(ppo.policyActions(obs)));
});

test("PPO with continuous actions (diagonal Gaussian) trains on Pendulum and keeps actions within bounds", () => {
  const rv = new RewardedVector(makeVector("Pendulum-v1", 4), { terms: [{ kind: "task" }] });
  const ppo = new Ppo(rv, { numSteps: 64, entCoef: 0 }, 5);
  const losses: number[] = [];
  train(ppo, 64 * 4 * 6, (m) => void losses.push(m["losses/value_loss"], m["losses/policy_loss"], m["losses/approx_kl"]));
  expect(losses.every(Number.isFinite)).toBe(true);
  const actions = ppo.policyActions(Float32Array.of(1, 0, 0.5, 0, 1, -3, -1, 0, 2, 0.5, 0.5, 8), false);
  expect(Array.from(actions).every((a) => a >= -2 && a <= 2)).toBe(true);
});
