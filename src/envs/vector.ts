/**
 * `VectorEnv`: n copies of an environment stepped in one call, over typed
 * arrays, allocating nothing per step.
 *
 * Buffers (row i belongs to environment i):
 * - `obs`        Float32Array(n × obsSize): the observation to act on next.
 * - `rewards`    Float32Array(n); `terminated`, `truncated` Uint8Array(n).
 * - `events`     Uint32Array(n): bit j set when the step raised `eventNames[j]`.
 * - `finalObs`   Float32Array(n × obsSize): for an environment whose episode
 *                just ended, its last observation (for bootstrapping on truncation).
 * - `episodeReturn`, `episodeLength` Float64Array(n): for an environment whose
 *                episode just ended, that episode's return and length
 *                (Gymnasium's RecordEpisodeStatistics).
 *
 * Autoreset: same step. When environment i terminates or is truncated, it is
 * reset within the same `step()` call: `obs` row i holds the first observation
 * of its next episode, `finalObs` row i the last one of the episode that
 * ended, and `rewards[i]`, `terminated[i]`, `truncated[i]`, `events[i]` and the
 * `next` features describe the step that ended it. (Gymnasium calls this
 * `AutoresetMode.SAME_STEP`.) The next episode continues environment i's own
 * random stream, exactly as a single `Env` reset without a seed.
 *
 * Seeding: `reset(seed)` seeds environment i with `seed + i`, so a vector
 * steps exactly as n single environments reset with those seeds.
 *
 * @example
 * const vec = makeVector("DoorKey-8x8", 64);
 * vec.reset(0);
 * const actions = new Int32Array(64);
 * vec.step(actions); // vec.obs, vec.rewards, vec.terminated … now hold the step
 */
import { UserError } from "../core/errors.js";
import type { Space } from "../core/spaces.js";
import type { EnvCore, Feature } from "./core.js";
import { eventNames as namesOfMask, featureByName } from "./env.js";

/** Feature columns for the states before (`prev`, s) and after (`next`, s') each step. */
export interface FeatureColumns {
  readonly names: readonly string[];
  readonly prev: readonly Float64Array[];
  readonly next: readonly Float64Array[];
}

export class VectorEnv {
  readonly n: number;
  readonly obsSize: number;
  readonly actionSize: number;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly eventNames: readonly string[];
  readonly featureSpecs: readonly Feature<any>[];
  readonly maxSteps: number;

  readonly obs: Float32Array;
  readonly finalObs: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly events: Uint32Array;
  readonly episodeReturn: Float64Array;
  readonly episodeLength: Float64Array;

  /**
   * Called for each environment whose episode ended in a `step`, before it is
   * reset: the moment to read anything of the final state (a tabular
   * learner's state key) that the reset will erase.
   */
  onEpisodeEnd: ((i: number, core: EnvCore) => void) | undefined;

  private readonly runningReturn: Float64Array;
  private watched: { features: Feature<any>[]; cur: Float64Array[]; columns: FeatureColumns } | undefined;
  private started = false;

  constructor(
    readonly id: string,
    readonly cores: readonly EnvCore[],
  ) {
    if (cores.length === 0) throw new UserError("n", "expected at least 1 environment, got 0");
    const first = cores[0];
    this.n = cores.length;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.obsSize = first.observationSpace.size;
    this.actionSize = first.actionSpace.size;
    this.eventNames = first.events;
    this.featureSpecs = first.features;
    this.maxSteps = first.maxSteps;
    this.obs = new Float32Array(this.n * this.obsSize);
    this.finalObs = new Float32Array(this.n * this.obsSize);
    this.rewards = new Float32Array(this.n);
    this.terminated = new Uint8Array(this.n);
    this.truncated = new Uint8Array(this.n);
    this.events = new Uint32Array(this.n);
    this.episodeReturn = new Float64Array(this.n);
    this.episodeLength = new Float64Array(this.n);
    this.runningReturn = new Float64Array(this.n);
    // Declared once per environment: configuration, not state (checkpoints skip frozen objects).
    for (const core of cores) {
      Object.freeze(core.features);
      Object.freeze(core.events);
    }
  }

  /**
   * Resets every environment and returns `obs`. A seed seeds environment i
   * with `seed + i`; a list gives each environment its own seed (equal seeds
   * give equal episodes, as RLOO's groups need).
   */
  reset(seed?: number | readonly number[]): Float32Array {
    const seeds = seed === undefined ? undefined : typeof seed === "number" ? Array.from({ length: this.n }, (_, i) => seed + i) : seed;
    if (seeds && (seeds.length !== this.n || !seeds.every(Number.isSafeInteger))) {
      throw new UserError("seed", `expected an integer or a list of ${this.n} integers, got ${JSON.stringify(seed)}`);
    }
    const { cores, obs, obsSize } = this;
    for (let i = 0; i < this.n; i++) {
      if (seeds) cores[i].seed(seeds[i]);
      cores[i].reset(obs, i * obsSize);
    }
    this.runningReturn.fill(0);
    this.rewards.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.events.fill(0);
    if (this.watched) for (let i = 0; i < this.n; i++) this.readInto(this.watched.cur, i);
    this.started = true;
    return obs;
  }

