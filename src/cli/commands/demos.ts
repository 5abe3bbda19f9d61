/**
 * `rewardlab demos record --env ID --out demos.jsonl`: the gridworld
 * planner's winning episodes, one JSON line each (seed + actions), for
 * imitation rewards (`{kind: intrinsic, module: adversarial}`) and IRL.
 */
import { UserError } from "../../core/errors.js";
import { envSpec } from "../../envs/registry.js";
import { appendDemonstration, plannerDemonstrations } from "../../learn/demos/demos.js";
import { intOption, kwargsOption } from "../args.js";
import { checkOutputFile, withOutputErrors } from "../output.js";

export function record(opts: { env?: string; out?: string; episodes?: string; seed?: string; kwargs?: string }): void {
  const spec = envSpec(opts.env ?? "", "--env");
  if (spec.family !== "grid") throw new UserError("--env", `the planner solves gridworlds; ${spec.id} is a ${spec.family} environment`);
  const episodes = intOption(opts.episodes ?? "50", "--episodes", 1);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  checkOutputFile(opts.out!, "--out");
  const demos = plannerDemonstrations(spec.id, kwargsOption(opts.kwargs) ?? {}, episodes, seed);
  withOutputErrors(opts.out!, "--out", () => {
    for (const d of demos) appendDemonstration(opts.out!, d);
  });
  const steps = demos.reduce((n, d) => n + d.actions.length, 0);
  console.log(`${demos.length} of ${episodes} episodes solved by the planner (${steps} steps, ${(steps / Math.max(1, demos.length)).toFixed(1)} per episode) appended to ${opts.out}`);
}
