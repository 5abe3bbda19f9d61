import { expect, test } from "vitest";
import { featureByName } from "../env.js";
import { make } from "../registry.js";
import type { GridEnv } from "./engine.js";
import { A } from "./objects.js";

const read = (env: ReturnType<typeof make>, name: string) => featureByName(env.core, name).read(env.core);

test("rangefinders count the free cells to the first obstacle in front, right and left", () => {
  // DeceptiveMaze-11x11: the agent starts at (5, 9) facing north, inside a cup
  // whose floor row (y = 4) is under a wall at y = 3 and whose sides are x = 2 and x = 8.
  const env = make("DeceptiveMaze-11x11");
  env.reset(0);
  const core = env.core as GridEnv;
  expect([core.agentX, core.agentY, core.agentDir]).toEqual([5, 9, 3]);
  expect(read(env, "range.front")).toBe(5); // y = 8 … 4, then the cup's wall at y = 3
  expect(read(env, "range.right")).toBe(4); // x = 6 … 9, then the outer wall
  expect(read(env, "range.left")).toBe(4); // x = 4 … 1
  env.step(A.left); // now facing west
  expect(read(env, "range.front")).toBe(4);
  expect(read(env, "range.right")).toBe(5);
  expect(read(env, "range.left")).toBe(0); // the outer wall under the agent
});

test("the goal radar gives the goal's offset ahead of and to the right of the agent", () => {
  const env = make("DeceptiveMaze-11x11"); // goal at (5, 1), agent at (5, 9) facing north
  env.reset(0);
  expect([read(env, "goal.ahead"), read(env, "goal.right")]).toEqual([8, 0]);
  env.step(A.left); // facing west: the goal is to the right
  expect([read(env, "goal.ahead"), read(env, "goal.right")]).toEqual([0, 8]);
  env.step(A.left); // facing south: the goal is behind
  expect([read(env, "goal.ahead"), read(env, "goal.right")]).toEqual([-8, 0]);
  env.step(A.forward); // (5, 9) → wall below, stays
  env.step(A.left); // facing east: the goal is to the left
  expect([read(env, "goal.ahead"), read(env, "goal.right")]).toEqual([0, -8]);
});
