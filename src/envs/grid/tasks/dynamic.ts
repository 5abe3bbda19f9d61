/**
 * ## Description
 * An empty room with balls that move to a random neighbouring free cell
 * every step. Reach the goal without walking into a ball or a wall.
 * ## Actions  left, right, forward only (Discrete(3)).
 * ## Rewards  1 − 0.9·(t/T) on reaching the goal; −1 for walking into an
 * obstacle or a wall (whatever was in front before the obstacles moved).
 * ## Termination  reaching the goal or a collision; truncated at T = 4·size².
 * ## Registered  Dynamic-Obstacles-5x5, -Random-5x5, -6x6, -Random-6x6, -8x8, -16x16
 */
import { z } from "zod";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs, PlacementError } from "../engine.js";
import { E } from "../events.js";
import { agentFeatures, goalFeatures } from "../features.js";
import { feature, type Feature } from "../../core.js";
import { A, C, EMPTY, GOAL, T, ball } from "../objects.js";

export const DynamicObstaclesKwargs = GridKwargs.extend({
  size: z.number().int().min(4).max(64).default(8),
  obstacles: z.number().int().min(0).default(4).describe("moving balls (at most size/2)"),
  randomStart: z.boolean().default(false),
}).strict();

export class DynamicObstacles extends GridEnv {
  readonly obstacleIndex: Int32Array;
  readonly features: readonly Feature<any>[] = [
    ...agentFeatures,
    ...goalFeatures,
    feature("obstacle.distance", "Manhattan distance to the nearest obstacle", (e: DynamicObstacles) => {
      let best = Infinity;
      for (const i of e.obstacleIndex) best = Math.min(best, Math.abs(e.grid.xOf(i) - e.agentX) + Math.abs(e.grid.yOf(i) - e.agentY));
      return Number.isFinite(best) ? best : 0;
    }),
  ];

  constructor(readonly kwargs: z.output<typeof DynamicObstaclesKwargs>) {
    super(kwargs.size, kwargs.size, 4 * kwargs.size * kwargs.size, kwargs, { numActions: 3 });
    const n = kwargs.obstacles <= kwargs.size / 2 + 1 ? kwargs.obstacles : Math.floor(kwargs.size / 2);
    this.obstacleIndex = new Int32Array(n);
    this.mission = "get to the green goal square";
  }

  protected generateGrid(): void {
    const { size, randomStart } = this.kwargs;
    this.grid.wallRect(0, 0, size, size);
    this.grid.set(size - 2, size - 2, GOAL);
    if (randomStart) this.placeAgent();
    else this.setAgent(1, 1, 0);
    for (let k = 0; k < this.obstacleIndex.length; k++) {
      const [x, y] = this.placeObj(ball(C.blue), [0, 0], [size, size], undefined, 100);
      this.obstacleIndex[k] = this.grid.index(x, y);
    }
  }

  protected override transition(actions: ArrayLike<number>, offset: number): number {
    const action = actions[offset];
    // What is in front is judged before the obstacles move (as in MiniGrid).
    const front = this.grid.cells[this.frontIndex] & 0xff;
    const notClear = front !== T.empty && front !== T.goal;
    this.moveObstacles();
    const reward = this.act(action);
    if (action === A.forward && notClear) {
      this.terminated = true;
      this.eventMask |= E["collide:obstacle"] | E.failure;
      return -1;
    }
    return reward;
  }

  /** Each ball moves to a random free cell of the 3×3 square around it, if it finds one in 100 tries. */
  private moveObstacles(): void {
    const g = this.grid;
    for (let k = 0; k < this.obstacleIndex.length; k++) {
      const old = this.obstacleIndex[k];
      const ox = g.xOf(old);
      const oy = g.yOf(old);
      try {
        const [x, y] = this.placeObj(g.cells[old], [ox - 1, oy - 1], [3, 3], undefined, 100);
        g.cells[old] = EMPTY;
        this.obstacleIndex[k] = g.index(x, y);
      } catch (e) {
        if (!(e instanceof PlacementError)) throw e;
      }
    }
  }

  override snapshot() {
    return { ...super.snapshot(), obstacles: this.obstacleIndex.slice() };
  }
  override restore(s: ReturnType<DynamicObstacles["snapshot"]>): void {
    super.restore(s);
    if (s.obstacles) this.obstacleIndex.set(s.obstacles);
  }
}

const make = (size: number, obstacles: number, randomStart = false) => {
  const id = `Dynamic-Obstacles-${randomStart ? "Random-" : ""}${size}x${size}`;
  return defineEnv({
    id,
    family: "grid",
    summary: `${size}×${size}: reach the goal among ${obstacles} moving balls${randomStart ? ", random start" : ""}`,
    alias: `MiniGrid-${id}-v0`,
    kwargs: DynamicObstaclesKwargs,
    preset: { size, obstacles, randomStart },
    create: (k) => new DynamicObstacles(k),
  });
};

export const dynamicObstaclesEnvs = [make(5, 2), make(5, 2, true), make(6, 3), make(6, 3, true), make(8, 4), make(16, 8)];
