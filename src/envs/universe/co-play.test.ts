import { describe, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { createMultiAgentCore, makeParallel } from "../multi/registry.js";
import { make } from "../registry.js";
import type { Tag } from "../social/tag.js";
import { CO_PLAYERS, CoPlayEnv, CoPlayKwargs, TRAIN_CO_PLAYERS } from "./co-play.js";
import { coPlayerAction } from "./co-players.js";

const env = (kwargs: Record<string, unknown> = {}) => new CoPlayEnv(CoPlayKwargs.parse(kwargs));

describe("co-play tasks", () => {
  test("the same tasks for the same seed; training tasks have training co-players only, every held-out task a held-out co-player in another seat", () => {
    const a = env({ count: 400, benchmarkSeed: 3 });
    const b = env({ count: 400, benchmarkSeed: 3 });
    const other = env({ count: 400, benchmarkSeed: 4 });
    const tasks = Array.from({ length: 400 }, (_, i) => a.taskAt(i));
    expect(tasks).toEqual(Array.from({ length: 400 }, (_, i) => b.taskAt(i)));
    expect(tasks).not.toEqual(Array.from({ length: 400 }, (_, i) => other.taskAt(i)));
    const others = (i: number) => tasks[i].coPlayers.filter((_, k) => k !== tasks[i].seat);
    for (let i = 0; i < 360; i++) expect(tasks[i].coPlayers.every((p) => p < TRAIN_CO_PLAYERS)).toBe(true);
    for (let i = 360; i < 400; i++) expect(others(i).some((p) => p >= TRAIN_CO_PLAYERS)).toBe(true);
    // Every game, every seat of it, and every co-player occur.
    expect(new Set(tasks.map((t) => t.game)).size).toBe(3);
    expect(new Set(tasks.map((t) => `${t.game}:${t.seat}`)).size).toBe(12);
    expect(new Set(tasks.flatMap((_, i) => others(i))).size).toBe(CO_PLAYERS.length);
    // Episodes of the test split draw held-out tasks only.
    const test = env({ count: 400, benchmarkSeed: 3, split: "test" });
    const seen = new Set<number>();
    for (let e = 0; e < 50; e++) {
      test.reset(new Float32Array(test.observationSpace.size), 0);
      seen.add(test.taskIndex);
    }
    expect([...seen].every((i) => i >= 360)).toBe(true);
    expect(seen.size).toBeGreaterThan(20);
  });

  test("co-players follow their rules: still stays, chase closes in, flee moves away, random moves every way", () => {
    const tag = createMultiAgentCore("Tag", { players: 2, obstacles: [] }) as Tag;
    tag.seed(0);
    tag.reset(new Float32Array(2 * tag.observationSpace.size), 0);
    const opponent = (j: number, k: number) => tag.isTagger(j) !== tag.isTagger(k);
    const rng = new Rng(1);
    [tag.x[0], tag.y[0], tag.x[1], tag.y[1]] = [1, 1, 5, 4];
    const after = (j: number, a: number) => Math.abs(tag.x[1 - j] - (tag.x[j] + [0, 0, 1, 0, -1][a])) + Math.abs(tag.y[1 - j] - (tag.y[j] + [0, -1, 0, 1, 0][a]));
    for (let trial = 0; trial < 20; trial++) {
      expect(coPlayerAction(tag, 0, { kind: "still", epsilon: 0 }, opponent, rng)).toBe(0);
      expect(after(0, coPlayerAction(tag, 0, { kind: "chase", epsilon: 0 }, opponent, rng))).toBe(tag.distance(0, 1) - 1);
      expect(after(1, coPlayerAction(tag, 1, { kind: "flee", epsilon: 0 }, opponent, rng))).toBe(tag.distance(0, 1) + 1);
    }
    const moves = new Set(Array.from({ length: 200 }, () => coPlayerAction(tag, 0, { kind: "random", epsilon: 0 }, opponent, rng)));
    expect(moves.size).toBe(5);
    // ε = 0.5: about half the moves are not the rule's.
    const still = Array.from({ length: 400 }, () => coPlayerAction(tag, 0, { kind: "still", epsilon: 0.5 }, opponent, rng)).filter((a) => a !== 0).length;
    expect(still).toBeGreaterThan(400 * 0.5 * 0.8 * 0.8);
    expect(still).toBeLessThan(400 * 0.5 * 0.8 * 1.2);
  });

  test("the learner plays its seat of the game: with still co-players, steps equal the game's own with the others staying", () => {
    const probe = env({ count: 20_000 });
    for (const game of [0, 1, 2]) {
      // A training task of this game whose co-players all stand still (no draws from the environment's stream).
      const index = Array.from({ length: 18_000 }, (_, i) => i).find((i) => {
        const t = probe.taskAt(i);
        return t.game === game && t.coPlayers.every((p, k) => k === t.seat || (CO_PLAYERS[p].kind === "still" && CO_PLAYERS[p].epsilon === 0));
      })!;
      expect(index).toBeDefined();
      const coplay = make("Universe-CoPlay", { kwargs: { count: 20_000, task: index } });
      const task = probe.taskAt(index);
      const first = coplay.reset(7);
      const id = ["Tag", "HideAndSeek", "CaptureTheFlag"][game];
      const table = makeParallel(id, { kwargs: [{ survival: 0.01 }, {}, { maxSteps: 100 }][game] });
      const seat = table.possibleAgents[task.seat];
      const obs = (o: Float32Array) => Array.from(o.subarray(3, 3 + table.core.observationSpace.size));
      expect(obs(first.obs)).toEqual(Array.from(table.reset(first.info.gameSeed as number).observations[seat]));
      expect(Array.from(first.obs.subarray(0, 3))).toEqual([0, 1, 2].map((g) => (g === game ? 1 : 0)));
      const rng = new Rng(game);
      let steps = 0;
      let total = 0;
      for (let done = false; !done; steps++) {
        const a = rng.int(5);
        const mine = coplay.step(a);
        const theirs = table.step(Object.fromEntries(table.agents.map((name) => [name, name === seat ? a : 0])));
        expect(obs(mine.obs)).toEqual(Array.from(theirs.observations[seat]));
        expect(mine.reward).toBe(theirs.rewards[seat]);
        expect(mine.info.events.filter((e: string) => e !== "success").sort()).toEqual([...theirs.infos[seat].events].sort());
        done = mine.terminated || mine.truncated;
        expect(theirs.truncations[seat]).toBe(done);
        total += mine.reward;
        // Success is the last step's, exactly when the episode's return is positive.
        expect(mine.info.events.includes("success")).toBe(done && total > 0);
      }
      expect(steps).toBe(100);
    }
  });
});
