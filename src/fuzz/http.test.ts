/**
 * The reward server's routes fuzzed with bodies mutated from the ones each
 * protocol sends (native, TRL, OpenRLHF, verl, advantages, text worlds) and with raw
 * bytes: every reply is a 200 or a 4xx, an error is one line naming the
 * body path, and the server never answers 500.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadPipeline } from "../agentic/load.js";
import { packageFile } from "../core/paths.js";
import { buildServer } from "../server/app.js";
import { FUZZ, mutants } from "./mutate.js";

type Json = Parameters<typeof mutants>[0][number];

const trajectory: Json = { id: 1, prompt: "What is 6·7?", answer: "<think>6·7 = 42</think><answer>42</answer>", reference: { answer: "42" }, turns: [{ role: "assistant", content: "42", toolCalls: [{ name: "calc", arguments: { x: 1 } }] }] };
const trl = JSON.parse(readFileSync(packageFile("fixtures/clients/trl_grpo.json"), "utf8")).cases[4].reward_kwargs as Record<string, Json>;
delete trl.trainer_state;
delete trl.log_extra;
delete trl.log_metric;

const BODIES: [route: string, valid: Json[]][] = [
  ["/v1/score", [trajectory]],
  ["/v1/score/batch", [{ trajectories: [trajectory, { answer: "7", reference: { answer: "7" } }] }]],
  ["/v1/advantages", [{ groups: [[trajectory, { answer: "1" }]] }, { rewards: [[1, 0, null], [0.5]], options: { preset: "trl" } }]],
  ["/v1/trl", [trl]],
  ["/get_reward", [{ query: ["<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<answer>42</answer><|im_end|>"], prompts: ["<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n"], labels: ["42"] }]],
  ["/compute_score", [{ data_source: "gsm8k", solution_str: "42", ground_truth: "42", extra_info: { num_turns: 2 } }, { solution_strs: ["1", "2"], ground_truths: ["1", "3"] }]],
  ["/v1/worlds", [{ world: "DoorKey-5x5", seed: 3, reward: { terms: [{ kind: "task" }, { kind: "event", event: "pickup:key", weight: 0.1 }] } }, { world: "TwentyQuestions", seed: 0 }]],
];

describe("fuzzing the reward server", () => {
  const app = buildServer(loadPipeline(packageFile("examples/agentic/math.yaml")));
  afterAll(() => app.close());

  const expectSound = (status: number, body: string, what: string) => {
    expect([200, 400, 404, 413, 415], `${what} → ${status} ${body.slice(0, 200)}`).toContain(status);
    if (status === 200) return;
    const error = (JSON.parse(body) as { error: string }).error;
    expect(error).not.toContain("\n");
    expect(error, what).toMatch(/^(body|content-type|querystring)[.:[ ]/);
  };

  for (const [route, valid] of BODIES) {
    it(`${route}: mutated bodies get a 200 or a one-line 4xx naming the path`, async () => {
      await fc.assert(
        fc.asyncProperty(mutants(valid), async (body) => {
          const r = await app.inject({ method: "POST", url: route, headers: { "content-type": "application/json" }, payload: JSON.stringify(body) });
          expectSound(r.statusCode, r.body, `${route} ${JSON.stringify(body).slice(0, 300)}`);
        }),
        { ...FUZZ, numRuns: Math.ceil(FUZZ.numRuns / 2) },
      );
    });
  }

  it("raw bytes and broken JSON on every route are refused in one line", async () => {
    const routes = BODIES.map(([r]) => r);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.string({ maxLength: 60, unit: "binary" }), fc.json().map((j) => j.slice(0, Math.max(1, j.length - 1)))), async (route, payload) => {
        const r = await app.inject({ method: "POST", url: route, headers: { "content-type": "application/json" }, payload });
        expectSound(r.statusCode, r.body, `${route} ${JSON.stringify(payload)}`);
      }),
      FUZZ,
    );
  });
});
