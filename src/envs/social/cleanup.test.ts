import { expect, test } from "vitest";
import { makeParallel } from "../multi/registry.js";
import type { ParallelEnv } from "../multi/parallel-env.js";
import { CLEAN, CleanUp } from "./cleanup.js";
import { STAY } from "./commons.js";

const WEST = 2;
const EAST = 0;

/** A river of 3 cells on the left, an orchard of 2 on the right, the players between. */
const MAP = ["WWWWWWWWW", "WRRRP PAA", "WWWWWWWWW"];

function cleanup(kwargs: Record<string, unknown>): { env: ParallelEnv; core: CleanUp } {
  const env = makeParallel("CleanUp", { kwargs: { players: 2, map: MAP, ...kwargs } });
  env.reset(0);
  return { env, core: env.core as CleanUp };
}

/** Moves agent j to map cell (x, y) facing `dir`: tests set up a scene the spawn draw would rarely give. */
const place = (core: CleanUp, j: number, x: number, y: number, dir: number) => core.put(j, x, y, dir);

const act = (env: ParallelEnv, a0: number, a1: number) => env.step({ player_0: a0, player_1: a1 });

test("pollution covers the river; the clean beam removes it from the river cells ahead and raises clean", () => {
  const { env, core } = cleanup({ pollutionRate: 1, appleRespawn: 0 });
  place(core, 0, 4, 1, WEST);
  place(core, 1, 6, 1, EAST);
  expect(env.readFeatures("player_0", ["pollution"]).pollution).toBe(0);
  act(env, STAY, STAY);
  expect(env.readFeatures("player_0", ["pollution"]).pollution).toBe(1);
  // The beam (3 cells) crosses the whole river: cleaned, then polluted again by the same step's spawn (rate 1).
  const clean = act(env, CLEAN, STAY);
  expect(clean.infos.player_0.events).toEqual(["clean"]);
  expect(clean.rewards).toEqual({ player_0: 0, player_1: 0 });
  expect(core.pollutedCount).toBe(3);
  // With no new pollution the river stays clean after one beam.
  const calm = cleanup({ pollutionRate: 0, appleRespawn: 0 });
  place(calm.core, 0, 4, 1, WEST);
  place(calm.core, 1, 6, 1, EAST);
  calm.core.polluted.fill(1, calm.core.map.index(1, 1), calm.core.map.index(4, 1));
  calm.core.pollutedCount = 3;
  expect(act(calm.env, CLEAN, CLEAN).infos).toEqual({ player_0: { events: ["clean"] }, player_1: { events: [] } });
  expect(calm.core.pollutedCount).toBe(0);
});

test("apples regrow only while the river is clean enough: none at the depletion threshold, at the full rate when clean", () => {
  const { env, core } = cleanup({ pollutionRate: 0, appleRespawn: 1, depletion: 0.5 });
  place(core, 0, 4, 1, WEST);
  place(core, 1, 6, 1, EAST);
  // player_1 eats the apple east of it (and stands on its cell, which keeps it from regrowing).
  expect(act(env, STAY, 1).rewards.player_1).toBe(1);
  expect(env.readFeatures("player_1", ["apples.total"])["apples.total"]).toBe(1);
  // Two of three river cells polluted (f = 2/3 ≥ 0.5): nothing grows.
  core.polluted.fill(1, core.map.index(1, 1), core.map.index(3, 1));
  core.pollutedCount = 2;
  act(env, STAY, 3); // turn right twice: facing west
  act(env, STAY, 3);
  act(env, STAY, 1); // step back onto x = 6
  expect(core.map.x(core.pos[1])).toBe(6);
  for (let t = 0; t < 10; t++) act(env, STAY, STAY);
  expect(env.readFeatures("player_1", ["apples.total"])["apples.total"]).toBe(1);
  // Cleaned (f = 0 ≤ restoration): the empty orchard cell grows its apple on the next step.
  core.polluted.fill(0);
  core.pollutedCount = 0;
  act(env, STAY, STAY);
  expect(env.readFeatures("player_1", ["apples.total"])["apples.total"]).toBe(2);
});

test("the observation adds polluted and river channels to the commons' view", () => {
  const { env, core } = cleanup({ pollutionRate: 0, viewSize: 3 });
  place(core, 0, 4, 1, WEST);
  place(core, 1, 6, 1, EAST);
  core.polluted[core.map.index(3, 1)] = 1;
  core.pollutedCount = 1;
  const obs = act(env, STAY, STAY).observations.player_0;
  expect(obs).toHaveLength(5 * 9 + 5);
  // Facing west with a 3 × 3 view: view cell (1, 1) is one cell ahead, (3, 1) on the map.
  const polluted = obs.subarray(3 * 9 + 5, 4 * 9 + 5);
  const river = obs.subarray(4 * 9 + 5);
  expect(polluted[1 * 3 + 1]).toBe(1);
  expect(river[1 * 3 + 1]).toBe(1);
  expect(river[1 * 3 + 2]).toBe(0); // its own cell
  expect(core.render()).toMatch(/--~~0</);
});

test("CleanUp kwargs: restoration must lie below depletion; an unknown cell names the legend with R", () => {
  expect(() => makeParallel("CleanUp", { kwargs: { depletion: 0.3, restoration: 0.3 } })).toThrow(/^env\.kwargs\.restoration: expected below depletion/);
  expect(() => makeParallel("CleanUp", { kwargs: { map: ["WPAX"] } })).toThrow(/R river/);
});
