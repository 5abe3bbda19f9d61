/** Shared test helpers for gridworld tasks (not part of the public API). */
import { expect } from "vitest";
import { make } from "../registry.js";
import type { GridEnv } from "./engine.js";
import { solve } from "./solver.js";

/**
 * For `seeds` seeds: the planner finds a plan, and replaying it through the
 * public step API ends in success (terminated, reward > 0) before truncation.
 */
export function expectSolvable(id: string, seeds = 100, kwargs?: Record<string, unknown>): void {
  const env = make(id, { kwargs });
  for (let seed = 0; seed < seeds; seed++) {
    env.reset(seed);
    const plan = solve(env.core as GridEnv);
    if (!plan) throw new Error(`${id} seed ${seed}: no plan found\n${env.render()}`);
    let last = { reward: 0, terminated: false, truncated: false };
    for (const action of plan) {
      expect(last.terminated || last.truncated, `${id} seed ${seed}: episode ended before the plan did`).toBe(false);
      last = env.step(action);
    }
    expect(last.terminated && last.reward > 0, `${id} seed ${seed}: plan of ${plan.length} steps did not succeed`).toBe(true);
  }
}
