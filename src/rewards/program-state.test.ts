import { expect, test } from "vitest";
import { Rng } from "../core/rng.js";
import { makeVector } from "../envs/registry.js";
import { loadRewardedState, RewardedVector, saveRewardedState } from "./rewarded.js";

// Every kind of carried state: a once-per-episode count, a dynamic potential's cache and the clock it reads, running normalizations (of a term and of the total), a combine's children.
const spec = {
  terms: [
    { kind: "task", name: "goal" },
    { kind: "event", event: "pickup:key", weight: 0.2, once: true, name: "key" },
    { kind: "potential", phi: "-goal.distance + 0.001 * time", gamma: 0.99, dynamic: true, name: "progress", transforms: [{ type: "normalize", gamma: 0.9 }] },
    { kind: "combine", op: "sum", name: "both", terms: [{ kind: "event", event: "open:door", max: 2, decay: 0.5 }, { kind: "potential", phi: "-agent.x", gamma: 0.9 }] },
  ],
  transforms: [{ type: "normalize", gamma: 0.99 }],
};
const build = () => new RewardedVector(makeVector("DoorKey-5x5", 4, { kwargs: { maxSteps: 25 } }), spec);

/** Steps `rv` with seeded random actions; returns every total, and the sums of every episode that ended. */
function play(rv: RewardedVector, rng: Rng, steps: number): number[] {
  const out: number[] = [];
  const { reward, vec } = rv;
  for (let t = 0; t < steps; t++) {
    rv.step(Int32Array.from({ length: rv.n }, () => rng.int(7)));
    out.push(...reward.total64);
    for (let i = 0; i < rv.n; i++) if (vec.terminated[i] || vec.truncated[i]) out.push(reward.finishedTotal[i], reward.finishedPrimary[i], ...reward.finishedTerms.map((c) => c[i]));
  }
  return out;
}

test("a program's saved state, loaded into a fresh program, continues with bit-identical totals", () => {
  const straight = build();
  straight.reset(3);
  const expected = play(straight, new Rng(7), 300);

  const first = build();
  first.reset(3);
  const rng = new Rng(7);
  const before = play(first, rng, 140);
  const saved = JSON.parse(JSON.stringify(saveRewardedState(first)));
  const rngState = rng.getState();

  const resumed = build();
  loadRewardedState(resumed, saved);
  const rest = new Rng(0);
  rest.setState(rngState);
  const after = play(resumed, rest, 160);
  expect([...before, ...after]).toEqual(expected);

  // The program's own part is compact plain data: lists of numbers, no captured objects.
  const reward = JSON.stringify(saved.reward);
  expect(reward).not.toContain("$typed");
  expect(Object.keys(saved.reward)).toEqual(["step", "episodePrimary", "episodeTotal", "episodeObjectives", "episodeTerms", "terms", "totalTransforms"]);

  // And it is needed: the same environments without the program's state give other totals.
  const forgetful = build();
  loadRewardedState(forgetful, { ...saved, reward: build().reward.saveState() });
  const other = new Rng(0);
  other.setState(rngState);
  expect(play(forgetful, other, 160)).not.toEqual(after);
});
