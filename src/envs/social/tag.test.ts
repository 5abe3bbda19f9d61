import { expect, test } from "vitest";
import { makeParallel } from "../multi/registry.js";
import type { ParallelEnv } from "../multi/parallel-env.js";
import { Tag } from "./tag.js";

const [STAY, NORTH, EAST, SOUTH, WEST] = [0, 1, 2, 3, 4];

function tag(kwargs: Record<string, unknown> = {}): { env: ParallelEnv; core: Tag } {
  const env = makeParallel("Tag", { kwargs: { players: 2, width: 5, height: 3, obstacles: [[2, 0]], ...kwargs } });
  env.reset(0);
  return { env, core: env.core as Tag };
}

/** Moves agent j to (x, y). */
const put = (core: Tag, j: number, x: number, y: number) => core.moveTo(j, x, y);

test("a tagger that ends its move next to a runner tags it: +1 and −1, and the runner restarts on a free cell", () => {
  const { env, core } = tag();
  expect(env.possibleAgents).toEqual(["tagger_0", "runner_0"]);
  put(core, 0, 0, 1);
  put(core, 1, 2, 1);
  const step = env.step({ tagger_0: EAST, runner_0: STAY });
  expect(step.rewards).toEqual({ tagger_0: 1, runner_0: -1 });
  expect(step.infos.tagger_0.events).toEqual(["tag"]);
  expect(step.infos.runner_0.events).toEqual(["tagged"]);
  // Restarted somewhere free: not the obstacle, not the tagger's cell.
  const [rx, ry] = [core.x[1], core.y[1]];
  expect(core.wall(rx, ry)).toBe(false);
  expect([rx, ry]).not.toEqual([core.x[0], core.y[0]]);
});

test("a runner that keeps away is not tagged and earns its survival reward; moves into walls, obstacles or agents bump", () => {
  const { env, core } = tag({ survival: 0.1 });
  put(core, 0, 0, 0);
  put(core, 1, 4, 2);
  const calm = env.step({ tagger_0: NORTH, runner_0: SOUTH });
  expect(calm.rewards).toEqual({ tagger_0: 0, runner_0: 0.1 });
  expect(calm.infos.tagger_0.events).toEqual(["bump"]);
  expect(calm.infos.runner_0.events).toEqual(["bump"]);
  // The obstacle at (2, 0) stops a move east from (1, 0).
  put(core, 0, 1, 0);
  expect(env.step({ tagger_0: EAST, runner_0: WEST }).infos.tagger_0.events).toEqual(["bump"]);
  expect([core.x[0], core.y[0]]).toEqual([1, 0]);
  expect(env.readFeatures("runner_0", ["tagger", "nearest.opponent"])).toEqual({ tagger: 0, "nearest.opponent": Math.abs(core.x[1] - 1) + core.y[1] });
});

test("observations carry the role, the position, the others' offsets and roles, and the walls around", () => {
  const { env, core } = tag();
  put(core, 0, 1, 0);
  put(core, 1, 3, 2);
  const obs = env.step({ tagger_0: STAY, runner_0: STAY }).observations;
  expect(Array.from(obs.tagger_0.subarray(0, 7))).toEqual([1, 0, 1 / 5, 0, 2 / 5, 2 / 3, 0].map(Math.fround));
  // Around (1, 0): the row above is off the grid; (2, 0) east is the obstacle.
  expect(Array.from(obs.tagger_0.subarray(7))).toEqual([1, 1, 1, 0, 1, 0, 0, 0]);
  expect(Array.from(obs.runner_0.subarray(0, 7))).toEqual([0, 1, 3 / 5, 2 / 3, -2 / 5, -2 / 3, 1].map(Math.fround));
  expect(core.render()).toBe(".T#..\n.....\n...R.\nstep 1");
});

test("Tag kwargs: fewer taggers than players, obstacles inside the grid", () => {
  expect(() => makeParallel("Tag", { kwargs: { players: 2, taggers: 2 } })).toThrow(/^env\.kwargs\.taggers: expected fewer taggers than players \(2\)/);
  expect(() => makeParallel("Tag", { kwargs: { width: 4, obstacles: [[4, 0]] } })).toThrow(/^env\.kwargs\.obstacles\[0\]: expected a cell inside the 4 × 8 grid, got \[4, 0\]/);
});
