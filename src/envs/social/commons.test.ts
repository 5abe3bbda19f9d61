import { describe, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { makeParallel } from "../multi/registry.js";
import type { ParallelEnv } from "../multi/parallel-env.js";
import { RunConfig } from "../../runs/config.js";
import { runTraining } from "../../runs/train.js";
import { CommonsHarvest, FORWARD, LEFT, RIGHT, STAY, ZAP } from "./commons.js";

const EAST = 0;
const SOUTH = 1;

/** Moves agent j to map cell (x, y) facing `dir`: tests set up a scene the spawn draw would rarely give. */
const place = (core: CommonsHarvest, j: number, x: number, y: number, dir: number) => core.put(j, x, y, dir);

function commons(kwargs: Record<string, unknown>): { env: ParallelEnv; core: CommonsHarvest } {
  const env = makeParallel("CommonsHarvest", { kwargs });
  env.reset(0);
  return { env, core: env.core as CommonsHarvest };
}

const act = (env: ParallelEnv, a0: number, a1: number) => env.step({ player_0: a0, player_1: a1 });

describe("CommonsHarvest rules", () => {
  const corridor = ["WWWWWWW", "WPAA PW", "W     W", "WWWWWWW"];

  test("the board is the map; an agent's cell is y·width + x on it, −1 while frozen off it", () => {
    const { env, core } = commons({ players: 2, map: corridor });
    expect(core.board).toEqual({ width: 7, height: 4 });
    place(core, 0, 4, 2, EAST);
    place(core, 1, 5, 1, SOUTH);
    expect([core.cellOf(0), core.cellOf(1)]).toEqual([2 * 7 + 4, 1 * 7 + 5]);
    const [x, y] = [env.readFeatures("player_1", ["agent.x"])["agent.x"], env.readFeatures("player_1", ["agent.y"])["agent.y"]];
    expect(core.cellOf(1)).toBe(y * 7 + x);
    core.frozenFor[1] = 3;
    expect(core.cellOf(1)).toBe(-1);
  });

  test("eating pays 1 and takes the apple; an empty cell with apples near regrows; the view is egocentric", () => {
    const { env, core } = commons({ players: 2, map: corridor, regrowth: [1, 1, 1] });
    place(core, 0, 1, 1, EAST);
    place(core, 1, 5, 1, SOUTH);
    expect(env.readFeatures("player_0", ["apples.total", "apples.near", "agent.x", "agent.y", "frozen"])).toEqual({ "apples.total": 2, "apples.near": 2, "agent.x": 1, "agent.y": 1, frozen: 0 });
    const eat = act(env, FORWARD, STAY);
    expect(eat.rewards).toEqual({ player_0: 1, player_1: 0 });
    expect(eat.infos.player_0.events).toEqual(["eat"]);
    expect(core.appleAt(2, 1)).toBe(false);
    expect(env.readFeatures("player_0", ["apples.total", "agent.x"])).toEqual({ "apples.total": 1, "agent.x": 2 });
    // Facing east from (2, 1): the cell ahead (view x 3, y 5) holds the apple at (3, 1); to the left (view x 2, y 6) is the north wall.
    const obs = eat.observations.player_0;
    const at = (vx: number, vy: number, channel: number) => obs[(vx * 7 + vy) * 3 + channel];
    expect([at(3, 5, 1), at(2, 6, 0), at(4, 6, 0), at(3, 6, 2)]).toEqual([1, 1, 0, 0]);
    expect(Array.from(obs.subarray(147))).toEqual([1, 0, 0, 0, 0]);
    // Standing on the cell keeps it from regrowing; once the agent leaves it, the apple beside it reseeds it (probability 1 here).
    act(env, RIGHT, STAY);
    expect(core.appleCount).toBe(1);
    act(env, FORWARD, STAY);
    expect(core.appleAt(2, 1)).toBe(true);
    expect(env.readFeatures("player_0", ["apples.total", "apples.near"])).toEqual({ "apples.total": 2, "apples.near": 2 });
  });

  test("a patch eaten bare stays bare, even when regrowth near apples is certain; its last apple raises patch:depleted", () => {
    const { env, core } = commons({ players: 2, map: corridor, regrowth: [1, 1, 1] });
    place(core, 0, 1, 1, EAST);
    place(core, 1, 5, 1, SOUTH);
    expect(act(env, FORWARD, STAY).infos.player_0.events).toEqual(["eat"]);
    const last = act(env, FORWARD, STAY);
    expect(last.rewards.player_0).toBe(1);
    expect(last.infos.player_0.events).toEqual(["eat", "patch:depleted"]);
    act(env, RIGHT, STAY);
    act(env, FORWARD, STAY);
    for (let t = 0; t < 300; t++) act(env, t % 2 ? LEFT : RIGHT, STAY);
    expect(core.appleCount).toBe(0);
  });

  test("a zap freezes the agents its beam hits for `timeout` steps: off the map, actions ignored, still in the episode", () => {
    const { env, core } = commons({ players: 2, map: ["WWWWWWWW", "WP    PW", "WWWWWWAW", "WWWWWWWW"], timeout: 5, zapCost: 0.5, beamLength: 3 });
    place(core, 0, 1, 1, EAST);
    place(core, 1, 5, 1, SOUTH);
    // Four cells ahead: out of reach.
    const miss = act(env, ZAP, STAY);
    expect(miss.rewards.player_0).toBe(-0.5);
    expect(miss.infos.player_0.events).toEqual(["zap"]);
    expect(miss.infos.player_1.events).toEqual([]);
    place(core, 1, 4, 1, SOUTH);
    const zap = act(env, ZAP, STAY);
    expect(zap.infos.player_0.events).toEqual(["zap", "zap:hit"]);
    expect(zap.infos.player_1.events).toEqual(["zapped"]);
    expect(core.occupant[core.map.index(4, 1)]).toBe(-1);
    expect(Array.from(zap.observations.player_1)).toEqual([...new Array(152).fill(0).fill(1, 151)]);
    expect(env.agents).toEqual(["player_0", "player_1"]);
    const frozen: number[] = [env.readFeatures("player_1", ["frozen"]).frozen];
    for (let t = 0; t < 5; t++) {
      const step = act(env, STAY, FORWARD);
      expect(step.rewards.player_1).toBe(0);
      frozen.push(env.readFeatures("player_1", ["frozen"]).frozen);
      if (frozen.at(-1)) expect(core.map.x(core.pos[1])).toBe(4);
    }
    expect(frozen).toEqual([1, 1, 1, 1, 1, 0]);
    // Back at a free spawn point (player_0 holds the other one).
    expect(core.pos[1]).toBe(core.map.index(6, 1));
    expect(core.occupant[core.pos[1]]).toBe(1);
    // A wall stops the beam.
    const walled = commons({ players: 2, map: ["WWWWWW", "WPWP W", "WWWWAW", "WWWWWW"] });
    place(walled.core, 0, 1, 1, EAST);
    place(walled.core, 1, 3, 1, SOUTH);
    expect(act(walled.env, ZAP, STAY).infos.player_1.events).toEqual([]);
    // Without sanctions (zap: false) the same shot does nothing and costs nothing.
    const peaceful = commons({ players: 2, map: ["WWWWWWWW", "WP    PW", "WWWWWWAW", "WWWWWWWW"], zapCost: 0.5, zap: false });
    place(peaceful.core, 0, 1, 1, EAST);
    place(peaceful.core, 1, 3, 1, SOUTH);
    const none = act(peaceful.env, ZAP, STAY);
    expect(none.rewards).toEqual({ player_0: 0, player_1: 0 });
    expect([none.infos.player_0.events, none.infos.player_1.events]).toEqual([[], []]);
    expect(peaceful.env.readFeatures("player_1", ["frozen"]).frozen).toBe(0);
  });

  test("an agent never walks into a wall or onto another agent: every agent on the map has a floor cell of its own", () => {
    const { env, core } = commons({ players: 8, timeout: 3, maxSteps: 2000 });
    place(core, 0, 1, 1, EAST);
    place(core, 1, 2, 1, SOUTH);
    const blocked = env.step(Object.fromEntries(env.possibleAgents.map((a) => [a, a === "player_0" ? FORWARD : STAY])));
    expect(core.map.x(core.pos[0])).toBe(1);
    expect(blocked.rewards.player_0).toBe(0);
    const rng = new Rng(5);
    let zapped = 0;
    for (let t = 0; t < 1500; t++) {
      const before = Array.from(core.pos);
      const step = env.step(Object.fromEntries(env.possibleAgents.map((a) => [a, rng.int(5)])));
      let onMap = 0;
      for (let j = 0; j < 8; j++) {
        if (step.infos[`player_${j}`].events.includes("zapped")) zapped++;
        if (core.frozenFor[j] > 0) continue;
        onMap++;
        expect(core.map.wall[core.pos[j]]).toBe(0);
        expect(core.occupant[core.pos[j]]).toBe(j);
        const moved = Math.abs(core.map.x(core.pos[j]) - core.map.x(before[j])) + Math.abs(core.map.y(core.pos[j]) - core.map.y(before[j]));
        if (!core.map.spawnCells.includes(core.pos[j])) expect(moved).toBeLessThanOrEqual(1);
      }
      expect(Array.from(core.occupant).filter((o) => o >= 0).length).toBe(onMap);
    }
    expect(zapped).toBeGreaterThan(10);
  });

  test("the same seed gives the same episode; another seed, another one", () => {
    const episode = (seed: number) => {
      const env = makeParallel("CommonsHarvest", { kwargs: { maxSteps: 200 } });
      const rng = new Rng(9);
      const trace: number[] = Array.from(env.reset(seed).observations.player_0);
      const core = env.core as CommonsHarvest;
      while (env.agents.length > 0) {
        const step = env.step(Object.fromEntries(env.agents.map((a) => [a, rng.int(5)])));
        trace.push(...Object.values(step.rewards), core.appleCount, ...core.pos);
      }
      return { trace, picture: core.render() };
    };
    expect(episode(3)).toEqual(episode(3));
    expect(episode(4).trace).not.toEqual(episode(3).trace);
    expect(episode(3).picture).toMatch(/^WWWW.*\n(.*\n)+step 200, apples \d+/);
  });
});

test("CommonsHarvest kwargs: a bad map or too many players is the user's error, with its path", () => {
  expect(() => makeParallel("CommonsHarvest", { kwargs: { map: ["WPAW", "WPW"] } })).toThrow(/^env\.kwargs\.map\[1\]: expected 4 characters like the first row, got 3$/);
  expect(() => makeParallel("CommonsHarvest", { kwargs: { map: ["WPAPX"] } })).toThrow(/^env\.kwargs\.map\[0\]: unknown cell "X"/);
  expect(() => makeParallel("CommonsHarvest", { kwargs: { players: 9 } })).toThrow(/^env\.kwargs\.players: the map has 8 spawn points \(P\) for 9 players$/);
  expect(() => makeParallel("CommonsHarvest", { kwargs: { viewSize: 6 } })).toThrow(/^env\.kwargs\.viewSize: expected an odd number/);
});

test("PPO runs on CommonsHarvest through seats, one policy shared by the players, with a per-agent term on apples.near", () => {
  const reward = { terms: [{ kind: "task" }, { name: "restraint", kind: "expression", expr: "0.01 * apples.near" }] };
  const config = RunConfig.parse({ env: { id: "CommonsHarvest", kwargs: { maxSteps: 100 } }, numEnvs: 2, steps: 4096, reward, learner: { algo: "ppo", numSteps: 64 }, evaluation: { episodes: 2, policies: ["greedy"] } });
  const summary = runTraining(config, 0);
  expect(summary.episodes).toBeGreaterThan(0);
  expect(Number.isFinite(summary.finalPrimary)).toBe(true);
  expect(summary.finalPrimary).toBeGreaterThanOrEqual(0);
  expect(summary.termReturns.restraint).toBeGreaterThan(0);
});
