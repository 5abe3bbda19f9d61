/**
 * ## Description
 * GoToObject: keys, balls and boxes of distinct colors lie in a room; the
 * mission names one ("go to the blue ball"). GoToDoor: four doors of
 * distinct colors in the walls of a room of random size; the mission names
 * one. The agent must stand next to the target and say `done`.
 * ## Observation  the egocentric view followed by the mission code
 * (target type index, target color index): MiniGrid gives the mission as
 * text, which a Float32Array cannot hold.
 * ## Rewards  1 − 0.9·(t/T) for `done` next to the target (GoToObject:
 * any of the 8 surrounding cells; GoToDoor: the 4 adjacent ones), else 0.
 * ## Termination  `done` or `toggle`; truncated at T = 5·size² (GoToObject), 4·size² (GoToDoor).
 * ## Registered  GoToObject-6x6-N2, GoToObject-8x8-N2, GoToDoor-5x5, GoToDoor-6x6, GoToDoor-8x8
 */
import { z } from "zod";
import { feature, type Feature } from "../../core.js";
import { defineEnv } from "../../spec.js";
import { GridEnv, GridKwargs } from "../engine.js";
import { agentFeatures, carryingFeatures } from "../features.js";
import { A, COLOR_NAMES, S, T, TYPE_NAMES, ball, box, door, key } from "../objects.js";

abstract class GoToTask extends GridEnv {
  targetX = 0;
  targetY = 0;
  targetType = 0;
  targetColor = 0;
  readonly features: readonly Feature<any>[] = [
    ...agentFeatures,
    ...carryingFeatures,
    feature("target.distance", "Manhattan distance from the agent to the target", (e: GoToTask) => Math.abs(e.agentX - e.targetX) + Math.abs(e.agentY - e.targetY)),
  ];

  /** True if the agent stands where `done` wins. */
  protected abstract nextToTarget(): boolean;

  protected override afterStep(action: number, reward: number): number {
    if (action === A.toggle) this.fail();
    if (action === A.done) return this.nextToTarget() ? this.succeed() : this.fail();
    return reward;
  }

  override get doneMatters(): boolean {
    return true;
  }

  protected override writeMission(obs: Float32Array, offset: number): void {
    obs[offset] = this.targetType;
    obs[offset + 1] = this.targetColor;
  }

  protected setTarget(x: number, y: number, type: number, color: number): void {
    [this.targetX, this.targetY, this.targetType, this.targetColor] = [x, y, type, color];
    this.mission = `go to the ${COLOR_NAMES[color]} ${TYPE_NAMES[type]}`;
  }
}

export const GoToObjectKwargs = GridKwargs.extend({
  size: z.number().int().min(5).max(32).default(6).describe("side of the room, walls included"),
  numObjs: z.number().int().min(1).max(18).default(2).describe("objects in the room"),
}).strict();

export class GoToObject extends GoToTask {
  constructor(readonly kwargs: z.output<typeof GoToObjectKwargs>) {
    super(kwargs.size, kwargs.size, 5 * kwargs.size * kwargs.size, kwargs, { missionSize: 2 });
  }
  protected generateGrid(): void {
    const { size, numObjs } = this.kwargs;
    this.grid.wallRect(0, 0, size, size);
    const placed: { type: number; color: number; x: number; y: number }[] = [];
    const makers = [key, ball, box];
    const types = [T.key, T.ball, T.box];
    while (placed.length < numObjs) {
      const kind = this.randInt(0, 3);
      const color = this.randInt(0, COLOR_NAMES.length);
      if (placed.some((p) => p.type === types[kind] && p.color === color)) continue;
      const [x, y] = this.placeObj(makers[kind](color));
      placed.push({ type: types[kind], color, x, y });
    }
    this.placeAgent();
    const target = placed[this.randInt(0, placed.length)];
    this.setTarget(target.x, target.y, target.type, target.color);
  }
  protected nextToTarget(): boolean {
    return Math.abs(this.agentX - this.targetX) <= 1 && Math.abs(this.agentY - this.targetY) <= 1;
  }
}

export const GoToDoorKwargs = GridKwargs.extend({
  size: z.number().int().min(5).max(32).default(5).describe("largest side of the room, walls included"),
}).strict();

export class GoToDoor extends GoToTask {
  constructor(readonly kwargs: z.output<typeof GoToDoorKwargs>) {
    super(kwargs.size, kwargs.size, 4 * kwargs.size * kwargs.size, kwargs, { missionSize: 2 });
  }
  protected generateGrid(): void {
    const { size } = this.kwargs;
    // The room's own size varies within the grid.
    const w = this.randInt(5, size + 1);
    const h = this.randInt(5, size + 1);
    this.grid.wallRect(0, 0, w, h);
    const doors: [number, number][] = [
      [this.randInt(2, w - 2), 0],
      [this.randInt(2, w - 2), h - 1],
      [0, this.randInt(2, h - 2)],
      [w - 1, this.randInt(2, h - 2)],
    ];
    const colors: number[] = [];
    while (colors.length < doors.length) {
      const c = this.randInt(0, COLOR_NAMES.length);
      if (!colors.includes(c)) colors.push(c);
    }
    doors.forEach(([x, y], i) => this.grid.set(x, y, door(colors[i], S.closed)));
    this.placeAgent([0, 0], [w, h]);
    const t = this.randInt(0, doors.length);
    this.setTarget(doors[t][0], doors[t][1], T.door, colors[t]);
    this.mission = `go to the ${COLOR_NAMES[colors[t]]} door`;
  }
  protected nextToTarget(): boolean {
    const dx = Math.abs(this.agentX - this.targetX);
    const dy = Math.abs(this.agentY - this.targetY);
    return dx + dy === 1;
  }
}

export const goToEnvs = [
  ...[6, 8].map((size) =>
    defineEnv({
      id: `GoToObject-${size}x${size}-N2`,
      family: "grid",
      summary: `${size}×${size}: go to the named one of 2 objects and say done`,
      alias: `MiniGrid-GoToObject-${size}x${size}-N2-v0`,
      kwargs: GoToObjectKwargs,
      preset: { size, numObjs: 2 },
      create: (k) => new GoToObject(k),
    }),
  ),
  ...[5, 6, 8].map((size) =>
    defineEnv({
      id: `GoToDoor-${size}x${size}`,
      family: "grid",
      summary: `up to ${size}×${size}: go to the named one of 4 doors and say done`,
      alias: `MiniGrid-GoToDoor-${size}x${size}-v0`,
      kwargs: GoToDoorKwargs,
      preset: { size },
      create: (k) => new GoToDoor(k),
    }),
  ),
];
