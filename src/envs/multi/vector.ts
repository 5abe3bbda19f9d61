/**
 * `ParallelVectorEnv`: n multi-agent environments of m agents each, stepped
 * together over typed arrays with no allocation per step. Row r = i·m + j is
 * agent j of environment i: its observation (`obs`, r·obsSize…), its action
 * (`actions`, r·actionSize…), reward, termination, truncation and events.
 * So a single-agent learner that batches over rows trains one policy shared
 * by every agent (parameter sharing), and per-agent reward specs apply row by row.
 *
 * `active[r]` is 1 when the row's agent acted in the last step (an agent that
 * left earlier is inactive: its reward is 0 and its observation zeros).
 * When every agent of an environment has left, the environment resets at
 * once (autoreset): its rows then hold the new episode's first observations,
 * the episode's last ones are in `finalObs`, and `episodeReturn` and
 * `episodeLength` hold each agent's totals. Environment i reset with seed s
 * is seeded with s + i, so a vector steps exactly as n `ParallelEnv`s would.
 */
import { UserError } from "../../core/errors.js";
import type { Space } from "../../core/spaces.js";
import type { AgentArrays, MultiAgentCore } from "./core.js";
import { eventMaskOf } from "../vector.js";

export class ParallelVectorEnv {
  /** Environments. */
  readonly n: number;
  /** Agents per environment. */
  readonly m: number;
  /** Rows: n × m. */
  readonly rows: number;
  readonly obsSize: number;
  readonly actionSize: number;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly eventNames: readonly string[];
  readonly agentNames: readonly string[];
  readonly maxSteps: number;

  readonly obs: Float32Array;
  readonly finalObs: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly events: Uint32Array;
  readonly active: Uint8Array;
  /** Per row, set when its environment's episode ended in the last step: the agent's return and steps in it. */
  readonly episodeReturn: Float64Array;
  readonly episodeLength: Float64Array;
  /** Per environment: 1 when its episode ended in the last step (and it was reset). */
  readonly episodeEnded: Uint8Array;

  /** Called for each environment whose episode ended in a `step`, before it is reset. */
  onEpisodeEnd: ((i: number, core: MultiAgentCore) => void) | undefined;

  protected readonly runningReturn: Float64Array;
  protected readonly runningLength: Float64Array;
  protected started = false;

  /**
   * `shared`: the cores' own `terminated` and `active` arrays of n·m rows,
   * when they keep their state in views into them (a batched vector whose
   * agents never leave early). Not `truncated` or events: a core's reset
   * clears those, and the vector must still show the step that ended.
   */
  constructor(
    readonly id: string,
    readonly cores: readonly MultiAgentCore[],
    shared?: Pick<AgentArrays, "terminated" | "active">,
  ) {
    if (cores.length === 0) throw new UserError("n", "expected at least 1 environment, got 0");
    const first = cores[0];
    this.n = cores.length;
    this.m = first.numAgents;
    this.rows = this.n * this.m;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.obsSize = first.observationSpace.size;
    this.actionSize = first.actionSpace.size;
    this.eventNames = first.events;
    this.agentNames = first.agentNames;
    this.maxSteps = first.maxSteps;
    this.obs = new Float32Array(this.rows * this.obsSize);
    this.finalObs = new Float32Array(this.rows * this.obsSize);
    this.rewards = new Float32Array(this.rows);
    this.terminated = shared?.terminated ?? new Uint8Array(this.rows);
    this.truncated = new Uint8Array(this.rows);
    this.events = new Uint32Array(this.rows);
    this.active = shared?.active ?? new Uint8Array(this.rows);
    this.episodeReturn = new Float64Array(this.rows);
    this.episodeLength = new Float64Array(this.rows);
    this.episodeEnded = new Uint8Array(this.n);
    this.runningReturn = new Float64Array(this.rows);
    this.runningLength = new Float64Array(this.rows);
    for (const core of cores) {
      Object.freeze(core.features);
      Object.freeze(core.events);
    }
  }

