/**
 * Scenarios, as Melting Pot evaluates populations (Leibo et al. 2021): a
 * trained focal population meets background agents it never trained with,
 * and its per-capita return is measured there, beside what it earns among
 * itself on the same episodes. Here the background takes chosen seats of
 * every table: a fixed rule (one action always, or uniformly random
 * actions) or another run's trained policy (another seed, another design);
 * the focal agents act with their own trained policy (sampled).
 *
 * Each table plays one episode; table i is reset with seed + i·m (its seat
 * 0's seed, as in evaluation), so a scenario and its baseline (no
 * background) meet the same episodes.
 */
import type { Learner } from "../agents/learner.js";
import { UserError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { SocialMeter, type SocialMetrics } from "../envs/multi/social-metrics.js";
import { makeRewarded } from "../rewards/make.js";
import type { RunConfig } from "./config.js";

/** Who fills the background seats: one action always, uniformly random actions, or another trained policy. */
export type Background = { kind: "action"; action: number } | { kind: "random" } | { kind: "policy"; learner: Learner; name: string };

export interface Scenario {
  background: Background;
  /** Seat indices (within a table) the background takes. */
  seats: readonly number[];
}

export interface ScenarioEpisode {
  /** Mean return of the focal seats, and of the background's (NaN without one). */
  focal: number;
  background: number;
  metrics: SocialMetrics;
}

/** Parses a rule-based `--background`: `random` or `action:N` (`run:ID` is resolved by the caller). */
export function parseBackground(text: string, actions: number, path = "--background"): Background {
  if (text === "random") return { kind: "random" };
  const m = /^action:(\d+)$/.exec(text);
  if (!m || Number(m[1]) >= actions) throw new UserError(path, `expected random, action:N with N from 0 to ${actions - 1}, run:ID or run:ID@STEP, got ${JSON.stringify(text)}`);
  return { kind: "action", action: Number(m[1]) };
}

/**
 * Plays `tables` episodes of the run's environment, one per table: the
 * focal policy in every seat but the scenario's (all seats without one).
 */
export function playScenario(learner: Learner, config: RunConfig, scenario: Scenario | undefined, tables: number, seed: number): ScenarioEpisode[] {
  const env = makeRewarded(config.env.id, tables, { terms: [{ kind: "task" }] }, { kwargs: config.env.kwargs });
  const vec = env.vec;
  const meter = SocialMeter.of(vec);
  if (!meter) throw new UserError("id", `${config.env.id} is a single-agent environment: scenarios need a multi-agent one`);
  const m = meter.m;
  const background = new Uint8Array(m);
  for (const j of scenario?.seats ?? []) {
    if (!Number.isInteger(j) || j < 0 || j >= m) throw new UserError("--seats", `expected seat indices from 0 to ${m - 1}, got ${j}`);
    background[j] = 1;
  }
  if (scenario && background.every((b) => b === 1)) throw new UserError("--seats", "leave at least one seat to the focal population");
  const actionCount = (vec.actionSpace as { n: number }).n;
  const rng = new Rng(seed);
  const backgroundRng = new Rng(seed + 1);
  const other = scenario?.background.kind === "policy" ? scenario.background.learner : undefined;
  const returns = new Float64Array(vec.n);
  const done = new Uint8Array(tables);
  const results: ScenarioEpisode[] = new Array(tables);
  env.reset(seed);
  meter.restart();
  for (let t = 0; done.includes(0) && t <= vec.maxSteps; t++) {
    const actions = Int32Array.from(learner.act(vec.obs, rng));
    // Another policy acts on every row too (its batch is the table's), and its actions are kept for its seats.
    const theirs = other ? other.act(vec.obs, backgroundRng) : undefined;
    if (scenario) {
      const b = scenario.background;
      for (let r = 0; r < vec.n; r++) {
        if (!background[r % m]) continue;
        actions[r] = b.kind === "action" ? b.action : b.kind === "random" ? backgroundRng.int(actionCount) : theirs![r];
      }
    }
    meter.before();
    env.step(actions);
    for (let r = 0; r < vec.n; r++) if (!done[Math.floor(r / m)]) returns[r] += vec.rewards[r];
    for (const [k, metrics] of meter.after()) {
      if (done[k]) continue;
      done[k] = 1;
      let [focal, focalSeats, back] = [0, 0, 0];
      for (let j = 0; j < m; j++) {
        if (background[j] && scenario) back += returns[k * m + j];
        else [focal, focalSeats] = [focal + returns[k * m + j], focalSeats + 1];
      }
      const backSeats = m - focalSeats;
      results[k] = { focal: focal / focalSeats, background: backSeats ? back / backSeats : NaN, metrics };
    }
  }
  return results;
}
