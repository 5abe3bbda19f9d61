import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { readConfigFile } from "../core/config.js";
import { Rng } from "../core/rng.js";
import { envSpec } from "../envs/registry.js";
import { VectorEnv } from "../envs/vector.js";
import { resolveReward, RunConfig } from "../runs/config.js";
import { MachineProduct } from "./machines/product.js";
import { makeRewarded, makeRewardedAlike, prepareRewardSpec, rewardCores, rewardProgram } from "./make.js";
import { RewardedVector } from "./rewarded.js";

const MACHINE = "examples/rewards/doorkey-machine.yaml";
const ID = "DoorKey-5x5";
const N = 3;

/** What a program is: its terms, features and objectives, and the environment's names it was compiled against. */
const shape = (rv: RewardedVector) => ({ terms: rv.program.terms, features: rv.program.features, objectives: rv.program.objectives, spec: rv.program.spec, env: rv.vec.featureSpecs.map((f) => f.name), events: rv.vec.eventNames });

/** Totals and terms of seeded random steps. */
function play(rv: RewardedVector): number[] {
  const rng = new Rng(4);
  rv.reset(9);
  const out: number[] = [];
  for (let t = 0; t < 120; t++) {
    rv.step(Int32Array.from({ length: rv.n }, () => rng.int(7)));
    out.push(...rv.reward.total64, ...rv.reward.terms.flatMap((c) => [...c]));
  }
  return out;
}

test("every consumer builds the same program on the same product for a spec with a reward machine", () => {
  const raw = readConfigFile(MACHINE);
  // train: a run config naming the spec file, resolved as `train` resolves it.
  const config = resolveReward(RunConfig.parse({ env: { id: ID }, numEnvs: N, reward: MACHINE }));
  const training = makeRewarded(config.env.id, N, config.reward);
  // reward check and explain: the file as read.
  const checking = makeRewarded(ID, N, raw);
  // reward compare: ERC's vectors, and EPIC's program on its cores.
  const [erc] = makeRewardedAlike(ID, N, [raw, readConfigFile("examples/rewards/doorkey-sparse.yaml")], ["A", "B"]);
  const spec = prepareRewardSpec(raw, "A");
  const epicVec = new VectorEnv(envSpec(ID).id, rewardCores(ID, N, [spec], {}, ["A"]));
  const epic = new RewardedVector(epicVec, rewardProgram(spec, epicVec, "A"));

  const paths = [training, checking, erc, epic];
  for (const rv of paths) expect(rv.vec.cores.every((c) => c instanceof MachineProduct)).toBe(true);
  expect(shape(training).features).toContain("rm.reward");
  const expected = play(training);
  for (const rv of paths.slice(1)) {
    expect(shape(rv)).toEqual(shape(training));
    expect(play(rv)).toEqual(expected);
  }
});

test("a parsed spec is not parsed again, and learned models are read relative to the file that names them", () => {
  const spec = prepareRewardSpec(readConfigFile(MACHINE));
  expect(prepareRewardSpec(spec)).toBe(spec);
  expect(makeRewarded(ID, 1, spec).program.spec).toBe(spec);

  const dir = mkdtempSync(join(tmpdir(), "rewardlab-make-"));
  writeFileSync(join(dir, "model.json"), JSON.stringify({ format: "made up" }));
  const named = { terms: [{ kind: "task" }, { kind: "combine", op: "sum", terms: [{ kind: "learned", model: "model.json" }] }] };
  const config = resolveReward(RunConfig.parse({ env: { id: ID }, reward: named }), dir);
  const combined = (config.reward as { terms: { terms?: { model: unknown }[] }[] }).terms[1];
  expect(combined.terms?.[0].model).toEqual({ format: "made up" });
  expect(() => resolveReward(RunConfig.parse({ env: { id: ID }, reward: named }), tmpdir())).toThrow('reward.terms[1].terms[0].model: cannot read the learned reward model "model.json"');
});
