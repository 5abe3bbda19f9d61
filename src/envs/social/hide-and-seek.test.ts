import { expect, test } from "vitest";
import { makeParallel } from "../multi/registry.js";
import type { ParallelEnv } from "../multi/parallel-env.js";
import { EAST, STAY } from "./grid-players.js";
import { HideAndSeek } from "./hide-and-seek.js";

function game(kwargs: Record<string, unknown> = {}): { env: ParallelEnv; core: HideAndSeek } {
  const env = makeParallel("HideAndSeek", { kwargs: { hiders: 1, seekers: 1, width: 7, height: 3, obstacles: [[3, 1]], prep: 1, sight: 6, ...kwargs } });
  env.reset(0);
  return { env, core: env.core as HideAndSeek };
}

const step = (env: ParallelEnv, hider: number, seeker: number) => env.step({ hider_0: hider, seeker_0: seeker });

test("sight is blocked by obstacles on the line and limited by distance", () => {
  const { core } = game();
  core.moveTo(0, 0, 1);
  core.moveTo(1, 6, 1);
  expect(core.sees(1, 0)).toBe(false); // the obstacle at (3, 1) is on the line
  core.moveTo(0, 0, 0);
  core.moveTo(1, 6, 0);
  expect(core.sees(1, 0)).toBe(true);
  const short = game({ sight: 2 }).core;
  short.moveTo(0, 0, 0);
  short.moveTo(1, 6, 0);
  expect(short.sees(1, 0)).toBe(false);
});

test("seekers wait out the preparation phase, nobody is paid in it; then the team that wins the step gets +1 each, the other −1", () => {
  const { env, core } = game({ prep: 1 });
  core.moveTo(0, 0, 1);
  core.moveTo(1, 5, 1);
  const prep = step(env, STAY, EAST);
  expect(prep.rewards).toEqual({ hider_0: 0, seeker_0: 0 });
  expect(core.x[1]).toBe(5); // frozen in the preparation phase
  expect(prep.observations.seeker_0[4]).toBe(0); // the phase is over for the next step
  // Hidden behind the obstacle: hiders win the step.
  const hidden = step(env, STAY, STAY);
  expect(hidden.rewards).toEqual({ hider_0: 1, seeker_0: -1 });
  expect(hidden.infos.hider_0.events).toEqual(["hidden"]);
  // In plain sight along the top row: seekers win.
  core.moveTo(0, 0, 0);
  core.moveTo(1, 5, 0);
  const seen = step(env, STAY, STAY);
  expect(seen.rewards).toEqual({ hider_0: -1, seeker_0: 1 });
  expect(seen.infos.hider_0.events).toEqual(["seen"]);
  expect(seen.infos.seeker_0.events).toEqual(["spotted"]);
  expect(env.readFeatures("seeker_0", ["hiders.seen", "hider"])).toEqual({ "hiders.seen": 1, hider: 0 });
  // The seeker's observation shows the hider (visible, offset, a hider); the hider sees the seeker back.
  expect(Array.from(seen.observations.seeker_0.subarray(5, 9))).toEqual([1, -5 / 7, 0, 1].map(Math.fround));
  expect(core.render()).toBe("H....S.\n...#...\n.......\nstep 3");
});

test("HideAndSeek kwargs: obstacles inside the grid", () => {
  expect(() => makeParallel("HideAndSeek", { kwargs: { obstacles: [[9, 0]] } })).toThrow(/^env\.kwargs\.obstacles\[0\]: expected a cell inside the 9 × 9 grid/);
});
