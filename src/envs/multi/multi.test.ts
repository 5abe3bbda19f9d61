import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { envIds } from "../registry.js";
import { COOPERATE as C, DEFECT as D } from "../social/matrix.js";
import { makeParallel, makeParallelVector, parallelEnvSpecs } from "./registry.js";

describe("ParallelEnv: PettingZoo's parallel API", () => {
  test("a Prisoner's Dilemma round pays the table, raises each player's events, and every player sees the round", () => {
    const env = makeParallel("PrisonersDilemma", { kwargs: { rounds: 3, history: 2 } });
    expect(env.possibleAgents).toEqual(["player_0", "player_1"]);
    const { observations } = env.reset(0);
    expect(Object.keys(observations)).toEqual(["player_0", "player_1"]);
    expect(Array.from(observations.player_0)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    const step = env.step({ player_0: C, player_1: D });
    expect(step.rewards).toEqual({ player_0: 0, player_1: 5 });
    expect(step.infos.player_0.events).toEqual(["cooperate", "sucker"]);
    expect(step.infos.player_1.events).toEqual(["defect", "temptation"]);
    // Newest round first: [I cooperated, I defected, others cooperating], then the round before (none yet), then time.
    expect(Array.from(step.observations.player_0)).toEqual([1, 0, 0, 0, 0, 0, 1 / 3].map(Math.fround));
    expect(Array.from(step.observations.player_1)).toEqual([0, 1, 1, 0, 0, 0, 1 / 3].map(Math.fround));
    expect(env.step({ player_0: C, player_1: C }).rewards).toEqual({ player_0: 3, player_1: 3 });
    expect(env.readFeatures("player_1", ["own.cooperated", "others.cooperation", "group.cooperation", "round", "team.reward", "others.reward"])).toEqual({ "own.cooperated": 1, "others.cooperation": 1, "group.cooperation": 1, round: 2, "team.reward": 6, "others.reward": 3 });
    // Smoothed rewards (γλ = 0.975): player_0 0·0.975 + 3, player_1 5·0.975 + 3; player_1 is ahead by 4.875.
    const ahead = env.readFeatures("player_1", ["inequity.advantage", "inequity.disadvantage"]);
    expect(ahead["inequity.advantage"]).toBeCloseTo(4.875, 12);
    expect(ahead["inequity.disadvantage"]).toBe(0);
    expect(env.readFeatures("player_0", ["inequity.disadvantage"])["inequity.disadvantage"]).toBeCloseTo(4.875, 12);
    const last = env.step({ player_0: D, player_1: D });
    expect(last.rewards).toEqual({ player_0: 1, player_1: 1 });
    expect(last.infos.player_0.events).toEqual(["defect", "mutual:defect"]);
    expect(last.truncations).toEqual({ player_0: true, player_1: true });
    expect(last.terminations).toEqual({ player_0: false, player_1: false });
    expect(env.agents).toEqual([]);
    expect(() => env.step({ player_0: C, player_1: C })).toThrow(/the episode has ended or not begun/);
  });

  test("every agent in the episode must act, with a valid action, and only those", () => {
    const env = makeParallel("StagHunt");
    env.reset(1);
    expect(() => env.step({ player_0: C })).toThrow(new UserError("actions.player_1", "missing: every agent in the episode acts at each step"));
    expect(() => env.step({ player_0: C, player_1: C, player_2: C })).toThrow(/^actions\.player_2: not an agent in the episode/);
    expect(() => env.step({ player_0: 2, player_1: C })).toThrow(/^action: expected an integer in \[0, 1\], got 2/);
    expect(() => env.observationSpace("nobody")).toThrow(/unknown agent "nobody"/);
  });

  test("the public goods game shares the multiplied pot equally: defectors keep their endowment on top", () => {
    const env = makeParallel("PublicGoods", { kwargs: { players: 4, multiplier: 1.6 } });
    env.reset(0);
    const { rewards, infos } = env.step({ player_0: C, player_1: C, player_2: D, player_3: D });
    // Pot 2 × 1.6 = 3.2, shared by 4: 0.8 each.
    expect(rewards.player_0).toBeCloseTo(0.8, 12);
    expect(rewards.player_2).toBeCloseTo(1.8, 12);
    expect(infos.player_3.events).toEqual(["defect", "temptation"]);
  });

  test("multi-agent ids do not collide with single-agent ones, and kwargs are checked with their path", () => {
    const single = new Set(envIds().map((id) => id.toLowerCase()));
    for (const spec of parallelEnvSpecs()) expect(single.has(spec.id.toLowerCase())).toBe(false);
    expect(() => makeParallel("PublicGoods", { kwargs: { players: 1 } })).toThrow(/^env\.kwargs\.players: /);
    expect(() => makeParallel("PrisonersDilema")).toThrow(/did you mean "PrisonersDilemma"/);
  });
});

describe("ParallelVectorEnv", () => {
  /** Kwargs that end episodes within the test's steps; every registered environment runs. */
  const SHORT: Record<string, Record<string, unknown>> = {
    CommonsHarvest: { maxSteps: 30, timeout: 4, regrowth: [0.2, 0.3, 0.5] },
    CleanUp: { maxSteps: 30, timeout: 4, pollutionRate: 0.05, appleRespawn: 0.3 },
    Tag: { maxSteps: 6, width: 4, height: 4, obstacles: [] },
    CaptureTheFlag: { maxSteps: 6, width: 4, height: 3, obstacles: [], perTeam: 1 },
    HideAndSeek: { maxSteps: 8, prep: 2, width: 5, height: 5, obstacles: [[2, 2]] },
    DonorGame: { rounds: 4, players: 4 },
    "DonorGame-Punish": { rounds: 4, players: 4 },
  };
  for (const spec of parallelEnvSpecs()) {
    test(`${spec.id}: a vector of 3 steps exactly as 3 ParallelEnvs seeded s + i, row by row, autoreset included`, () => {
      const n = 3;
      const kwargs = SHORT[spec.id] ?? { rounds: 4 };
      const vec = makeParallelVector(spec.id, n, { kwargs });
      const singles = Array.from({ length: n }, () => makeParallel(spec.id, { kwargs }));
      const { m, obsSize } = vec;
      const actionCount = (vec.actionSpace as { n: number }).n;
      const length = singles[0].core.maxSteps;
      const obs = vec.reset(10);
      const single = singles.map((env, i) => env.reset(10 + i).observations);
      const rowObs = (buf: Float32Array, r: number) => Array.from(buf.subarray(r * obsSize, (r + 1) * obsSize));
      singles.forEach((_, i) => vec.agentNames.forEach((a, j) => expect(rowObs(obs, i * m + j)).toEqual(Array.from(single[i][a]))));
      const rng = new Rng(4);
      const actions = new Int32Array(vec.rows);
      const returns = new Float64Array(vec.rows);
      let events = 0;
      let ends = 0;
      for (let t = 0; t < 2 * length + 5; t++) {
        for (let r = 0; r < vec.rows; r++) actions[r] = rng.int(actionCount);
        vec.step(actions);
        singles.forEach((env, i) => {
          const step = env.step(Object.fromEntries(vec.agentNames.map((a, j) => [a, actions[i * m + j]])));
          const ended = env.agents.length === 0;
          expect(vec.episodeEnded[i]).toBe(ended ? 1 : 0);
          vec.agentNames.forEach((a, j) => {
            const r = i * m + j;
            expect(vec.rewards[r]).toBe(Math.fround(step.rewards[a]));
            expect(vec.truncated[r]).toBe(step.truncations[a] ? 1 : 0);
            expect(vec.events[r]).toBe(step.infos[a].events.reduce((mask, e) => mask | vec.eventMask(e), 0));
            events += step.infos[a].events.length;
            returns[r] += step.rewards[a];
            if (ended) {
              expect(rowObs(vec.finalObs, r)).toEqual(Array.from(step.observations[a]));
              expect(vec.episodeReturn[r]).toBeCloseTo(returns[r], 9);
              expect(vec.episodeLength[r]).toBe(length);
              returns[r] = 0;
            } else expect(rowObs(vec.obs, r)).toEqual(Array.from(step.observations[a]));
          });
          // Autoreset: the vector's rows hold the next episode's first observations, as a fresh reset gives.
          if (ended) {
            ends++;
            const next = env.reset().observations;
            vec.agentNames.forEach((a, j) => expect(rowObs(vec.obs, i * m + j)).toEqual(Array.from(next[a])));
          }
        });
      }
      expect(ends).toBeGreaterThanOrEqual(2 * n);
      expect(events).toBeGreaterThan(0);
    });
  }

  test("a bad action anywhere leaves every environment untouched", () => {
    const vec = makeParallelVector("Chicken", 2);
    vec.reset(0);
    const before = Array.from(vec.obs);
    expect(() => vec.step(Int32Array.of(0, 1, 0, 7))).toThrow(new UserError("actions[3]", "expected an integer in [0, 1], got 7"));
    expect(() => vec.step(Int32Array.of(0, 1))).toThrow(/^actions: expected 4 values \(2 envs × 2 agents × 1\), got 2$/);
    expect(Array.from(vec.obs)).toEqual(before);
  });
});
