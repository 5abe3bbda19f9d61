/**
 * The model-free designer's search space: reward specs built from what an
 * environment names (its features and events), and the operators that
 * change them, as REvolve evolves a population of reward functions
 * (Hazra et al. 2024), with weights and terms instead of code.
 *
 * A candidate always keeps the environment's own reward as its one primary
 * term (the true objective, by which candidates are judged) and adds
 * auxiliary terms of three shapes:
 *
 * - `event`: w · [the event fired];
 * - `potential`: potential-based shaping γ·Φ(s′) − Φ(s) with Φ = ±w·feature
 *   or ±w·(feature₁ + feature₂)/2 (it cannot change the optimal policy: Ng
 *   et al. 1999);
 * - `expression`: w · feature, a per-step bonus or cost (it can).
 *
 * A feature enters a term divided by its scale, the range it spans under
 * a random policy (`agent.x / 3`; 0/1 features as they are), so one
 * weight range suits a car's position, its velocity and a door's state.
 *
 * Every draw comes from the `Rng` passed in.
 */
import type { Rng } from "../core/rng.js";
import type { VectorEnv } from "../envs/vector.js";
import { randomPolicy } from "../rewards/random-policy.js";

/** What a spec can be built from: the environment's feature and event names, and each feature's scale. */
export interface Vocabulary {
  features: readonly string[];
  events: readonly string[];
  /** Per feature, the range it spans under a random policy (2 significant digits); absent or 1: used as it is. */
  scales?: Readonly<Record<string, number>>;
}

/** Feature scales are measured over this many random-policy steps of this many environments. */
export const SCALE_STEPS = 256;
export const SCALE_ENVS = 8;

/** The vocabulary of `vec`; with `scaleSteps`, feature scales measured over that many random-policy steps. */
export function vocabularyOf(vec: VectorEnv, scaleSteps = 0, seed = 0): Vocabulary {
  const features = vec.featureSpecs.map((f) => f.name);
  const vocab: Vocabulary = { features, events: [...vec.eventNames] };
  if (scaleSteps > 0) vocab.scales = featureScales(vec, scaleSteps, seed);
  return vocab;
}

/** Max − min of each feature over `steps` random-policy steps of `vec` (reset with `seed`); 1 for a feature that never moved. */
export function featureScales(vec: VectorEnv, steps: number, seed: number): Record<string, number> {
  const lo = vec.featureSpecs.map(() => Infinity);
  const hi = vec.featureSpecs.map(() => -Infinity);
  const act = randomPolicy(vec, seed);
  vec.reset(seed);
  for (let t = 0; t < steps; t++) {
    vec.step(act());
    for (let i = 0; i < vec.n; i++) {
      vec.featureSpecs.forEach((f, j) => {
        const x = f.read(vec.cores[i]);
        if (x < lo[j]) lo[j] = x;
        if (x > hi[j]) hi[j] = x;
      });
    }
  }
  const scales: Record<string, number> = {};
  vec.featureSpecs.forEach((f, j) => {
    const range = hi[j] - lo[j];
    scales[f.name] = Number.isFinite(range) && range > 0 ? Number(range.toPrecision(2)) : 1;
  });
  return scales;
}

/** `feature`, divided by its scale when it has one. */
function scaled(vocab: Vocabulary, feature: string): string {
  const s = vocab.scales?.[feature] ?? 1;
  return s === 1 ? feature : `${feature} / ${s}`;
}

/** An auxiliary term of a candidate, as spec data. */
export type AuxTerm =
  | { name: string; kind: "event"; event: string; weight: number }
  | { name: string; kind: "potential"; phi: string; gamma: number; weight: number }
  | { name: string; kind: "expression"; expr: string; weight: number };

/** A candidate's reward spec: the task's own reward (primary) and auxiliary terms. */
export interface CandidateSpec {
  terms: [{ name: "task"; kind: "task"; role: "primary" }, ...AuxTerm[]];
}

export interface GenomeOptions {
  /** γ of potential terms: the learner's. */
  gamma: number;
  /** At most this many auxiliary terms. */
  maxTerms: number;
}

/** The task's own reward, alone: the designer's starting point and baseline. */
export function sparseSpec(): CandidateSpec {
  return { terms: [{ name: "task", kind: "task", role: "primary" }] };
}

