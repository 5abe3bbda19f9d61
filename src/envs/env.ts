/**
 * `Env`: one environment with Gymnasium's API and semantics.
 *
 * - `reset(seed?)` returns `{ obs, info }`; a seed restarts the random stream,
 *   no seed continues it (so the nth episode after `reset(s)` is reproducible).
 *   An environment never seeded starts from seed 0.
 * - `step(action)` returns `{ obs, reward, terminated, truncated, info }`.
 *   `terminated` means the task reached a terminal state (its value is 0);
 *   `truncated` means time ran out (the state still has a value). Both may be true.
 * - `info.events` lists the events the step raised.
 *
 * Each call returns fresh arrays. For speed, step many at once with `VectorEnv`.
 *
 * @example
 * const env = make("DoorKey-5x5");
 * let { obs } = env.reset(0);
 * const { reward, terminated, info } = env.step(2); // forward
 */
import { UserError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import type { Space } from "../core/spaces.js";
import type { EnvCore, Feature } from "./core.js";

export interface StepInfo {
  /** Names of the events this step raised. */
  events: string[];
  stepCount: number;
  [key: string]: unknown;
}

export interface StepResult {
  obs: Float32Array;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: StepInfo;
}

export interface ResetResult {
  obs: Float32Array;
  info: Record<string, unknown>;
}

export type Action = number | ArrayLike<number>;

export class Env {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  private readonly actionBuffer: Float64Array;
  private needsReset = true;

  constructor(
    readonly id: string,
    readonly core: EnvCore,
  ) {
    this.observationSpace = core.observationSpace;
    this.actionSpace = core.actionSpace;
    this.actionBuffer = new Float64Array(core.actionSpace.size);
  }

  get features(): readonly Feature<any>[] {
    return this.core.features;
  }
  get events(): readonly string[] {
    return this.core.events;
  }
  get maxSteps(): number {
    return this.core.maxSteps;
  }

  reset(seed?: number): ResetResult {
    if (seed !== undefined) {
      if (!Number.isSafeInteger(seed)) throw new UserError("seed", `expected an integer, got ${seed}`);
      this.core.seed(seed);
    }
    const obs = new Float32Array(this.observationSpace.size);
    this.core.reset(obs, 0);
    this.needsReset = false;
    return { obs, info: { ...this.core.info() } };
  }

  step(action: Action): StepResult {
    if (this.needsReset) throw new UserError("env.step", "the episode has ended or not begun; call reset() first");
    writeAction(this.actionSpace, action, this.actionBuffer);
    const obs = new Float32Array(this.observationSpace.size);
    const reward = this.core.step(this.actionBuffer, 0, obs, 0);
    const { terminated, truncated } = this.core;
    if (terminated || truncated) this.needsReset = true;
    return {
      obs,
      reward,
      terminated,
      truncated,
      info: { events: eventNames(this.core.events, this.core.eventMask), stepCount: this.core.stepCount, ...this.core.info() },
    };
  }

  /** The named features of the current state. */
  readFeatures(names: readonly string[] = this.core.features.map((f) => f.name)): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of names) out[name] = featureByName(this.core, name).read(this.core);
    return out;
  }

  render(mode: "ansi" = "ansi"): string {
    if (mode !== "ansi") throw new UserError("render.mode", `expected "ansi", got ${JSON.stringify(mode)}`);
    return this.core.render();
  }
}

/** Checks an action against the space and copies it into `out`. */
export function writeAction(space: Space, action: Action, out: Float64Array): void {
  if (space.kind === "discrete") {
    const a = typeof action === "number" ? action : action.length === 1 ? action[0] : NaN;
    if (!space.contains(a)) throw new UserError("action", `expected an integer in [${space.start}, ${space.start + space.n - 1}], got ${describeAction(action)}`);
    out[0] = a;
    return;
  }
  const values = typeof action === "number" ? [action] : action;
  if (values.length !== space.size) throw new UserError("action", `expected ${space.size} numbers for ${space}, got ${describeAction(action)}`);
  for (let i = 0; i < space.size; i++) {
    if (!Number.isFinite(values[i])) throw new UserError(`action[${i}]`, `expected a finite number, got ${values[i]}`);
    out[i] = values[i];
  }
  if (space.kind === "multi-discrete" && !space.contains(Array.from(out))) {
    throw new UserError("action", `expected a value in ${space}, got ${describeAction(action)}`);
  }
}

function describeAction(action: Action): string {
  return typeof action === "number" ? String(action) : `[${Array.from(action).join(", ")}]`;
}

/** The names of the set bits of an event mask. */
export function eventNames(events: readonly string[], mask: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < events.length; i++) if (mask & (1 << i)) out.push(events[i]);
  return out;
}

/** The feature called `name`; an unknown name is a `UserError` at `path` with the closest names. */
export function featureByName(core: EnvCore, name: string, path = "feature"): Feature<any> {
  const f = core.features.find((x) => x.name === name);
  if (!f) {
    const known = core.features.map((x) => x.name);
    throw new UserError(path, `unknown feature ${JSON.stringify(name)}${didYouMean(name, known) || `; this environment has: ${known.join(", ") || "none"}`}`);
  }
  return f;
}
