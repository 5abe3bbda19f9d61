import { expect, test } from "vitest";
import { digest, replay, rewardGuidedSearch } from "./armap.js";
import { mctsSearch } from "./armap-mcts.js";
import { gridTextEnv } from "./grid-text.js";

const ACTIONS = ["left", "right", "forward", "pickup"];
const world = () => gridTextEnv("DoorKey-5x5");
const ended = (d: string) => d.split("\nActions:")[0];
/** A judge with no shaping: 1 for an attempt that ends holding the key, else 0 (and a little less for longer attempts). */
const wantsKey = async (_task: string, digests: readonly string[]) => digests.map((d) => (ended(d).includes("You carry a yellow key") ? 1 : 0) - 0.001 * d.split(",").length);

test("MCTS with the judge as the value finds an attempt a one-step search cannot see: the key, several actions away, with nothing rewarded on the way", async () => {
  // Seeds where the key is not within one action of the start.
  for (const seed of [0, 1, 8]) {
    const greedy = await rewardGuidedSearch(wantsKey, world, ACTIONS, "pick up the key", seed, 12);
    expect(ended(digest(greedy.transcript))).not.toContain("You carry a yellow key");
    const r = await mctsSearch(wantsKey, world, ACTIONS, "pick up the key", seed, 12, { simulations: 300 });
    expect(ended(digest(r.transcript))).toContain("You carry a yellow key");
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.actions).toContain("pickup");
    expect(r.transcript).toBe(replay(world, seed, r.actions).transcript);
    // The same seed plans the same way.
    expect((await mctsSearch(wantsKey, world, ACTIONS, "pick up the key", seed, 12, { simulations: 300 })).actions).toEqual(r.actions);
  }
});
