/**
 * A Bradley–Terry reward head over sentence embeddings: a small model
 * r(x) from the embedding x of a prompt and a response to a number, trained
 * so that chosen responses score above rejected ones.
 *
 * What is embedded: the text `rmText(prompt, response)`, that is the prompt,
 * a blank line, and the response (the prompt alone cut to its last 1,500
 * characters, so the response is always seen). A trajectory whose prompt
 * is a list of messages is written as a transcript first (see
 * `promptText`). The embedding is unit-length (see embedder.ts); the head
 * multiplies it by √d so that each input is of order one.
 *
 * The head is linear, r = w·x̃ + b, or has one tanh hidden layer,
 * r = w₂·tanh(W₁x̃ + b₁) + b₂. Its loss is TRL RewardTrainer's:
 *
 *   ℓ = mean_i −log σ(r_c − r_r − mᵢ)  +  c · mean_i (r_c + r_r)²  +  (λ/2)‖weights‖²
 *
 * (m: a margin the chosen response must win by; c: the centering
 * coefficient that keeps rewards near zero; λ: L2 on the weights, not the
 * biases). Gradients are written by hand (tested against finite
 * differences) and applied by Adam over minibatches; every random draw
 * (initialization, minibatch order) comes from the seeded generator passed in.
 *
 * Saved as JSON (`rewardlab.reward-head/1`) with the embedding model's
 * name and dimension; loading checks every field's shape.
 */
import { sigmoid } from "../../rewards/transforms.js";
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { UserError, showValue } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { EMBEDDING_MODEL } from "./embedder.js";
import type { Message } from "../trajectory.js";

export const HEAD_FORMAT = "rewardlab.reward-head/1";
/** The prompt is cut to its last this many characters in `rmText`. */
export const PROMPT_CHARS = 1500;
/** How the embedded text is built, recorded in saved heads. */
export const TEXT_FORMAT = "prompt + blank line + response";

/** The text whose embedding the head scores: the prompt (its last 1,500 characters), a blank line, the response. */
export function rmText(prompt: string, response: string): string {
  if (prompt === "") return response;
  const p = prompt.length > PROMPT_CHARS ? `…${prompt.slice(prompt.length - PROMPT_CHARS)}` : prompt;
  return `${p}\n\n${response}`;
}

/**
 * A trajectory's prompt as text: a string as it is, a single user message
 * as its content, and longer conversations as an hh-rlhf style transcript
 * (`Human: …\n\nAssistant: …`, with `System:` and `Tool:` turns).
 */
export function promptText(prompt: string | readonly Message[]): string {
  if (typeof prompt === "string") return prompt;
  if (prompt.length === 1 && prompt[0].role === "user") return prompt[0].content;
  const who = { system: "System", user: "Human", assistant: "Assistant", tool: "Tool" } as const;
  return prompt.map((m) => `${who[m.role]}: ${m.content}`).join("\n\n");
}

