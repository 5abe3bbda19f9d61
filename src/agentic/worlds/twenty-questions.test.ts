import { expect, test } from "vitest";
import { openAIChat } from "../../providers/chat.js";
import { startOpenAIStub, type StubRequest } from "../../test-utils/openai-stub.js";
import { rollout } from "./runner.js";
import { consistentWith, greedy } from "../../test-utils/questioner.js";
import { HYPOTHESES, parseMove, twentyQuestions } from "./twenty-questions.js";

const { names, truth } = HYPOTHESES;

test("a question's information gain is log2 of how much it shrinks the animals still possible; a question already answered teaches nothing", () => {
  const env = twentyQuestions({ infoGain: 1 });
  env.reset(3);
  let possible = names.length;
  const first = env.step("Question: is it a mammal?");
  const left = names.filter((_, k) => truth[k][0] === first.observation.startsWith("Yes")).length;
  expect(first.terms.info).toBeCloseTo(Math.log2(possible / left), 12);
  possible = left;
  const again = env.step("I wonder. Question: is it a mammal?");
  expect(again.terms.info).toBe(0);
  expect(again.reward).toBe(0);
});

test("the greedy questioner finds every animal within twenty turns, and the information it gathered adds up to log2 of the animals", () => {
  for (let seed = 0; seed < 64; seed++) {
    const env = twentyQuestions({ infoGain: 1 });
    env.reset(seed);
    const messages: { role: string; content: string }[] = [];
    let info = 0;
    let last;
    do {
      const move = greedy(consistentWith(messages));
      last = env.step(move);
      info += last.terms.info;
      messages.push({ role: "assistant", content: move }, { role: "user", content: last.observation });
    } while (!last.terminated && !last.truncated);
    expect(last).toMatchObject({ terminated: true, success: true, primary: 1 });
    expect(info).toBeCloseTo(Math.log2(names.length), 10);
  }
});

test("moves: the last 'Question: is it …?' or 'Guess: …'; anything else is told so and takes no turn", () => {
  expect(parseMove("Hmm.\nQuestion: is it able to fly?")).toEqual({ kind: "question", attribute: "able to fly" });
  expect(parseMove("**Guess:** the Penguin.")).toEqual({ kind: "guess", animal: "penguin" });
  expect(parseMove("a dog, surely")).toBeUndefined();
  const env = twentyQuestions();
  env.reset(0);
  expect(env.step("Question: is it green?")).toMatchObject({ invalid: 'unknown attribute "green"', reward: 0 });
  expect(env.step("Guess: unicorn")).toMatchObject({ invalid: 'unknown animal "unicorn"' });
});

test("the rollout runner plays it: a scripted greedy questioner behind a chat-completions server wins every episode", async () => {
  const stub = await startOpenAIStub((r: StubRequest) => `Let me narrow it down.\n${greedy(consistentWith(r.messages.slice(2)))}`);
  try {
    const model = openAIChat({ baseURL: stub.baseURL, model: "greedy", maxRetries: 0 });
    const trajectories = await rollout(model, () => twentyQuestions(), { episodes: 6, seed: 0, maxTurns: 20, concurrency: 3 });
    for (const t of trajectories) {
      const m = t.metadata as { success: boolean; turnTerms: { info: number[] }; primaryReturn: number };
      expect(m.success).toBe(true);
      expect(m.primaryReturn).toBe(1);
      expect(m.turnTerms.info.reduce((a, b) => a + b, 0)).toBeCloseTo(0.1 * Math.log2(names.length), 10);
    }
  } finally {
    await stub.close();
  }
});
