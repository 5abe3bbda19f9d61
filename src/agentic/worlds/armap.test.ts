import { expect, test } from "vitest";
import { openAIChat } from "../../providers/chat.js";
import { startOpenAIStub, type StubRequest } from "../../test-utils/openai-stub.js";
import { embed } from "../rm/embedder.js";
import { rmText } from "../rm/head.js";
import { bestOfN, digest, randomWalks, synthesizeTriplets, trainArmapRewardModel, transcriptOf } from "./armap.js";
import { gridTextEnv } from "./grid-text.js";

const ACTIONS = ["left", "right", "forward"];
const world = () => gridTextEnv("Empty-Random-5x5");
const HEADINGS = ["east", "south", "west", "north"];

/** The scripted data writer: the intent is to end facing where the walk ended; the negative ends facing the opposite way. */
function writer(r: StubRequest): string {
  const text = r.messages.at(-1)!.content;
  const walk = text.slice(text.indexOf("What the agent did:\n") + 20, text.indexOf("\n\nFirst write"));
  const faces = [...walk.matchAll(/You face (\w+)/g)];
  if (faces.length === 0) return "I cannot tell.";
  const last = faces[faces.length - 1];
  const opposite = HEADINGS[(HEADINGS.indexOf(last[1]) + 2) % 4];
  const negative = walk.slice(0, last.index) + `You face ${opposite}` + walk.slice(last.index! + last[0].length);
  return `Intent: turn until you face ${last[1]}\nNegative:\n${negative}`;
}

test("ARMAP: random walks, intents and negatives written by a model, a reward model trained on them, and best-of-N picking the attempt it scores highest", async () => {
  const walks = randomWalks(world, ACTIONS, 24, 6, 0);
  expect(randomWalks(world, ACTIONS, 24, 6, 0)).toEqual(walks);
  expect(walks[0].transcript.split("\n")[0]).toMatch(/^World: Mission: /);
  expect(walks[0].transcript).toMatch(/\nAgent: Action: (left|right|forward)\nWorld: /);
  let calls = 0;
  const stub = await startOpenAIStub((r) => (r.messages[0].content.startsWith("You write training data") ? (++calls === 3 ? "Nothing to say." : writer(r)) : `Action: ${ACTIONS[calls++ % 3]}`));
  try {
    const model = openAIChat({ baseURL: stub.baseURL, model: "writer", maxRetries: 0 });
    const { pairs, skipped } = await synthesizeTriplets(model, walks, world().system);
    expect(skipped).toEqual([{ seed: walks[2].seed, why: 'no "Intent:" line' }]);
    expect(pairs).toHaveLength(23);
    expect(pairs[0].prompt).toMatch(/^turn until you face (east|south|west|north)$/);
    expect(pairs[0].rejected).not.toBe(pairs[0].chosen);
    expect(pairs[0].chosen).toMatch(/^Ended with: Mission: [\s\S]*You face \w+[\s\S]*\nActions: (left|right|forward)(, (left|right|forward))*$/);
    const report = await trainArmapRewardModel(pairs, 0);
    expect(report.pairs).toBe(23);
    // The digests differ where the attempts do, so the head can at least fit its training pairs (a whole transcript, cut by the embedder, ties them all).
    expect(report.trainAccuracy).toBeGreaterThan(0.5);
    const task = "turn until you face north";
    const best = await bestOfN(model, report.head, world, task, 4, { episodes: 4, seed: 7, maxTurns: 3, concurrency: 1 });
    expect(best.attempts).toHaveLength(4);
    // Every attempt is of the same task instance (one seed), and the pick is the reward model's highest score.
    expect(new Set(best.attempts.map((a) => (a.trajectory.metadata as { seed: number }).seed))).toEqual(new Set([7]));
    const scores = (await embed(best.attempts.map((a) => rmText(task, digest(transcriptOf(a.trajectory)))))).map((x) => report.head.score(x));
    expect(best.attempts.map((a) => a.score)).toEqual(scores);
    expect(best.picked).toBe(scores.indexOf(Math.max(...scores)));
  } finally {
    await stub.close();
  }
}, 120_000);

test("ARMAP from a cassette: the triplets and the best-of-N pick replay exactly, with no server", async () => {
  const { recordThenReplay } = await import("../../test-utils/cassette.js");
  const walks = randomWalks(world, ACTIONS, 8, 4, 1);
  let calls = 0;
  const script = (r: StubRequest) => (r.messages[0].content.startsWith("You write training data") ? writer(r) : `Action: ${ACTIONS[calls++ % 3]}`);
  const { live, replayed } = await recordThenReplay(script, async (model) => {
    const { pairs } = await synthesizeTriplets(model, walks, world().system);
    const report = await trainArmapRewardModel(pairs, 0, 0);
    const best = await bestOfN(model, report.head, world, "turn until you face north", 3, { episodes: 3, seed: 7, maxTurns: 2, concurrency: 1 });
    return { pairs, picked: best.picked, scores: best.attempts.map((a) => a.score) };
  });
  expect(replayed).toEqual(live);
}, 120_000);

test("the small tree search takes, each turn, the action whose attempt the judge scores highest, and so reaches what the judge wants", async () => {
  const { rewardGuidedSearch } = await import("./armap.js");
  const ended = (d: string) => d.split("\nActions:")[0];
  // A judge that wants the agent to end facing a heading, and prefers shorter attempts.
  const wants = (heading: string) => async (_task: string, digests: readonly string[]) => digests.map((d) => (ended(d).includes(`You face ${heading}`) ? 1 : 0) - 0.0001 * d.length);
  for (const heading of ["north", "south"]) {
    const r = await rewardGuidedSearch(wants(heading), world, ACTIONS, `face ${heading}`, 3, 4);
    expect(ended(digest(r.transcript))).toContain(`You face ${heading}`);
    expect(r.score).toBeGreaterThan(0.9);
  }
});
