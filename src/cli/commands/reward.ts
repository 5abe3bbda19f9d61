/**
 * `rewardlab reward check SPEC --env ID` and `rewardlab reward explain SPEC --env ID`.
 *
 * check: compiles the spec (a bad spec is one `error:` line, exit 2), samples a
 * random policy and prints findings. Exit code 0 when the findings are
 * warnings and info only (the reward machine's structural issues included),
 * 2 when any is an error (a non-finite reward); 1 stays reserved for bugs.
 *
 * explain: plays episodes and prints each term's share of the return.
 */
import { readConfigFile } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import { checkReward, type CheckReport, type Finding, type TermStats } from "../../rewards/check.js";
import { epicDistance, ercDistance } from "../../rewards/epic.js";
import { explainReward, type ExplainReport } from "../../rewards/explain.js";
import { formatNumber } from "../../rewards/format.js";
import { makeRewarded } from "../../rewards/make.js";
import { checkPolicy } from "../../rewards/random-policy.js";
import type { RewardedVector } from "../../rewards/rewarded.js";
import { intOption, kwargsOption } from "../args.js";
import { progressBar, type Progress } from "../progress.js";

/** Vector size for sampling. */
const NUM_ENVS = 16;

/** The most steps `reward check` samples per environment (16 million transitions, about half a minute). */
export const MAX_CHECK_STEPS = 1_000_000;
/** The most episodes `reward explain` plays. */
export const MAX_EXPLAIN_EPISODES = 100_000;

interface EnvOpts {
  env?: string;
  kwargs?: string;
  seed?: string;
  json?: boolean;
}

/** The spec in `file` on `numEnvs` copies of `--env`; a spec that does not compile is a `UserError` here. */
function openRewarded(file: string, opts: EnvOpts, numEnvs: number): RewardedVector {
  if (!opts.env) throw new UserError("--env", "missing; expected an environment id (see `rewardlab envs list`)");
  const spec = readConfigFile(file);
  // A spec with a reward machine runs on the product of the environment and the machine.
  return makeRewarded(opts.env, numEnvs, spec, { kwargs: kwargsOption(opts.kwargs) });
}

// ── check ────────────────────────────────────────────────────────────────

export function check(file: string, opts: EnvOpts & { steps?: string }): void {
  const steps = intOption(opts.steps ?? "2000", "--steps", 1, MAX_CHECK_STEPS);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const rv = openRewarded(file, opts, NUM_ENVS);
  const progress = lazyProgress(steps, "reward check");
  let report: CheckReport;
  try {
    report = checkReward(rv, { steps, seed, onProgress: progress.update });
  } finally {
    progress.stop();
  }
  const errors = report.findings.filter((f) => f.severity === "error").length;
  if (opts.json) console.log(JSON.stringify({ spec: file, ...report }, null, 2));
  else console.log(formatCheck(file, report));
  if (errors > 0) throw new UserError("reward check", `${errors} error${errors === 1 ? "" : "s"} in ${file}${opts.json ? "" : " (see above)"}`);
}

export function formatCheck(file: string, r: CheckReport): string {
  const length = r.meanEpisodeLength === null ? "" : `, mean length ${formatNumber(r.meanEpisodeLength)}`;
  const ended = `${r.episodes} episode${r.episodes === 1 ? "" : "s"} ended (${r.terminated} terminated, ${r.truncated} truncated)${length}`;
  const termRow = (t: TermStats) => [
    t.name,
    t.kind,
    t.role,
    formatNumber(t.weight),
    formatNumber(t.stepMeanAbs),
    t.episodeMeanAbs === null ? "—" : formatNumber(t.episodeMeanAbs),
    `${formatNumber(t.stepMin)} … ${formatNumber(t.stepMax)}`,
    percent(t.nonZero, r.steps * r.numEnvs),
  ];
  // The primary reward is the sum of the primary terms: worth a row of its own when there are several.
  const primaryRow = r.terms.filter((t) => t.role === "primary").length > 1 ? [termRow({ ...r.primary, name: "(primary)" })] : [];
  const lines = [
    `reward check: ${file} on ${r.env}`,
    `sample: random policy, ${r.numEnvs} environments × ${r.steps} steps (seed ${r.seed}); ${ended}`,
    "",
    ...table(
      [["term", "kind", "role", "weight", "|step| mean", "|episode sum| mean", "step range", "non-zero"], ...r.terms.map(termRow), ...primaryRow],
      "lllrrrrr",
    ),
    "",
    ...(r.findings.length ? r.findings.map(formatFinding) : ["no findings"]),
    "",
    summaryLine(r.findings),
  ];
  return lines.join("\n");
}

function formatFinding(f: Finding): string {
  return `${f.severity.padEnd(7)} [${f.code}] ${f.message}`;
}

function summaryLine(findings: readonly Finding[]): string {
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  const e = count("error");
  const w = count("warning");
  return `${e} error${e === 1 ? "" : "s"}, ${w} warning${w === 1 ? "" : "s"}, ${count("info")} info`;
}

