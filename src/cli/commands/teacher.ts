/**
 * `rewardlab reward teacher --env ID`: teacher-driven reward design on a
 * gridworld's exact model (src/audit/teacher.ts): how fast tabular
 * Q-learning finds the optimal policy under the sparse task reward, under
 * shaping with Φ = V*, and under an interpretable potential fitted to V*
 * from a few named features; `--out` writes the interpretable spec.
 */
import { stringify } from "yaml";
import { UserError } from "../../core/errors.js";
import { teacherDesign, teacherSeeds } from "../../audit/teacher.js";
import { formatSeeds, intOption, kwargsOption, seedsOption } from "../args.js";
import { checkOutputFile, writeOutputFile } from "../output.js";

export function teacher(opts: { env?: string; kwargs?: string; seed?: string; gamma?: string; features?: string; runs?: string; seeds?: string; episodes?: string; out?: string; json?: boolean }): void {
  if (!opts.env) throw new UserError("--env", "missing; expected a gridworld id (see `rewardlab envs list --family grid`)");
  const gamma = Number(opts.gamma ?? "0.99");
  if (!(gamma > 0 && gamma < 1)) throw new UserError("--gamma", `expected a number in (0, 1), got ${JSON.stringify(opts.gamma)}`);
  if (opts.out) checkOutputFile(opts.out, "--out");
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const r = teacherDesign(opts.env, {
    gamma,
    seed,
    kwargs: kwargsOption(opts.kwargs),
    features: intOption(opts.features ?? "3", "--features", 1),
    seeds: runSeeds(opts, seed),
    episodes: intOption(opts.episodes ?? "2000", "--episodes", 1),
  });
  const spec = { terms: [{ name: "goal", kind: "task" }, { name: "teacher", kind: "potential", phi: r.phi, gamma }] };
  if (opts.out) writeOutputFile(opts.out, `# Teacher-designed potential for ${r.env}: Φ fitted to V* (R² = ${r.r2.toFixed(3)}) by rewardlab reward teacher\n${stringify(spec)}`, "--out");
  if (opts.json) {
    console.log(JSON.stringify({ ...r, spec }));
    return;
  }
  console.log(`Teacher-driven reward design on ${r.env} (${r.states} states, γ = ${gamma}).`);
  console.log(`Interpretable potential fitted to V*: Φ = ${r.phi}  (R² = ${r.r2.toFixed(3)})\n`);
  console.log(`Episodes of tabular Q-learning (ε = 0.1, from the start state) until its greedy policy is optimal, ${r.seeds.length} run${r.seeds.length === 1 ? "" : "s"} per design on seeds ${formatSeeds(r.seeds)}:`);
  for (const d of r.designs) {
    const done = d.episodes.filter((e) => e !== null).length;
    console.log(`  ${d.name.padEnd(64)} median ${Number.isFinite(d.median) ? d.median : "not reached"}  (${done}/${d.episodes.length} runs within the budget)`);
  }
  if (opts.out) console.log(`\nWrote the interpretable spec to ${opts.out}`);
}

/**
 * The Q-learning runs' seeds: `--seeds` (a count starts at 1000 × the layout
 * seed, as `--runs` always has), or `--runs n`, its count form; both only
 * when they name the same seeds.
 */
function runSeeds(opts: { runs?: string; seeds?: string }, layoutSeed: number): number[] {
  const first = layoutSeed * 1000;
  const byRuns = opts.runs === undefined ? undefined : teacherSeeds(layoutSeed, intOption(opts.runs, "--runs", 1, 10_000));
  const bySeeds = opts.seeds === undefined ? undefined : seedsOption(opts.seeds, "--seeds", { first });
  if (byRuns && bySeeds && byRuns.join() !== bySeeds.join()) {
    throw new UserError("--runs", `--runs ${opts.runs} means seeds ${formatSeeds(byRuns)} but --seeds ${opts.seeds} names ${formatSeeds(bySeeds)}; give one of them`);
  }
  return bySeeds ?? byRuns ?? teacherSeeds(layoutSeed, 10);
}
