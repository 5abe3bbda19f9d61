/**
 * `rewardlab reward teacher --env ID`: teacher-driven reward design on a
 * gridworld's exact model (src/audit/teacher.ts): how fast tabular
 * Q-learning finds the optimal policy under the sparse task reward, under
 * shaping with Φ = V*, and under an interpretable potential fitted to V*
 * from a few named features; `--out` writes the interpretable spec.
 */
import { stringify } from "yaml";
import { UserError } from "../../core/errors.js";
import { teacherDesign } from "../../audit/teacher.js";
import { intOption, kwargsOption } from "../args.js";
import { checkOutputFile, writeOutputFile } from "../output.js";

export function teacher(opts: { env?: string; kwargs?: string; seed?: string; gamma?: string; features?: string; runs?: string; episodes?: string; out?: string; json?: boolean }): void {
  if (!opts.env) throw new UserError("--env", "missing; expected a gridworld id (see `rewardlab envs list --family grid`)");
  const gamma = Number(opts.gamma ?? "0.99");
  if (!(gamma > 0 && gamma < 1)) throw new UserError("--gamma", `expected a number in (0, 1), got ${JSON.stringify(opts.gamma)}`);
  if (opts.out) checkOutputFile(opts.out, "--out");
  const r = teacherDesign(opts.env, {
    gamma,
    seed: intOption(opts.seed ?? "0", "--seed", 0),
    kwargs: kwargsOption(opts.kwargs),
    features: intOption(opts.features ?? "3", "--features", 1),
    runs: intOption(opts.runs ?? "10", "--runs", 1),
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
  console.log(`Episodes of tabular Q-learning (ε = 0.1, from the start state) until its greedy policy is optimal:`);
  for (const d of r.designs) {
    const done = d.episodes.filter((e) => e !== null).length;
    console.log(`  ${d.name.padEnd(64)} median ${Number.isFinite(d.median) ? d.median : "not reached"}  (${done}/${d.episodes.length} runs within the budget)`);
  }
  if (opts.out) console.log(`\nWrote the interpretable spec to ${opts.out}`);
}
