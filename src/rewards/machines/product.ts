/**
 * The product of an environment and a reward machine (Toro Icarte et al.,
 * JAIR 2022, §3): an `EnvCore` that steps the inner core and the machine
 * together, so any learner sees a Markov state ⟨s, u⟩.
 *
 * - observation: the inner observation, then a one-hot of the machine state
 *   (a flat `Box`; the inner space's bounds, then [0, 1] per state);
 * - reward: the inner reward (a spec pays the machine's with
 *   `{kind: expression, expr: "rm.reward"}`);
 * - terminated: the inner core terminated, or the machine reached a terminal state;
 * - features: the inner ones, plus `rm.state`, `rm.reward`, `rm.potential`;
 * - events: the inner ones, plus `rm:advance` (the machine changed state)
 *   and `rm:accept` (it reached a terminal state).
 *
 * Propositions are the labels L(s, a, s′): evaluated from the inner core's
 * features before and after the step (`prev.x`, `x`), the action, the
 * inner reward and flags, and the step's events.
 *
 * @example
 * const rm = compileMachine(spec.machine, machineScope(core), "reward.machine");
 * const env = new Env("DoorKey-8x8", new MachineProduct(createCore("DoorKey-8x8"), rm));
 */
import { UserError } from "../../core/errors.js";
import { Box, type Space } from "../../core/spaces.js";
import { EnvCore, feature, MAX_EVENTS, type Feature } from "../../envs/core.js";
import { featureByName } from "../../envs/env.js";
import type { ExprInputs, Scope } from "../expr/index.js";
import { writeCounterfactuals, type Counterfactuals } from "./crm.js";
import type { MachineRun, RewardMachine } from "./machine.js";

export const ADVANCE_EVENT = "rm:advance";
export const ACCEPT_EVENT = "rm:accept";

/** The names a machine's propositions are checked against: the core's features, events and action size. */
export function machineScope(core: EnvCore): Scope {
  return { features: core.features.map((f) => f.name), events: core.events, actionSize: core.actionSpace.size };
}

export class MachineProduct extends EnvCore {
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  readonly features: readonly Feature<MachineProduct>[];
  readonly events: readonly string[];
  readonly maxSteps: number;
  /** The machine reward of the last step (`rm.reward`). */
  machineReward = 0;

  private readonly u = new Int32Array(1);
  private readonly r = new Float64Array(1);
  private readonly run: MachineRun;
  private readonly inputs: ExprInputs & { prev: Float64Array[]; next: Float64Array[]; actions: Float64Array; taskReward: Float64Array; terminated: Uint8Array; truncated: Uint8Array; events: Uint32Array };
  private readonly labels: ((i: number) => number)[];
  private readonly readers: Feature<any>[];
  private readonly innerObsSize: number;
  private readonly advanceBit: number;
  private readonly acceptBit: number;
  private envTerminated = false;
  private stepped = false;

  constructor(
    readonly inner: EnvCore,
    readonly machine: RewardMachine,
  ) {
    super();
    if (inner.events.length + 2 > MAX_EVENTS) {
      throw new UserError("reward.machine", `the environment declares ${inner.events.length} events and the machine adds 2 (${ADVANCE_EVENT}, ${ACCEPT_EVENT}); at most ${MAX_EVENTS} fit`);
    }
    for (const name of ["rm.state", "rm.reward", "rm.potential"]) {
      if (inner.features.some((f) => f.name === name)) throw new UserError("reward.machine", `the environment already has a feature ${name}; reward machines do not nest`);
    }
    this.actionSpace = inner.actionSpace;
    this.maxSteps = inner.maxSteps;
    this.innerObsSize = inner.observationSpace.size;
    this.observationSpace = productSpace(inner.observationSpace, machine.numStates);
    this.events = [...inner.events, ADVANCE_EVENT, ACCEPT_EVENT];
    this.advanceBit = (1 << inner.events.length) >>> 0;
    this.acceptBit = (1 << (inner.events.length + 1)) >>> 0;
    this.features = [
      ...inner.features.map((f) => feature(f.name, f.description, (c: MachineProduct) => f.read(c.inner))),
      feature("rm.state", "reward machine state (index into the machine's states)", (c: MachineProduct) => c.state),
      feature("rm.reward", "reward machine reward of the last step", (c: MachineProduct) => c.machineReward),
      feature("rm.potential", "V(u) of the machine state, by value iteration over the machine (automated shaping)", (c: MachineProduct) => c.machine.potential[c.state]),
    ];
    // One row of inputs for the propositions; the compiled code reads these arrays.
    const column = () => machine.features.map(() => new Float64Array(1));
    this.inputs = {
      prev: column(),
      next: column(),
      actions: new Float64Array(inner.actionSpace.size),
      actionSize: inner.actionSpace.size,
      taskReward: new Float64Array(1),
      terminated: new Uint8Array(1),
      truncated: new Uint8Array(1),
      events: new Uint32Array(1),
    };
    this.readers = machine.features.map((name) => featureByName(inner, name));
    this.labels = machine.propositions.map((p) => p.expr.scalar(this.inputs));
    this.run = machine.bind(1);
    // The product draws nothing of its own: its random numbers are the inner core's (so a tabular model sees them).
    this.rng = inner.rng;
    this.u[0] = machine.initial;
  }

  // ── snapshots (tabular models of the product, for reward compare) ────────

  /** The inner core's snapshot, with the machine's state and last reward; only for inner cores that take snapshots (gridworlds). */
  snapshot(): ProductSnapshot {
    return { ...this.snapshottable().snapshot(), machineState: this.u[0], machineReward: this.machineReward };
  }

