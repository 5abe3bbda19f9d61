import { describe, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { createMultiAgentCore, makeParallelVector } from "../multi/registry.js";
import { ParallelVectorEnv } from "../multi/vector.js";
import { MatrixGameVector } from "./matrix.js";

describe("MatrixGameVector", () => {
  const cases = [
    { id: "PublicGoods", kwargs: { players: 3, history: 2, rounds: 5 } },
    { id: "Chicken", kwargs: { history: 4, rounds: 3 } },
  ];
  for (const { id, kwargs } of cases) {
    test(`${id}: steps exactly as the generic vector of the same cores: rows, episode ends, features read off each core`, () => {
      const n = 4;
      const fast = makeParallelVector(id, n, { kwargs });
      expect(fast).toBeInstanceOf(MatrixGameVector);
      const slow = new ParallelVectorEnv(fast.id, Array.from({ length: n }, () => createMultiAgentCore(id, kwargs)));
      const ends: [string, number][] = [];
      fast.onEpisodeEnd = (i, core) => ends.push(["fast", i * 1000 + core.stepCount]);
      slow.onEpisodeEnd = (i, core) => ends.push(["slow", i * 1000 + core.stepCount]);
      const rows = (v: ParallelVectorEnv) => ({
        obs: Array.from(v.obs),
        finalObs: Array.from(v.finalObs),
        rewards: Array.from(v.rewards),
        terminated: Array.from(v.terminated),
        truncated: Array.from(v.truncated),
        events: Array.from(v.events),
        active: Array.from(v.active),
        episodeReturn: Array.from(v.episodeReturn),
        episodeLength: Array.from(v.episodeLength),
        episodeEnded: Array.from(v.episodeEnded),
        features: v.cores.flatMap((core) => core.agentNames.flatMap((_, j) => core.features.map((f) => f.read(core, j)))),
      });
      fast.reset([3, 1, 4, 1]);
      slow.reset([3, 1, 4, 1]);
      expect(rows(fast)).toEqual(rows(slow));
      const rng = new Rng(9);
      const actions = new Int32Array(fast.rows);
      for (let t = 0; t < 17; t++) {
        // Mostly one action per step, so the mutual events and every history come up.
        const bias = rng.float();
        for (let r = 0; r < fast.rows; r++) actions[r] = rng.float() < bias ? 1 : 0;
        fast.step(actions);
        slow.step(actions);
        expect(rows(fast)).toEqual(rows(slow));
      }
      expect(ends.filter(([v]) => v === "fast").map(([, e]) => e)).toEqual(ends.filter(([v]) => v === "slow").map(([, e]) => e));
      expect(ends.length).toBeGreaterThanOrEqual(2 * n * 2);
    });
  }

  test("a bad action leaves every environment untouched", () => {
    const vec = makeParallelVector("PrisonersDilemma", 2);
    vec.reset(0);
    vec.step(Int32Array.of(0, 1, 1, 1));
    const before = Array.from(vec.obs);
    expect(() => vec.step(Int32Array.of(0, 1, 2, 0))).toThrow(/^actions\[2\]: expected an integer in \[0, 1\], got 2$/);
    expect(Array.from(vec.obs)).toEqual(before);
    expect(vec.cores[0].stepCount).toBe(1);
  });
});