export const HeadOptions = z
  .object({
    hidden: z.number().int().min(0).max(1024).default(0).describe("hidden tanh units (0: a linear head)"),
    epochs: z.number().int().positive().default(40).describe("passes over the training pairs"),
    batchSize: z.number().int().positive().default(16).describe("pairs per Adam step"),
    learningRate: z.number().positive().default(1e-2),
    margin: z.number().min(0).default(0).describe("m in −log σ(r_c − r_r − m); a pair's own `margin` overrides it"),
    centerCoefficient: z.number().min(0).default(0).describe("c in c · mean((r_c + r_r)²), TRL's center_rewards_coefficient"),
    l2: z.number().min(0).default(1e-3).describe("λ: L2 penalty (λ/2)‖w‖² on the weights"),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();
export type HeadOptions = z.output<typeof HeadOptions>;

/** A preference pair as embeddings of the chosen and the rejected text. */
export interface EmbeddedPair {
  chosen: ArrayLike<number>;
  rejected: ArrayLike<number>;
  /** This pair's margin (TRL's `margin` column); defaults to the options' `margin`. */
  margin?: number;
}

export interface LossOptions {
  margin: number;
  centerCoefficient: number;
  l2: number;
}

/** −log σ(z), computed without overflow. */
function softplusNeg(z: number): number {
  return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}

export class RewardHead {
  /** Inputs are multiplied by this (√d: unit-length embeddings to coordinates of order one). */
  readonly inputScale: number;
  /**
   * All parameters, flat. Linear: w (d), b. Hidden: W₁ (h rows of d), b₁ (h), w₂ (h), b₂.
   */
  readonly params: Float64Array;
  private readonly act: Float64Array;
  private readonly actChosen: Float64Array;

  constructor(
    readonly dimension: number,
    readonly hidden: number,
    params?: Float64Array,
  ) {
    if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`reward head: dimension must be a positive integer, got ${dimension}`);
    if (!Number.isInteger(hidden) || hidden < 0) throw new RangeError(`reward head: hidden must be an integer ≥ 0, got ${hidden}`);
    this.inputScale = Math.sqrt(dimension);
    const size = RewardHead.parameterCount(dimension, hidden);
    if (params && params.length !== size) throw new RangeError(`reward head: expected ${size} parameters, got ${params.length}`);
    this.params = params ?? new Float64Array(size);
    this.act = new Float64Array(hidden);
    this.actChosen = new Float64Array(hidden);
  }

  static parameterCount(dimension: number, hidden: number): number {
    return hidden === 0 ? dimension + 1 : hidden * dimension + 2 * hidden + 1;
  }

  /** A head with small random weights (biases zero): W₁ ~ N(0, 1/d), output weights ~ N(0, 0.01/fan-in). */
  static init(dimension: number, hidden: number, rng: Rng): RewardHead {
    const head = new RewardHead(dimension, hidden);
    const p = head.params;
    if (hidden === 0) {
      for (let k = 0; k < dimension; k++) p[k] = rng.normal(0, 0.1 / Math.sqrt(dimension));
    } else {
      const w1 = hidden * dimension;
      for (let i = 0; i < w1; i++) p[i] = rng.normal(0, 1 / Math.sqrt(dimension));
      for (let j = 0; j < hidden; j++) p[w1 + hidden + j] = rng.normal(0, 0.1 / Math.sqrt(hidden));
    }
    return head;
  }

  /** r(x) for one embedding. */
  score(x: ArrayLike<number>): number {
    if (x.length !== this.dimension) throw new RangeError(`reward head: expected an embedding of ${this.dimension} numbers, got ${x.length}`);
    return this.forward(x);
  }

  /** r(x), leaving the hidden activations in `this.act`. */
  private forward(x: ArrayLike<number>): number {
    const { dimension: d, hidden: h, params: p, inputScale: s } = this;
    if (h === 0) {
      let r = 0;
      for (let k = 0; k < d; k++) r += p[k] * x[k];
      return r * s + p[d];
    }
    const b1 = h * d;
    const w2 = b1 + h;
    let r = p[w2 + h];
    for (let j = 0; j < h; j++) {
      let z = 0;
      const row = j * d;
      for (let k = 0; k < d; k++) z += p[row + k] * x[k];
      const a = Math.tanh(z * s + p[b1 + j]);
      this.act[j] = a;
      r += p[w2 + j] * a;
    }
    return r;
  }

  /** Adds g · ∂r(x)/∂θ to grad; call right after `forward(x)`. */
  private backward(x: ArrayLike<number>, g: number, grad: Float64Array): void {
    const { dimension: d, hidden: h, params: p, inputScale: s } = this;
    if (h === 0) {
      const gs = g * s;
      for (let k = 0; k < d; k++) grad[k] += gs * x[k];
      grad[d] += g;
      return;
    }
    const b1 = h * d;
    const w2 = b1 + h;
    grad[w2 + h] += g;
    for (let j = 0; j < h; j++) {
      const a = this.act[j];
      grad[w2 + j] += g * a;
      const dz = g * p[w2 + j] * (1 - a * a);
      if (dz === 0) continue;
      grad[b1 + j] += dz;
      const dzs = dz * s;
      const row = j * d;
      for (let k = 0; k < d; k++) grad[row + k] += dzs * x[k];
    }
  }

  /** Whether parameter i is a weight (L2 applies) rather than a bias. */
  private isWeight(i: number): boolean {
    const { dimension: d, hidden: h } = this;
    if (h === 0) return i < d;
    return i < h * d || (i >= h * d + h && i < h * d + 2 * h);
  }

  /**
   * The loss over `pairs` (see the module comment) and, into `grad` (zeroed
   * first) when given, its gradient with respect to `params`.
   */
  lossAndGradient(pairs: readonly EmbeddedPair[], options: LossOptions, grad?: Float64Array): number {
    const n = pairs.length;
    if (grad) grad.fill(0);
    let loss = 0;
    const { centerCoefficient: c } = options;
    for (const pair of pairs) {
      const m = pair.margin ?? options.margin;
      const rc = this.forward(pair.chosen);
      if (grad) this.actChosen.set(this.act);
      const rr = this.forward(pair.rejected);
      const delta = rc - rr - m;
      const sum = rc + rr;
      loss += softplusNeg(delta) + c * sum * sum;
      if (grad) {
        // ∂/∂r_c and ∂/∂r_r of this pair's term, averaged over the batch.
        const gDelta = -sigmoid(-delta) / n;
        const gCenter = (2 * c * sum) / n;
        this.backward(pair.rejected, -gDelta + gCenter, grad);
        this.act.set(this.actChosen);
        this.backward(pair.chosen, gDelta + gCenter, grad);
      }
    }
    loss /= Math.max(n, 1);
    if (options.l2 > 0) {
      let sq = 0;
      for (let i = 0; i < this.params.length; i++) {
        if (!this.isWeight(i)) continue;
        sq += this.params[i] * this.params[i];
        if (grad) grad[i] += options.l2 * this.params[i];
      }
      loss += 0.5 * options.l2 * sq;
    }
    return loss;
  }

  /**
   * Trains on `pairs` with Adam for `options.epochs` passes (order reshuffled
   * every pass by `rng`); returns each epoch's mean minibatch loss.
   */
  fit(pairs: readonly EmbeddedPair[], options: HeadOptions, rng: Rng, onEpoch?: (epoch: number, loss: number) => void): number[] {
    const size = this.params.length;
    const m = new Float64Array(size);
    const v = new Float64Array(size);
    const grad = new Float64Array(size);
    const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
    let b1t = 1;
    let b2t = 1;
    const order = Array.from({ length: pairs.length }, (_, i) => i);
    const losses: number[] = [];
    const batch: EmbeddedPair[] = [];
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      rng.shuffle(order);
      let total = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        batch.length = 0;
        for (let i = start; i < Math.min(start + options.batchSize, order.length); i++) batch.push(pairs[order[i]]);
        total += this.lossAndGradient(batch, options, grad) * batch.length;
        b1t *= beta1;
        b2t *= beta2;
        const lr = options.learningRate;
        for (let i = 0; i < size; i++) {
          const g = grad[i];
          m[i] = beta1 * m[i] + (1 - beta1) * g;
          v[i] = beta2 * v[i] + (1 - beta2) * g * g;
          this.params[i] -= (lr * (m[i] / (1 - b1t))) / (Math.sqrt(v[i] / (1 - b2t)) + eps);
        }
      }
      const loss = pairs.length > 0 ? total / pairs.length : 0;
      losses.push(loss);
      onEpoch?.(epoch + 1, loss);
    }
    return losses;
  }
}

