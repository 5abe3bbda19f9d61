import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { UserError } from "../core/errors.js";
import { openAIChat, recordChat, replayChat } from "./chat.js";
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
