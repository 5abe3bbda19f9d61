/**
 * The token-level text policy trained in-process: the GRU of token-gru.ts
 * reads each observation word by word and picks an action word. Trained
 *
 * - by REINFORCE with a group baseline over whole episodes (`rloo`, `grpo`):
 *   k episodes of one task (one seed) form a group, and episode i's
 *   advantage is RLOO's A_i = R_i − mean_{j≠i} R_j or GRPO's
 *   (R_i − mean R)/(std R + ε); the loss −(1/N) Σ_i A_i Σ_t log π(a_t | s_t);
 * - or by PPO (`ppo`): the head has one more output, the value V(s); turn
 *   advantages by GAE (γ 0.99, λ 0.95) over the turn rewards, normalized;
 *   4 epochs of the clipped objective (ε 0.2) on the collected turns, with
 *   0.5·(V − R)² and an entropy bonus of 0.01.
 *
 * Adam, the gradient's norm clipped at 0.5. Every draw (initial weights,
 * tasks, actions) comes from the seed.
 */
import { Rng } from "../../core/rng.js";
import type { TextEnv } from "./text-env.js";
import { initGru, tokenize, TokenGru, type GruShape } from "./token-gru.js";

export interface TokenPolicyOptions {
  /** The action words, and how one is said (default `Action: WORD`). */
  actions: readonly string[];
  baseline: "rloo" | "grpo" | "ppo";
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
  const ppo = o.baseline === "ppo";
  const A_ = o.actions.length;
  // With PPO the head has one more output: the value.
  const shape: GruShape = { vocab: o.vocab ?? 256, embed: o.embed ?? 8, hidden: o.hidden ?? 16, actions: A_ + (ppo ? 1 : 0) };
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
  const probs = (tokens: Int32Array) => softmax(gru.forward(params, tokens).logits.subarray(0, A_));
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
    const episodes: { turns: Turn[]; rewards: number[]; ret: number; primary: number; truncated: boolean }[] = [];
    for (let g = 0; g < G; g++) {
      const seed = rng.int(2 ** 31);
      for (let j = 0; j < k; j++) {
        const env = makeWorld();
        let observation = env.reset(seed);
        const turns: Turn[] = [];
        const rewards: number[] = [];
        let ret = 0;
        let primary = 0;
        let truncated = true;
        for (let t = 0; t < maxTurns; t++) {
          const tokens = tokenize(observation, shape.vocab, maxTokens);
          const action = sample(probs(tokens), rng);
          const step = env.step(`Action: ${o.actions[action]}`);
          turns.push({ tokens, action });
          const r = (o.rewards ?? "sparse") === "dense" ? step.reward : step.primary;
          rewards.push(r);
          ret += r;
          primary += step.primary;
          observation = step.observation;
          if (step.terminated) truncated = false;
          if (step.terminated || step.truncated) break;
        }
        steps += turns.length;
        episodes.push({ turns, rewards, ret, primary, truncated });
      }
    }
    if (ppo) ppoUpdate(gru, params, grad, adam, episodes, A_, rng);
    else {
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
    }
    curve.push(episodes.reduce((a, e) => a + e.primary, 0) / episodes.length);
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

const GAMMA = 0.99;
const LAMBDA = 0.95;
const CLIP = 0.2;
const EPOCHS = 4;
const MINIBATCH = 64;

/** PPO on the collected episodes: GAE advantages, then epochs of the clipped objective with the value loss and an entropy bonus. */
function ppoUpdate(gru: TokenGru, params: Float64Array, grad: Float64Array, adam: Adam, episodes: { turns: Turn[]; rewards: number[]; truncated: boolean }[], A: number, rng: Rng): void {
  interface Sample {
    tokens: Int32Array;
    action: number;
    logp: number;
    adv: number;
    ret: number;
  }
  const samples: Sample[] = [];
  for (const e of episodes) {
    const outs = e.turns.map((t) => gru.forward(params, t.tokens).logits);
    const values = outs.map((l) => l[A]);
    let gae = 0;
    const advs = new Array<number>(e.turns.length);
    for (let t = e.turns.length - 1; t >= 0; t--) {
      // A cut-off episode bootstraps from its last value; a finished one from 0.
      const next = t + 1 < e.turns.length ? values[t + 1] : e.truncated ? values[t] : 0;
      const delta = e.rewards[t] + GAMMA * next - values[t];
      gae = delta + GAMMA * LAMBDA * gae;
      advs[t] = gae;
    }
    e.turns.forEach((turn, t) => {
      const pi = softmax(outs[t].subarray(0, A));
      samples.push({ tokens: turn.tokens, action: turn.action, logp: Math.log(pi[turn.action]), adv: advs[t], ret: advs[t] + values[t] });
    });
  }
  const mean = samples.reduce((a, s) => a + s.adv, 0) / samples.length;
  const std = Math.sqrt(samples.reduce((a, s) => a + (s.adv - mean) ** 2, 0) / samples.length);
  for (const s of samples) s.adv = (s.adv - mean) / (std + 1e-8);
  const order = samples.map((_, i) => i);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < order.length; start += MINIBATCH) {
      const batch = order.slice(start, start + MINIBATCH);
      grad.fill(0);
      for (const idx of batch) {
        const s = samples[idx];
        const trace = gru.forward(params, s.tokens);
        const pi = softmax(trace.logits.subarray(0, A));
        const ratio = Math.exp(Math.log(pi[s.action]) - s.logp);
        // −min(ratio·Â, clip(ratio)·Â): the gradient flows only where the unclipped term is the smaller.
        const clipped = (s.adv > 0 && ratio > 1 + CLIP) || (s.adv < 0 && ratio < 1 - CLIP);
        const dLogp = clipped ? 0 : -ratio * s.adv;
        let entropy = 0;
        for (let a = 0; a < A; a++) entropy -= pi[a] * Math.log(pi[a] + 1e-12);
        const d = new Float64Array(A + 1);
        for (let a = 0; a < A; a++) {
          // ∂log π(a*)/∂logit_a = onehot − π; ∂H/∂logit_a = −π_a (log π_a + H).
          const dPolicy = dLogp * ((a === s.action ? 1 : 0) - pi[a]);
          const dEntropy = -0.01 * -pi[a] * (Math.log(pi[a] + 1e-12) + entropy);
          d[a] = (dPolicy + dEntropy) / batch.length;
        }
        d[A] = (0.5 * 2 * (trace.logits[A] - s.ret)) / batch.length;
        gru.backward(params, trace, d, grad);
      }
      clipNorm(grad, 0.5);
      adam.step(params, grad);
    }
  }
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