/** Fraction of pairs the head orders correctly (r_c > r_r; ties count as wrong), NaN for none. */
export function pairAccuracy(head: RewardHead, pairs: readonly EmbeddedPair[]): number {
  if (pairs.length === 0) return NaN;
  let correct = 0;
  for (const p of pairs) if (head.score(p.chosen) > head.score(p.rejected)) correct++;
  return correct / pairs.length;
}

/** What `rewardlab rm train` wrote next to the weights: how the head was trained and how well it did. */
export type TrainingSummary = Record<string, unknown>;

/** A saved head: the JSON written by `saveHead`. */
export interface HeadFile {
  format: typeof HEAD_FORMAT;
  embedding: { model: string; dimension: number };
  text: string;
  hidden: number;
  activation: "tanh";
  inputScale: number;
  /** Linear: one layer {w (d), b (1)}. Hidden: {w (h × d, row per unit), b (h)}, then {w (h), b (1)}. */
  layers: { w: number[]; b: number[] }[];
  training?: TrainingSummary;
}

export function headToJson(head: RewardHead, training?: TrainingSummary): HeadFile {
  const { dimension: d, hidden: h, params: p } = head;
  const slice = (a: number, b: number) => Array.from(p.subarray(a, b));
  const layers =
    h === 0
      ? [{ w: slice(0, d), b: slice(d, d + 1) }]
      : [
          { w: slice(0, h * d), b: slice(h * d, h * d + h) },
          { w: slice(h * d + h, h * d + 2 * h), b: slice(h * d + 2 * h, h * d + 2 * h + 1) },
        ];
  return {
    format: HEAD_FORMAT,
    embedding: { model: EMBEDDING_MODEL.name, dimension: d },
    text: TEXT_FORMAT,
    hidden: h,
    activation: "tanh",
    inputScale: head.inputScale,
    layers,
    ...(training ? { training } : {}),
  };
}

