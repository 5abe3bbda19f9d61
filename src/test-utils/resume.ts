/**
 * The resume check every learner's tests make: training `total` iterations
 * straight logs and ends exactly as `split` iterations, a checkpoint through
 * JSON, fresh objects and the rest (episodes, metrics, final state).
 */
import { expect } from "vitest";
import type { EpisodeRecord } from "../agents/episodes.js";
import type { LoopState, TrainingLoop } from "../runs/loop.js";

/** Runs `iterations` more iterations, logging metrics (all but the wall-clock `charts/SPS`) and episodes. */
export function trainFor(loop: TrainingLoop, iterations: number, log: unknown[]): void {
  let left = iterations;
  loop.run(1e9, (metrics, episodes: EpisodeRecord[]) => {
    const { "charts/SPS": _time, ...rest } = metrics;
    log.push(rest, ...episodes);
    return --left > 0;
  });
}

/** Asserts that a run of `build()` resumed after `split` of `total` iterations equals the straight one; returns both loops. */
export function expectExactResume(build: () => TrainingLoop, total = 4, split = 2): { straight: TrainingLoop; resumed: TrainingLoop } {
  const straight = build();
  const logA: unknown[] = [];
  trainFor(straight, total, logA);
  const first = build();
  const logB: unknown[] = [];
  trainFor(first, split, logB);
  const resumed = build();
  resumed.load(JSON.parse(JSON.stringify(first.state())) as LoopState);
  trainFor(resumed, total - split, logB);
  expect(logB.length).toBeGreaterThan(total);
  expect(logB).toEqual(logA);
  expect(JSON.stringify(resumed.state())).toBe(JSON.stringify(straight.state()));
  return { straight, resumed };
}
