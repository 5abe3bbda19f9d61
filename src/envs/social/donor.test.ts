import { expect, test } from "vitest";
import { makeParallel } from "../multi/registry.js";
import type { ParallelEnv } from "../multi/parallel-env.js";
import { DonorGame } from "./donor.js";

function donor(id: string, kwargs: Record<string, unknown> = {}): { env: ParallelEnv; core: DonorGame } {
  const env = makeParallel(id, { kwargs: { players: 3, ...kwargs } });
  env.reset(0);
  return { env, core: env.core as DonorGame };
}

const all = (env: ParallelEnv, pick: (i: number) => number) => env.step(Object.fromEntries(env.agents.map((a) => [a, pick(Number(a.split("_")[1]))])));

test("every round each agent gives once and receives once, never to itself", () => {
  const { env, core } = donor("DonorGame", { players: 5 });
  for (let t = 0; t < 6; t++) {
    const r = Array.from(core.recipient);
    expect(r.every((x, i) => x !== i)).toBe(true);
    expect(new Set(r).size).toBe(5);
    all(env, () => 0);
  }
});

test("a gift of a fraction of one's resources arrives doubled; rewards are the change in resources; the image score follows the giving", () => {
  const { env, core } = donor("DonorGame", { players: 3, levels: 5 });
  const to = Array.from(core.recipient);
  // player_0 gives half (action 2 of 0..4), the others keep everything.
  const step = all(env, (i) => (i === 0 ? 2 : 0));
  expect(step.rewards.player_0).toBe(-5);
  expect(step.rewards[`player_${to[0]}`]).toBe(10);
  expect(step.infos.player_0.events).toEqual(["give", "generous"]);
  expect(step.infos[`player_${to[1]}`].events).toContain("keep");
  expect(core.resources[0]).toBe(5);
  expect(core.resources[to[0]]).toBe(20);
  expect(core.image(0)).toBe(0.5);
  expect(env.readFeatures("player_0", ["resources", "image", "given"])).toEqual({ resources: 5, image: 0.5, given: 0.5 });
  // Giving everything next round: the image is the average of the donations remembered.
  all(env, (i) => (i === 0 ? 4 : 0));
  expect(core.image(0)).toBe(0.75);
  expect(core.resources[0]).toBeGreaterThanOrEqual(0);
});

test("a donor sees its recipient's resources, image and last donations, newest first", () => {
  const { env, core } = donor("DonorGame", { players: 3, memory: 2 });
  all(env, () => 4); // everyone gives everything
  const obs = all(env, () => 0).observations; // then keeps everything
  const r = core.recipient[1];
  const o = obs.player_1;
  expect(o).toHaveLength(8);
  expect(o[1]).toBeCloseTo(core.resources[r] / 10, 6);
  expect(o[2]).toBeCloseTo(0.5, 6); // image of (1, 0)
  expect([o[6], o[7]]).toEqual([0, 1]);
  expect(o[5]).toBe(0); // everyone helped in round 1 (good), then refused good recipients (bad)
});

test("costly punishment: the donor pays 1, the recipient loses 2, and the punisher's image counts it as giving nothing", () => {
  const { env, core } = donor("DonorGame-Punish", { players: 3 });
  expect(core.actionSpace.n).toBe(6);
  const target = core.recipient[0];
  const step = all(env, (i) => (i === 0 ? 5 : 0));
  expect(step.rewards.player_0).toBe(-1);
  expect(step.rewards[`player_${target}`]).toBe(-2);
  expect(step.infos.player_0.events).toEqual(["punish"]);
  expect(step.infos[`player_${target}`].events).toContain("punished");
  expect(core.image(0)).toBe(0);
  expect(core.punishedLast[0]).toBe(1);
  // Without punishment the action does not exist.
  expect(() => all(donor("DonorGame").env, () => 5)).toThrow(/expected an integer in \[0, 4\]/);
});

test("standing: helping makes a donor good, refusing a good recipient bad, refusing a bad one leaves it as it was", () => {
  const { env, core } = donor("DonorGame", { players: 3 });
  expect(Array.from(core.standing)).toEqual([1, 1, 1]);
  const to0 = core.recipient[0];
  // Round 1: player_0 refuses (its recipient is good), the others give half.
  all(env, (i) => (i === 0 ? 0 : 2));
  expect(core.standing[0]).toBe(0);
  expect(core.standing[to0]).toBe(1);
  expect(env.readFeatures("player_0", ["standing"])).toEqual({ standing: 0 });
  // Round 2: whoever now gives to player_0 (bad) and refuses stays good.
  const donorOf0 = Array.from(core.recipient).indexOf(0);
  all(env, (i) => (i === donorOf0 ? 0 : 2));
  expect(core.standing[donorOf0]).toBe(1);
  expect(core.standing[0]).toBe(1); // player_0 helped this time
});
