import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { Rng } from "../../core/rng.js";
import { UserError } from "../../core/errors.js";
import { openAIChat, recordChat, replayChat } from "../../providers/chat.js";
import { startOpenAIStub, type StubRequest } from "../../test-utils/openai-stub.js";
import { donorSetup, evolve, type EvolutionOptions } from "./evolution.js";
import { learnedPopulation } from "./learned.js";
import { llmPopulation, parseDonation, parseStrategy } from "./llm.js";
import { rulePopulation, ruleAction, type DonorRule } from "./rules.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-donor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: EvolutionOptions = { envId: "DonorGame", kwargs: { players: 12, rounds: 12 }, generations: 6, games: 4, seed: 3 };

test("unconditional givers lose to those who keep everything: selection spreads keeping, and cooperation falls", async () => {
  const setup = donorSetup("DonorGame", base.kwargs);
  const giver: DonorRule = { rule: "unconditional", threshold: 0, give: 1, punish: false };
  const keeper: DonorRule = { rule: "unconditional", threshold: 0, give: 0, punish: false };
  const pop = rulePopulation(setup, new Rng(1), Array.from({ length: 12 }, (_, j) => (j % 2 ? giver : keeper)));
  const records = await evolve(pop, base);
  // Generation 1: every keeper ends with more than every giver.
  const g1 = records[0].scores;
  expect(Math.min(...g1.filter((_, j) => j % 2 === 0))).toBeGreaterThan(Math.max(...g1.filter((_, j) => j % 2 === 1)));
  expect(records[0].cooperation).toBeCloseTo(0.5, 6);
  expect(records.at(-1)!.cooperation).toBeLessThan(0.25);
  expect(records.at(-1)!.meanResources).toBeLessThan(records[0].meanResources);
});

test("image scoring holds cooperation against keepers where unconditional giving does not, and a seed fixes the run", async () => {
  const setup = donorSetup("DonorGame", base.kwargs);
  const keeper: DonorRule = { rule: "unconditional", threshold: 0, give: 0, punish: false };
  const run = async (cooperator: DonorRule) => evolve(rulePopulation(setup, new Rng(2), Array.from({ length: 12 }, (_, j) => (j < 9 ? cooperator : keeper))), base);
  const scorer = await run({ rule: "image", threshold: 0.5, give: 1, punish: false });
  const naive = await run({ rule: "unconditional", threshold: 0, give: 1, punish: false });
  expect(scorer.at(-1)!.cooperation).toBeGreaterThan(naive.at(-1)!.cooperation + 0.2);
  expect(await run({ rule: "image", threshold: 0.5, give: 1, punish: false })).toEqual(scorer);
});

test("rules act on the observation as described", () => {
  const obs = Float32Array.from([1, 1, 0.3, 0, 0, 0, 0.3, -1, -1]);
  const s = { levels: 5, punishment: true };
  expect(ruleAction({ rule: "image", threshold: 0.5, give: 1, punish: false }, obs, s)).toBe(0);
  expect(ruleAction({ rule: "image", threshold: 0.2, give: 0.5, punish: false }, obs, s)).toBe(2);
  expect(ruleAction({ rule: "standing", threshold: 0, give: 1, punish: true }, obs, s)).toBe(5);
  expect(ruleAction({ rule: "standing", threshold: 0, give: 1, punish: true }, obs, { levels: 5, punishment: false })).toBe(0);
});

test("answers are read as the prompt asks, and nothing else is", () => {
  const s = { levels: 5, punishment: false };
  expect(parseDonation("I think... Answer: 50", s)).toBe(2);
  expect(parseDonation("Answer: 100%", s)).toBe(4);
  expect(parseDonation("**Answer:** 24", s)).toBe(1);
  expect(parseDonation("Answer: 10\nwait. Answer: 80", s)).toBe(3);
  expect(parseDonation("Answer: punish", s)).toBeUndefined();
  expect(parseDonation("Answer: punish", { levels: 5, punishment: true })).toBe(5);
  expect(parseDonation("Answer: 150", s)).toBeUndefined();
  expect(parseDonation("I give half", s)).toBeUndefined();
  expect(parseStrategy("Let me think.\nMy strategy will be to give  half.")).toBe("My strategy will be to give half.");
});

