import { expect, test } from "vitest";
import { makeVector } from "../registry.js";
import { CommonsHarvest, STAY, ZAP } from "../social/commons.js";
import type { AgentSeat } from "./seats.js";
import { equality, meanMetrics, SocialMeter, type SocialMetrics } from "./social-metrics.js";

test("equality is 1 − Gini of the returns: 1 when equal, 0.25 when one of four takes all, NaN without a positive total", () => {
  expect(equality([2, 2, 2, 2])).toBe(1);
  expect(equality([4, 0, 0, 0])).toBe(0.25);
  expect(equality([20, 0])).toBe(0.5);
  expect(equality([0, 0])).toBeNaN();
  expect(equality([-3, 1])).toBeNaN();
});

/** Plays `rounds` steps of a vector of seats with fixed actions per row; the metrics of every table episode that ended. */
function play(id: string, kwargs: Record<string, unknown>, tables: number, steps: number, actions: (t: number) => number[]) {
  const vec = makeVector(id, tables, { kwargs });
  vec.reset(0);
  const meter = SocialMeter.of(vec)!;
  meter.restart();
  const ended: [number, SocialMetrics][] = [];
  for (let t = 0; t < steps; t++) {
    meter.before();
    vec.step(Int32Array.from(actions(t)));
    ended.push(...meter.after());
  }
  return { vec, meter, ended };
}

test("Prisoner's Dilemma tables: collective return, equality, sustainability and cooperation as their definitions give", () => {
  // Table 0: both cooperate; table 1: player 0 defects against a cooperator, every round.
  const { ended, meter } = play("PrisonersDilemma", { rounds: 4 }, 2, 4, () => [0, 0, 1, 0]);
  expect(meter.m).toBe(2);
  expect(ended.map(([k]) => k)).toEqual([0, 1]);
  const [[, both], [, exploited]] = ended;
  expect(both).toEqual({ collective: 24, perCapita: 12, equality: 1, sustainability: 2.5 / 4, peace: NaN, cooperation: 1 });
  // Returns 20 and 0: the sucker is never rewarded, so sustainability is the defector's alone.
  expect(exploited).toEqual({ collective: 20, perCapita: 10, equality: 0.5, sustainability: 2.5 / 4, peace: NaN, cooperation: 0.5 });
  expect(meanMetrics([both, exploited])).toEqual({ collective: 22, perCapita: 11, equality: 0.75, sustainability: 0.625, peace: NaN, cooperation: 0.75 });
});

test("CommonsHarvest: peace counts the agent-steps spent frozen after a zap", () => {
  const kwargs = { players: 2, map: ["WWWWWWW", "WP   PW", "WWWWWAW"], timeout: 5, maxSteps: 10, regrowth: [0, 0, 0] };
  const vec = makeVector("CommonsHarvest", 1, { kwargs });
  vec.reset(0);
  const core = (vec.cores[0] as AgentSeat).core as CommonsHarvest;
  // Face each other two cells apart: player_0 at (1, 1) facing east, player_1 at (3, 1).
  core.put(0, 1, 1, 0);
  core.put(1, 3, 1, 2);
  const meter = SocialMeter.of(vec)!;
  meter.restart();
  const ended: SocialMetrics[] = [];
  for (let t = 0; t < 10; t++) {
    meter.before();
    vec.step(Int32Array.of(t === 0 ? ZAP : STAY, STAY));
    ended.push(...meter.after().map(([, m]) => m));
  }
  expect(ended).toHaveLength(1);
  // player_1 sits out 5 of the 10 steps: 5 of 20 agent-steps.
  expect(ended[0].peace).toBe(0.75);
  expect(ended[0].cooperation).toBeNaN();
  expect(ended[0].collective).toBe(0);
  expect(ended[0].equality).toBeNaN();
});

test("a single-agent vector has no population to measure", () => {
  expect(SocialMeter.of(makeVector("CartPole-v1", 2))).toBeUndefined();
});
