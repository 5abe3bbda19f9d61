import { describe, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { make } from "../registry.js";
import type { GridEnv } from "./engine.js";
import { E } from "./events.js";
import { A, C, EMPTY, GOAL, S, T, WALL, ball, box, door, key, seeBehind } from "./objects.js";

/**
 * MiniGrid's gen_obs_grid written the way MiniGrid does it (slice the view
 * square, rotate it left dir+1 times, process_vis, put the carried object in
 * the agent's cell), independently of the engine's precomputed offsets.
 */
function referenceView(env: GridEnv): number[] {
  const vs = env.viewSize;
  const hs = vs >> 1;
  const [ax, ay, dir] = [env.agentX, env.agentY, env.agentDir];
  let topX: number;
  let topY: number;
  if (dir === 0) [topX, topY] = [ax, ay - hs];
  else if (dir === 1) [topX, topY] = [ax - hs, ay];
  else if (dir === 2) [topX, topY] = [ax - vs + 1, ay - hs];
  else [topX, topY] = [ax - hs, ay - vs + 1];
  // grid[i][j], i = x, j = y
  let grid: number[][] = [];
  for (let i = 0; i < vs; i++) {
    grid.push([]);
    for (let j = 0; j < vs; j++) {
      const x = topX + i;
      const y = topY + j;
      grid[i].push(env.grid.inside(x, y) ? env.grid.get(x, y) : WALL);
    }
  }
  for (let r = 0; r < dir + 1; r++) {
    const rotated: number[][] = Array.from({ length: vs }, () => new Array(vs).fill(0));
    for (let i = 0; i < vs; i++) for (let j = 0; j < vs; j++) rotated[j][vs - 1 - i] = grid[i][j];
    grid = rotated;
  }
  const mask: boolean[][] = Array.from({ length: vs }, () => new Array(vs).fill(false));
  mask[hs][vs - 1] = true;
  for (let j = vs - 1; j >= 0; j--) {
    for (let i = 0; i < vs - 1; i++) {
      if (!mask[i][j] || !seeBehind(grid[i][j])) continue;
      mask[i + 1][j] = true;
      if (j > 0) {
        mask[i + 1][j - 1] = true;
        mask[i][j - 1] = true;
      }
    }
    for (let i = vs - 1; i > 0; i--) {
      if (!mask[i][j] || !seeBehind(grid[i][j])) continue;
      mask[i - 1][j] = true;
      if (j > 0) {
        mask[i - 1][j - 1] = true;
        mask[i][j - 1] = true;
      }
    }
  }
  grid[hs][vs - 1] = env.carrying !== 0 ? env.carrying : EMPTY;
  const out: number[] = [];
  for (let i = 0; i < vs; i++) {
    for (let j = 0; j < vs; j++) {
      const c = mask[i][j] ? grid[i][j] : 0;
      out.push(c & 0xff, (c >> 8) & 0xff, (c >> 16) & 0xff);
    }
  }
  return out;
}

describe("egocentric observation", () => {
  test.each(["DoorKey-8x8", "DoorKey-5x5", "Empty-Random-6x6"])("matches MiniGrid's slice-rotate-occlude view over random play in %s", (id) => {
    const env = make(id);
    const core = env.core as GridEnv;
    const rng = new Rng(3);
    let { obs } = env.reset(1);
    for (let t = 0; t < 2000; t++) {
      expect(Array.from(obs)).toEqual(referenceView(core));
      const step = env.step(rng.int(7));
      obs = step.obs;
      if (step.terminated || step.truncated) obs = env.reset().obs;
    }
  });

  test("a 5×5 view of a known room: wall ahead, agent at the bottom centre", () => {
    const env = make("Empty-5x5", { kwargs: { viewSize: 5 } });
    const { obs } = env.reset(0);
    // Agent at (1, 1) facing east; view cell (vx, vy) at index (vx·5 + vy)·3.
    const at = (vx: number, vy: number) => Array.from(obs.slice((vx * 5 + vy) * 3, (vx * 5 + vy) * 3 + 3));
    expect(at(2, 4)).toEqual([T.empty, 0, 0]); // the agent's own cell
    expect(at(2, 3)).toEqual([T.empty, 0, 0]); // (2, 1): one step ahead
    expect(at(2, 1)).toEqual([T.wall, C.grey, 0]); // (4, 1): the east wall
    expect(at(1, 4)).toEqual([T.wall, C.grey, 0]); // (1, 0): the north wall, on the agent's left
    expect(at(4, 2)).toEqual([T.goal, C.green, 0]); // (3, 3): the goal, ahead and to the right
    expect(at(0, 4)).toEqual([0, 0, 0]); // behind the north wall: unseen
  });

  test("the full-grid option encodes the agent as (10, 0, direction)", () => {
    const env = make("Empty-5x5", { kwargs: { fullObs: true } });
    const { obs } = env.reset(0);
    expect(obs.length).toBe(5 * 5 * 3);
    const at = (x: number, y: number) => Array.from(obs.slice((x * 5 + y) * 3, (x * 5 + y) * 3 + 3));
    expect(at(1, 1)).toEqual([T.agent, 0, 0]);
    expect(at(3, 3)).toEqual([T.goal, C.green, 0]);
    expect(at(0, 2)).toEqual([T.wall, C.grey, 0]);
  });
});

/** An Empty-8x8 with a hand-made layout: agent at (x, y) facing `dir`. */
function handMade(build: (env: GridEnv) => void) {
  const env = make("Empty-8x8");
  env.reset(0);
  const core = env.core as GridEnv;
  build(core);
  return { env, core };
}

describe("actions", () => {
  test("a locked door opens only with a key of its color, raising unlock and open", () => {
    const { env, core } = handMade((g) => {
      g.setAgent(2, 2, 0);
      g.grid.set(3, 2, door(C.yellow, S.locked));
      g.grid.set(2, 3, key(C.red));
      g.grid.set(2, 1, key(C.yellow));
    });
    expect(env.step(A.toggle).info.events).toEqual([]);
    expect(core.grid.get(3, 2)).toBe(door(C.yellow, S.locked));
    env.step(A.right); // face south, the red key
    expect(env.step(A.pickup).info.events).toEqual(["pickup:key"]);
    env.step(A.left);
    expect(env.step(A.toggle).info.events).toEqual([]); // wrong color
    env.step(A.left); // face north, the yellow key
    expect(env.step(A.pickup).info.events).toEqual([]); // hands full
    expect(env.step(A.drop).info.events).toEqual([]); // cell occupied
    env.step(A.left); // face west: empty
    expect(env.step(A.drop).info.events).toEqual(["drop:key"]);
    env.step(A.right); // north
    env.step(A.pickup);
    env.step(A.right); // east, the door
    expect(env.step(A.toggle).info.events).toEqual(["open:door", "unlock:door"]);
    expect(core.grid.get(3, 2)).toBe(door(C.yellow, S.open));
    expect(env.step(A.forward).info.events).toEqual([]);
    expect([core.agentX, core.agentY]).toEqual([3, 2]); // standing in the open doorway
    env.step(A.left);
    env.step(A.left);
    env.step(A.forward);
    env.step(A.left);
    env.step(A.left);
    expect(env.step(A.toggle).info.events).toEqual(["close:door"]); // closed, not locked
    expect(env.step(A.forward).info.events).toEqual(["bump"]);
  });

  test("toggling a box reveals what it holds; carrying a box carries its contents", () => {
    const { env, core } = handMade((g) => {
      g.setAgent(2, 2, 0);
      g.grid.set(3, 2, box(C.purple), key(C.blue));
    });
    env.step(A.pickup);
    expect(core.carrying).toBe(box(C.purple));
    env.step(A.right);
    env.step(A.drop);
    expect(env.step(A.toggle).info.events).toEqual(["open:box"]);
    expect(core.grid.get(2, 3)).toBe(key(C.blue));
  });

  test("the goal pays 1 − 0.9·t/T and terminates; lava terminates with 0", () => {
    const { env, core } = handMade((g) => {
      g.setAgent(5, 6, 0);
      g.grid.set(5, 5, ball(C.red));
    });
    env.step(A.left);
    env.step(A.right);
    const s = env.step(A.forward); // onto (6, 6), the goal
    expect(s.terminated).toBe(true);
    expect(s.reward).toBeCloseTo(1 - (0.9 * 3) / core.maxSteps, 10);
    expect(s.info.events).toEqual(["reach:goal", "success"]);
    const lava = handMade((g) => {
      g.setAgent(2, 2, 0);
      g.grid.set(3, 2, 0x00000009); // lava
    });
    const l = lava.env.step(A.forward);
    expect([l.reward, l.terminated, l.info.events]).toEqual([0, true, ["enter:lava", "failure"]]);
    expect(GOAL & 0xff).toBe(T.goal);
  });

  test("episodes are truncated at maxSteps and not terminated", () => {
    const env = make("Empty-8x8", { kwargs: { maxSteps: 3 } });
    env.reset(0);
    env.step(A.left);
    env.step(A.left);
    const s = env.step(A.left);
    expect([s.terminated, s.truncated]).toEqual([false, true]);
    expect(() => env.step(A.left)).toThrow(/call reset\(\) first/);
  });

  test("events have one bit each", () => {
    expect(E["pickup:key"]).toBe(1);
    expect(new Set(Object.values(E)).size).toBe(Object.keys(E).length);
  });
});
