/**
 * `rewardlab bench intrinsic`: what each exploration bonus adds per
 * environment step, as a fraction of an environment step plus a policy
 * step (the 64-64 tanh actor-critic evaluated on the vector's observations),
 * on a vector of 64 DoorKey-8x8. Targets: ≤ 20% for counts, SimHash and E3B
 * with fixed features. Learned bonuses (RND, E3B's inverse dynamics) train
 * every 128 steps, as after each rollout of PPO's default length; their
 * figures include that training.
 */
import { actorCriticShape, initActorCritic, Policy } from "../src/agents/actor-critic.js";
import { Rng } from "../src/core/rng.js";
import { makeVector } from "../src/envs/registry.js";
import { RewardedVector } from "../src/rewards/rewarded.js";
import { measureRate, type Figure } from "./harness.js";

const N = 64;
const ROLLOUT = 128;
const BONUSES: Record<string, unknown> = {
  count: { kind: "intrinsic", module: "count" },
  "count-simhash": { kind: "intrinsic", module: "count", options: { hash: "simhash", bits: 32 } },
  "episodic-count": { kind: "intrinsic", module: "episodic-count" },
  "episodic-novelty": { kind: "intrinsic", module: "episodic-novelty" },
  e3b: { kind: "intrinsic", module: "e3b", options: { embedding: "random", features: 32 } },
  "e3b-learned": { kind: "intrinsic", module: "e3b", options: { features: 32 } },
  rnd: { kind: "intrinsic", module: "rnd" },
};

function stepsPerSecond(spec: unknown, seconds: number): number {
  const rv = new RewardedVector(makeVector("DoorKey-8x8", N), spec);
  const shape = actorCriticShape(rv.vec.observationSpace, rv.vec.actionSpace, [64, 64], "tanh");
  const policy = new Policy(shape, N);
  policy.sync(initActorCritic(shape, new Rng(0)));
  const rng = new Rng(1);
  const actions = new Int32Array(N);
  const logp = new Float32Array(N);
  const values = new Float32Array(N);
  const learned = rv.program.intrinsicModules.filter((m) => m.update);
  let t = 0;
  rv.reset(0);
  return measureRate(
    (iterations) => {
      for (let it = 0; it < iterations; it++) {
        policy.act(rv.obs, rng, actions, logp, values);
        rv.step(actions);
        if (++t % ROLLOUT === 0) for (const m of learned) m.update!();
      }
    },
    N,
    seconds,
  );
}

export function* intrinsicSuite(seconds: number): Generator<Figure> {
  const base = stepsPerSecond({ terms: [{ kind: "task" }] }, seconds);
  yield { suite: "intrinsic", name: "doorkey-8x8/vector64/env+policy", value: base, unit: "steps/s" };
  for (const [name, term] of Object.entries(BONUSES)) {
    const rate = stepsPerSecond({ terms: [{ kind: "task" }, term] }, seconds);
    yield { suite: "intrinsic", name: `${name}/overhead`, value: (100 * (base / rate - 1)), unit: "%" };
  }
}
