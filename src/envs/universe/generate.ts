/**
 * Sampling tasks: the procedure of XLand-MiniGrid's ruleset generator, which
 * follows Appendix A.2 of "Human-Timescale Adaptation in an Open-Ended Task
 * Space" (Adaptive Agent Team 2023), reimplemented on rewardlab's seeded Rng.
 *
 * A goal is drawn first; its objects are the first level of a tree. For each
 * of `depth` levels, every object of the level is either pruned (with
 * probability `prune`: it is placed at the start as it is) or made the
 * product of a new rule whose inputs, objects not used so far, form the next
 * level; the last level's inputs are placed at the start. Then distractor
 * objects (unused ones) and distractor rules (any inputs, so dead ends
 * appear; products not used by the main tree) are added. With depth 0 the
 * goal's own objects are placed, and distractor objects keep the goal from
 * being obvious.
 */
import type { Rng } from "../../core/rng.js";
import type { Goal } from "./goals.js";
import { encodeRuleset, type Ruleset } from "./ruleset.js";
import type { Rule, Side } from "./rules.js";
import { NOTHING, OBJECT_TILES, type Tile } from "./tiles.js";

export interface GeneratorParams {
  /** Levels of rules between the start and the goal. */
  depth: number;
  /** Probability of pruning a branch (its object placed as it is). */
  prune: number;
  /** Distractor rules: at most this many (drawn uniformly from 0…n when `sampleDistractorRules`). */
  distractorRules: number;
  sampleDistractorRules: boolean;
  /** Unused objects placed as distractors. */
  distractorObjects: number;
}

/** Named difficulties, as XLand-MiniGrid's benchmarks were generated (trivial, small, medium, high). */
export const DIFFICULTIES: Record<string, GeneratorParams> = {
  trivial: { depth: 0, prune: 0, distractorRules: 0, sampleDistractorRules: false, distractorObjects: 3 },
  small: { depth: 1, prune: 0.3, distractorRules: 2, sampleDistractorRules: true, distractorObjects: 2 },
  medium: { depth: 2, prune: 0.1, distractorRules: 3, sampleDistractorRules: true, distractorObjects: 2 },
  high: { depth: 3, prune: 0.1, distractorRules: 4, sampleDistractorRules: true, distractorObjects: 1 },
};

const SIDED: readonly Side[] = ["any", "up", "down", "left", "right"];

const pick = (rng: Rng, tiles: readonly Tile[]): Tile => {
  if (tiles.length === 0) throw new Error("universe generator: ran out of unused objects");
  return tiles[rng.int(tiles.length)];
};
const unused = (used: ReadonlySet<Tile>): Tile[] => OBJECT_TILES.filter((t) => !used.has(t));

/** One of the 11 goal forms (hold; near on any or one side; two objects near on any or one side), uniformly. */
function sampleGoal(rng: Rng): { goal: Goal; tiles: Tile[] } {
  const k = rng.int(11);
  if (k === 0) {
    const tile = pick(rng, OBJECT_TILES);
    return { goal: { kind: "hold", tile }, tiles: [tile] };
  }
  if (k <= 5) {
    const tile = pick(rng, OBJECT_TILES);
    return { goal: { kind: "near", tile, side: SIDED[k - 1] }, tiles: [tile] };
  }
  const a = pick(rng, OBJECT_TILES);
  const b = pick(rng, OBJECT_TILES);
  return { goal: { kind: "tiles-near", a, b, side: SIDED[k - 6] }, tiles: [a, b] };
}

/** A rule producing `product` from objects not in `used`, one of 11 forms uniformly. */
function sampleRule(rng: Rng, product: Tile, used: ReadonlySet<Tile>): { rule: Rule; tiles: Tile[] } {
  const k = rng.int(11);
  const free = unused(used);
  if (k === 0) {
    const tile = pick(rng, free);
    return { rule: { kind: "hold", tile, product }, tiles: [tile] };
  }
  if (k <= 5) {
    const tile = pick(rng, free);
    return { rule: { kind: "near", tile, side: SIDED[k - 1], product }, tiles: [tile] };
  }
  const a = pick(rng, free);
  const b = pick(rng, free);
  return { rule: { kind: "tiles-near", a, b, side: SIDED[k - 6], product }, tiles: [a, b] };
}

export function sampleRuleset(rng: Rng, p: GeneratorParams): Ruleset {
  const used = new Set<Tile>();
  const { goal, tiles: goalTiles } = sampleGoal(rng);
  goalTiles.forEach((t) => used.add(t));
  let level = [...goalTiles];
  const rules: Rule[] = [];
  const objects: Tile[] = p.depth === 0 ? [...goalTiles] : [];
  for (let depth = 0; depth < p.depth; depth++) {
    const next: Tile[] = [];
    while (level.length > 0) {
      const product = level.pop()!;
      if (p.prune > 0 && rng.float() < p.prune) {
        objects.push(product);
        continue;
      }
      const { rule, tiles } = sampleRule(rng, product, used);
      tiles.forEach((t) => used.add(t));
      next.push(...tiles);
      rules.push(rule);
      if (depth === p.depth - 1) objects.push(...tiles);
    }
    level = next;
  }
  const spare = unused(used);
  for (let i = 0; i < p.distractorObjects; i++) objects.push(pick(rng, spare));
  const distractors = p.sampleDistractorRules ? rng.int(p.distractorRules + 1) : p.distractorRules;
  for (let i = 0; i < distractors; i++) {
    const product = pick(rng, [...unused(used), NOTHING]);
    const { rule, tiles } = sampleRule(rng, product, new Set());
    rules.push(rule);
    objects.push(...tiles);
  }
  return { goal, rules, objects };
}

/** `count` distinct rulesets (duplicates redrawn), in the order drawn. */
export function sampleRulesets(rng: Rng, p: GeneratorParams, count: number, onProgress?: (done: number) => void): Ruleset[] {
  const seen = new Set<string>();
  const out: Ruleset[] = [];
  for (let misses = 0; out.length < count; ) {
    const r = sampleRuleset(rng, p);
    const key = encodeRuleset(r).join(",");
    if (seen.has(key)) {
      // A space smaller than `count` (depth 0 has about 12,000 distinct tasks per distractor draw) would loop forever.
      if (++misses > 100 * count + 1000) throw new Error(`universe generator: found only ${out.length} distinct rulesets of ${count}`);
      continue;
    }
    seen.add(key);
    out.push(r);
    if (onProgress && out.length % 10_000 === 0) onProgress(out.length);
  }
  return out;
}
