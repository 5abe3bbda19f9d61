import { expect, test } from "vitest";
import { makeVector } from "../envs/registry.js";
import { RewardedVector } from "../rewards/rewarded.js";
import { train } from "../runs/loop.js";
import { Ppo, type PpoConfig } from "./ppo.js";
import { trainSeeds } from "./ppo-seeds.js";

const TASK = { terms: [{ kind: "task" }] };

/** Everything a run leaves: final state (parameters, Adam moments, stream, counters), metrics and episode returns. */
function record(ppo: Ppo, metrics: Record<string, number>[], returns: number[]) {
  const logged = metrics.map(({ "charts/SPS": _sps, ...rest }) => rest);
  return { state: ppo.state(), metrics: logged, returns };
}

function alone(id: string, n: number, config: Partial<PpoConfig>, seed: number, steps: number) {
  const ppo = new Ppo(new RewardedVector(makeVector(id, n), TASK), config, seed);
  const metrics: Record<string, number>[] = [];
  const returns: number[] = [];
  train(ppo, steps, (m, episodes) => {
    metrics.push(m);
    returns.push(...episodes.map((e) => e.primary));
  });
  return record(ppo, metrics, returns);
}

function together(id: string, n: number, config: Partial<PpoConfig>, seeds: number[], steps: number, batched: boolean) {
  const metrics: Record<string, number>[][] = seeds.map(() => []);
  const returns: number[][] = seeds.map(() => []);
  const envs = seeds.map(() => new RewardedVector(makeVector(id, n), TASK));
  const run = trainSeeds(envs, config, seeds, steps, (m, episodes) => {
    m.forEach((x, k) => metrics[k].push(x));
    episodes.forEach((e, k) => returns[k].push(...e.map((r) => r.primary)));
  }, { batched });
  return run.learners.map((ppo, k) => record(ppo, metrics[k], returns[k]));
}

test.each([
  ["CartPole-v1", 4, { numSteps: 32 }, 32 * 4 * 4],
  ["DoorKey-5x5", 4, { numSteps: 64 }, 64 * 4 * 4],
] as const)("three seeds of %s trained in lockstep, updates batched (vmap) or not, match three runs alone, bit for bit", (id, n, config, steps) => {
  const seeds = [3, 11, 12];
  const batched = together(id, n, config, seeds, steps, true);
  const stepped = together(id, n, config, seeds, steps, false);
  seeds.forEach((seed, k) => {
    const single = alone(id, n, config, seed, steps);
    expect(single.returns.length).toBeGreaterThan(0);
    expect(batched[k]).toEqual(single);
    expect(stepped[k]).toEqual(single);
  });
}, 120_000);

test("seeds differ from each other (the lockstep run is not one seed copied)", () => {
  const [a, b] = together("CartPole-v1", 2, { numSteps: 32 }, [1, 2], 32 * 2 * 2, true);
  expect(a.state.params).not.toEqual(b.state.params);
});
