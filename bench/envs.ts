/**
 * `rewardlab bench envs`: environment steps per second on one core with
 * uniformly random actions, observations included, for one environment
 * through the Gymnasium-style `Env` API and for a `VectorEnv` of 64.
 */
import { Rng } from "../src/core/rng.js";
import { actionBuffer, sampleInto } from "../src/core/spaces.js";
import { envIds, make, makeVector } from "../src/envs/registry.js";
import { makeParallelVector, parallelEnvSpecs } from "../src/envs/multi/registry.js";
import { BASELINES } from "./baselines.js";
import { measureRate, withBaseline, type Figure } from "./harness.js";

const ENVS = ["DoorKey-8x8", "Empty-8x8", "CartPole-v1"];

/** Multi-agent environments (every registered one): agent-steps per second (one step of a table of m agents counts m). */
const multiAgent = () => parallelEnvSpecs().map((s) => s.id);

export function* envsSuite(seconds: number, ids: readonly string[] = ENVS): Generator<Figure> {
  for (const id of ids) {
    const key = id.toLowerCase();
    const baseline = BASELINES[key];
    yield withBaseline({ suite: "envs", name: `${key}/single`, value: singleRate(id, seconds), unit: "steps/s", baseline });
    yield withBaseline({ suite: "envs", name: `${key}/vector64`, value: vectorRate(id, 64, seconds), unit: "steps/s", baseline });
  }
  if (ids !== ENVS) return;
  // The open-ended universe with medium rulesets: rules and goals checked on every step (issue #19's target: 1M steps/s).
  for (const benchmark of ["medium", "high"]) yield { suite: "envs", name: `universe-r1-9x9-${benchmark}/vector64`, value: vectorRate("Universe-R1-9x9", 64, seconds, { benchmark }), unit: "steps/s" };
  for (const id of multiAgent()) {
    const key = id.toLowerCase();
    yield { suite: "envs", name: `${key}/parallel-vector64`, value: parallelRate(id, 64, seconds), unit: "agent-steps/s" };
    // The same tables as seats (one single-agent row per agent), as run configs and learners step them.
    yield { suite: "envs", name: `${key}/seats64`, value: vectorRate(id, 64, seconds), unit: "agent-steps/s" };
  }
}

function parallelRate(id: string, n: number, seconds: number): number {
  const vec = makeParallelVector(id, n);
  const rng = new Rng(1);
  vec.reset(0);
  const actions = actionBuffer(vec.actionSpace, vec.rows);
  return measureRate(
    (iterations) => {
      for (let it = 0; it < iterations; it++) {
        for (let r = 0; r < vec.rows; r++) sampleInto(vec.actionSpace, rng, actions, r * vec.actionSize);
        vec.step(actions);
      }
    },
    vec.rows,
    seconds,
  );
}

/** Every registered environment, vector of 64 only: a survey, not a target. */
export function* allEnvsSuite(seconds: number): Generator<Figure> {
  for (const id of envIds()) {
    const key = id.toLowerCase();
    yield withBaseline({ suite: "envs-all", name: `${key}/vector64`, value: vectorRate(id, 64, seconds), unit: "steps/s", baseline: BASELINES[key] });
  }
}

function singleRate(id: string, seconds: number): number {
  const env = make(id);
  const rng = new Rng(1);
  env.reset(0);
  const space = env.actionSpace;
  return measureRate(
    (iterations) => {
      for (let i = 0; i < iterations; i++) {
        const s = env.step(space.kind === "discrete" ? space.sample(rng) : Array.from(space.sample(rng)));
        if (s.terminated || s.truncated) env.reset();
      }
    },
    1,
    seconds,
  );
}

/** n environments of `id` (for a multi-agent id, n tables: one row per agent); steps counted per row. */
function vectorRate(id: string, n: number, seconds: number, kwargs?: Record<string, unknown>): number {
  const vec = makeVector(id, n, { kwargs });
  const rows = vec.n;
  const rng = new Rng(1);
  vec.reset(0);
  const space = vec.actionSpace;
  const actions = actionBuffer(space, rows);
  return measureRate(
    (iterations) => {
      for (let it = 0; it < iterations; it++) {
        for (let i = 0; i < rows; i++) sampleInto(space, rng, actions, i * vec.actionSize);
        vec.step(actions);
      }
    },
    rows,
    seconds,
  );
}
