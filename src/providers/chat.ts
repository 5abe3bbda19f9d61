/**
 * A chat model: messages in, the assistant's text out. One implementation
 * calls any OpenAI-compatible endpoint; two wrappers make its calls
 * repeatable: `recordChat` appends every exchange to a JSON-lines file,
 * `replayChat` answers from such a file without a network, so a study run
 * against a real model can be re-run, tested and reviewed exactly.
 *
 * A recorded exchange is keyed by the request (model, messages, sampling
 * settings). The same request asked k times is answered by its k-th
 * recording, so a sampled model that answered one prompt two ways replays
 * both answers in the order they came.
 */
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { Limiter } from "../core/limiter.js";
import { UserError } from "../core/errors.js";
import { createOpenAIClient, type OpenAIEndpointOptions } from "./openai.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
}

export interface ChatModel {
  /** The model's name, as sent to the endpoint and recorded. */
  readonly model: string;
  complete(request: ChatRequest): Promise<string>;
}

export interface OpenAIChatOptions extends OpenAIEndpointOptions {
  model: string;
  /** Requests in flight at once (default 4). */
  maxConcurrency?: number;
}

/** A chat model behind an OpenAI-compatible `/chat/completions` endpoint. */
export function openAIChat(options: OpenAIChatOptions): ChatModel {
  const client = createOpenAIClient(options);
  const limiter = new Limiter(options.maxConcurrency ?? 4);
  return {
    model: options.model,
    complete: (request) =>
      limiter.run(async () => {
        const res = await client.chat.completions.create({
          model: options.model,
          messages: request.messages,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        });
        return res.choices[0]?.message?.content ?? "";
      }),
  };
}

/** One line of a recording. */
interface Exchange {
  key: string;
  model: string;
  request: ChatRequest;
  reply: string;
}

/** The key of a request: a hash of the model and the request, fields in a fixed order. */
export function chatKey(model: string, r: ChatRequest): string {
  const canonical = JSON.stringify([model, r.messages.map((m) => [m.role, m.content]), r.temperature ?? null, r.maxTokens ?? null]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}

/** `inner`, with every exchange appended to `path` (JSON lines) as it completes. */
export function recordChat(inner: ChatModel, path: string): ChatModel {
  return {
    model: inner.model,
    async complete(request) {
      const reply = await inner.complete(request);
      const line: Exchange = { key: chatKey(inner.model, request), model: inner.model, request, reply };
      appendFileSync(path, JSON.stringify(line) + "\n");
      return reply;
    },
  };
}

/**
 * Answers from a recording at `path`; a request never recorded (or asked
 * more often than it was) is a `UserError` naming it, never a made-up reply.
 */
export function replayChat(path: string, model?: string): ChatModel {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError("--replay", `cannot read ${path}: ${(e as Error).message}`);
  }
  const replies = new Map<string, string[]>();
  let recordedModel: string | undefined;
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let line: Exchange;
    try {
      line = JSON.parse(raw) as Exchange;
    } catch {
      throw new UserError(`${path}:${i + 1}`, "expected one JSON exchange per line");
    }
    if (typeof line.key !== "string" || typeof line.reply !== "string" || typeof line.model !== "string") {
      throw new UserError(`${path}:${i + 1}`, "expected an exchange with string key, model and reply");
    }
    recordedModel ??= line.model;
    const queue = replies.get(line.key) ?? [];
    queue.push(line.reply);
    replies.set(line.key, queue);
  });
  const name = model ?? recordedModel ?? "replay";
  const used = new Map<string, number>();
  return {
    model: name,
    async complete(request) {
      const key = chatKey(name, request);
      const queue = replies.get(key);
      const k = used.get(key) ?? 0;
      if (!queue || k >= queue.length) {
        const first = request.messages.at(-1)?.content.slice(0, 80) ?? "";
        const have = queue ? `only ${queue.length} recorded repl${queue.length === 1 ? "y" : "ies"}` : "no recorded reply";
        throw new UserError("--replay", `${path} has ${have} to the request ${key} ("${first}…"); record the run again`);
      }
      used.set(key, k + 1);
      return queue[k];
    },
  };
}
