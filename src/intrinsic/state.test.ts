import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { appendDemonstration, plannerDemonstrations } from "../learn/demos/demos.js";
import { adversarialReward } from "../learn/irl/adversarial.js";
import { progressReward } from "../learn/progress.js";
import { countBonus, episodicCountBonus } from "./counts.js";
import { e3bBonus } from "./e3b.js";
import { episodicNoveltyBonus } from "./episodic-novelty.js";
import type { ModuleBatch, ModuleInfo, RewardModule } from "./module.js";
import { rndBonus } from "./rnd.js";

/**
 * A seeded stream of batches: observations drawn from a few values per
 * dimension (so counts repeat), random actions, rare task rewards, and
 * episodes that end now and then. Returns the module's outputs, every
 * value of every batch and then the metrics of each update.
 */
function drive(module: RewardModule, info: ModuleInfo, rng: Rng, from: number, to: number, updateEvery: number): number[] {
  const { n, obsSize: d } = info;
  const values: number[] = [];
  const obs = new Float32Array(n * d);
  const nextObs = new Float32Array(n * d);
  const batch: ModuleBatch = {
    n,
    obsSize: d,
    actionSize: 1,
    actionCount: info.actionCount,
    obs,
    nextObs,
    actions: new Int32Array(n),
    taskReward: new Float32Array(n),
    terminated: new Uint8Array(n),
    truncated: new Uint8Array(n),
    episodeStep: new Float64Array(n),
  };
  const out = new Float64Array(n);
  for (let step = from; step < to; step++) {
    for (let k = 0; k < n * d; k++) obs[k] = rng.int(3) - 1;
    for (let k = 0; k < n * d; k++) nextObs[k] = rng.int(3) - 1;
    for (let i = 0; i < n; i++) {
      (batch.actions as Int32Array)[i] = rng.int(info.actionCount ?? 2);
      (batch.taskReward as Float32Array)[i] = rng.bernoulli(0.2) ? 1 : 0;
      (batch.terminated as Uint8Array)[i] = rng.bernoulli(0.2) ? 1 : 0;
    }
    module.compute(batch, out);
    values.push(...out);
    for (let i = 0; i < n; i++) if (batch.terminated[i]) module.endEpisode?.(i);
    if ((step + 1) % updateEvery === 0 && module.update) values.push(...Object.values(module.update()));
  }
  return values;
}

let demonstrations: string | undefined;
function demonstrationFile(): string {
  if (!demonstrations) {
    demonstrations = join(mkdtempSync(join(tmpdir(), "rewardlab-state-")), "doorkey.jsonl");
    for (const d of plannerDemonstrations("DoorKey-5x5", {}, 4, 0)) appendDemonstration(demonstrations, d);
  }
  return demonstrations;
}

const small: ModuleInfo = { n: 3, obsSize: 4, actionSize: 1, actionCount: 3 };
// Every module's options exercise what its state holds: a decaying coefficient, a normalization, updates on several minibatches.
const shared = { kappa: 0.01, normalize: "rms" };
const cases: { name: string; info: () => ModuleInfo; make: () => RewardModule }[] = [
  { name: "count", info: () => small, make: () => countBonus({ ...shared, hash: "simhash", bits: 6 }, "options") },
  // One dimension of three values: states recur within an episode.
  { name: "episodic-count", info: () => ({ ...small, obsSize: 1 }), make: () => episodicCountBonus({ kappa: 0.01, normalize: "minmax" }, "options") },
  { name: "e3b (inverse dynamics)", info: () => small, make: () => e3bBonus({ ...shared, features: 4, hidden: 8, minibatch: 4, learningRate: 1e-2 }, "options") },
  { name: "e3b (random features)", info: () => small, make: () => e3bBonus({ ...shared, embedding: "random", features: 4 }, "options") },
  { name: "episodic-novelty", info: () => small, make: () => episodicNoveltyBonus({ ...shared, features: 4, k: 3, maxMemory: 5 }, "options") },
  { name: "rnd", info: () => small, make: () => rndBonus({ ...shared, features: 4, hidden: [8], minibatch: 4, learningRate: 1e-2 }, "options") },
  {
    name: "adversarial",
    info: () => ({ n: 3, obsSize: 147, actionSize: 1, actionCount: 7 }),
    make: () => adversarialReward({ ...shared, demonstrations: demonstrationFile(), hidden: [8], minibatch: 4, learningRate: 1e-2 }, "options"),
  },
  { name: "progress", info: () => small, make: () => progressReward({ ...shared, every: 3, sample: 64, minibatch: 4, epochs: 2, hidden: [8], learningRate: 1e-2, outcome: "return" }, "options") },
];

// Updates every 4 steps; the state is taken after 22 (mid-rollout, with rows buffered; progress has trained once and counted 4 updates of its every 3) and 12 more steps follow.
const EVERY = 4;
const SAVED_AT = 22;
const UNTIL = 34;

/** Runs a module to SAVED_AT, takes its state through JSON, and runs on; returns the state and what followed. */
function saveAndContinue(c: (typeof cases)[number]) {
  const info = c.info();
  const module = c.make();
  module.init(info);
  const rng = new Rng(42);
  drive(module, info, rng, 0, SAVED_AT, EVERY);
  const state = JSON.parse(JSON.stringify(module.state())) as Record<string, unknown>;
  const streamAt = rng.getState();
  const after = drive(module, info, rng, SAVED_AT, UNTIL, EVERY);
  return { state, streamAt, after };
}

/** A fresh module loaded with `state`, run over the same further steps. */
function resumed(c: (typeof cases)[number], state: unknown, streamAt: number[]): number[] {
  const info = c.info();
  const module = c.make();
  module.init(info);
  module.load(state);
  return drive(module, info, Rng.fromState(streamAt), SAVED_AT, UNTIL, EVERY);
}

describe.each(cases)("$name", (c) => {
  test("a module loaded with another's state continues bit for bit", () => {
    const { state, streamAt, after } = saveAndContinue(c);
    const again = resumed(c, state, streamAt);
    expect(again.length).toBe(after.length);
    expect(Float64Array.from(again)).toEqual(Float64Array.from(after));
  }, 60_000);

  test("every part of the state matters: replacing it by a fresh module's changes what follows", () => {
    const { state, streamAt, after } = saveAndContinue(c);
    const fresh = c.make();
    fresh.init(c.info());
    const initial = JSON.parse(JSON.stringify(fresh.state())) as Record<string, unknown>;
    for (const key of Object.keys(state)) {
      const changed = resumed(c, { ...state, [key]: initial[key] }, streamAt);
      expect(Float64Array.from(changed), `state.${key}`).not.toEqual(Float64Array.from(after));
    }
  }, 60_000);
});
