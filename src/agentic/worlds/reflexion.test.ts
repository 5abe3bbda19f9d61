import { expect, test } from "vitest";
import { openAIChat } from "../../providers/chat.js";
import { startOpenAIStub, type StubRequest } from "../../test-utils/openai-stub.js";
import { consistentWith, greedy } from "../../test-utils/questioner.js";
import { reflexion } from "./reflexion.js";
import { twentyQuestions } from "./twenty-questions.js";

/** A model that guesses "dog" over and over until a lesson tells it to ask first; asked to reflect, it says so. */
function learner(r: StubRequest): string {
  const system = r.messages[0].content;
  if (system.startsWith("You help an agent learn")) return "It kept guessing without asking. Ask questions to narrow the animals down before guessing.";
  if (system.includes("Lessons from your earlier attempts")) return greedy(consistentWith(r.messages.slice(2)));
  return "Guess: dog";
}

test("attempts with reflections: a failed attempt is reflected on, the lesson starts the next attempt, and the reflection is scored by the return that follows", async () => {
  const stub = await startOpenAIStub(learner);
  try {
    const model = openAIChat({ baseURL: stub.baseURL, model: "learner", maxRetries: 0 });
    const { attempts, reflections } = await reflexion(model, () => twentyQuestions(), { episodes: 4, seed: 0, maxTurns: 20, concurrency: 2, attempts: 3 });
    for (const [k, tried] of attempts.entries()) {
      const first = tried[0].metadata as { success: boolean };
      if (first.success) {
        // The secret was the dog: nothing to reflect on.
        expect(tried).toHaveLength(1);
        continue;
      }
      expect(tried).toHaveLength(2);
      expect(tried[1].metadata).toMatchObject({ attempt: 1, success: true, reflections: [expect.stringContaining("Ask questions")] });
      expect((tried[1].prompt as { content: string }[])[0].content).toContain("Lessons from your earlier attempts at this task:\n1. It kept guessing");
      const r = reflections.find((x) => x.seed === k)!;
      expect(r).toMatchObject({ attempt: 0, score: 1 });
    }
    expect(reflections.length).toBeGreaterThan(0);
  } finally {
    await stub.close();
  }
});

test("attempts with reflections replay exactly from a cassette, with no server", async () => {
  const { recordThenReplay } = await import("../../test-utils/cassette.js");
  const options = { episodes: 3, seed: 0, maxTurns: 20, concurrency: 1, attempts: 3 };
  const { live, replayed } = await recordThenReplay(learner, (model) => reflexion(model, () => twentyQuestions(), options));
  expect(replayed).toEqual(live);
});
