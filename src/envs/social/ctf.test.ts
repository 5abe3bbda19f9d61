import { expect, test } from "vitest";
import { makeParallel } from "../multi/registry.js";
import type { ParallelEnv } from "../multi/parallel-env.js";
import { BLUE, CaptureTheFlag, RED } from "./ctf.js";
import { EAST, STAY, WEST } from "./grid-players.js";

function ctf(kwargs: Record<string, unknown> = {}): { env: ParallelEnv; core: CaptureTheFlag } {
  const env = makeParallel("CaptureTheFlag", { kwargs: { perTeam: 1, width: 6, height: 3, obstacles: [], ...kwargs } });
  env.reset(0);
  return { env, core: env.core as CaptureTheFlag };
}

const step = (env: ParallelEnv, red: number, blue: number) => env.step({ red_0: red, blue_0: blue });

test("taking the enemy flag home scores +1 for the team and −1 for the other; the flag goes back to its base", () => {
  const { env, core } = ctf();
  expect(env.possibleAgents).toEqual(["red_0", "blue_0"]);
  expect(core.base).toEqual([[0, 1], [5, 1]]);
  // red_0 one step from blue's base; blue_0 away from it in its half.
  core.moveTo(0, 4, 1);
  core.moveTo(1, 3, 0);
  const pick = step(env, EAST, STAY);
  expect(pick.infos.red_0.events).toEqual(["pickup"]);
  expect(core.carrier[BLUE]).toBe(0);
  expect(env.readFeatures("red_0", ["carrying", "enemy.flag.distance"])).toEqual({ carrying: 1, "enemy.flag.distance": 0 });
  // Carried home (the tests move it; a tag would need blue next to it).
  core.moveTo(0, 1, 1);
  const capture = step(env, WEST, STAY);
  expect(capture.rewards).toEqual({ red_0: 1, blue_0: -1 });
  expect(capture.infos.red_0.events).toEqual(["capture"]);
  expect(capture.infos.blue_0.events).toEqual(["conceded"]);
  expect(core.carrier[BLUE]).toBe(-1);
  expect(env.readFeatures("red_0", ["score"]).score).toBe(1);
  expect(core.render().split("\n").at(-1)).toBe("step 2, red 1, blue 0");
});

test("in its own half an agent tags an enemy next to it: the enemy restarts in its half and its flag goes home", () => {
  const { env, core } = ctf();
  core.moveTo(0, 4, 1);
  core.moveTo(1, 3, 2);
  expect(step(env, EAST, STAY).infos.red_0.events).toEqual(["pickup"]); // blue's flag at (5, 1)
  // blue_0 steps next to the carrier, in blue's half, and tags it.
  core.moveTo(1, 4, 2);
  const tagged = step(env, STAY, EAST);
  expect(tagged.infos.blue_0.events).toEqual(["tag"]);
  expect(tagged.infos.red_0.events).toEqual(["tagged"]);
  expect(core.carrier[BLUE]).toBe(-1);
  expect(core.x[0]).toBeLessThan(3);
  // In red's half the roles turn: blue_0 next to red_0 there is tagged.
  core.moveTo(0, 1, 0);
  core.moveTo(1, 2, 0);
  expect(step(env, STAY, STAY).infos.blue_0.events).toEqual(["tagged"]);
  expect(core.x[1]).toBeGreaterThanOrEqual(3);
});

test("observations: team, position, flags, bases and the others, from each agent's side", () => {
  const { env, core } = ctf();
  core.moveTo(0, 1, 0);
  core.moveTo(1, 4, 2);
  const obs = step(env, STAY, STAY).observations;
  expect(obs.red_0).toHaveLength(11 + 4 + 8);
  expect(Array.from(obs.red_0.subarray(0, 15))).toEqual([1, 0, 1 / 6, 0, 0, 1, 1, -1 / 6, 1 / 3, 4 / 6, 1 / 3, 3 / 6, 2 / 3, 0, 0].map(Math.fround));
  expect(obs.blue_0[1]).toBe(1);
  expect(core.inHalf(RED, 2)).toBe(true);
  expect(core.inHalf(BLUE, 3)).toBe(true);
});

test("CaptureTheFlag kwargs: an even width, no obstacle on a base", () => {
  expect(() => makeParallel("CaptureTheFlag", { kwargs: { width: 7 } })).toThrow(/^env\.kwargs\.width: expected an even number/);
  expect(() => makeParallel("CaptureTheFlag", { kwargs: { obstacles: [[0, 3]] } })).toThrow(/^env\.kwargs\.obstacles\[0\]: \[0, 3\] is a base/);
});
