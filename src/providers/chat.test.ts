import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import { chatModelFrom, costOf, openAIChat, RecordedFailure, recordChat, replayChat } from "./chat.js";
import { startOpenAIStub } from "../test-utils/openai-stub.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-chat-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a recording answers the same request in the order it was answered, and no more often", async () => {
  let n = 0;
  const stub = await startOpenAIStub(() => `reply ${++n}`);
  const tape = join(dir, "tape.jsonl");
  try {
    const live = recordChat(openAIChat({ baseURL: stub.baseURL, model: "m", maxRetries: 0 }), tape);
    const ask = { messages: [{ role: "user" as const, content: "hello" }], temperature: 1 };
    expect([await live.complete(ask), await live.complete(ask)]).toEqual(["reply 1", "reply 2"]);
    expect(stub.requests[0].body.temperature).toBe(1);
  } finally {
    await stub.close();
  }
  const replay = replayChat(tape);
  expect(replay.model).toBe("m");
  const ask = { messages: [{ role: "user" as const, content: "hello" }], temperature: 1 };
  expect([await replay.complete(ask), await replay.complete(ask)]).toEqual(["reply 1", "reply 2"]);
  await expect(replay.complete(ask)).rejects.toThrow(/has only 2 recorded replies to the request [0-9a-f]{32} \("hello…"\)/);
  // Another temperature is another request.
  await expect(replayChat(tape).complete({ ...ask, temperature: 0 })).rejects.toThrow(/no recorded reply/);
});

test("a recording that cannot be read is one line naming the file and line", () => {
  const bad = join(dir, "bad.jsonl");
  writeFileSync(bad, '{"key":"k","model":"m","reply":"x","request":{"messages":[]}}\nnot json\n');
  expect(() => replayChat(bad)).toThrow(new UserError(`${bad}:2`, "expected one JSON exchange per line"));
  writeFileSync(bad, '{"key":"k","reply":3}\n');
  expect(() => replayChat(bad)).toThrow(/:1: expected an exchange with string key, model and reply/);
  expect(() => replayChat(join(dir, "missing.jsonl"))).toThrow(/--replay: cannot read .*missing\.jsonl/);
});

test("tokens are counted as the endpoint reports them, recorded, and counted again on replay", async () => {
  const stub = await startOpenAIStub(() => "four words of reply");
  const tape = join(dir, "tokens.jsonl");
  let live;
  try {
    live = recordChat(openAIChat({ baseURL: stub.baseURL, model: "m", maxRetries: 0 }), tape);
    await live.complete({ messages: [{ role: "user", content: "one two three" }] });
    await live.complete({ messages: [{ role: "user", content: "one two" }] });
  } finally {
    await stub.close();
  }
  expect(live.usage.calls).toBe(2);
  expect(live.usage.completion).toBeGreaterThan(0);
  expect(live.usage.prompt).toBeGreaterThan(0);
  const replay = replayChat(tape);
  await replay.complete({ messages: [{ role: "user", content: "one two three" }] });
  await replay.complete({ messages: [{ role: "user", content: "one two" }] });
  expect(replay.usage).toEqual(live.usage);
  expect(costOf({ prompt: 2_000_000, completion: 1_000_000 }, { prompt: 0.5, completion: 2 })).toBe(3);
});

test("a rate limit spaces the starts of requests", async () => {
  const stub = await startOpenAIStub(() => "ok");
  try {
    const model = openAIChat({ baseURL: stub.baseURL, model: "m", maxRetries: 0, requestsPerMinute: 600 });
    const t0 = Date.now();
    await Promise.all([0, 1, 2, 3].map((k) => model.complete({ messages: [{ role: "user", content: `q${k}` }] })));
    // 600 a minute: one every 100 ms, so the 4th starts ≥ 300 ms after the first.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  } finally {
    await stub.close();
  }
});

test("a command's model: a live one needs a name, and recording and replaying exclude each other", () => {
  expect(() => chatModelFrom({})).toThrow("--model: expected a model name");
  expect(() => chatModelFrom({ record: "a", replay: "b", flags: { replay: "--cassette" } })).toThrow("--record: records a live model; --cassette answers from a recording");
});

test("a call that failed is recorded and fails again, with the same message, on replay", async () => {
  const stub = await startOpenAIStub(() => ({ status: 500, error: "the model fell over" }));
  const tape = join(dir, "failed.jsonl");
  let message = "";
  try {
    const live = recordChat(openAIChat({ baseURL: stub.baseURL, model: "m", maxRetries: 0 }), tape);
    message = await live.complete({ messages: [{ role: "user", content: "hi" }] }).then(
      () => "",
      (e: Error) => e.message,
    );
  } finally {
    await stub.close();
  }
  expect(message).toMatch(/the model fell over/);
  await expect(replayChat(tape).complete({ messages: [{ role: "user", content: "hi" }] })).rejects.toThrow(new RecordedFailure(message));
});
