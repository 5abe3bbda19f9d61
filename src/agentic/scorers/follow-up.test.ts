/**
 * FLR against a real HTTP server speaking the completions protocol with
 * echoed log-probabilities (vLLM's shape: tokens, token_logprobs,
 * text_offset), whose log-probabilities are scripted: it is pleased by an
 * answer of 42. Tokens before the follow-up and the generated one must not
 * count.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseTrajectory } from "../trajectory.js";
import { followUpScorer, FollowUpOptions } from "./follow-up.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-flr-"));
let baseURL = "";
let mode: "ok" | "no-logprobs" | "error" = "ok";
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (mode === "error") return void res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "no such model", type: "invalid_request_error" } }));
    const { prompt, echo } = JSON.parse(body) as { prompt: string; echo: boolean };
    const at = prompt.lastIndexOf("\nuser: ") + "\nuser: ".length;
    const followUp = prompt.slice(at);
    const pleased = prompt.slice(0, at).includes("42");
    const satisfied = /thank|great|perfect/i.test(followUp);
    const tokens: string[] = [];
    const offsets: number[] = [];
    const logprobs: (number | null)[] = [];
    for (const m of prompt.matchAll(/\S+\s*/g)) {
      tokens.push(m[0]);
      offsets.push(m.index!);
      logprobs.push(logprobs.length === 0 ? null : m.index! < at ? -1 : pleased === satisfied ? -0.2 : -3);
    }
    // The one generated token, beyond the prompt: it must not count.
    tokens.push(" ok");
    offsets.push(prompt.length);
    logprobs.push(-9);
    const logprobsField = mode === "no-logprobs" ? null : { tokens, token_logprobs: logprobs, text_offset: offsets, top_logprobs: null };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "c", object: "text_completion", created: 0, model: "m", choices: [{ index: 0, text: echo ? prompt + " ok" : " ok", logprobs: logprobsField, finish_reason: "length" }], usage: { prompt_tokens: tokens.length - 1, completion_tokens: 1, total_tokens: tokens.length } }));
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const good = parseTrajectory({ prompt: "What is 6·7?", answer: "It is 42." });
const bad = parseTrajectory({ prompt: "What is 6·7?", answer: "It is 41." });

test("the reward is the satisfied follow-ups' mean token log-probability minus the dissatisfied ones'; only the follow-up's tokens count", async () => {
  mode = "ok";
  const scorer = followUpScorer("flr", FollowUpOptions.parse({ model: "m", baseURL, maxConcurrency: 2 }));
  const [g, b] = await scorer.scoreBatch([good, bad]);
  expect(g.value).toBeCloseTo(-0.2 - -3, 12);
  expect(b.value).toBeCloseTo(-3 - -0.2, 12);
  expect(g.reason).toMatch(/^follow-up likelihood: 2\.800 \(satisfied -0\.200, dissatisfied -3\.000 per token\)$/);
});

test("recorded answers replay with no endpoint; a response without log-probabilities, or a failed request, is a failed score with the reason", async () => {
  mode = "ok";
  const tape = join(dir, "flr.jsonl");
  const live = await followUpScorer("flr", FollowUpOptions.parse({ model: "m", baseURL, record: tape })).scoreBatch([good, bad]);
  const replayed = await followUpScorer("flr", FollowUpOptions.parse({ model: "m", replay: tape })).scoreBatch([good, bad]);
  expect(replayed).toEqual(live);
  mode = "no-logprobs";
  const [none] = await followUpScorer("flr", FollowUpOptions.parse({ model: "m", baseURL })).scoreBatch([good]);
  expect(none.value).toBeNull();
  expect(none.reason).toMatch(/the endpoint echoed no log-probabilities \(got null\); it must serve \/completions with echo and logprobs/);
  mode = "error";
  const [error] = await followUpScorer("flr", FollowUpOptions.parse({ model: "m", baseURL })).scoreBatch([good]);
  expect(error.value).toBeNull();
  expect(error.reason).toMatch(/^the completions request failed: 400 no such model/);
});
