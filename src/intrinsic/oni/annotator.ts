/**
 * ONI's asynchronous annotator, for a synchronous training loop. Requests
 * go to a worker thread that calls the chat endpoint (the OpenAI SDK, with
 * its retries) while training goes on; the reply lands in shared memory,
 * where the training thread takes it, waiting only if it is not there yet.
 * The training thread's event loop is blocked while it trains, so nothing
 * can come back to it as a message: shared memory is the one way back.
 *
 * From a recording (`replay`) the replies are read at once, with no
 * network; `record` appends every exchange as it is taken. Both speak the
 * format of `rewardlab design --record` (providers/chat.ts).
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { UserError } from "../../core/errors.js";
import { Recording, recordExchange, type ChatReply, type ChatRequest } from "../../providers/chat.js";
import { resolveOpenAIEndpoint } from "../../providers/openai.js";

export type Outcome = ChatReply | { error: string };

export interface Annotator {
  readonly model: string;
  /** Starts request k (returns at once). */
  send(k: number, request: ChatRequest): void;
  /** Request k's outcome, waiting for it if needed (at most the timeout: then a `UserError`). */
  take(k: number): Outcome;
  close(): void;
}

export interface LiveOptions {
  model: string;
  baseURL?: string | undefined;
  apiKeyEnv?: string | undefined;
  /** Append every exchange to this recording. */
  record?: string | undefined;
  /** Milliseconds the training thread waits for a reply it needs (default 120 000). */
  timeoutMs?: number;
  /** At most this many requests (the slots of shared memory). */
  capacity: number;
  path: string;
}

/** Bytes of a reply kept (its end: the answer is asked for last). */
const REPLY_BYTES = 8192;

const WORKER_SOURCE = String.raw`
"use strict";
const { workerData, parentPort } = require("node:worker_threads");
const OpenAI = require(workerData.openai);
const client = new (OpenAI.default || OpenAI)({ baseURL: workerData.baseURL, apiKey: workerData.apiKey, maxRetries: 3, timeout: workerData.timeoutMs });
const status = new Int32Array(workerData.status);
const numbers = new Int32Array(workerData.numbers);
const bytes = new Uint8Array(workerData.bytes);
const SLOT = workerData.slotBytes;
parentPort.on("message", async ({ k, request }) => {
  let text = "", prompt = 0, completion = 0, failed = false;
  try {
    const body = { model: workerData.model, messages: request.messages };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    const res = await client.chat.completions.create(body);
    text = (res.choices[0] && res.choices[0].message && res.choices[0].message.content) || "";
    prompt = (res.usage && res.usage.prompt_tokens) || 0;
    completion = (res.usage && res.usage.completion_tokens) || 0;
  } catch (e) {
    failed = true;
    text = String((e && e.message) || e).replace(/\s+/g, " ").slice(0, 300);
  }
  let encoded = Buffer.from(text);
  if (encoded.length > SLOT) encoded = encoded.subarray(encoded.length - SLOT);
  bytes.set(encoded, k * SLOT);
  numbers[3 * k] = encoded.length;
  numbers[3 * k + 1] = prompt;
  numbers[3 * k + 2] = completion;
  Atomics.store(status, k, failed ? 2 : 1);
  Atomics.notify(status, k);
});
`;

/** Annotations from a live endpoint, in a worker thread. */
export function liveAnnotator(o: LiveOptions): Annotator {
  const { baseURL, apiKey } = resolveOpenAIEndpoint({ baseURL: o.baseURL, apiKeyEnv: o.apiKeyEnv, path: o.path });
  const timeoutMs = o.timeoutMs ?? 120_000;
  const status = new Int32Array(new SharedArrayBuffer(4 * o.capacity));
  const numbers = new Int32Array(new SharedArrayBuffer(12 * o.capacity));
  const bytes = new Uint8Array(new SharedArrayBuffer(REPLY_BYTES * o.capacity));
  const openai = createRequire(import.meta.url).resolve("openai");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { openai, baseURL, apiKey, model: o.model, timeoutMs, status: status.buffer, numbers: numbers.buffer, bytes: bytes.buffer, slotBytes: REPLY_BYTES },
  });
  worker.unref();
  const requests: ChatRequest[] = [];
  return {
    model: o.model,
    send(k, request) {
      if (k >= o.capacity) throw new UserError(o.path, `more than ${o.capacity} captions to annotate; raise maxCaptions`);
      requests[k] = request;
      Atomics.store(status, k, 0);
      worker.postMessage({ k, request });
    },
    take(k) {
      if (Atomics.wait(status, k, 0, timeoutMs) === "timed-out") throw new UserError(o.path, `the annotator gave no answer within ${timeoutMs / 1000} s (${baseURL})`);
      const text = Buffer.from(bytes.subarray(k * REPLY_BYTES, k * REPLY_BYTES + numbers[3 * k])).toString();
      const outcome: Outcome = Atomics.load(status, k) === 2 ? { error: text } : { text, tokens: { prompt: numbers[3 * k + 1], completion: numbers[3 * k + 2] } };
      if (o.record !== undefined) recordExchange(o.record, o.model, requests[k], outcome);
      return outcome;
    },
    close: () => void worker.terminate(),
  };
}

/** Annotations read from a recording: no network, the same outcomes in the same order. */
export function replayAnnotator(path: string, model: string | undefined, flag: string): Annotator {
  const recording = new Recording(path, model, flag);
  const requests: ChatRequest[] = [];
  return {
    model: recording.model,
    send(k, request) {
      requests[k] = request;
    },
    take: (k) => recording.take(requests[k]),
    close() {},
  };
}