  restore(s: ProductSnapshot): void {
    const inner = this.snapshottable();
    inner.restore(s);
    this.u[0] = s.machineState;
    this.machineReward = s.machineReward;
    this.stepCount = s.stepCount;
    this.envTerminated = s.terminated;
    this.terminated = s.terminated || this.machine.terminal[s.machineState] === 1;
    this.truncated = s.truncated;
  }

  /** The Markov state ⟨s, u⟩, with the last machine reward: `rm.reward` is a feature of the state. */
  stateKey(): string {
    return `${this.snapshottable().stateKey()}|${this.u[0]}|${this.machineReward}`;
  }

  /** The inner core can take snapshots (then so can the product). */
  get snapshots(): boolean {
    const inner = this.inner as Partial<Snapshottable>;
    return typeof inner.snapshot === "function" && typeof inner.restore === "function" && typeof inner.stateKey === "function";
  }

  private snapshottable(): Snapshottable {
    if (!this.snapshots) throw new UserError("env", `a reward machine's product takes snapshots only of an environment that does; ${this.inner.constructor.name} does not`);
    return this.inner as unknown as Snapshottable;
  }

  /** The machine state, an index into `machine.states` (`rm.state`). */
  get state(): number {
    return this.u[0];
  }

  override get newTrial(): boolean {
    return this.inner.newTrial;
  }

  /** The inner task's success event; a task whose goal is the machine names `rm:accept`, which the product raises. */
  override get successEvent(): string | undefined {
    return this.inner.successEvent;
  }

  override seed(seed: number): void {
    super.seed(seed);
    this.inner.seed(seed);
  }

  override reset(obs: Float32Array, offset: number): void {
    this.inner.reset(obs, offset);
    this.stepCount = 0;
    this.terminated = false;
    this.truncated = false;
    this.eventMask = 0;
    this.u[0] = this.machine.initial;
    this.machineReward = 0;
    this.writeState(obs, offset);
  }

  override step(actions: ArrayLike<number>, actionOffset: number, obs: Float32Array, offset: number): number {
    const { inner, inputs, machine } = this;
    this.readFeatures(inputs.prev);
    const reward = inner.step(actions, actionOffset, obs, offset);
    this.readFeatures(inputs.next);
    for (let j = 0; j < inputs.actionSize; j++) inputs.actions[j] = actions[actionOffset + j];
    inputs.taskReward[0] = reward;
    inputs.terminated[0] = inner.terminated ? 1 : 0;
    inputs.truncated[0] = inner.truncated ? 1 : 0;
    inputs.events[0] = inner.eventMask;
    // L(s, a, s′): every proposition for this step, then δ and the machine reward.
    const props = this.run.props;
    for (let p = 0; p < props.length; p++) props[p][0] = this.labels[p](0);
    const from = this.u[0];
    this.run.step(1, this.u, this.r);
    const to = this.u[0];
    this.machineReward = this.r[0];
    this.stepCount = inner.stepCount;
    this.envTerminated = inner.terminated;
    this.terminated = inner.terminated || machine.terminal[to] === 1;
    this.truncated = inner.truncated;
    this.eventMask = inner.eventMask | (to !== from ? this.advanceBit : 0) | (to !== from && machine.terminal[to] ? this.acceptBit : 0);
    this.stepped = true;
    this.writeState(obs, offset);
    return reward;
  }

  /**
   * CRM: for every machine state u, where the last step would have taken the
   * machine from u, with what reward, and whether the episode would have
   * ended; written at `out[offset + u]`. Valid after a step, also after
   * the autoreset that may follow it.
   */
  counterfactuals(out: Counterfactuals, offset = 0): void {
    if (!this.stepped) throw new UserError("counterfactuals", "no step taken yet");
    writeCounterfactuals(this.machine, this.run, 0, this.envTerminated, out, offset);
  }

  observe(obs: Float32Array, offset: number): void {
    this.inner.observe(obs, offset);
    this.writeState(obs, offset);
  }

  render(): string {
    return `${this.inner.render()}\nmachine: ${this.machine.states[this.state]}`;
  }

  override info(): Record<string, unknown> {
    return { ...this.inner.info(), machineState: this.machine.states[this.state] };
  }

  protected generate(): void {
    throw new Error("MachineProduct resets its inner core directly");
  }

  protected transition(): number {
    throw new Error("MachineProduct steps its inner core directly");
  }

  private readFeatures(cols: Float64Array[]): void {
    for (let j = 0; j < cols.length; j++) cols[j][0] = this.readers[j].read(this.inner);
  }

  /** The one-hot of the machine state, after the inner observation. */
  private writeState(obs: Float32Array, offset: number): void {
    const o = offset + this.innerObsSize;
    obs.fill(0, o, o + this.machine.numStates);
    obs[o + this.u[0]] = 1;
  }
}

/** An inner core's snapshot (a gridworld's), as the product sees it. */
interface InnerSnapshot {
  stepCount: number;
  terminated: boolean;
  truncated: boolean;
}
interface Snapshottable {
  snapshot(): InnerSnapshot;
  restore(s: InnerSnapshot): void;
  stateKey(): string;
}
export type ProductSnapshot = InnerSnapshot & { machineState: number; machineReward: number };

/** The inner space's bounds, then [0, 1] for each machine state. */
function productSpace(inner: Space, numStates: number): Box {
  const size = inner.size + numStates;
  const low = new Float32Array(size);
  const high = new Float32Array(size).fill(1);
  if (inner.kind === "box") {
    low.set(inner.low);
    high.set(inner.high);
  } else if (inner.kind === "discrete") {
    low[0] = inner.start;
    high[0] = inner.start + inner.n - 1;
  } else {
    inner.nvec.forEach((n, i) => (high[i] = n - 1));
  }
  return new Box(low, high);
}
