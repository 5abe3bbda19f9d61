/**
 * `compileReward(spec, env)` turns a spec into a `RewardProgram`: every
 * expression parsed and checked against the environment once, the features
 * it needs listed. Binding it to a batch gives `apply()`, which fills the
 * total reward and a per-term matrix for the whole vector, and keeps
 * per-episode sums of every term.
 */
import { UserError, joinPath } from "../core/errors.js";
import type { EnvInfo, RewardBatch } from "./batch.js";
import { parseExpression, type Layout, type Node } from "./expr/index.js";
import { createIntrinsic, type IntrinsicModule } from "./intrinsic.js";
import { scalarizer } from "./scalarize.js";
import { KINDS } from "./kinds/index.js";
import type { AnyTerm, BoundTerm, PlanContext, TermPlan } from "./kinds/kind.js";
import type { TermKinds } from "./kinds/registry.js";
import { isParsedRewardSpec, parseRewardSpec, type RewardSpec, type RewardSpecInput, type Role, type Term } from "./spec.js";
import { makeTransform, type TransformOp } from "./transforms.js";
import { loadNumbers, numbers } from "./kinds/state.js";

export interface TermInfo {
  readonly name: string;
  readonly kind: Term["kind"];
  readonly role: Role;
  readonly weight: number;
  readonly objective: string;
  /** Potential-based shaping: provably keeps the optimal policy. */
  readonly potentialBased: boolean;
  /** Part of the reward the agent learns from (false: measured only). */
  readonly optimize: boolean;
}

export interface RewardProgram {
  readonly spec: RewardSpec;
  readonly terms: readonly TermInfo[];
  /** Features the program reads (a `VectorEnv` computes only these). */
  readonly features: readonly string[];
  readonly objectives: readonly string[];
  /** Some term needs observations (intrinsic bonuses). */
  readonly usesObs: boolean;
  /** The intrinsic bonus modules of the spec; learners call their `update` between rollouts. */
  readonly intrinsicModules: readonly IntrinsicModule[];
  bind(batch: RewardBatch, eventNames: readonly string[]): BoundReward;
}

export interface BoundReward {
  /** The reward to learn from, per environment. */
  readonly total: Float32Array;
  /** The same before rounding to float32 (for exact analyses). */
  readonly total64: Float64Array;
  /** Each term's contribution (after its transforms and weight), per environment. */
  readonly terms: readonly Float64Array[];
  /** Per-step sum of the primary terms' contributions: the "true" reward. */
  readonly primary: Float64Array;
  /** Per-step sum per objective. */
  readonly objectives: readonly Float64Array[];
  /** Running sums of the current episodes, per term. */
  readonly episodeTerms: readonly Float64Array[];
  /** Sums of the episode that ended on the last step (valid where it ended). */
  readonly finishedTerms: readonly Float64Array[];
  readonly finishedPrimary: Float64Array;
  readonly finishedTotal: Float64Array;
  readonly finishedObjectives: readonly Float64Array[];
  /** Computes the step's rewards from the batch; throws a `UserError` on a non-finite value. */
  apply(): void;
  /**
   * The environments with `underWay[i] ≠ 0` start a new episode without the
   * last one having ended (the vector was reset mid-episode): their running
   * sums are dropped and each term ends their episode (once-per-episode
   * events, potentials, episodic bonuses).
   */
  restartEpisodes(underWay: ArrayLike<number>): void;
  /** Everything `apply` carries from step to step (episode sums, counters, running statistics), as JSON-ready data. */
  saveState(): unknown;
  loadState(state: unknown): void;
}

/**
 * Compiles a spec (YAML/JSON data or the TypeScript builder's output)
 * against an environment's features, events and action size.
 *
 * @example
 * const program = compileReward(spec, envInfoOf(vec));
 */
export interface CompileOptions {
  /** The term kinds to compile with, instead of the list (`kinds/index.ts`): to try a kind before adding it there. */
  kinds?: TermKinds;
}

