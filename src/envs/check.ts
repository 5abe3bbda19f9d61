/**
 * `checkEnv`: the environment contract as a list of small checks, each
 * returning a message with what was expected and what was seen (as
 * Gymnasium's env_checker). An empty list means the environment conforms.
 */
import { Rng } from "../core/rng.js";
import { sampleInto, actionBuffer } from "../core/spaces.js";
import { MAX_EVENTS } from "./core.js";
import type { Env } from "./env.js";

export function checkEnv(env: Env, options: { steps?: number; seed?: number } = {}): string[] {
  const steps = options.steps ?? 500;
  const issues: string[] = [];
  const { observationSpace: obsSpace, actionSpace } = env;
  const events = env.events;
  const features = env.features.map((f) => f.name);
  if (events.length > MAX_EVENTS) issues.push(`events: expected at most ${MAX_EVENTS}, got ${events.length}`);
  if (new Set(events).size !== events.length) issues.push("events: expected unique names");
  if (new Set(features).size !== features.length) issues.push("features: expected unique names");
  if (!(env.maxSteps >= 1)) issues.push(`maxSteps: expected a positive integer, got ${env.maxSteps}`);

  const checkObs = (obs: Float32Array, where: string) => {
    if (obs.length !== obsSpace.size) issues.push(`${where}: expected an observation of ${obsSpace.size} values, got ${obs.length}`);
    else if (obsSpace.kind === "box" && !obsSpace.contains(obs)) issues.push(`${where}: observation outside ${obsSpace}: [${Array.from(obs.slice(0, 8)).join(", ")}…]`);
  };
  const checkFeatures = (where: string) => {
    for (const [name, value] of Object.entries(env.readFeatures())) {
      if (!Number.isFinite(value)) issues.push(`${where}: feature ${name} is ${value}, expected a finite number`);
    }
  };

  const rng = new Rng(options.seed ?? 0);
  const action = actionBuffer(actionSpace, 1);
  checkObs(env.reset(options.seed ?? 0).obs, "reset");
  checkFeatures("reset");
  let length = 0;
  for (let t = 0; t < steps && issues.length < 10; t++) {
    sampleInto(actionSpace, rng, action, 0);
    const s = env.step(actionSpace.kind === "discrete" ? action[0] : action);
    length++;
    checkObs(s.obs, `step ${t}`);
    if (!Number.isFinite(s.reward)) issues.push(`step ${t}: reward ${s.reward}, expected a finite number`);
    for (const e of s.info.events) if (!events.includes(e)) issues.push(`step ${t}: undeclared event ${e}`);
    checkFeatures(`step ${t}`);
    if (length > env.maxSteps) issues.push(`step ${t}: episode longer than maxSteps ${env.maxSteps}`);
    if (s.terminated || s.truncated) {
      if (s.truncated && !s.terminated && length !== env.maxSteps) issues.push(`step ${t}: truncated after ${length} steps, expected ${env.maxSteps}`);
      length = 0;
      checkObs(env.reset().obs, `reset after step ${t}`);
    }
  }
  return issues;
}
