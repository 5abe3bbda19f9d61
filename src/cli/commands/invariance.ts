/**
 * `rewardlab reward invariance SPEC --env ID`: does the spec's auxiliary
 * part change the optimal policy? Exact, by value iteration on the
 * gridworld's tabular model (src/audit/invariance.ts); the misled states
 * are counted per cell on the grid. Where there is no tabular model (a
 * control task, a gridworld too large to enumerate) or with `--sampled`,
 * a sampled comparison of policies trained on the full spec and on its
 * primary terms alone (src/audit/invariance-sampled.ts).
 */
import { readConfigFile } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import { invarianceMethod, solveInvariance, type InvarianceReport } from "../../audit/invariance.js";
import { sampledInvariance, type SampledInvarianceReport } from "../../audit/invariance-sampled.js";
import { formatSeeds, intOption, kwargsOption, seedsOption } from "../args.js";
import { progressBar } from "../progress.js";

export interface InvarianceCliOptions {
  env?: string;
  kwargs?: string;
  seed?: string;
  gamma?: string;
  json?: boolean;
  sampled?: boolean;
  steps?: string;
  seeds?: string;
  episodes?: string;
}

export function invariance(file: string, opts: InvarianceCliOptions): void {
  if (!opts.env) throw new UserError("--env", "missing; expected a gridworld id (see `rewardlab envs list --family grid`), or any environment with discrete actions for the sampled comparison");
  const gamma = Number(opts.gamma ?? "0.99");
  if (!(gamma >= 0 && gamma < 1)) throw new UserError("--gamma", `expected a number in [0, 1), got ${JSON.stringify(opts.gamma)}`);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const kwargs = kwargsOption(opts.kwargs);
  const spec = readConfigFile(file);
  const method = invarianceMethod(opts.env, { seed, kwargs, sampled: opts.sampled });
  if (method.method === "exact") return printExact(file, solveInvariance(method.grid, spec, gamma), seed, gamma, opts.json);
  const steps = intOption(opts.steps ?? "100000", "--steps", 1);
  // A count is per reward, from --seed on (as before); a list or range names every training seed, half for each reward.
  const seeds = /^\s*\d+\s*$/.test(opts.seeds ?? "2") ? intOption(opts.seeds ?? "2", "--seeds", 2) : seedsOption(opts.seeds);
  if (Array.isArray(seeds) && (seeds.length < 4 || seeds.length % 2 !== 0)) {
    throw new UserError("--seeds", `expected a count per reward (2) or an even number of at least 4 seeds, the first half for all terms and the second for the primary terms alone, got ${seeds.length} (${formatSeeds(seeds)})`);
  }
  const episodes = intOption(opts.episodes ?? "10", "--episodes", 2);
  const runs = typeof seeds === "number" ? 2 * seeds : seeds.length;
  const bar = opts.json ? undefined : progressBar(runs * steps, "training");
  const r = sampledInvariance(opts.env, spec, { steps, seeds, seed, episodes, kwargs, learner: { algo: "ppo", gamma }, onProgress: (done) => bar?.update(done) });
  bar?.stop();
  if (opts.json) console.log(JSON.stringify({ ...r, sampledBecause: method.because }));
  else printSampled(file, r, method.because, gamma);
}