  /** Resets every environment (environment i seeded with `seed + i`, or a seed each) and returns `obs`. */
  reset(seed?: number | readonly number[]): Float32Array {
    const seeds = seed === undefined ? undefined : typeof seed === "number" ? Array.from({ length: this.n }, (_, i) => seed + i) : seed;
    if (seeds && (seeds.length !== this.n || !seeds.every(Number.isSafeInteger))) {
      throw new UserError("seed", `expected an integer or a list of ${this.n} integers, got ${JSON.stringify(seed)}`);
    }
    for (let i = 0; i < this.n; i++) {
      if (seeds) this.cores[i].seed(seeds[i]);
      this.cores[i].reset(this.obs, i * this.m * this.obsSize);
    }
    this.rewards.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.events.fill(0);
    this.active.fill(1);
    this.episodeEnded.fill(0);
    this.runningReturn.fill(0);
    this.runningLength.fill(0);
    this.started = true;
    return this.obs;
  }

  /** Steps every environment with `actions` (rows × actionSize values; an inactive row's are ignored). */
  step(actions: ArrayLike<number>): void {
    this.checkStep(actions);
    const { cores, m, obsSize, actionSize } = this;
    // Arrays hoisted: after each core's step the engine could not assume this's fields unchanged.
    const { active, rewards, terminated, truncated, events, runningReturn, runningLength } = this;
    for (let i = 0; i < this.n; i++) {
      const core = cores[i];
      const first = i * m;
      core.step(actions, first * actionSize, this.obs, first * obsSize);
      for (let j = 0, r = first; j < m; j++, r++) {
        const acted = core.active[j];
        const reward = core.rewards[j];
        active[r] = acted;
        rewards[r] = reward;
        terminated[r] = core.terminated[j];
        truncated[r] = core.truncated[j];
        events[r] = core.eventMasks[j];
        runningReturn[r] += reward;
        if (acted) runningLength[r]++;
      }
      this.episodeEnded[i] = core.done ? 1 : 0;
      if (core.done) this.endEpisode(i);
    }
  }

  /** Throws, leaving every environment untouched, unless the vector was reset and `actions` fit its rows and space. */
  protected checkStep(actions: ArrayLike<number>): void {
    if (!this.started) throw new UserError("vector.step", "call reset() before step()");
    const { rows, actionSize } = this;
    if (actions.length !== rows * actionSize) {
      throw new UserError("actions", `expected ${rows * actionSize} values (${this.n} envs × ${this.m} agents × ${actionSize}), got ${actions.length}`);
    }
    checkActions(this.actionSpace, actions);
  }

  /** Environment i's episode ended in this step: records each agent's totals and the final observations, then resets it. */
  protected endEpisode(i: number): void {
    const { m, obsSize } = this;
    const core = this.cores[i];
    const first = i * m;
    for (let r = first; r < first + m; r++) {
      this.episodeReturn[r] = this.runningReturn[r];
      this.episodeLength[r] = this.runningLength[r];
      this.runningReturn[r] = 0;
      this.runningLength[r] = 0;
    }
    // A copy loop, not set(subarray): no view allocated per finished episode.
    for (let k = first * obsSize, end = (first + m) * obsSize; k < end; k++) this.finalObs[k] = this.obs[k];
    this.onEpisodeEnd?.(i, core);
    core.reset(this.obs, first * obsSize);
  }

  /** The bit of an event name; `pattern` may end in `*` to match a family. */
  eventMask(pattern: string): number {
    return eventMaskOf(this.eventNames, pattern);
  }
}

/** Checks every action before any environment steps, so a bad one leaves the vector untouched. */
function checkActions(space: Space, actions: ArrayLike<number>): void {
  for (let k = 0; k < actions.length; k++) {
    const a = actions[k];
    if (space.kind === "discrete" ? !(a >= space.start && a < space.start + space.n) || (a | 0) !== a : !Number.isFinite(a)) {
      throw new UserError(`actions[${k}]`, space.kind === "discrete" ? `expected an integer in [${space.start}, ${space.start + space.n - 1}], got ${a}` : `expected a finite number, got ${a}`);
    }
  }
}
