import { expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { makeVector } from "../registry.js";
import { makeParallelVector } from "./registry.js";
import { RewardedVector } from "../../rewards/rewarded.js";
import { RunConfig } from "../../runs/config.js";
import { runTraining } from "../../runs/train.js";

test("a vector of seats steps as the parallel vector, row for row (seat 0's seed seeds the table), autoreset included", () => {
  const n = 3;
  const seats = makeVector("PublicGoods", n, { kwargs: { rounds: 5, players: 3 } });
  const parallel = makeParallelVector("PublicGoods", n, { kwargs: { rounds: 5, players: 3 } });
  expect(seats.n).toBe(9);
  // Row i·m of the seats' vector is seeded with seed + i·m: the table's seed.
  seats.reset(20);
  parallel.reset(Array.from({ length: n }, (_, i) => 20 + 3 * i));
  expect(Array.from(seats.obs)).toEqual(Array.from(parallel.obs));
  const rng = new Rng(1);
  const actions = new Int32Array(9);
  for (let t = 0; t < 12; t++) {
    for (let r = 0; r < 9; r++) actions[r] = rng.int(2);
    seats.step(actions);
    parallel.step(actions);
    expect(Array.from(seats.rewards)).toEqual(Array.from(parallel.rewards));
    expect(Array.from(seats.truncated)).toEqual(Array.from(parallel.truncated));
    expect(Array.from(seats.events)).toEqual(Array.from(parallel.events));
    expect(Array.from(seats.obs)).toEqual(Array.from(parallel.obs));
    expect(Array.from(seats.finalObs)).toEqual(Array.from(parallel.finalObs));
  }
  // Per-agent features, as a reward spec reads them: each row its own agent's.
  const rv = new RewardedVector(makeVector("PrisonersDilemma", 1), { terms: [{ kind: "task" }, { name: "kind", kind: "expression", expr: "others.cooperation - own.cooperated" }] });
  rv.reset(0);
  rv.step(Int32Array.of(0, 1));
  expect(Array.from(rv.reward.terms[0])).toEqual([0, 5]);
  expect(Array.from(rv.reward.terms[1])).toEqual([-1, 1]);
  expect(() => makeVector("PrisonersDilemma", 1).cores[0].fixLayouts([1])).toThrow(/no fixed layouts/);
});

test("PPO with one policy shared by both players learns what a per-agent reward term pays for: a bonus for cooperating makes them cooperate", () => {
  const config = (reward: unknown) =>
    RunConfig.parse({ env: { id: "PrisonersDilemma", kwargs: { rounds: 10 } }, numEnvs: 4, steps: 20_480, reward, learner: { algo: "ppo", numSteps: 64, learningRate: 0.003 }, evaluation: { episodes: 8, policies: ["greedy"] } });
  const selfish = runTraining(config({ terms: [{ kind: "task" }] }), 3);
  const kind = runTraining(config({ terms: [{ kind: "task" }, { name: "coop", kind: "event", event: "cooperate", weight: 5 }] }), 3);
  // Each agent's primary return is its own payoff: mutual cooperation pays 3 per round, mutual defection 1.
  expect(kind.termReturns.coop).toBeGreaterThan(0.9 * 10 * 5);
  expect(kind.finalPrimary).toBeGreaterThan(2.5 * 10);
  expect(selfish.finalPrimary).toBeLessThan(1.5 * 10);
  // Team scope: each player learns from the team's reward (its own payoff left out of the total but still its primary
  // return): mutual cooperation, the collective optimum, well above a random population's (2.25 per player per round).
  const team = runTraining(config({ terms: [{ kind: "task", optimize: false }, { name: "team", kind: "expression", expr: "team.reward" }] }), 3);
  expect(team.finalPrimary).toBeGreaterThan(2.5 * 10);
});

test("agentIds: each seat's observation ends with its agent's index one-hot; the rest is the table's; a bad value is one line", () => {
  const plain = makeVector("PublicGoods", 2, { kwargs: { rounds: 3, players: 3 } });
  const ids = makeVector("PublicGoods", 2, { kwargs: { rounds: 3, players: 3, agentIds: true } });
  const [size, withIds] = [plain.obsSize, ids.obsSize];
  expect(withIds).toBe(size + 3);
  expect(Array.from((ids.observationSpace as { high: Float32Array }).high.subarray(size))).toEqual([1, 1, 1]);
  plain.reset(4);
  ids.reset(4);
  const check = () => {
    for (let r = 0; r < 6; r++) {
      const row = Array.from(ids.obs.subarray(r * withIds, (r + 1) * withIds));
      expect(row.slice(0, size)).toEqual(Array.from(plain.obs.subarray(r * size, (r + 1) * size)));
      expect(row.slice(size)).toEqual([0, 1, 2].map((j) => (j === r % 3 ? 1 : 0)));
    }
  };
  check();
  for (let t = 0; t < 4; t++) {
    const actions = Int32Array.from({ length: 6 }, (_, r) => (r + t) % 2);
    plain.step(actions);
    ids.step(actions);
    check();
  }
  expect(() => makeVector("PublicGoods", 1, { kwargs: { agentIds: "yes" } })).toThrow(/^env\.kwargs\.agentIds: expected true or false, got "yes"$/);
  expect(() => makeVector("PublicGoods", 1, { kwargs: { agentIdz: true } })).toThrow(/^env\.kwargs/);
  // PPO trains on the longer observations, one policy for all players.
  const config = RunConfig.parse({ env: { id: "PrisonersDilemma", kwargs: { rounds: 5, agentIds: true } }, numEnvs: 2, steps: 1024, learner: { algo: "ppo", numSteps: 32 }, evaluation: { episodes: 4, policies: ["greedy"] } });
  expect(Number.isFinite(runTraining(config, 0).finalPrimary)).toBe(true);
});

test.each([
  // [id, kwargs, a random population's expected payoff per player per round, mutual cooperation's]
  ["StagHunt", {}, (4 + 0 + 3 + 3) / 4, 4],
  ["Chicken", {}, (3 + 1 + 4 + 0) / 4, 3],
  ["PublicGoods", { players: 4, multiplier: 1.6 }, 0.5 + 1.6 * 0.5, 1.6],
] as const)("%s: players learning from the team's reward beat a random population's collective return (seeded)", (id, kwargs, random, cooperative) => {
  const rounds = 10;
  const config = RunConfig.parse({
    env: { id, kwargs: { rounds, ...kwargs } },
    numEnvs: 4,
    steps: 40_960,
    reward: { terms: [{ kind: "task", optimize: false }, { name: "team", kind: "expression", expr: "team.reward" }] },
    learner: { algo: "ppo", numSteps: 64, learningRate: 0.003 },
    evaluation: { episodes: 16, policies: ["sampled"] },
  });
  const run = runTraining(config, 1);
  const final = run.evaluations.at(-1)!;
  // Per-capita return of the final (sampled) policy against a random population's, and most of the way to cooperation's.
  expect(final.social!.perCapita).toBeGreaterThan(random * rounds);
  expect(final.social!.perCapita).toBeGreaterThan(0.9 * cooperative * rounds);
}, 60_000);