export function compileReward(input: RewardSpecInput | RewardSpec | unknown, env: EnvInfo, path = "reward", options: CompileOptions = {}): RewardProgram {
  const kinds = options.kinds ?? KINDS;
  // A spec parseRewardSpec returned is not parsed again.
  const spec = isParsedRewardSpec(input) && !options.kinds ? input : parseRewardSpec(input, path, { kinds });
  const scope = { features: env.features, events: env.events, actionSize: env.actionSize };

  // `define:` entries, parsed on first use, with cycles reported.
  const defineCache = new Map<string, Node>();
  const define = (name: string, stack: readonly string[]): Node | undefined => {
    if (!(name in spec.define)) return undefined;
    if (stack.includes(name)) {
      const cycle = [...stack.slice(stack.indexOf(name)), name].join(" → ");
      throw new UserError(joinPath(path, "define", name), `cyclic reference: ${cycle}`);
    }
    if (!defineCache.has(name)) defineCache.set(name, parseExpression(spec.define[name] as string, joinPath(path, "define", name)));
    return defineCache.get(name);
  };
  for (const name of Object.keys(spec.define)) {
    if (env.features.includes(name)) throw new UserError(joinPath(path, "define", name), "this name is already a feature of the environment; choose another");
  }

  const intrinsicModules: IntrinsicModule[] = [];
  const makeCtx = (termPath: string): PlanContext => ({
    scope,
    path: termPath,
    define,
    child: (t, p) => Object.assign(kinds.plan(t, makeCtx(p)), { weight: t.weight, transforms: t.transforms }),
    intrinsic: (name, options, termPath) => {
      const module = createIntrinsic(name, options, termPath);
      intrinsicModules.push(module);
      return module;
    },
  });

  const names = new Set<string>();
  const plans: { info: TermInfo; plan: TermPlan; term: Term; path: string }[] = spec.terms.map((term, k) => {
    const termPath = joinPath(path, "terms", k);
    let name = term.name ?? kinds.defaultName(term);
    if (names.has(name)) {
      if (term.name) throw new UserError(joinPath(termPath, "name"), `duplicate term name ${JSON.stringify(name)}; term names must be unique`);
      let n = 2;
      while (names.has(`${name}#${n}`)) n++;
      name = `${name}#${n}`;
    }
    names.add(name);
    const plan = kinds.plan(term as AnyTerm, makeCtx(termPath));
    const role = term.role ?? kinds.defaultRole(term as AnyTerm);
    return { info: { name, kind: term.kind, role, weight: term.weight, objective: term.objective ?? "reward", potentialBased: plan.potentialBased, optimize: term.optimize }, plan, term, path: termPath };
  });
  if (!plans.some((p) => p.info.role === "primary")) {
    throw new UserError(joinPath(path, "terms"), 'expected at least one term with role "primary" (the true objective, usually {kind: task}; {kind: task, optimize: false} measures it without learning from it)');
  }
  const features = [...new Set(plans.flatMap((p) => [...p.plan.features]))];
  const objectives = [...new Set(plans.map((p) => p.info.objective))];
  const scalarize = scalarizer(spec.scalarize, objectives, joinPath(path, "scalarize"));

  return {
    spec,
    terms: plans.map((p) => p.info),
    features,
    objectives,
    usesObs: plans.some((p) => p.plan.usesObs),
    intrinsicModules,
    bind(batch, eventNames) {
      const n = batch.n;
      // Terms read the vector's step count (`time`) from this clock.
      const clock = new Float64Array(1);
      batch = { ...batch, clock };
      const layout: Layout = { features, eventBits: new Map(eventNames.map((e, j) => [e, 1 << j])) };
      const bound: { info: TermInfo; term: BoundTerm; transforms: TransformOp[]; path: string; objective: number }[] = plans.map((p) => ({
        info: p.info,
        term: p.plan.bind(batch, layout),
        transforms: p.term.transforms.map((t) => makeTransform(t, n)),
        path: p.path,
        objective: objectives.indexOf(p.info.objective),
      }));
      const totalTransforms = spec.transforms.map((t) => makeTransform(t, n));
      const cols = () => bound.map(() => new Float64Array(n));
      const objCols = () => objectives.map(() => new Float64Array(n));
      const out = {
        total: new Float32Array(n),
        total64: new Float64Array(n),
        terms: cols(),
        primary: new Float64Array(n),
        objectives: objCols(),
        episodeTerms: cols(),
        finishedTerms: cols(),
        finishedPrimary: new Float64Array(n),
        finishedTotal: new Float64Array(n),
        finishedObjectives: objCols(),
        apply,
        restartEpisodes,
        saveState,
        loadState,
      };
      const episodePrimary = new Float64Array(n);
      const episodeTotal = new Float64Array(n);
      const episodeObjectives = objCols();
      const totalValues = out.total64;
      const scratch = new Float64Array(n);
      let step = 0;

      function restartEpisodes(underWay: ArrayLike<number>): void {
        for (let i = 0; i < n; i++) {
          if (!underWay[i]) continue;
          for (let k = 0; k < bound.length; k++) {
            out.episodeTerms[k][i] = 0;
            bound[k].term.endEpisode?.(i);
          }
          for (const o of episodeObjectives) o[i] = 0;
          episodePrimary[i] = 0;
          episodeTotal[i] = 0;
        }
      }

      /** What carries over between steps: the step count, the episode sums, each term's and transform's own state. */
      function saveState(): ProgramState {
        return {
          step,
          episodePrimary: numbers(episodePrimary),
          episodeTotal: numbers(episodeTotal),
          episodeObjectives: episodeObjectives.map(numbers),
          episodeTerms: out.episodeTerms.map(numbers),
          terms: bound.map((b) => ({ term: b.term.state?.() ?? null, transforms: b.transforms.map((t) => t.state()) })),
          totalTransforms: totalTransforms.map((t) => t.state()),
        };
      }

      function loadState(state: unknown): void {
        const s = state as ProgramState;
        if (s === null || typeof s !== "object" || !Array.isArray(s.terms) || s.terms.length !== bound.length) throw new Error(`reward state: expected the state of a program of ${bound.length} terms`);
        step = s.step;
        loadNumbers(episodePrimary, s.episodePrimary, "the primary episode sums");
        loadNumbers(episodeTotal, s.episodeTotal, "the total episode sums");
        episodeObjectives.forEach((col, o) => loadNumbers(col, s.episodeObjectives[o], "the objectives' episode sums"));
        out.episodeTerms.forEach((col, k) => loadNumbers(col, s.episodeTerms[k], "the terms' episode sums"));
        bound.forEach((b, k) => {
          b.term.load?.(s.terms[k].term);
          b.transforms.forEach((t, j) => t.load(s.terms[k].transforms[j]));
        });
        totalTransforms.forEach((t, j) => t.load(s.totalTransforms[j]));
      }

      function apply(): void {
        step++;
        clock[0] = step;
        out.primary.fill(0);
        for (const o of out.objectives) o.fill(0);
        for (let k = 0; k < bound.length; k++) {
          const b = bound[k];
          const values = out.terms[k];
          b.term.compute(values);
          for (const t of b.transforms) t.apply(values, n, batch.terminated);
          const w = b.info.weight;
          const primary = b.info.role === "primary";
          // A term left out of optimization still counts in the primary return, not in the total.
          const objective = b.info.optimize ? out.objectives[b.objective] : scratch;
          for (let i = 0; i < n; i++) {
            const v = values[i] * w;
            if (v - v !== 0) throw nonFinite(b.path, b.info.name, v, i);
            values[i] = v;
            objective[i] += v;
            if (primary) out.primary[i] += v;
          }
        }
        scalarize(out.objectives, n, totalValues);
        for (const t of totalTransforms) t.apply(totalValues, n, batch.terminated);
        for (let i = 0; i < n; i++) {
          const v = totalValues[i];
          if (v - v !== 0) throw nonFinite(joinPath(path, "transforms"), "total", v, i);
          out.total[i] = v;
        }
        accumulate();
      }

      function nonFinite(where: string, name: string, v: number, i: number): UserError {
        return new UserError(where, `term ${JSON.stringify(name)} produced ${v} in environment ${i} at step ${step} (step ${batch.episodeStep[i]} of its episode)`);
      }

      /**
       * Per-episode sums; on an episode's last step, publish them and reset.
       * Column by column (one tight loop per term), then the few environments
       * whose episode ended: a fifth of a program's cost at n = 64 (bench rewards).
       */
      function accumulate(): void {
        const K = bound.length;
        for (let k = 0; k < K; k++) addInto(out.episodeTerms[k], out.terms[k], n);
        for (let o = 0; o < objectives.length; o++) addInto(episodeObjectives[o], out.objectives[o], n);
        addInto(episodePrimary, out.primary, n);
        addInto(episodeTotal, out.total, n);
        const { terminated, truncated } = batch;
        for (let i = 0; i < n; i++) {
          if (!terminated[i] && !truncated[i]) continue;
          for (let k = 0; k < K; k++) {
            out.finishedTerms[k][i] = out.episodeTerms[k][i];
            out.episodeTerms[k][i] = 0;
            bound[k].term.endEpisode?.(i);
          }
          for (let o = 0; o < objectives.length; o++) {
            out.finishedObjectives[o][i] = episodeObjectives[o][i];
            episodeObjectives[o][i] = 0;
          }
          out.finishedPrimary[i] = episodePrimary[i];
          out.finishedTotal[i] = episodeTotal[i];
          episodePrimary[i] = 0;
          episodeTotal[i] = 0;
        }
      }
      return out;
    },
  };
}

/** A bound program's state (`BoundReward.saveState`): plain JSON-ready data. */
export interface ProgramState {
  step: number;
  episodePrimary: number[];
  episodeTotal: number[];
  episodeObjectives: number[][];
  episodeTerms: number[][];
  terms: { term: unknown; transforms: unknown[] }[];
  totalTransforms: unknown[];
}

/** sum[i] += x[i] for i < n. */
function addInto(sum: Float64Array, x: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) sum[i] += x[i];
}
