/**
 * The token-level text policy trained in-process: the GRU of token-gru.ts
 * reads each observation word by word and picks an action word, trained by
 * REINFORCE with a group baseline over whole episodes: k episodes of one
 * task (one seed) form a group, and episode i's advantage is RLOO's
 * A_i = R_i − mean_{j≠i} R_j or GRPO's (R_i − mean R)/(std R + ε). The loss
 * −(1/N) Σ_i A_i Σ_t log π(a_t | s_t) is minimized by Adam with the
 * gradient's norm clipped. Every draw (initial weights, tasks, actions)
 * comes from the seed.
 */
import { Rng } from "../../core/rng.js";
import type { TextEnv } from "./text-env.js";
import { initGru, tokenize, TokenGru, type GruShape } from "./token-gru.js";

export interface TokenPolicyOptions {
  /** The action words, and how one is said (default `Action: WORD`). */
  actions: readonly string[];
  baseline: "rloo" | "grpo";
  /** Environment steps to train for. */
  steps: number;
  seed: number;
  /** Tasks per update (G) and episodes per task (k). */
  groups?: number;
  groupSize?: number;
  rewards?: "dense" | "sparse";
  maxTurns?: number;
  learningRate?: number;
  /** Ids words hash to, embedding and hidden sizes, words read per observation. */
  vocab?: number;
  embed?: number;
  hidden?: number;
  maxTokens?: number;
}

export interface TokenPolicy {
  gru: TokenGru;
  params: Float64Array;
  /** Per update: the mean task return of its episodes. */
  curve: number[];
  act(observation: string, rng: Rng, greedy?: boolean): number;
}

interface Turn {
  tokens: Int32Array;
  action: number;
}

export function trainTokenPolicy(makeWorld: () => TextEnv, o: TokenPolicyOptions): TokenPolicy {
  const shape: GruShape = { vocab: o.vocab ?? 256, embed: o.embed ?? 8, hidden: o.hidden ?? 16, actions: o.actions.length };
  const maxTokens = o.maxTokens ?? 48;
  const G = o.groups ?? 4;
  const k = o.groupSize ?? 4;
  const maxTurns = o.maxTurns ?? 100;
  const rng = new Rng(o.seed);
  const gru = new TokenGru(shape);
  const params = initGru(shape, rng);
  const adam = new Adam(params.length, o.learningRate ?? 3e-3);
  const grad = new Float64Array(params.length);
  const curve: number[] = [];
  const probs = (tokens: Int32Array) => softmax(gru.forward(params, tokens).logits);
  const policy: TokenPolicy = {
    gru,
    params,
    curve,
    act: (observation, r, greedy = false) => {
      const pi = probs(tokenize(observation, shape.vocab, maxTokens));
      return greedy ? argmax(pi) : sample(pi, r);
    },
  };
  let steps = 0;
  while (steps < o.steps) {
    const episodes: { turns: Turn[]; ret: number; primary: number }[] = [];
    for (let g = 0; g < G; g++) {
      const seed = rng.int(2 ** 31);
      for (let j = 0; j < k; j++) {
        const env = makeWorld();
        let observation = env.reset(seed);
        const turns: Turn[] = [];
        let ret = 0;
        let primary = 0;
        for (let t = 0; t < maxTurns; t++) {
          const tokens = tokenize(observation, shape.vocab, maxTokens);
          const action = sample(probs(tokens), rng);
          const step = env.step(`Action: ${o.actions[action]}`);
          turns.push({ tokens, action });
          ret += (o.rewards ?? "sparse") === "dense" ? step.reward : step.primary;
          primary += step.primary;
          observation = step.observation;
          if (step.terminated || step.truncated) break;
        }
        steps += turns.length;
        episodes.push({ turns, ret, primary });
      }
    }
    // Advantages within each group of k episodes of one task.
    const A = episodes.map((_, i) => {
      const group = episodes.slice(Math.floor(i / k) * k, Math.floor(i / k) * k + k).map((e) => e.ret);
      const mean = group.reduce((a, b) => a + b, 0) / k;
      if (o.baseline === "rloo") return episodes[i].ret - (mean * k - episodes[i].ret) / (k - 1);
      const std = Math.sqrt(group.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
      return (episodes[i].ret - mean) / (std + 1e-6);
    });
    grad.fill(0);
    const N = episodes.length;
    episodes.forEach((e, i) => {
      if (A[i] === 0) return;
      for (const turn of e.turns) {
        const trace = gru.forward(params, turn.tokens);
        const pi = softmax(trace.logits);
        // ∂(−A log π(a))/∂logits = −A (onehot(a) − π), averaged over episodes.
        const d = pi.map((p, a) => (-A[i] * ((a === turn.action ? 1 : 0) - p)) / N);
        gru.backward(params, trace, d, grad);
      }
    });
    clipNorm(grad, 0.5);
    adam.step(params, grad);
    curve.push(episodes.reduce((a, e) => a + e.primary, 0) / N);
  }
  return policy;
}

/** Success rate and mean task return of the policy over `episodes` held-out episodes (episode e reset with seed + e). */
export function evaluateTokenPolicy(policy: TokenPolicy, makeWorld: () => TextEnv, actions: readonly string[], episodes: number, seed: number, maxTurns = 100): { success: number; primaryReturn: number } {
  const rng = new Rng(seed);
  let success = 0;
  let primary = 0;
  for (let e = 0; e < episodes; e++) {
    const env = makeWorld();
    let observation = env.reset(seed + e);
    for (let t = 0; t < maxTurns; t++) {
      const step = env.step(`Action: ${actions[policy.act(observation, rng)]}`);
      primary += step.primary;
      observation = step.observation;
      if (step.terminated || step.truncated) {
        if (step.success) success++;
        break;
      }
    }
  }
  return { success: success / episodes, primaryReturn: primary / episodes };
}

function softmax(logits: Float64Array): Float64Array {
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function sample(pi: Float64Array, rng: Rng): number {
  let u = rng.float();
  for (let a = 0; a < pi.length; a++) {
    u -= pi[a];
    if (u < 0) return a;
  }
  return pi.length - 1;
}

function argmax(xs: Float64Array): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

function clipNorm(g: Float64Array, max: number): void {
  let ss = 0;
  for (let i = 0; i < g.length; i++) ss += g[i] * g[i];
  const norm = Math.sqrt(ss);
  if (norm > max) for (let i = 0; i < g.length; i++) g[i] *= max / norm;
}

/** Adam (Kingma & Ba 2015) over a flat parameter vector. */
class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(
    n: number,
    private readonly lr: number,
    private readonly b1 = 0.9,
    private readonly b2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }
  step(p: Float64Array, g: Float64Array): void {
    this.t++;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    for (let i = 0; i < p.length; i++) {
      this.m[i] = this.b1 * this.m[i] + (1 - this.b1) * g[i];
      this.v[i] = this.b2 * this.v[i] + (1 - this.b2) * g[i] * g[i];
      p[i] -= (this.lr * (this.m[i] / c1)) / (Math.sqrt(this.v[i] / c2) + this.eps);
    }
  }
}