// ── explain ──────────────────────────────────────────────────────────────

export function explain(file: string, opts: EnvOpts & { episodes?: string; policy?: string }): void {
  const episodes = intOption(opts.episodes ?? "20", "--episodes", 1, MAX_EXPLAIN_EPISODES);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const policy = opts.policy ?? "random";
  checkPolicy(policy);
  const rv = openRewarded(file, opts, Math.min(NUM_ENVS, episodes));
  const progress = lazyProgress(episodes, "reward explain");
  let report: ExplainReport;
  try {
    report = explainReward(rv, { episodes, seed, policy, onProgress: progress.update });
  } finally {
    progress.stop();
  }
  if (opts.json) {
    const { episodeSums: _sums, ...rest } = report;
    console.log(JSON.stringify({ spec: file, ...rest }, null, 2));
    return;
  }
  console.log(formatExplain(file, report));
}

export function formatExplain(file: string, r: ExplainReport): string {
  const rows = r.rows.map((t) => [
    t.name,
    t.role,
    t.share === null ? "—" : `${t.share >= 0 ? "+" : "−"}${(100 * Math.abs(t.share)).toFixed(1)}%`,
    formatNumber(t.stepMean),
    formatNumber(t.stepMin),
    formatNumber(t.stepMax),
    formatNumber(t.episodeMean),
    t.correlation === null ? "—" : t.correlation.toFixed(2),
  ]);
  return [
    `reward explain: ${file} on ${r.env}`,
    `${r.episodes} episode${r.episodes === 1 ? "" : "s"}, ${r.policy} policy, seed ${r.seed}, mean length ${formatNumber(r.meanLength)}`,
    "",
    ...table([["term", "role", "share", "step mean", "step min", "step max", "episode mean", "r(primary)"], ...rows], "llrrrrrr"),
    "",
    `primary return ${formatNumber(r.primaryReturn.mean)} ± ${formatNumber(r.primaryReturn.std)} (mean ± sd); all terms ${formatNumber(r.termsReturn)} per episode`,
    "share: a term's mean episode sum over the sum of |mean episode sums| (signed). Sums are undiscounted, before the spec's own transforms;",
    "r(primary): Pearson's r between the term's episode sum and the primary return (— when either is constant).",
  ].join("\n");
}

/** A progress bar that appears only once the work has taken half a second, so short runs print nothing extra. */
function lazyProgress(total: number, label: string): Progress {
  const t0 = performance.now();
  let bar: Progress | undefined;
  return {
    update(value) {
      if (!bar && performance.now() - t0 > 500) bar = progressBar(total, label);
      bar?.update(value);
    },
    stop: () => bar?.stop(),
  };
}

// ── text ─────────────────────────────────────────────────────────────────

/** Rows padded into columns; `align` has one l or r per column. */
function table(rows: readonly (readonly string[])[], align: string): string[] {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => [...r[j]].length)));
  return rows.map((r) =>
    r
      .map((cell, j) => (align[j] === "r" ? cell.padStart(widths[j]) : cell.padEnd(widths[j])))
      .join("  ")
      .trimEnd(),
  );
}

function percent(k: number, total: number): string {
  if (total === 0) return "—";
  const p = (100 * k) / total;
  return `${p > 0 && p < 0.1 ? "<0.1" : p.toFixed(1)}%`;
}

// ── compare ──────────────────────────────────────────────────────────────

/** `reward compare A B --env ID`: EPIC distance with its bootstrap interval, and ERC over random rollouts. */
export function compare(a: string, b: string, opts: EnvOpts & { gamma?: string }): void {
  if (!opts.env) throw new UserError("--env", "missing; expected a gridworld id (see `rewardlab envs list --family grid`)");
  const gamma = Number(opts.gamma ?? "0.99");
  if (!(gamma >= 0 && gamma <= 1)) throw new UserError("--gamma", `expected a number in [0, 1], got ${JSON.stringify(opts.gamma)}`);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const kwargs = kwargsOption(opts.kwargs);
  const [specA, specB] = [readConfigFile(a), readConfigFile(b)];
  const epic = epicDistance(opts.env, specA, specB, { gamma, seed }, kwargs);
  const erc = ercDistance(opts.env, specA, specB, { seed, kwargs });
  if (opts.json) {
    console.log(JSON.stringify({ epic: epic.distance, interval: epic.interval, erc, states: epic.states, transitions: epic.transitions, exact: epic.exact }));
    return;
  }
  console.log(`${a} vs ${b} on ${opts.env} (${epic.states} states, ${epic.transitions} transitions${epic.exact ? "" : ", expectations sampled"})`);
  console.log(`  EPIC distance  ${epic.distance.toFixed(4)}   95% bootstrap interval [${epic.interval[0].toFixed(4)}, ${epic.interval[1].toFixed(4)}]`);
  console.log(`  ERC distance   ${erc.toFixed(4)}   (episode returns of the same random rollouts)`);
  console.log("  0: the same reward up to potential shaping and positive scale; 1: opposite rewards");
}
