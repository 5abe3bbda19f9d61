import { expect, test } from "vitest";
import { makeVector } from "../envs/registry.js";
import type { RewardBatch } from "./batch.js";
import { registerIntrinsic, type IntrinsicModule } from "./intrinsic.js";
import { RewardedVector } from "./rewarded.js";

/** A test bonus: 1 for every transition whose observation changed, and a log of what it saw. */
function changeDetector(): IntrinsicModule & { seen: { obs: number[]; next: number[] }[]; ended: number[]; n: number } {
  return {
    name: "change",
    seen: [],
    ended: [],
    n: 0,
    init(info) {
      this.n = info.n;
    },
    compute(b: RewardBatch, out: Float64Array) {
      for (let i = 0; i < b.n; i++) {
        const s = b.obs!.subarray(i * b.obsSize, (i + 1) * b.obsSize);
        const s1 = b.nextObs!.subarray(i * b.obsSize, (i + 1) * b.obsSize);
        out[i] = s.some((x, k) => x !== s1[k]) ? 1 : 0;
      }
      this.seen.push({ obs: Array.from(b.obs!.subarray(0, b.obsSize)), next: Array.from(b.nextObs!.subarray(0, b.obsSize)) });
    },
    endEpisode(i) {
      this.ended.push(i);
    },
    state: () => null,
    load() {},
  };
}

test("an intrinsic module sees s and s′ observations, with the final observation at an autoreset", () => {
  const module = changeDetector();
  registerIntrinsic("change-test", () => module);
  const rv = new RewardedVector(makeVector("CartPole-v1", 2), { terms: [{ kind: "task" }, { kind: "intrinsic", module: "change-test", weight: 0.5 }] });
  expect(rv.program.usesObs).toBe(true);
  let obs = Array.from(rv.reset(0).subarray(0, 4));
  let ended = false;
  for (let t = 0; t < 200 && !ended; t++) {
    rv.step(Int32Array.of(0, 1));
    const seen = module.seen[module.seen.length - 1];
    expect(seen.obs).toEqual(obs);
    if (rv.vec.terminated[0] || rv.vec.truncated[0]) {
      ended = true;
      expect(seen.next).toEqual(Array.from(rv.vec.finalObs.subarray(0, 4)));
      expect(module.ended).toContain(0);
    } else expect(seen.next).toEqual(Array.from(rv.obs.subarray(0, 4)));
    expect(rv.reward.terms[1][0]).toBe(0.5);
    obs = Array.from(rv.obs.subarray(0, 4));
  }
  expect(ended).toBe(true);
  expect(module.n).toBe(2);
});
