/**
 * Scoring a JSONL file of trajectories offline (`rewardlab score`): one
 * JSON object per line (native trajectories, OpenAI message lists, verl or
 * TRL rows), scored in batches; each result goes to `write` as one JSON line
 * (with the trajectory's id first, when it has one), and every aspect's
 * values are summarized: how often it applied, mean, std, min and max.
 * Failed rewards are written with their status and reason, and left out of
 * the summaries.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { UserError } from "../core/errors.js";
import { importTrajectory } from "./import.js";
import { FAILED, RewardPipeline, type BatchScores } from "./pipeline.js";
import type { Trajectory } from "./trajectory.js";

export interface ScoreFileOptions {
  /** Trajectories scored together. */
  batchSize: number;
  /** Receives the results of each batch, one JSON line per trajectory. */
  write(lines: string): Promise<unknown>;
  /** After each batch: trajectories scored so far. */
  onProgress?(done: number): void;
}

/** An aspect's (or, named `reward`, the whole reward's) values over the file; null where nothing applied. */
export interface AspectStats {
  name: string;
  /** The aspect's weight; none for the reward. */
  weight: number | undefined;
  applied: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export interface FileScores {
  trajectories: number;
  failed: number;
  /** `id: reason` of the first failed reward, else "". */
  firstFailure: string;
  /** Every aspect's stats, then the reward's. */
  aspects: AspectStats[];
}

/** Running sums of one aspect's values. */
interface Tally {
  name: string;
  weight: number;
  n: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
}

export async function scoreFile(pipeline: RewardPipeline, file: string, options: ScoreFileOptions): Promise<FileScores> {
  const tallies: Tally[] = pipeline.spec.aspects.map((a) => ({ name: a.name, weight: a.weight, n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity }));
  const reward: Tally = { name: "reward", weight: NaN, n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity };
  let done = 0;
  let failedCount = 0;
  let firstFailure = "";
  let batch: Trajectory[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const scores = await pipeline.score(batch);
    tallyScores(scores, tallies, reward);
    for (let i = 0; i < scores.status.length; i++) {
      if (scores.status[i] !== FAILED) continue;
      failedCount++;
      firstFailure ||= `${batch[i]!.id ?? `trajectory ${done + i + 1}`}: ${scores.failures[i]}`;
    }
    const results = RewardPipeline.results(scores, pipeline.spec.failedReward);
    let text = "";
    for (let i = 0; i < results.length; i++) {
      const id = batch[i]!.id;
      text += JSON.stringify(id !== undefined ? { id, ...results[i] } : results[i]) + "\n";
    }
    await options.write(text);
    done += batch.length;
    options.onProgress?.(done);
    batch = [];
  };
  let lineNo = 0;
  for await (const line of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === "") continue;
    batch.push(trajectoryAt(line, file, lineNo));
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  return { trajectories: done, failed: failedCount, firstFailure, aspects: [...tallies, reward].map(statsOf) };
}

/** The trajectory on one line; its errors name the file and line. */
function trajectoryAt(line: string, file: string, lineNo: number): Trajectory {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (e) {
    throw new UserError(`${file}:${lineNo}`, `not valid JSON (${(e as Error).message})`);
  }
  try {
    return importTrajectory(row, "");
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${file}:${lineNo}${e.path ? ` ${e.path}` : ""}`, e.problem);
    throw e;
  }
}

/** Adds a batch's values (NaN: not applied) to the tallies. */
function tallyScores(scores: BatchScores, tallies: Tally[], reward: Tally): void {
  scores.aspects.forEach((a, k) => {
    const s = tallies[k]!;
    for (const v of a.values) if (v === v) add(s, v);
  });
  for (const v of scores.rewards) if (v === v) add(reward, v);
}

function add(s: Tally, v: number): void {
  s.n++;
  s.sum += v;
  s.sumSq += v * v;
  if (v < s.min) s.min = v;
  if (v > s.max) s.max = v;
}

function statsOf(s: Tally): AspectStats {
  const mean = s.n > 0 ? s.sum / s.n : null;
  const std = s.n > 1 && mean !== null ? Math.sqrt(Math.max(0, (s.sumSq - s.n * mean * mean) / (s.n - 1))) : null;
  return { name: s.name, weight: Number.isNaN(s.weight) ? undefined : s.weight, applied: s.n, mean, std, min: s.n > 0 ? s.min : null, max: s.n > 0 ? s.max : null };
}
