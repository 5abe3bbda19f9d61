import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { makeVector } from "../envs/registry.js";
import { RewardedVector } from "../rewards/rewarded.js";
import { categoricalLogProb } from "../nn/distributions.js";
import { np, tree, valueAndGrad, type JaxArray } from "../nn/jax.js";
import { mlpForward, type MlpParams } from "../nn/mlp.js";
import { e3bBonus } from "./e3b.js";
import { InverseDynamics } from "./inverse-dynamics.js";
import "./index.js";

/** Transitions of random turn-left / turn-right / forward steps in DoorKey-5x5. */
function transitions(count: number, seed: number) {
  const vec = makeVector("DoorKey-5x5", 16);
  const d = vec.obsSize;
  const rng = new Rng(seed);
  const s = new Float32Array(count * d);
  const next = new Float32Array(count * d);
  const a = new Int32Array(count);
  const actions = new Int32Array(16);
  vec.reset(seed);
  let rows = 0;
  while (rows < count) {
    const before = Float32Array.from(vec.obs);
    for (let i = 0; i < 16; i++) actions[i] = rng.int(3);
    vec.step(actions);
    for (let i = 0; i < 16 && rows < count; i++, rows++) {
      s.set(before.subarray(i * d, (i + 1) * d), rows * d);
      const ended = vec.terminated[i] || vec.truncated[i];
      next.set((ended ? vec.finalObs : vec.obs).subarray(i * d, (i + 1) * d), rows * d);
      a[rows] = actions[i];
    }
  }
  return { s, next, a, d };
}

test("one training step's loss and gradients match jax-js autodiff of −mean log softmax(g([φ(s), φ(s′)]))[a]", () => {
  const t = transitions(48, 3);
  const model = new InverseDynamics({ obsSize: t.d, actions: 3, features: 8, hidden: 16, learningRate: 1e-3, batch: 48 }, new Rng(4));
  // Make the head's output layer larger than its init so the check is not dominated by rounding.
  const head = model.head.weights(0, 1);
  head.w.forEach((v, i) => (head.w[i] = v * 50));
  const asJax = (leaves: Float32Array[], sizes: number[]): MlpParams =>
    sizes.slice(0, -1).map((n, l) => ({ w: np.array(leaves[2 * l]).reshape([n, sizes[l + 1]]), b: np.array(leaves[2 * l + 1]) }));
  const params = { encoder: asJax(model.encoder.leaves(0), [t.d, 16, 8]), head: asJax(model.head.leaves(0), [16, 16, 3]) };
  const oneHot = new Float32Array(48 * 3);
  t.a.forEach((a, r) => (oneHot[r * 3 + a] = 1));
  const loss = (p: typeof params, xs: JaxArray, xn: JaxArray, a: JaxArray) => {
    const logits = mlpForward(p.head, np.concatenate([mlpForward(tree.ref(p.encoder), xs, "relu"), mlpForward(p.encoder, xn, "relu")], 1), "relu");
    return categoricalLogProb(logits, a).mean().mul(-1);
  };
  const [value, grads] = valueAndGrad(loss)(params, np.array(t.s).reshape([48, t.d]), np.array(t.next).reshape([48, t.d]), np.array(oneHot).reshape([48, 3])) as unknown as [JaxArray, typeof params];
  expect(model.train(t.s, t.next, t.a, 48)).toBeCloseTo(value.dataSync()[0] as number, 5);
  for (const [nets, jaxGrads] of [[model.encoder, grads.encoder], [model.head, grads.head]] as const) {
    const ours = nets.leaves(0, nets.grads);
    const theirs = jaxGrads.flatMap((l) => [l.w.dataSync() as Float32Array, l.b.dataSync() as Float32Array]);
    ours.forEach((leaf, i) => {
      const scale = Math.max(1e-6, ...Array.from(theirs[i], Math.abs));
      leaf.forEach((g, j) => expect(Math.abs(g - theirs[i][j]) / scale).toBeLessThan(1e-4));
    });
  }
});

test("the inverse-dynamics model learns to tell which action led from s to s′", () => {
  const train = transitions(4096, 0);
  const model = new InverseDynamics({ obsSize: train.d, actions: 3, features: 32, hidden: 64, learningRate: 1e-3 }, new Rng(0));
  const accuracy = (t: ReturnType<typeof transitions>, rows: number) => {
    const p = model.predict(t.s, t.next, rows);
    let right = 0;
    for (let r = 0; r < rows; r++) {
      const row = p.subarray(r * 3, r * 3 + 3);
      if (row.indexOf(Math.max(...row)) === t.a[r]) right++;
    }
    return right / rows;
  };
  const test = transitions(512, 99);
  const before = accuracy(test, 512);
  const rng = new Rng(1);
  const mb = 256;
  const xs = new Float32Array(mb * train.d);
  const xn = new Float32Array(mb * train.d);
  const a = new Int32Array(mb);
  const losses: number[] = [];
  for (let step = 0; step < 300; step++) {
    for (let r = 0; r < mb; r++) {
      const k = rng.int(4096);
      xs.set(train.s.subarray(k * train.d, (k + 1) * train.d), r * train.d);
      xn.set(train.next.subarray(k * train.d, (k + 1) * train.d), r * train.d);
      a[r] = train.a[k];
    }
    losses.push(model.train(xs, xn, a, mb));
  }
  // Chance is 1/3 and the loss starts at ln 3; left and right turn the view, forward moves it or changes nothing.
  expect(losses[0]).toBeCloseTo(Math.log(3), 1);
  expect(losses.at(-1)!).toBeLessThan(0.3);
  expect(before).toBeLessThan(0.5);
  expect(accuracy(test, 512)).toBeGreaterThan(0.9);
}, 60_000);

test("E3B with learned features trains between rollouts and its embedding changes with training", () => {
  const spec = { terms: [{ kind: "task" }, { kind: "intrinsic", module: "e3b", options: { minibatch: 64 } }] };
  const rv = new RewardedVector(makeVector("DoorKey-5x5", 8), spec);
  const [module] = rv.program.intrinsicModules as ReturnType<typeof e3bBonus>[];
  rv.reset(0);
  const rng = new Rng(2);
  const first: number[] = [];
  for (let t = 0; t < 32; t++) {
    rv.step(Int32Array.from({ length: 8 }, () => rng.int(3)));
    if (t === 0) first.push(...rv.reward.terms[1]);
  }
  const phiBefore = new Float32Array(8 * 32);
  module.model()!.embed(rv.obs, 8, phiBefore);
  const metrics = module.update!();
  expect(metrics.loss).toBeGreaterThan(0);
  const phiAfter = new Float32Array(8 * 32);
  module.model()!.embed(rv.obs, 8, phiAfter);
  expect(Array.from(phiAfter)).not.toEqual(Array.from(phiBefore));
  // The bonus of a state never seen this episode is φᵀ(λI)⁻¹φ = |φ|²/λ > 0.
  expect(first.every((b) => b > 0)).toBe(true);
  expect(module.update!()).toEqual({}); // nothing new to train on
});

test("learned E3B features need discrete actions: a one-line error says to use random features", () => {
  expect(() => new RewardedVector(makeVector("Pendulum-v1", 1), { terms: [{ kind: "task" }, { kind: "intrinsic", module: "e3b" }] })).toThrow(
    "reward.terms[1].options.embedding: inverse-dynamics features need discrete actions numbered from 0; use embedding: random here",
  );
  expect(() => new RewardedVector(makeVector("Pendulum-v1", 1), { terms: [{ kind: "task" }, { kind: "intrinsic", module: "e3b", options: { embedding: "random" } }] })).not.toThrow();
});
