/**
 * Demonstrations on disk: JSON Lines, one episode per line, kept as the
 * seed and the actions that replay it (environments are deterministic
 * given a seed):
 *
 * ```json
 * {"format":"rewardlab.demonstration/1","env":"DoorKey-5x5","kwargs":{},"seed":3,"actions":[1,2,3,0,2,5,2,2],"by":"planner"}
 * ```
 *
 * `rewardlab demos record` writes them from the gridworld planner (an
 * expert that always wins) or `rewardlab play --record FILE` from a person.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import type { GridEnv } from "../../envs/grid/engine.js";
import { solve } from "../../envs/grid/solver.js";
import { make } from "../../envs/registry.js";
import { featureSize, writeTransition, type TransitionLayout } from "../transition.js";

export const DEMONSTRATION_FORMAT = "rewardlab.demonstration/1";

export const Demonstration = z
  .object({
    format: z.literal(DEMONSTRATION_FORMAT),
    env: z.string(),
    kwargs: z.record(z.string(), z.unknown()).default({}),
    seed: z.number().int().nonnegative(),
    actions: z.array(z.number().int().nonnegative()),
    by: z.string().default("human"),
  })
  .strict();
export type Demonstration = z.output<typeof Demonstration>;

export function readDemonstrations(file: string): Demonstration[] {
  if (!existsSync(file)) throw new UserError(file, "no such file");
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line, i) => [line, i] as const)
    .filter(([line]) => line.trim() !== "")
    .map(([line, i]) => {
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch {
        throw new UserError(`${file}:${i + 1}`, "expected one JSON object per line");
      }
      return parseConfig(Demonstration, data, `${file}:${i + 1}`);
    });
}

export function appendDemonstration(file: string, d: Demonstration): void {
  appendFileSync(file, `${JSON.stringify(d)}\n`);
}

/** The planner's winning episodes from seeds seed … seed + episodes − 1 (a seed it cannot solve is skipped). */
export function plannerDemonstrations(envId: string, kwargs: Record<string, unknown>, episodes: number, seed: number): Demonstration[] {
  const env = make(envId, { kwargs });
  const out: Demonstration[] = [];
  for (let k = 0; k < episodes; k++) {
    env.reset(seed + k);
    const plan = solve(env.core as GridEnv);
    if (plan) out.push({ format: DEMONSTRATION_FORMAT, env: env.id, kwargs, seed: seed + k, actions: plan, by: "planner" });
  }
  return out;
}

/** Every transition of the demonstrations as feature rows [s, one-hot a, s′, 0], row-major. */
export function demonstrationTransitions(demos: readonly Demonstration[], layout: TransitionLayout): { x: Float32Array; rows: number } {
  const size = featureSize(layout);
  const rows = demos.reduce((n, d) => n + d.actions.length, 0);
  const x = new Float32Array(rows * size);
  let r = 0;
  for (const d of demos) {
    const env = make(d.env, { kwargs: d.kwargs });
    if (env.observationSpace.size !== layout.obsSize) throw new UserError("demonstrations", `demonstrations of ${d.env} do not fit this environment's observations`);
    let obs = env.reset(d.seed).obs;
    for (const a of d.actions) {
      const step = env.step(a);
      writeTransition(layout, obs, 0, a, step.obs, 0, x, r++ * size);
      obs = step.obs;
      if (step.terminated || step.truncated) break;
    }
  }
  return { x: x.subarray(0, r * size), rows: r };
}
