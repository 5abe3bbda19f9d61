/**
 * Training a reward model from preference pairs, offline: every pair's
 * chosen and rejected response is embedded with its prompt (embedder.ts,
 * `rmText` in head.ts) and a Bradley–Terry head is fitted on the vectors.
 *
 * Pairs come as JSON Lines, one pair per line, in either shape:
 *
 * ```jsonl
 * {"prompt": "What is 6·7?", "chosen": "42.", "rejected": "Ask someone else.", "subset": "evasive"}
 * {"chosen": "\n\nHuman: What is 6·7?\n\nAssistant: 42.", "rejected": "\n\nHuman: What is 6·7?\n\nAssistant: 41."}
 * ```
 *
 * The first is RewardBench's row (`subset` and `id` optional; accuracy is
 * also reported per subset); the second is Anthropic hh-rlhf's, where the
 * response is the last Assistant turn and the prompt everything before it
 * (`Human: …`, earlier turns included), which both sides must share. A
 * row may carry its own `margin` (TRL's column). Blank lines are skipped.
 *
 * A seeded share of the pairs is held out, by prompt (all pairs of a prompt
 * fall on the same side, so a held-out prompt was never seen in training).
 * A pair counts as correct when the chosen response scores strictly above
 * the rejected one (ties are wrong), as RewardBench counts.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { UserError, showValue } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { embed as embedTexts, EMBEDDING_MODEL } from "./embedder.js";
import { HeadOptions, pairAccuracy, RewardHead, rmText, saveHead, type EmbeddedPair } from "./head.js";

export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
  /** RewardBench's subset (a category such as "rude" or "math"). */
  subset?: string;
  margin?: number;
}

export const TrainOptions = HeadOptions.extend({
  heldOut: z.number().min(0).max(0.9).default(0.2).describe("share of the pairs held out for accuracy (by prompt)"),
  labelNoise: z.number().min(0).max(1).default(0).describe("probability that a training pair's chosen and rejected are swapped (0.5: a shuffled-label control)"),
  out: z.string().optional().describe("where to write the head (JSON)"),
}).strict();
export type TrainOptions = z.output<typeof TrainOptions>;

export interface TrainHooks {
  /** The embedding function (default: the offline sentence embedder). */
  embed?: (texts: readonly string[]) => Promise<ArrayLike<number>[]>;
  onEmbedded?: (texts: number, ms: number) => void;
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface AccuracyRow {
  subset: string;
  train: { pairs: number; accuracy: number };
  heldOut: { pairs: number; accuracy: number };
}

export interface TrainReport {
  head: RewardHead;
  options: TrainOptions;
  pairs: number;
  trainPairs: number;
  heldOutPairs: number;
  /** Fraction of training pairs ordered correctly (against their true labels). */
  trainAccuracy: number;
  /** Fraction of held-out pairs ordered correctly; null with nothing held out. */
  heldOutAccuracy: number | null;
  /** Per subset, when rows name one. */
  subsets: AccuracyRow[];
  losses: number[];
  /** Distinct texts embedded and the wall-clock milliseconds it took. */
  embedding: { texts: number; ms: number };
  /** The head file written, when `out` was given. */
  out?: string;
}

const TURN = "\n\nAssistant:";

/** An hh-rlhf transcript split at its last Assistant turn: everything before (trimmed) and the response; undefined without one. */
export function splitTranscript(text: string): { prompt: string; response: string } | undefined {
  const at = text.lastIndexOf(TURN);
  if (at < 0) return undefined;
  return { prompt: text.slice(0, at).trim(), response: text.slice(at + TURN.length).trim() };
}

/** One row of a pairs file as a pair; `where` names it in errors (`pairs.jsonl:12`). */
export function pairFromRow(row: unknown, where: string): PreferencePair {
  if (row === null || typeof row !== "object" || Array.isArray(row)) throw new UserError(where, `expected an object {"prompt", "chosen", "rejected"}, got ${showValue(row)}`);
  const o = row as Record<string, unknown>;
  for (const key of ["chosen", "rejected"] as const) {
    if (typeof o[key] !== "string") throw new UserError(where, `expected "${key}" to be a string, got ${showValue(o[key])}`);
  }
  if (o.prompt !== undefined && typeof o.prompt !== "string") throw new UserError(where, `expected "prompt" to be a string, got ${showValue(o.prompt)}`);
  if (o.subset !== undefined && typeof o.subset !== "string") throw new UserError(where, `expected "subset" to be a string, got ${showValue(o.subset)}`);
  if (o.margin !== undefined && (typeof o.margin !== "number" || !Number.isFinite(o.margin))) throw new UserError(where, `expected "margin" to be a number, got ${showValue(o.margin)}`);
  const extra = { ...(o.subset !== undefined ? { subset: o.subset as string } : {}), ...(o.margin !== undefined ? { margin: o.margin as number } : {}) };
  const chosen = o.chosen as string;
  const rejected = o.rejected as string;
  if (typeof o.prompt === "string") return { prompt: o.prompt, chosen, rejected, ...extra };
  const c = splitTranscript(chosen);
  const r = splitTranscript(rejected);
  if (!c || !r) {
    throw new UserError(where, `expected "prompt", or hh-rlhf transcripts ("\\n\\nHuman: …\\n\\nAssistant: …") as "chosen" and "rejected"; ${c ? "rejected" : "chosen"} has no Assistant turn`);
  }
  if (c.prompt !== r.prompt) throw new UserError(where, "expected the chosen and rejected transcripts to share everything before their last Assistant turn");
  return { prompt: c.prompt, chosen: c.response, rejected: r.response, ...extra };
}

/** Pairs from JSON Lines text; errors name `file:line`. */
export function parsePairs(text: string, file: string): PreferencePair[] {
  const pairs: PreferencePair[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new UserError(`${file}:${i + 1}`, `expected a JSON object {"prompt", "chosen", "rejected"}, got invalid JSON (${(error as Error).message})`);
    }
    pairs.push(pairFromRow(row, `${file}:${i + 1}`));
  }
  return pairs;
}