export function saveHead(file: string, head: RewardHead, training?: TrainingSummary): void {
  writeFileSync(file, `${JSON.stringify(headToJson(head, training))}\n`);
}

/**
 * A head from its JSON. Every field is checked; a problem is a UserError
 * naming `file` and the field (`rm.json: layers[0].w: expected 512 numbers, got 100`).
 */
export function headFromJson(json: unknown, file: string): { head: RewardHead; training?: TrainingSummary } {
  const bad = (field: string, problem: string) => new UserError(file, `${field}: ${problem}`);
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new UserError(file, `expected a reward head (a JSON object), got ${showValue(json)}`);
  const o = json as Record<string, unknown>;
  if (o.format !== HEAD_FORMAT) throw bad("format", `expected ${JSON.stringify(HEAD_FORMAT)}, got ${showValue(o.format)}`);
  const emb = o.embedding as Record<string, unknown> | undefined;
  if (emb === null || typeof emb !== "object") throw bad("embedding", `expected {model, dimension}, got ${showValue(emb)}`);
  if (emb.model !== EMBEDDING_MODEL.name) throw bad("embedding.model", `expected ${JSON.stringify(EMBEDDING_MODEL.name)} (the embedding this build computes), got ${showValue(emb.model)}`);
  if (emb.dimension !== EMBEDDING_MODEL.dimension) throw bad("embedding.dimension", `expected ${EMBEDDING_MODEL.dimension}, got ${showValue(emb.dimension)}`);
  const d = EMBEDDING_MODEL.dimension;
  const h = o.hidden;
  if (typeof h !== "number" || !Number.isInteger(h) || h < 0) throw bad("hidden", `expected an integer ≥ 0, got ${showValue(h)}`);
  if (o.activation !== "tanh") throw bad("activation", `expected "tanh", got ${showValue(o.activation)}`);
  const shapes: [number, number][] = h === 0 ? [[d, 1]] : [[h * d, h], [h, 1]];
  const layers = o.layers;
  if (!Array.isArray(layers) || layers.length !== shapes.length) {
    throw bad("layers", `expected ${shapes.length} layer${shapes.length > 1 ? "s" : ""} for hidden = ${h}, got ${showValue(layers)}`);
  }
  const head = new RewardHead(d, h);
  let offset = 0;
  shapes.forEach(([wn, bn], l) => {
    const layer = layers[l] as Record<string, unknown> | null;
    if (layer === null || typeof layer !== "object") throw bad(`layers[${l}]`, `expected {w, b}, got ${showValue(layer)}`);
    for (const [key, n] of [["w", wn], ["b", bn]] as const) {
      const values = layer[key];
      if (!Array.isArray(values) || values.length !== n) throw bad(`layers[${l}].${key}`, `expected ${n} numbers, got ${showValue(values)}`);
      values.forEach((x, i) => {
        if (typeof x !== "number" || !Number.isFinite(x)) throw bad(`layers[${l}].${key}[${i}]`, `expected a finite number, got ${showValue(x)}`);
        head.params[offset + i] = x;
      });
      offset += n;
    }
  });
  const training = o.training && typeof o.training === "object" ? (o.training as TrainingSummary) : undefined;
  return training ? { head, training } : { head };
}

/** Reads a head written by `saveHead`; a missing or malformed file is a UserError naming it. */
export function loadHead(file: string): { head: RewardHead; training?: TrainingSummary } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(file, `cannot read the reward head (${(error as NodeJS.ErrnoException).code ?? String(error)}); train one with \`rewardlab rm train PAIRS.jsonl --out FILE\``);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(file, `expected a reward head (JSON), got invalid JSON (${(error as Error).message})`);
  }
  return headFromJson(json, file);
}