/** A model for tests: strategies by name; donations by the recipient's last gift; member 1_3 never answers properly. */
function script(r: StubRequest): string {
  const last = r.messages.at(-1)!.content;
  if (last.includes('starts "My strategy will be"')) return "Reciprocity pays. My strategy will be to give 60% to those who gave at least half, 10% to others.";
  if (last.startsWith("Reply with one line")) return r.messages[1].content.startsWith("Your name is 1_3.") ? "Some." : "Answer: 60";
  if (last.startsWith("Your name is 1_3.")) return "I would rather not say.";
  const newest = /newest first\): ([^,.]+)/.exec(last)![1];
  return newest === "none yet" || Number(newest.replace("%", "")) >= 50 ? "Applying my strategy. Answer: 60" : "Answer: 10";
}

test("LLM strategies: written, followed, inherited with scores; unreadable answers are counted; a recording replays the run without a server", async () => {
  const stub = await startOpenAIStub(script);
  const o = { ...base, kwargs: { players: 4, rounds: 3 }, generations: 2, games: 1 };
  const setup = donorSetup("DonorGame", o.kwargs);
  const tape = join(dir, "donor.jsonl");
  try {
    const live = recordChat(openAIChat({ baseURL: stub.baseURL, model: "stub-model", maxRetries: 0 }), tape);
    const pop = await llmPopulation(live, setup);
    const records = await evolve(pop, o);
    expect(stub.requests[0].messages[0].content).toContain("The recipient receives 2 times what you give.");
    // Generation 1: 4 strategies; 3 rounds × 4 donations, 1_3's asked twice; then 2 new strategies; 12 donations again.
    expect(pop.requests()).toBe(4 + 12 + 3 + 2 + 12 + (pop.members.some((m) => m.name === "1_3") ? 3 : 0));
    expect(pop.failures!()).toBe(3 + (pop.members.some((m) => m.name === "1_3") ? 3 : 0));
    const inherit = stub.requests.find((r) => r.messages.at(-1)!.content.startsWith("Your name is 2_1."))!;
    expect(inherit.messages.at(-1)!.content).toMatch(/advice of the better half of the previous generation[\s\S]*units\): My strategy will be/);
    expect(records[0].strategies[0]).toBe("1_1: My strategy will be to give 60% to those who gave at least half, 10% to others.");
    expect(records[0].cooperation).toBeGreaterThan(0.2); // 60% is level 2 of 0…4 (a half); 10% rounds to nothing

    await stub.close();
    const again = await evolve(await llmPopulation(replayChat(tape), setup), o);
    expect(again).toEqual(records);
    // A request the recording never saw is an error naming it, not a made-up answer.
    const other = await llmPopulation(replayChat(tape), setup)
      .then((p) => evolve(p, { ...o, seed: 99 }))
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(UserError);
    expect((other as Error).message).toMatch(/has no recorded reply to the request [0-9a-f]{32} \("Your name is/);
  } finally {
    await stub.close().catch(() => {});
  }
}, 30_000);

test("learned strategies: the population trains every generation and the replaced half takes survivors' parameters", async () => {
  const o = { ...base, kwargs: { players: 4, rounds: 6 }, generations: 2, games: 2 };
  const setup = donorSetup("DonorGame", o.kwargs);
  const pop = learnedPopulation(setup, { envId: "DonorGame", kwargs: o.kwargs, steps: 4096, seed: 1 });
  const records = await evolve(pop, o);
  expect(pop.learner.globalStep).toBeGreaterThanOrEqual(2 * 4096);
  const ranked = records[0].scores.map((s, j) => [s, j]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const replaced = ranked.slice(2).map(([, j]) => j);
  for (const j of replaced) expect(records[1].strategies[j]).toMatch(/\(from policy \d\)/);
});
