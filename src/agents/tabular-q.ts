/**
 * Tabular Q-learning (Watkins 1989) and SARSA (Rummery & Niranjan 1994) with
 * ε-greedy exploration, on environments with enumerable states (gridworlds,
 * whose cores give a Markov state key). States are numbered as they are met.
 *
 *   Q-learning: Q(s,a) ← Q(s,a) + α·(r + γ·max_a′ Q(s′,a′)·(1 − terminated) − Q(s,a))
 *   SARSA:      Q(s,a) ← Q(s,a) + α·(r + γ·Q(s′,a′)·(1 − terminated) − Q(s,a)), a′ the next action taken
 *
 * Truncated episodes bootstrap from s′ (the state before the reset).
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { EnvCore } from "../envs/core.js";
import { GridEnv } from "../envs/grid/engine.js";
import { counterfactualBuffers, type Counterfactuals } from "../rewards/machines/crm.js";
import { MachineProduct } from "../rewards/machines/product.js";
import { CounterfactualReward } from "./crm.js";
import type { RewardedVector } from "../rewards/rewarded.js";
import { defineLearner, type ActOptions, type Learner } from "./learner.js";

export const TabularQConfig = z
  .object({
    algorithm: z.enum(["q-learning", "sarsa"]).default("q-learning"),
    alpha: z.number().gt(0).max(1).default(0.1).describe("learning rate α"),
    gamma: z.number().min(0).max(1).default(0.99).describe("discount γ"),
    epsilonStart: z.number().min(0).max(1).default(1),
    epsilonEnd: z.number().min(0).max(1).default(0.05),
    epsilonDecaySteps: z.number().int().positive().default(50_000).describe("environment steps of the linear ε decay"),
    initialQ: z.number().default(0),
    crm: z.boolean().default(true).describe("with a reward machine: learn from counterfactual experiences for every machine state (Q-learning only)"),
  })
  .strict();
export type TabularQConfig = z.output<typeof TabularQConfig>;

export class TabularQ implements Learner {
  readonly config: TabularQConfig;
  readonly rng: Rng;
  /** Q-values, row s·A + a, grown as states are met. */
  q = new Float64Array(0);
  readonly stateIds = new Map<string, number>();
  globalStep = 0;
  private readonly A: number;
  private readonly n: number;
  private readonly cores: EnvCore[];
  /** With a reward machine: the product cores, the counterfactual reward and its buffers. */
  private readonly products: MachineProduct[] | undefined;
  private readonly counterfactual: CounterfactualReward | undefined;
  private readonly cf: Counterfactuals | undefined;
  /** The inner (gridworld) state key of each environment before its step, for counterfactuals. */
  private readonly innerKeyBefore: string[] = [];
  private readonly innerKeyFinal: string[] = [];
  private readonly s: Int32Array;
  private readonly a: Int32Array;
  private readonly finalState: Int32Array;
  private readonly actionBuffer: Int32Array;

  get algo(): string {
    return this.config.algorithm;
  }

  constructor(
    readonly env: RewardedVector,
    config: Partial<TabularQConfig> = {},
    seed = 0,
  ) {
    this.config = TabularQConfig.parse(config);
    this.rng = new Rng(seed);
    const vec = env.vec;
    const gridOf = (c: EnvCore): GridEnv | undefined => (c instanceof GridEnv ? c : c instanceof MachineProduct && c.inner instanceof GridEnv ? c.inner : undefined);
    if (vec.actionSpace.kind !== "discrete" || !vec.cores.every((c) => gridOf(c))) {
      throw new UserError("learner", `tabular learners need an environment with enumerable states (a gridworld); ${vec.id} is not one`);
    }
    this.cores = vec.cores as EnvCore[];
    this.products = vec.cores.every((c) => c instanceof MachineProduct) ? (vec.cores as MachineProduct[]) : undefined;
    if (this.products && this.config.crm) {
      if (this.config.algorithm !== "q-learning") throw new UserError("learner.crm", "counterfactual experiences are off-policy: use algo q-learning, or crm: false");
      this.counterfactual = new CounterfactualReward(env);
      this.cf = counterfactualBuffers(this.products[0].machine.states.length);
    }
    this.A = vec.actionSpace.n;
    this.n = vec.n;
    this.s = new Int32Array(this.n);
    this.a = new Int32Array(this.n);
    this.finalState = new Int32Array(this.n);
    this.actionBuffer = new Int32Array(this.n);
    vec.onEpisodeEnd = (i, core) => {
      this.finalState[i] = this.stateOf(core);
      if (this.products) this.innerKeyFinal[i] = (core as MachineProduct).inner instanceof GridEnv ? ((core as MachineProduct).inner as GridEnv).stateKey() : "";
    };
  }

  /** The key of a core's current state: the gridworld's, with the machine state for a product. */
  keyOf(core: EnvCore): string {
    if (core instanceof MachineProduct) return `${(core.inner as GridEnv).stateKey()}|${core.state}`;
    return (core as GridEnv).stateKey();
  }

  /** The number of the core's current state, adding it (and its Q row) if new. */
  stateOf(core: EnvCore): number {
    return this.idOf(this.keyOf(core));
  }

  /** The number of a state key, adding it (and its Q row) if new. */
  idOf(key: string): number {
    let id = this.stateIds.get(key);
    if (id === undefined) {
      id = this.stateIds.size;
      this.stateIds.set(key, id);
      if ((id + 1) * this.A > this.q.length) {
        const grown = new Float64Array(Math.max(64, this.q.length * 2, (id + 1) * this.A)).fill(this.config.initialQ);
        grown.set(this.q);
        this.q = grown;
      }
    }
    return id;
  }

  get epsilon(): number {
    const { epsilonStart, epsilonEnd, epsilonDecaySteps } = this.config;
    return epsilonStart + (epsilonEnd - epsilonStart) * Math.min(1, this.globalStep / epsilonDecaySteps);
  }

  /** argmax_a Q(s, a), ties broken at random (from `rng`). */
  greedy(s: number, rng: Rng = this.rng): number {
    const { A, q } = this;
    let best = -Infinity;
    let count = 0;
    let choice = 0;
    for (let a = 0; a < A; a++) {
      const v = q[s * A + a];
      if (v > best) {
        best = v;
        count = 1;
        choice = a;
      } else if (v === best && rng.int(++count) === 0) choice = a;
    }
    return choice;
  }

  /** Q-learning updates from every other machine state u for the step just taken (CRM). */
  private learnCounterfactuals(): void {
    const { A, n } = this;
    const { alpha, gamma } = this.config;
    const vec = this.env.vec;
    const cf = this.cf!;
    for (let i = 0; i < n; i++) {
      const product = this.products![i];
      product.counterfactuals(cf);
      const ended = vec.terminated[i] || vec.truncated[i];
      const innerNext = ended ? this.innerKeyFinal[i] : (product.inner as GridEnv).stateKey();
      const actual = product.machine.states.length;
      for (let u = 0; u < actual; u++) {
        if (product.machine.terminal[u]) continue;
        const uNext = cf.next[u];
        const terminal = cf.terminal[u] === 1;
        const r = this.counterfactual!.reward(i, product, u, uNext, cf.reward[u], terminal);
        const s = this.idOf(`${this.innerKeyBefore[i]}|${u}`);
        const next = this.idOf(`${innerNext}|${uNext}`);
        const k = s * A + this.a[i];
        // The real transition (u = the actual state) is learned by the loop below; skip it here.
        if (s === this.s[i]) continue;
        this.q[k] += alpha * (r + (terminal ? 0 : gamma * this.maxQ(next)) - this.q[k]);
      }
    }
  }

  private maxQ(s: number): number {
    let best = -Infinity;
    for (let a = 0; a < this.A; a++) best = Math.max(best, this.q[s * this.A + a]);
    return best;
  }

  private choose(s: number): number {
    return this.rng.float() < this.epsilon ? this.rng.int(this.A) : this.greedy(s);
  }

  /**
   * Greedy actions in the current states of the environments (the learner's
   * own, or `options.env`), as `Learner.act`: the table is keyed by state, not
   * by `obs`. Looking a state up does not add it; a state never met gets a
   * uniformly random action.
   */
  act(_obs: Float32Array, rng: Rng = this.rng, options: ActOptions = {}): Int32Array {
    const cores = (options.env?.cores ?? this.cores) as EnvCore[];
    return Int32Array.from(cores, (core) => {
      const s = this.stateIds.get(this.keyOf(core));
      return s === undefined ? rng.int(this.A) : this.greedy(s, rng);
    });
  }

  /** Environment steps between two reports (and reward-module updates). */
  static readonly STEPS_PER_ITERATION = 2048;
  private totalSteps = Infinity;

  plan(totalSteps: number): number {
    this.totalSteps = totalSteps;
    return totalSteps;
  }

  /** A fresh run resets the environments and picks each one's first action. */
  start(): void {
    if (this.globalStep !== 0) return;
    this.env.reset(this.rng.int(2 ** 31));
    for (let i = 0; i < this.n; i++) {
      this.s[i] = this.stateOf(this.cores[i]);
      this.a[i] = this.choose(this.s[i]);
    }
  }

  /** The actions chosen at the current states (ε-greedy), picked when the previous step was learned from. */
  actions(): Int32Array {
    if (this.counterfactual) for (let i = 0; i < this.n; i++) this.innerKeyBefore[i] = (this.products![i].inner as GridEnv).stateKey();
    this.actionBuffer.set(this.a);
    return this.actionBuffer;
  }

  /** The TD update of every environment's transition; a rollout is STEPS_PER_ITERATION steps. */
  observe(): boolean {
    const { env, n, A } = this;
    const { alpha, gamma, algorithm } = this.config;
    const vec = env.vec;
    if (this.counterfactual) this.learnCounterfactuals();
    this.globalStep += n;
    for (let i = 0; i < n; i++) {
      const ended = vec.terminated[i] || vec.truncated[i];
      const next = ended ? this.finalState[i] : this.stateOf(this.cores[i]);
      const r = env.rewards[i];
      const s = this.s[i];
      const a = this.a[i];
      // a′ is chosen at s′ (needed by SARSA; Q-learning uses max_a′).
      const nextAction = this.choose(next);
      const bootstrap = vec.terminated[i] ? 0 : algorithm === "sarsa" ? this.q[next * A + nextAction] : this.maxQ(next);
      const k = s * A + a;
      this.q[k] += alpha * (r + gamma * bootstrap - this.q[k]);
      if (ended) {
        this.s[i] = this.stateOf(this.cores[i]);
        this.a[i] = this.choose(this.s[i]);
      } else {
        this.s[i] = next;
        this.a[i] = nextAction;
      }
    }
    return this.globalStep % TabularQ.STEPS_PER_ITERATION < n || this.globalStep >= this.totalSteps;
  }

  /** Learning happened step by step; an iteration only reports. */
  update(): Record<string, number> {
    return { global_step: this.globalStep, "charts/epsilon": this.epsilon, "charts/states": this.stateIds.size };
  }

  /** The Q-table, the state numbering, the ε schedule's position, the current states and actions, and the random stream. */
  state(): TabularQState {
    return { q: Array.from(this.q.subarray(0, this.stateIds.size * this.A)), states: [...this.stateIds.keys()], globalStep: this.globalStep, s: Array.from(this.s), a: Array.from(this.a), rng: this.rng.getState() };
  }

  load(state: unknown): void {
    const c = state as TabularQState;
    this.stateIds.clear();
    this.q = new Float64Array(0);
    for (const key of c.states) this.idOf(key);
    this.q.set(c.q);
    this.globalStep = c.globalStep;
    this.s.set(c.s);
    this.a.set(c.a);
    this.rng.setState(c.rng);
  }
}

export interface TabularQState {
  q: number[];
  /** State keys in the order they were numbered. */
  states: string[];
  globalStep: number;
  s: number[];
  a: number[];
  rng: number[];
}

const tabularSchema = TabularQConfig.omit({ algorithm: true });

export const qLearningLearner = defineLearner({
  algo: "q-learning",
  schema: tabularSchema.extend({ algo: z.literal("q-learning") }).strict(),
  description: "tabular Q-learning with ε-greedy exploration (and counterfactual experiences with a reward machine); gridworlds",
  create: (env, { algo, ...config }, seed) => new TabularQ(env, { ...config, algorithm: algo }, seed),
});

export const sarsaLearner = defineLearner({
  algo: "sarsa",
  schema: tabularSchema.extend({ algo: z.literal("sarsa") }).strict(),
  description: "tabular SARSA with ε-greedy exploration; gridworlds",
  create: (env, { algo, ...config }, seed) => new TabularQ(env, { ...config, algorithm: algo }, seed),
});
