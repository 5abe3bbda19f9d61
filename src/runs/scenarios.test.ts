import { expect, test } from "vitest";
import type { Learner } from "../agents/learner.js";
import { RunConfig } from "./config.js";
import { parseBackground, playScenario } from "./scenarios.js";

const config = RunConfig.parse({ env: { id: "PrisonersDilemma", kwargs: { rounds: 4 } }, numEnvs: 1, steps: 1000, learner: { algo: "ppo" } });

/** A focal population that always cooperates (action 0), whatever it sees. */
const cooperators = { act: (obs: Float32Array) => new Int32Array(obs.length / 10) } as unknown as Learner;

test("a background that always defects exploits cooperators; among themselves they earn mutual cooperation, on the same episodes", () => {
  const withDefector = playScenario(cooperators, config, { background: { kind: "action", action: 1 }, seats: [1] }, 3, 7);
  expect(withDefector).toHaveLength(3);
  for (const e of withDefector) {
    expect(e.focal).toBe(0); // the sucker's payoff, 4 rounds
    expect(e.background).toBe(20); // the temptation, 4 rounds
    expect(e.metrics.cooperation).toBe(0.5);
    expect(e.metrics.collective).toBe(20);
  }
  const among = playScenario(cooperators, config, undefined, 3, 7);
  expect(among.map((e) => [e.focal, e.background, e.metrics.cooperation])).toEqual([[12, NaN, 1], [12, NaN, 1], [12, NaN, 1]]);
  // A random background cooperates about half the time: the cooperators earn between the two.
  const random = playScenario(cooperators, config, { background: { kind: "random" }, seats: [0] }, 16, 7);
  const mean = random.reduce((s, e) => s + e.focal, 0) / random.length;
  expect(mean).toBeGreaterThan(0);
  expect(mean).toBeLessThan(12);
});

test("another trained policy as the background: its actions fill the background seats", () => {
  const defectors = { act: (obs: Float32Array) => new Int32Array(obs.length / 10).fill(1) } as unknown as Learner;
  const episodes = playScenario(cooperators, config, { background: { kind: "policy", learner: defectors, name: "defectors" }, seats: [0] }, 2, 3);
  expect(episodes.map((e) => [e.focal, e.background])).toEqual([[0, 20], [0, 20]]);
});

test("scenario inputs: the background's form, seats inside the table, at least one focal seat, a multi-agent environment", () => {
  expect(parseBackground("action:1", 2)).toEqual({ kind: "action", action: 1 });
  expect(() => parseBackground("action:2", 2)).toThrow(/^--background: expected random, action:N with N from 0 to 1, run:ID or run:ID@STEP, got "action:2"$/);
  expect(() => parseBackground("defect", 2)).toThrow(/^--background: /);
  expect(() => playScenario(cooperators, config, { background: { kind: "random" }, seats: [2] }, 1, 0)).toThrow(/^--seats: expected seat indices from 0 to 1, got 2$/);
  expect(() => playScenario(cooperators, config, { background: { kind: "random" }, seats: [0, 1] }, 1, 0)).toThrow(/^--seats: leave at least one seat to the focal population$/);
  const single = RunConfig.parse({ env: { id: "CartPole-v1" }, numEnvs: 1, steps: 1000, learner: { algo: "ppo" } });
  expect(() => playScenario(cooperators, single, undefined, 1, 0)).toThrow(/single-agent environment/);
});