  /** Steps every environment with `actions` (n × actionSize values); results land in the buffers. */
  step(actions: ArrayLike<number>): void {
    if (!this.started) throw new UserError("vector.step", "call reset() before step()");
    if (actions.length !== this.n * this.actionSize) {
      throw new UserError("actions", `expected ${this.n * this.actionSize} values (${this.n} envs × ${this.actionSize}), got ${actions.length}`);
    }
    const { cores, obs, finalObs, obsSize, actionSize, rewards, terminated, truncated, events, runningReturn } = this;
    const watched = this.watched;
    // Check every action before stepping any environment, so a bad one leaves the vector untouched.
    if (this.actionSpace.kind === "discrete") checkDiscrete(actions, this.actionSpace.start, this.actionSpace.n);
    else checkFinite(actions);
    let ended = 0;
    for (let i = 0; i < this.n; i++) {
      const core = cores[i];
      if (watched) copyColumnsAt(watched.cur, watched.columns.prev, i);
      const r = core.step(actions, i * actionSize, obs, i * obsSize);
      rewards[i] = r;
      events[i] = core.eventMask;
      runningReturn[i] += r;
      terminated[i] = core.terminated ? 1 : 0;
      truncated[i] = core.truncated ? 1 : 0;
      ended += terminated[i] | truncated[i];
      if (watched) this.readInto(watched.columns.next as Float64Array[], i);
    }
    if (ended === 0 && !watched) return;
    // Autoreset once every environment has stepped: the seats of a multi-agent
    // table (envs/multi/seats.ts) all step before the first of them resets it.
    for (let i = 0; i < this.n; i++) {
      if (!terminated[i] && !truncated[i]) {
        if (watched) copyColumnsAt(watched.columns.next, watched.cur, i);
        continue;
      }
      const core = cores[i];
      const o = i * obsSize;
      this.episodeReturn[i] = runningReturn[i];
      this.episodeLength[i] = core.stepCount;
      runningReturn[i] = 0;
      finalObs.set(obs.subarray(o, o + obsSize), o);
      this.onEpisodeEnd?.(i, core);
      core.reset(obs, o);
      if (watched) this.readInto(watched.cur, i);
    }
  }

  /**
   * Asks for named features: from now on each `step()` fills `prev` (state s)
   * and `next` (state s', before any autoreset) columns, one Float64Array(n)
   * per name. Features nobody asks for are never computed.
   */
  watchFeatures(names: readonly string[]): FeatureColumns {
    const old = this.watched;
    const all = [...new Set([...(old?.columns.names ?? []), ...names])];
    const features = all.map((name) => featureByName(this.cores[0], name));
    // Columns already handed out keep their identity: whoever holds them (a
    // reward program) keeps reading live values.
    const reuse = (cols: readonly Float64Array[] | undefined) => all.map((_, j) => (old && j < old.columns.names.length ? cols![j] : new Float64Array(this.n)));
    const columns: FeatureColumns = { names: all, prev: reuse(old?.columns.prev), next: reuse(old?.columns.next) };
    this.watched = { features, cur: reuse(old?.cur), columns };
    if (this.started) for (let i = 0; i < this.n; i++) this.readInto(this.watched.cur, i);
    return columns;
  }

  /** The column index of a watched feature. */
  featureIndex(name: string): number {
    const i = this.watched?.columns.names.indexOf(name) ?? -1;
    if (i < 0) throw new UserError(name, "feature not watched; call watchFeatures first");
    return i;
  }

  /** The bit of the event that marks a successful episode (`EnvCore.successEvent`); 0 for tasks without one. */
  successMask(): number {
    const name = this.cores[0].successEvent;
    return name !== undefined && this.eventNames.includes(name) ? this.eventMask(name) : 0;
  }

  /** The bit of an event name; `pattern` may end in `*` (`drop:*`) to match a family. */
  eventMask(pattern: string): number {
    return eventMaskOf(this.eventNames, pattern);
  }

  /** Names of the events environment i raised on the last step. */
  eventsOf(i: number): string[] {
    return namesOfMask(this.eventNames, this.events[i]);
  }

  render(i = 0): string {
    return this.cores[i].render();
  }

  private readInto(cols: readonly Float64Array[], i: number): void {
    const { features } = this.watched!;
    const core = this.cores[i];
    for (let j = 0; j < features.length; j++) cols[j][i] = features[j].read(core);
  }
}

/** The bits of the events named `pattern` among `names` (a pattern may end in `*`: a family); an unknown one is a `UserError`. */
export function eventMaskOf(names: readonly string[], pattern: string): number {
  let mask = 0;
  const prefix = pattern.endsWith("*") ? pattern.slice(0, -1) : undefined;
  names.forEach((name, j) => {
    if (prefix !== undefined ? name.startsWith(prefix) : name === pattern) mask |= 1 << j;
  });
  if (mask === 0) throw new UserError(pattern, `unknown event; this environment has: ${names.join(", ") || "none"}`);
  return mask >>> 0;
}

function copyColumnsAt(from: readonly Float64Array[], to: readonly Float64Array[], i: number): void {
  for (let j = 0; j < from.length; j++) to[j][i] = from[j][i];
}

function checkDiscrete(actions: ArrayLike<number>, start: number, n: number): void {
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (!(a >= start && a < start + n) || (a | 0) !== a) {
      throw new UserError(`actions[${i}]`, `expected an integer in [${start}, ${start + n - 1}], got ${a}`);
    }
  }
}

function checkFinite(actions: ArrayLike<number>): void {
  for (let i = 0; i < actions.length; i++) {
    if (!Number.isFinite(actions[i])) throw new UserError(`actions[${i}]`, `expected a finite number, got ${actions[i]}`);
  }
}
