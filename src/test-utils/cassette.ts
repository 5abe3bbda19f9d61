/**
 * Record, then replay: `run` once against a scripted chat-completions
 * server with every exchange recorded, and once from that recording alone
 * (the server closed). Tests compare the two results.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAIChat, recordChat, replayChat, type ChatModel } from "../providers/chat.js";
import { startOpenAIStub, type StubScript } from "./openai-stub.js";

export async function recordThenReplay<T>(script: StubScript, run: (model: ChatModel) => Promise<T>, model = "scripted"): Promise<{ live: T; replayed: T }> {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-cassette-"));
  const tape = join(dir, "cassette.jsonl");
  try {
    const stub = await startOpenAIStub(script);
    let live: T;
    try {
      live = await run(recordChat(openAIChat({ baseURL: stub.baseURL, model, maxRetries: 0 }), tape));
    } finally {
      await stub.close();
    }
    return { live, replayed: await run(replayChat(tape)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
