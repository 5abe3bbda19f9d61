import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { makeCurriculum } from "./index.js";
import { TaskFilter } from "./filter.js";
import { Plr } from "./plr.js";

const RANGE = { start: 10, end: 20 };

test("uniform draws every task of the range and nothing outside it", () => {
  const c = makeCurriculum({ kind: "uniform" }, RANGE);
  const rng = new Rng(1);
  const seen = new Set(Array.from({ length: 500 }, () => c.next(rng)));
  expect([...seen].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
});

test("PLR's replay distribution is (1 − ρ)·P_S + ρ·P_C with rank prioritization, as the paper writes it", () => {
  const plr = new Plr(RANGE, { beta: 1, staleness: 0.25, replayProb: 1, score: "value-loss" });
  // Three tasks: the learner's scores 0.3, 0.9, 0.6 (their success rates do not count), played at counts 1, 2, 3.
  plr.record(10, { success: 0.1, return: 0, score: 0.3 });
  plr.record(11, { success: 1, return: 0, score: 0.9 });
  plr.record(12, { success: 0, return: 0, score: 0.6 });
  const w = Array.from(plr.replayWeights());
  // Ranks: task 11 (0.9) first, 12 (0.6) second, 10 (0.3) third: h = 1, 1/2, 1/3 over their sum 11/6.
  const ps = [(1 / 3) / (11 / 6), 1 / (11 / 6), (1 / 2) / (11 / 6)];
  // Staleness c − C_i with c = 3: 2, 1, 0 over 3.
  const pc = [2 / 3, 1 / 3, 0];
  w.forEach((x, k) => expect(x).toBeCloseTo(0.75 * ps[k] + 0.25 * pc[k], 12));
  expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
});

test("PLR replays high-scoring tasks most, tries unseen ones in proportion to what is left, and resumes exactly", () => {
  const plr = new Plr(RANGE, { beta: 0.1, staleness: 0.1, replayProb: "proportionate", score: "success" });
  const rng = new Rng(2);
  // Nothing seen: always a new task.
  const first = plr.next(rng);
  expect(first).toBeGreaterThanOrEqual(10);
  for (let t = 10; t < 20; t++) plr.record(t, { success: t === 13 ? 0 : 1, return: 0 });
  // Every task seen: always replay, and the unsolved one dominates (β = 0.1 is nearly greedy).
  const draws = Array.from({ length: 400 }, () => plr.next(rng));
  expect(draws.filter((t) => t === 13).length).toBeGreaterThan(300);
  const copy = new Plr(RANGE, plr.options);
  copy.load(JSON.parse(JSON.stringify(plr.state())));
  const [a, b] = [new Rng(9), new Rng(9)];
  expect(Array.from({ length: 50 }, () => copy.next(a))).toEqual(Array.from({ length: 50 }, () => plr.next(b)));
});

test("XLand's filter skips tasks estimated too easy or too hard, keeps unseen ones, and estimates by a running mean", () => {
  const f = new TaskFilter(RANGE, { low: 0.2, high: 0.8, tries: 50, rate: 0.5 });
  for (let t = 10; t < 20; t++) f.record(t, { success: t < 15 ? 1 : 0, return: 0 });
  f.record(12, { success: 0, return: 0 });
  expect(f.estimateOf(12)).toBe(0.5);
  expect(f.estimateOf(19)).toBe(0);
  const rng = new Rng(3);
  const draws = Array.from({ length: 200 }, () => f.next(rng));
  // Only task 12 (estimated 0.5) is neither too easy (1) nor too hard (0); after 50 misses (p = 0.9^50) the last candidate stays.
  expect(draws.filter((t) => t === 12).length).toBeGreaterThanOrEqual(195);
});

test("PLR scored by value loss waits for the learner: a trial without its score is a bug, not a zero", () => {
  const plr = makeCurriculum({ kind: "plr", beta: 0.1, staleness: 0.1, replayProb: "proportionate", score: "value-loss" }, RANGE);
  expect(plr.scoredByLearner).toBe(true);
  expect(() => plr.record(10, { success: 1, return: 1 })).toThrow(/did not score/);
  expect(makeCurriculum({ kind: "plr", beta: 0.1, staleness: 0.1, replayProb: "proportionate", score: "success" }, RANGE).scoredByLearner).toBe(false);
});
