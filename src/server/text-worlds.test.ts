/**
 * Trajectories a model played in a text world (`rewardlab agent run`) go to
 * the reward server as they are: scored in one batch, and their group
 * advantages computed, with their turn rewards riding along in metadata.
 */
import { afterAll, expect, test } from "vitest";
import type { FastifyInstance } from "fastify";
import { RewardPipeline } from "../agentic/pipeline.js";
import { SCORERS } from "../agentic/scorers/registry.js";
import { parseAgenticSpec } from "../agentic/spec.js";
import { gridTextEnv } from "../agentic/worlds/grid-text.js";
import { rollout } from "../agentic/worlds/runner.js";
import { chatModel } from "../providers/chat.js";
import { buildServer } from "./app.js";

let app: FastifyInstance | undefined;
afterAll(async () => app?.close());

test("the reward server scores text-world trajectories as they are, and groups them for advantages", async () => {
  let k = 0;
  const model = chatModel("scripted", async () => ({ text: `<think>look</think>\nAction: ${["left", "forward", "right"][k++ % 3]}`, tokens: { prompt: 0, completion: 0 } }));
  const trajectories = await rollout(model, () => gridTextEnv("DoorKey-5x5"), { episodes: 4, seed: 0, group: 2, maxTurns: 5, concurrency: 2 });
  const pipeline = new RewardPipeline(parseAgenticSpec({ aspects: [{ name: "format", kind: "tags", tags: ["think"] }] }, SCORERS), { baseDir: ".", env: {} });
  app = buildServer(pipeline);
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const body = JSON.parse(JSON.stringify({ trajectories }));
  const scored = await fetch(`${url}/v1/score/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(scored.status).toBe(200);
  const json = (await scored.json()) as { results: { reward: number | null }[] };
  expect(json.results).toHaveLength(4);
  for (const r of json.results) expect(typeof r.reward).toBe("number");
  const returns = trajectories.map((t) => (t.metadata as { return: number }).return);
  const adv = await fetch(`${url}/v1/advantages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ rewards: [returns.slice(0, 2), returns.slice(2)] }) });
  expect(adv.status).toBe(200);
  expect(((await adv.json()) as { advantages: number[][] }).advantages).toHaveLength(2);
});