function printExact(file: string, r: InvarianceReport, seed: number, gamma: number, json?: boolean): void {
  if (json) {
    const { cells, picture, ...rest } = r;
    console.log(JSON.stringify({ mode: "exact", ...rest, cells: Object.fromEntries(cells), picture }));
    return;
  }
  const share = (n: number) => `${n} of ${r.states} states (${((100 * n) / r.states).toFixed(1)}%)`;
  console.log(`${file} on ${r.env} (layout seed ${seed}, γ = ${gamma}): optimal actions under all terms vs under the primary terms alone`);
  if (r.differing.length === 0) {
    console.log(`  invariant: every state keeps its optimal actions (${r.states} states)`);
    return;
  }
  console.log(`  differ in       ${share(r.differing.length)}`);
  console.log(`  misled in       ${share(r.misled.length)}: an action optimal for the full reward is suboptimal for the primary`);
  console.log(`  primary value from the start: ${r.primaryOptimum.toFixed(4)} optimal, ${r.primaryUnderLearned.toFixed(4)} when acting optimally for the full reward`);
  if (r.misled.length > 0) {
    console.log(`\nWhere the misled states have the agent (count per cell, the start layout):\n${indent(r.picture)}`);
    for (const e of r.examples) console.log(`\nstate ${e.state}: the full reward prefers ${e.learned.join("/")}, the primary ${e.primary.join("/")}\n${indent(e.picture)}`);
  }
}

function printSampled(file: string, r: SampledInvarianceReport, because: string, gamma: number): void {
  const seedsOf = (design: string) => r.policies.filter((p) => p.design === design).map((p) => p.seed);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const signed = (x: number, digits: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(digits)}`;
  const pts = (x: number) => signed(100 * x, 1);
  const perPolicy = (design: string) => r.policies.filter((p) => p.design === design).map((p) => `${p.primaryReturn.toFixed(1)} [${p.primaryInterval.map((x) => x.toFixed(1)).join(", ")}]`).join(", ");
  console.log(`${file} on ${r.env}: sampled comparison, ${because}`);
  console.log(`  ${r.learner} (γ = ${gamma}), ${r.steps} steps per run; seeds ${formatSeeds(seedsOf("full"))} on all terms, ${formatSeeds(seedsOf("primary"))} on the primary terms alone; ${r.episodes} sampled episodes per policy, ${r.states} states pooled`);
  console.log(`\n  ${"policy pairs".padEnd(30)} ${"action agreement".padStart(16)}  ${"total variation".padStart(15)}`);
  const row = (label: string, s: { agreement: number; tv: number }) => console.log(`  ${label.padEnd(30)} ${pct(s.agreement).padStart(16)}  ${s.tv.toFixed(3).padStart(15)}`);
  row("within all terms (seeds)", r.withinFull);
  row("within primary terms (seeds)", r.withinPrimary);
  row("across the two rewards", r.across);
  console.log(`\n  agreement gap, within − across: ${pts(r.gap)} points, 95% interval [${pts(r.gapInterval[0])}, ${pts(r.gapInterval[1])}] over rollout episodes (a change needs the whole interval above ${pts(r.margin)})`);
  console.log(`  total variation gap, across − within: ${signed(r.tvGap, 3)}, 95% interval [${r.tvGapInterval.map((x) => signed(x, 3)).join(", ")}] (and the whole interval above ${signed(r.margin / 2, 3)})`);
  console.log(`  primary return per policy, mean [95% bootstrap interval] over its episodes: all terms ${perPolicy("full")}; primary terms ${perPolicy("primary")}`);
  const agreement = `policies of the two rewards agree on ${pct(r.across.agreement)} of states, against ${pct(r.within.agreement)} between seeds of one reward`;
  const returns = `(${r.primaryReturns.full.toFixed(1)} on all terms, ${r.primaryReturns.primary.toFixed(1)} on the primary terms alone)`;
  if (r.changed) {
    const why = [...(r.agreementChanged ? [agreement] : []), ...(r.returnsChanged ? [`the primary returns separate ${returns}`] : [])];
    console.log(`\n  changed the learned behaviour: ${why.join("; and ")}`);
    return;
  }
  // Not clearly changed: say whether the agreement leans that way, so a borderline case reads as one.
  const lean = r.gap > r.margin ? `${agreement}: lower, but not clearly` : "the two rewards' policies agree about as much as seeds of one reward";
  console.log(`\n  no change detected at this budget: ${lean}, and the primary returns overlap ${returns}. A sampled test: more steps or seeds can still reveal a change.`);
}

const indent = (text: string) => text.split("\n").map((l) => `  ${l}`).join("\n");
