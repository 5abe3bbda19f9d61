import { expect, test } from "vitest";
import { make } from "../envs/registry.js";
import { mapElites } from "./map-elites.js";
import type { PolicyShape } from "./policy.js";

const shape: PolicyShape = { inputs: ["agent.x", "agent.y", "agent.dir", "front.type", "goal.distance"], hidden: 16, actions: 3 };
// The objective a designer would write for the deceptive maze: get closer to the goal at (5, 1).
const closer = (o: { descriptor: number[]; fitness: number }) => o.fitness * 100 - (Math.abs(o.descriptor[0] - 5) + Math.abs(o.descriptor[1] - 1));

test("MAP-Elites keeps stepping stones outside the deceptive cup where objective search keeps one policy stuck inside", () => {
  const env = make("DeceptiveMaze-11x11", { kwargs: { maxSteps: 100 } });
  for (const seed of [1, 2, 3]) {
    const common = { generations: 150, batch: 32, sigma: 1.0, descriptor: ["agent.x", "agent.y"], seed, objective: closer };
    const me = mapElites(env, shape, { ...common, mode: "map-elites" });
    const obj = mapElites(env, shape, { ...common, mode: "objective" });
    const cells = [...me.archive.keys()].map((k) => k.split(",").map(Number));
    expect(cells.length).toBeGreaterThan(30);
    // The corridors round the cup (x = 1 or x = 9) hold elites: the way to the goal starts there.
    expect(cells.some(([x]) => x === 1 || x === 9)).toBe(true);
    expect(me.coverage.at(-1)).toBe(me.archive.size);
    // Objective search keeps a single policy, and it ends under the wall (y ≥ 4), not round it.
    expect(obj.archive.size).toBe(1);
    expect(obj.best.outcome.descriptor[1]).toBeGreaterThanOrEqual(4);
  }
}, 60_000);

test("the same seed gives the same archive", () => {
  const env = make("DeceptiveMaze-11x11", { kwargs: { maxSteps: 40 } });
  const run = () => [...mapElites(env, shape, { generations: 10, batch: 8, descriptor: ["agent.x", "agent.y"], seed: 7 }).archive.entries()].map(([k, e]) => [k, e.score, Array.from(e.theta.slice(0, 3))]);
  expect(run()).toEqual(run());
});

test("novelty search archives behaviours round the cup and covers more of the maze than objective search", async () => {
  const { noveltySearch, novelty } = await import("./novelty.js");
  expect(novelty([0, 0], [[3, 4], [0, 1], [10, 10]], 2)).toBe(3); // mean of the 2 nearest: (1 + 5)/2
  const env = make("DeceptiveMaze-11x11", { kwargs: { maxSteps: 60 } });
  for (const seed of [1, 2]) {
    const common = { population: 30, parents: 6, generations: 60, sigma: 1.0, descriptor: ["agent.x", "agent.y"], seed, objective: closer };
    const ns = noveltySearch(env, shape, { ...common, score: "novelty" });
    const os = noveltySearch(env, shape, { ...common, score: "objective" });
    expect(ns.coverage.at(-1)!).toBeGreaterThan(os.coverage.at(-1)!);
    expect(ns.archive.some(([x]) => x <= 1 || x >= 9)).toBe(true);
    expect(os.best.outcome.descriptor[1]).toBeGreaterThanOrEqual(4);
    expect(ns.archive).toHaveLength(60 * 3);
  }
}, 60_000);