/** One auxiliary term drawn from the vocabulary (undefined when the environment names nothing). */
export function randomTerm(vocab: Vocabulary, rng: Rng, options: GenomeOptions): AuxTerm | undefined {
  const shapes = [...(vocab.events.length ? (["event"] as const) : []), ...(vocab.features.length ? (["potential", "expression"] as const) : [])];
  if (shapes.length === 0) return undefined;
  const shape = shapes[rng.int(shapes.length)];
  const weight = round(rng.uniform(0.05, 1) * (rng.float() < 0.5 ? -1 : 1));
  if (shape === "event") {
    const event = vocab.events[rng.int(vocab.events.length)];
    return { name: `event ${event}`, kind: "event", event, weight };
  }
  const feature = vocab.features[rng.int(vocab.features.length)];
  if (shape === "potential") {
    // Half the time Φ averages two features: progress often has stages (hold the key, then open the door).
    const other = vocab.features[rng.int(vocab.features.length)];
    if (rng.float() < 0.5 && other !== feature) {
      const [a, b] = [feature, other].sort();
      return { name: `potential ${a}+${b}`, kind: "potential", phi: `0.5 * ${scaled(vocab, a)} + 0.5 * ${scaled(vocab, b)}`, gamma: options.gamma, weight };
    }
    return { name: `potential ${feature}`, kind: "potential", phi: scaled(vocab, feature), gamma: options.gamma, weight };
  }
  // Per-step terms stay small: they are paid on every step.
  return { name: `per-step ${feature}`, kind: "expression", expr: scaled(vocab, feature), weight: round(weight / 10) };
}

/** A spec with `count` random auxiliary terms (at least one when the vocabulary allows). */
export function randomSpec(vocab: Vocabulary, rng: Rng, options: GenomeOptions): CandidateSpec {
  let spec = sparseSpec();
  const count = 1 + rng.int(Math.max(1, options.maxTerms));
  for (let k = 0; k < count; k++) spec = addTerm(spec, vocab, rng, options);
  return spec;
}

/**
 * One change, drawn uniformly among those that apply: scale a weight by
 * e^N(0, 0.5²), flip a weight's sign, add a term, or drop one.
 */
export function mutate(spec: CandidateSpec, vocab: Vocabulary, rng: Rng, options: GenomeOptions): CandidateSpec {
  const aux = spec.terms.length - 1;
  const moves = [...(aux > 0 ? ["scale", "flip", "drop"] : []), ...(aux < options.maxTerms ? ["add"] : [])];
  const move = moves[rng.int(moves.length)];
  if (move === "add") return addTerm(spec, vocab, rng, options);
  const k = 1 + rng.int(aux);
  const terms = [...spec.terms] as CandidateSpec["terms"];
  if (move === "drop") {
    terms.splice(k, 1);
    return { terms };
  }
  const term = terms[k] as AuxTerm;
  terms[k] = { ...term, weight: round(move === "flip" ? -term.weight : term.weight * Math.exp(0.5 * rng.normal())) };
  return { terms };
}

/** One child of two parents: each auxiliary term of either, kept with probability ½ (names unique, at most `maxTerms`). */
export function crossover(a: CandidateSpec, b: CandidateSpec, rng: Rng, options: GenomeOptions): CandidateSpec {
  const terms: AuxTerm[] = [];
  for (const t of [...a.terms.slice(1), ...b.terms.slice(1)] as AuxTerm[]) {
    if (terms.length < options.maxTerms && rng.float() < 0.5 && !terms.some((u) => u.name === t.name)) terms.push(t);
  }
  return { terms: [sparseSpec().terms[0], ...terms] };
}

function addTerm(spec: CandidateSpec, vocab: Vocabulary, rng: Rng, options: GenomeOptions): CandidateSpec {
  const term = randomTerm(vocab, rng, options);
  // A term of the same name already there: change nothing (the spec would refuse two terms of one name).
  if (!term || spec.terms.some((t) => t.name === term.name)) return spec;
  return { terms: [...spec.terms, term] as CandidateSpec["terms"] };
}

/** Weights to 4 significant digits: specs stay readable when printed. */
function round(x: number): number {
  return Number(x.toPrecision(4));
}
