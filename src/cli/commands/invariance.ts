/**
 * `rewardlab reward invariance SPEC --env ID`: does the spec's auxiliary
 * part change the optimal policy? Exact, by value iteration on the
 * gridworld's tabular model (src/audit/invariance.ts); the misled states
 * are counted per cell on the grid.
 */
import { readConfigFile } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import { shapingInvariance } from "../../audit/invariance.js";
import { intOption, kwargsOption } from "../args.js";

export function invariance(file: string, opts: { env?: string; kwargs?: string; seed?: string; gamma?: string; json?: boolean }): void {
  if (!opts.env) throw new UserError("--env", "missing; expected a gridworld id (see `rewardlab envs list --family grid`)");
  const gamma = Number(opts.gamma ?? "0.99");
  if (!(gamma >= 0 && gamma < 1)) throw new UserError("--gamma", `expected a number in [0, 1), got ${JSON.stringify(opts.gamma)}`);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const r = shapingInvariance(opts.env, readConfigFile(file), { gamma, seed, kwargs: kwargsOption(opts.kwargs) });
  if (opts.json) {
    const { cells, picture, ...rest } = r;
    console.log(JSON.stringify({ ...rest, cells: Object.fromEntries(cells), picture }));
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

const indent = (text: string) => text.split("\n").map((l) => `  ${l}`).join("\n");
