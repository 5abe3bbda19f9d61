/**
 * Learned rewards as spec terms (`kind: learned`): a reward model saved by
 * `rewardlab learn-reward` (a JSON artifact) evaluated on each transition
 * (s, a, s′) as the ensemble mean of its members, in plain JavaScript.
 *
 * The model's value on the absorbing state (an ended episode) is subtracted,
 * so an ended episode earns 0 as in the RL objective: a learned reward that
 * is negative everywhere then still tells the agent that living longer is
 * worse, not better, only where the comparisons said so.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { parseConfig, parseConfigText } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { writeTransition } from "../learn/transition.js";
import { mlpForwardJs, mlpScratch, type MlpWeights } from "../nn/mlp-js.js";
import type { RewardBatch } from "./batch.js";

export const LEARNED_REWARD_FORMAT = "rewardlab.learned-reward/1";

const Layer = z.object({ w: z.array(z.number()), b: z.array(z.number()) }).strict();

export const LearnedRewardArtifact = z
  .object({
    format: z.literal(LEARNED_REWARD_FORMAT),
    env: z.string().describe("the environment id the model was learned on"),
    inputs: z.literal("obs-action-next").describe("each row: s, one-hot a, s′, absorbing flag"),
    obsSize: z.number().int().positive(),
    actionCount: z.number().int().positive(),
    sizes: z.array(z.number().int().positive()).min(2),
    activation: z.enum(["tanh", "relu"]),
    members: z.array(z.array(Layer).min(1)).min(1),
    /** The ensemble's reward on the absorbing state, subtracted from every step. */
    absorbing: z.number(),
    /** How it was learned (labels, accuracy…), for people. */
    about: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type LearnedRewardArtifact = z.output<typeof LearnedRewardArtifact>;

/** Reads an artifact from a path (JSON, relative to the working folder) or takes it inline; errors name `path`. */
export function loadLearnedReward(model: unknown, path: string): LearnedRewardArtifact {
  const data = typeof model === "string" ? readLearnedModel(model, process.cwd(), path) : model;
  const a = parseConfig(LearnedRewardArtifact, data, path);
  const size = 2 * a.obsSize + a.actionCount + 1;
  if (a.sizes[0] !== size || a.sizes.at(-1) !== 1) throw new UserError(`${path}.sizes`, `expected layer sizes from ${size} inputs to 1 output, got ${a.sizes.join("→")}`);
  a.members.forEach((layers, k) => {
    if (layers.length !== a.sizes.length - 1) throw new UserError(`${path}.members[${k}]`, `expected ${a.sizes.length - 1} layers, got ${layers.length}`);
    layers.forEach((l, j) => {
      if (l.w.length !== a.sizes[j] * a.sizes[j + 1] || l.b.length !== a.sizes[j + 1]) throw new UserError(`${path}.members[${k}][${j}]`, `expected a ${a.sizes[j]}×${a.sizes[j + 1]} layer`);
    });
  });
  return a;
}

/** The content of the model file `model` names, relative to `baseDir`; an unreadable file is a `UserError` at `path`. */
export function readLearnedModel(model: string, baseDir: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(baseDir, model), "utf8");
  } catch {
    throw new UserError(path, `cannot read the learned reward model ${JSON.stringify(model)}`);
  }
  return parseConfigText(text, model);
}

/** Per-step evaluation of a learned reward over a batch of n transitions. */
export function bindLearnedReward(a: LearnedRewardArtifact, b: RewardBatch, path: string): (out: Float64Array) => void {
  if (b.obsSize !== a.obsSize || b.actionCount !== a.actionCount) {
    throw new UserError(path, `the model was learned on ${a.env} (observations of ${a.obsSize}, ${a.actionCount} actions); this environment has observations of ${b.obsSize} and ${b.actionCount ?? "non-discrete"} actions`);
  }
  const weights: MlpWeights[] = a.members.map((layers) => ({ sizes: a.sizes, w: layers.map((l) => Float32Array.from(l.w)), b: layers.map((l) => Float32Array.from(l.b)) }));
  const size = a.sizes[0];
  const d = a.obsSize;
  const layout = { obsSize: d, actionCount: a.actionCount };
  const x = new Float32Array(b.n * size);
  const y = new Float32Array(b.n);
  const scratch = mlpScratch(a.sizes, b.n);
  return (out) => {
    const s = b.obs!;
    const next = b.nextObs!;
    for (let i = 0; i < b.n; i++) writeTransition(layout, s, i * d, b.actions[i * b.actionSize], next, i * d, x, i * size);
    out.fill(-a.absorbing, 0, b.n);
    for (const w of weights) {
      mlpForwardJs(w, x, b.n, y, a.activation, scratch);
      for (let i = 0; i < b.n; i++) out[i] += y[i] / weights.length;
    }
  };
}