export function readPairs(file: string): PreferencePair[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(file, `cannot read the preference pairs (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parsePairs(text, file);
}

/**
 * Indices of the held-out pairs: prompts in a seeded order, whole prompts
 * taken until at least `fraction` of the pairs are held out (at least one
 * pair, and at least one left to train on).
 */
export function heldOutIndices(pairs: readonly PreferencePair[], fraction: number, rng: Rng): Set<number> {
  const held = new Set<number>();
  if (fraction === 0) return held;
  const byPrompt = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    const group = byPrompt.get(p.prompt);
    if (group) group.push(i);
    else byPrompt.set(p.prompt, [i]);
  });
  const groups = rng.shuffle([...byPrompt.values()]);
  const target = Math.max(1, Math.round(fraction * pairs.length));
  for (const group of groups) {
    if (held.size >= target || held.size + group.length >= pairs.length) break;
    for (const i of group) held.add(i);
  }
  return held;
}

function accuracyBySubset(head: RewardHead, pairs: readonly PreferencePair[], embedded: readonly EmbeddedPair[], held: Set<number>): AccuracyRow[] {
  const names = [...new Set(pairs.map((p) => p.subset).filter((s): s is string => s !== undefined))].sort();
  return names.map((subset) => {
    const side = (heldOut: boolean) => {
      const sel = embedded.filter((_, i) => pairs[i].subset === subset && held.has(i) === heldOut);
      return { pairs: sel.length, accuracy: pairAccuracy(head, sel) };
    };
    return { subset, train: side(false), heldOut: side(true) };
  });
}

/**
 * Trains a reward head on preference pairs (a JSONL file or the pairs
 * themselves): embeds them, holds out a seeded share by prompt, fits the
 * head, measures accuracy, and writes the head to `options.out` if given.
 */
export async function trainRewardModel(source: string | readonly PreferencePair[], options: z.input<typeof TrainOptions> = {}, hooks: TrainHooks = {}): Promise<TrainReport> {
  const parsed = TrainOptions.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(issue.path.join("."), issue.message);
  }
  const opts = parsed.data;
  const pairs = typeof source === "string" ? readPairs(source) : source.map((p, i) => pairFromRow(p, `pairs[${i}]`));
  const where = typeof source === "string" ? source : "pairs";
  const minimum = opts.heldOut > 0 ? 2 : 1;
  if (pairs.length < minimum) throw new UserError(where, `expected at least ${minimum} preference pairs, got ${pairs.length}`);

  const rng = new Rng(opts.seed);
  const splitRng = rng.split();
  const initRng = rng.split();
  const orderRng = rng.split();
  const noiseRng = rng.split();

  // Embed each distinct text once.
  const texts = pairs.flatMap((p) => [rmText(p.prompt, p.chosen), rmText(p.prompt, p.rejected)]);
  const distinct = [...new Set(texts)];
  const start = performance.now();
  const vectors = await (hooks.embed ?? embedTexts)(distinct);
  const ms = performance.now() - start;
  hooks.onEmbedded?.(distinct.length, ms);
  const byText = new Map(distinct.map((t, i) => [t, vectors[i]]));
  const dimension = vectors[0]?.length ?? EMBEDDING_MODEL.dimension;
  const embedded: EmbeddedPair[] = pairs.map((p, i) => ({
    chosen: byText.get(texts[2 * i])!,
    rejected: byText.get(texts[2 * i + 1])!,
    ...(p.margin !== undefined ? { margin: p.margin } : {}),
  }));

  const held = heldOutIndices(pairs, opts.heldOut, splitRng);
  const train = embedded.filter((_, i) => !held.has(i));
  const heldOut = embedded.filter((_, i) => held.has(i));
  const noisy = opts.labelNoise > 0 ? train.map((p) => (noiseRng.bernoulli(opts.labelNoise) ? { ...p, chosen: p.rejected, rejected: p.chosen } : p)) : train;

  const head = RewardHead.init(dimension, opts.hidden, initRng);
  const losses = head.fit(noisy, opts, orderRng, hooks.onEpoch);
  const report: TrainReport = {
    head,
    options: opts,
    pairs: pairs.length,
    trainPairs: train.length,
    heldOutPairs: heldOut.length,
    trainAccuracy: pairAccuracy(head, train),
    heldOutAccuracy: heldOut.length > 0 ? pairAccuracy(head, heldOut) : null,
    subsets: accuracyBySubset(head, pairs, embedded, held),
    losses,
    embedding: { texts: distinct.length, ms },
  };
  if (opts.out) {
    const { out: _out, ...trained } = opts;
    saveHead(opts.out, head, {
      ...(typeof source === "string" ? { pairsFile: basename(source) } : {}),
      pairs: report.pairs,
      trainPairs: report.trainPairs,
      heldOutPairs: report.heldOutPairs,
      trainAccuracy: report.trainAccuracy,
      heldOutAccuracy: report.heldOutAccuracy,
      options: trained,
    });
    report.out = opts.out;
  }
  return report;
}
