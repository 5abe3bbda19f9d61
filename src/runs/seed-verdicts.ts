/**
 * Which design is better, from per-seed values, by the comparison table's
 * rule (`observations` in compare.ts): the design with the highest IQM is
 * called better than another only with `MIN_SEEDS_FOR_VERDICT` seeds or more
 * each and an interval of P(highest > other) wholly above ½; otherwise there
 * is no clear difference. For tables that word a verdict beside their rows
 * (the HTML report, the exploration suite).
 */
import { comparePair, SEED_BOOTSTRAP_REPS, type SeedEstimate } from "../core/rliable-bootstrap.js";
import { iqm } from "../core/rliable.js";
import { Rng } from "../core/rng.js";

/** A design is called better than another only with at least this many seeds each (below it, bootstrap intervals are degenerate). */
export const MIN_SEEDS_FOR_VERDICT = 5;

export interface SeedValues {
  name: string;
  /** One value per seed; a design without finite values takes no part. */
  values: readonly number[];
}

export type VersusVerdict = "better" | "no clear difference" | "too few seeds";

export interface Versus {
  /** Index of the other design. */
  other: number;
  /** P(highest > other) with its 95% stratified-bootstrap interval. */
  poi: SeedEstimate;
  /** "better" when the interval lies above ½ with enough seeds each; "too few seeds" below MIN_SEEDS_FOR_VERDICT. */
  verdict: VersusVerdict;
}

export interface BestVersusOthers {
  /** Index of the design with the highest IQM (the first on ties), −1 when none has values. */
  best: number;
  /** The highest design against every other design with values. */
  versus: Versus[];
  /** The highest design is better than every other: only then may a table single it out. */
  clear: boolean;
}

const usable = (values: readonly number[]) => values.length > 0 && values.every(Number.isFinite);

/**
 * The design with the highest IQM against each other one, P(highest > other)
 * drawn from a stream of `bootstrapSeed` per pair with `SEED_BOOTSTRAP_REPS`
 * replications, as `observations` draws it (same numbers).
 */
export function versusBest(designs: readonly SeedValues[], bootstrapSeed = 0): BestVersusOthers {
  let best = -1;
  let top = -Infinity;
  designs.forEach((d, k) => {
    if (!usable(d.values)) return;
    const point = iqm(d.values);
    if (best < 0 || point > top) [best, top] = [k, point];
  });
  if (best < 0) return { best, versus: [], clear: false };
  const column = (values: readonly number[]) => values.map((v) => [v]);
  const versus = designs.flatMap((d, k): Versus[] => {
    if (k === best || !usable(d.values)) return [];
    const { poi } = comparePair(column(designs[best].values), column(d.values), new Rng(bootstrapSeed), { reps: SEED_BOOTSTRAP_REPS });
    const enough = Math.min(designs[best].values.length, d.values.length) >= MIN_SEEDS_FOR_VERDICT;
    const verdict: VersusVerdict = !enough ? "too few seeds" : poi.lo > 0.5 ? "better" : "no clear difference";
    return [{ other: k, poi: { point: poi.point, lo: poi.lo, hi: poi.hi }, verdict }];
  });
  return { best, versus, clear: versus.length > 0 && versus.every((v) => v.verdict === "better") };
}

/** "P(a > b) = 0.92 [0.64, 1.00]". */
export function poiText(a: string, b: string, poi: SeedEstimate): string {
  return `P(${a} > ${b}) = ${poi.point.toFixed(2)} [${poi.lo.toFixed(2)}, ${poi.hi.toFixed(2)}]`;
}

/** One line per pair: "a better than b on …: P(a > b) = …", "No clear difference between a and b on …: …", or the P without a verdict when seeds are too few. */
export function versusLines(designs: readonly SeedValues[], result: BestVersusOthers, what: string): string[] {
  if (result.best < 0) return [];
  const a = designs[result.best].name;
  return result.versus.map((v) => {
    const b = designs[v.other].name;
    const p = poiText(a, b, v.poi);
    if (v.verdict === "better") return `${a} better than ${b} on ${what}: ${p}`;
    if (v.verdict === "no clear difference") return `No clear difference between ${a} and ${b} on ${what}: ${p}`;
    return `${a} vs ${b} on ${what}: too few seeds for a verdict (${MIN_SEEDS_FOR_VERDICT} each needed): ${p}`;
  });
}
