/**
 * Count-based bonuses, b = 1/√N(s′) scaled by β:
 * - `count`: global counts over the whole run (Strehl & Littman 2008; with
 *   `hash: simhash`, the pseudo-counts of Tang et al. 2017);
 * - `episodic-count`: counts that restart at each episode of each
 *   environment (the episodic bonus of Henaff et al. 2022's study).
 * States are observations, keyed exactly or by SimHash.
 */
import { z } from "zod";
import { Rng } from "../core/rng.js";
import { exactHash, SimHash } from "./hash.js";
import type { ModuleBatch, RewardModule } from "./module.js";
import { BonusScale, parseBonusOptions, type BonusScaleState } from "./options.js";

const CountOptions = z.object({
  hash: z.enum(["exact", "simhash"]).default("exact").describe("how observations are keyed"),
  bits: z.number().int().min(1).max(52).default(32).describe("SimHash code length k"),
  seed: z.number().int().nonnegative().default(0).describe("seed of the SimHash projection"),
});

/** Keys observations of a batch by the chosen hash. */
function keyer(options: z.output<typeof CountOptions>, obsSize: number): (obs: Float32Array, offset: number) => number {
  if (options.hash === "exact") return (obs, offset) => exactHash(obs, offset, obsSize);
  const sim = new SimHash(obsSize, options.bits, new Rng(options.seed));
  return (obs, offset) => sim.code(obs, offset);
}

/** Counts as two parallel lists, keys and visits (the hash itself is rebuilt from the options). */
interface CountTable {
  keys: number[];
  visits: number[];
}

const tableOf = (counts: Map<number, number>): CountTable => ({ keys: [...counts.keys()], visits: [...counts.values()] });

interface CountState {
  counts: CountTable;
  scale: BonusScaleState;
}

/** One table per environment: the counts of its current episode. */
interface EpisodicCountState {
  episodes: CountTable[];
  scale: BonusScaleState;
}

function loadTable(counts: Map<number, number>, table: CountTable): void {
  counts.clear();
  table.keys.forEach((k, i) => counts.set(k, table.visits[i]));
}

export function countBonus(raw: Record<string, unknown>, path: string): RewardModule & { counts: Map<number, number> } {
  const options = parseBonusOptions(CountOptions, raw, path);
  const scale = new BonusScale(options);
  let key: (obs: Float32Array, offset: number) => number = () => 0;
  const counts = new Map<number, number>();
  return {
    name: "count",
    counts,
    init(info) {
      key = keyer(options, info.obsSize);
    },
    compute(b: ModuleBatch, out: Float64Array) {
      const obs = b.nextObs!;
      for (let i = 0; i < b.n; i++) {
        const k = key(obs, i * b.obsSize);
        const c = (counts.get(k) ?? 0) + 1;
        counts.set(k, c);
        out[i] = 1 / Math.sqrt(c);
      }
      scale.apply(out, b.n);
    },
    state: (): CountState => ({ counts: tableOf(counts), scale: scale.state() }),
    load(state) {
      const s = state as CountState;
      loadTable(counts, s.counts);
      scale.load(s.scale);
    },
  };
}

export function episodicCountBonus(raw: Record<string, unknown>, path: string): RewardModule & { episodeCounts: Map<number, number>[] } {
  const options = parseBonusOptions(CountOptions, raw, path);
  const scale = new BonusScale(options);
  let key: (obs: Float32Array, offset: number) => number = () => 0;
  const episodeCounts: Map<number, number>[] = [];
  return {
    name: "episodic-count",
    episodeCounts,
    init(info) {
      key = keyer(options, info.obsSize);
      for (let i = 0; i < info.n; i++) episodeCounts.push(new Map());
    },
    compute(b: ModuleBatch, out: Float64Array) {
      const obs = b.nextObs!;
      for (let i = 0; i < b.n; i++) {
        const counts = episodeCounts[i];
        const k = key(obs, i * b.obsSize);
        const c = (counts.get(k) ?? 0) + 1;
        counts.set(k, c);
        out[i] = 1 / Math.sqrt(c);
      }
      scale.apply(out, b.n);
    },
    endEpisode(i) {
      episodeCounts[i].clear();
    },
    state: (): EpisodicCountState => ({ episodes: episodeCounts.map(tableOf), scale: scale.state() }),
    load(state) {
      const s = state as EpisodicCountState;
      s.episodes.forEach((table, i) => loadTable(episodeCounts[i], table));
      scale.load(s.scale);
    },
  };
}
