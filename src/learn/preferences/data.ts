/**
 * Preferences on disk: JSON Lines, one comparison per line, each clip kept
 * as the seed and actions that replay it exactly (environments are
 * deterministic given a seed), so a file is small, readable, and enough to
 * rebuild every frame and feature row.
 *
 * ```json
 * {"format":"rewardlab.preference/1","env":"DoorKey-5x5","kwargs":{},"pair":0,
 *  "left":{"seed":812,"actions":[2,2,0,2],"from":1},"right":{"seed":77,"actions":[1,2,2],"from":0},
 *  "length":3,"label":"left","by":"human","at":"2026-11-25T10:00:00.000Z"}
 * ```
 *
 * A clip is the steps `from … from + length − 1` of the episode that
 * `reset(seed)` and `actions` play; if that episode ends sooner, the rest is
 * the absorbing state. `label` is left, right, equal or skip.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { make } from "../../envs/registry.js";
import type { Comparison } from "./reward-model.js";
import { featureSize, writeAbsorbing, writeTransition, type TransitionLayout } from "../transition.js";

export const PREFERENCE_FORMAT = "rewardlab.preference/1";

const Clip = z.object({ seed: z.number().int().nonnegative(), actions: z.array(z.number().int().nonnegative()), from: z.number().int().nonnegative() }).strict();
export type Clip = z.output<typeof Clip>;

export const PreferenceRecord = z
  .object({
    format: z.literal(PREFERENCE_FORMAT),
    env: z.string(),
    kwargs: z.record(z.string(), z.unknown()).default({}),
    pair: z.number().int().nonnegative().describe("index of the pair in its labelling session"),
    left: Clip,
    right: Clip,
    length: z.number().int().positive(),
    label: z.enum(["left", "right", "equal", "skip"]),
    by: z.string().default("human"),
    policy: z.string().optional().describe("the run whose policy played the clips (else random actions)"),
    at: z.string().optional(),
  })
  .strict();
export type PreferenceRecord = z.output<typeof PreferenceRecord>;

/** Reads a JSONL file of preferences; a bad line is an error naming `file:line` and the field. */
export function readPreferences(file: string): PreferenceRecord[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n");
  const out: PreferenceRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new UserError(`${file}:${i + 1}`, "expected one JSON object per line");
    }
    out.push(parseConfig(PreferenceRecord, data, `${file}:${i + 1}`));
  });
  return out;
}

export function appendPreference(file: string, record: PreferenceRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** A replayed clip: its ASCII frames (first state, then after each step) and its feature rows. */
export interface Replayed {
  frames: string[];
  x: Float32Array;
}

/** Replays a clip: frames of steps from … from + length, and the transition rows (absorbing after the end). */
export function replayClip(envId: string, kwargs: Record<string, unknown>, clip: Clip, length: number): Replayed {
  const env = make(envId, { kwargs });
  const space = env.actionSpace;
  if (space.kind !== "discrete" || space.start !== 0) throw new UserError("env", `preference clips need discrete actions; ${envId} has ${space}`);
  const layout: TransitionLayout = { obsSize: env.observationSpace.size, actionCount: space.n };
  const size = featureSize(layout);
  const x = new Float32Array(length * size);
  const frames: string[] = [];
  let obs = env.reset(clip.seed).obs;
  let ended = false;
  let t = 0;
  for (let step = 0; step < clip.from + length; step++) {
    if (step === clip.from) frames.push(env.core.render());
    const inClip = step >= clip.from;
    if (ended || step >= clip.actions.length) {
      if (inClip) writeAbsorbing(layout, x, t++ * size);
      continue;
    }
    const a = clip.actions[step];
    const r = env.step(a);
    if (inClip) {
      writeTransition(layout, obs, 0, a, r.obs, 0, x, t++ * size);
      frames.push(env.core.render());
    }
    obs = r.obs;
    ended = r.terminated || r.truncated;
  }
  return { frames, x };
}

/** Comparisons for the reward model from labelled records (skips dropped). */
export function comparisonsOf(records: readonly PreferenceRecord[]): Comparison[] {
  return records
    .filter((r) => r.label !== "skip")
    .map((r) => ({
      a: replayClip(r.env, r.kwargs, r.left, r.length).x,
      b: replayClip(r.env, r.kwargs, r.right, r.length).x,
      label: r.label === "left" ? 1 : r.label === "right" ? 0 : 0.5,
    }));
}

/** How clips choose actions: one action for one observation, drawn from `rng`. */
export type ClipPolicy = (obs: Float32Array, rng: Rng) => number;

/**
 * The two clips of pair `k` of a session: each an episode from a seed drawn
 * for that pair, played by random actions (or by `policy`), cut at a random
 * start. The same (seed, k) always gives the same pair, which is what makes
 * sessions resumable.
 */
export function clipPair(envId: string, kwargs: Record<string, unknown>, seed: number, k: number, length: number, policy?: ClipPolicy): [Clip, Clip] {
  // Pair k has its own stream, whatever pairs were made before it.
  const rng = new Rng(seed * 1_000_003 + k);
  const env = make(envId, { kwargs });
  const n = env.actionSpace.kind === "discrete" ? env.actionSpace.n : 0;
  // Navigation, pickup and toggle: random "drop" and "done" make dull clips.
  const choices = n >= 6 ? [0, 1, 2, 2, 2, 3, 5] : Array.from({ length: n }, (_, i) => i);
  const clip = (): Clip => {
    const clipSeed = rng.int(1 << 30);
    const from = rng.int(Math.max(1, Math.min(50, env.core.maxSteps - length)));
    if (!policy) return { seed: clipSeed, actions: Array.from({ length: from + length }, () => choices[rng.int(choices.length)]), from };
    const actions: number[] = [];
    let obs = env.reset(clipSeed).obs;
    while (actions.length < from + length) {
      const a = policy(obs, rng);
      actions.push(a);
      const r = env.step(a);
      if (r.terminated || r.truncated) break;
      obs = r.obs;
    }
    // A policy's episode may end before the cut: start the clip where it still shows steps.
    return { seed: clipSeed, actions, from: Math.min(from, Math.max(0, actions.length - length)) };
  };
  return [clip(), clip()];
}
