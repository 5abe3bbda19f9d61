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
 * both answers in the order they came. It also keeps the tokens the
 * endpoint reported, so a replayed run accounts for the same tokens (and
 * cost) as the run it replays.
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

/** Tokens of one call, as the endpoint reported them (0 when it reports none). */
export interface Tokens {
  prompt: number;
  completion: number;
}

/** What a model has been asked so far. */
export interface ChatUsage extends Tokens {
  calls: number;
}

/** One call's reply and the tokens it took. */
export interface ChatReply {
  text: string;
  tokens: Tokens;
}

export interface ChatModel {
  /** The model's name, as sent to the endpoint and recorded. */
  readonly model: string;
  /** Calls and tokens so far. */
  readonly usage: Readonly<ChatUsage>;
  /** The assistant's text. */
  complete(request: ChatRequest): Promise<string>;
  /** The assistant's text and the tokens the call took. */
  ask(request: ChatRequest): Promise<ChatReply>;
}

/** A `ChatModel` from its one call: `complete` and the usage count follow from `ask`. */
export function chatModel(model: string, ask: (request: ChatRequest) => Promise<ChatReply>): ChatModel {
  const usage: ChatUsage = { calls: 0, prompt: 0, completion: 0 };
  const counted = async (request: ChatRequest) => {
    const reply = await ask(request);
    usage.calls++;
    usage.prompt += reply.tokens.prompt;
    usage.completion += reply.tokens.completion;
    return reply;
  };
  return { model, usage, ask: counted, complete: async (request) => (await counted(request)).text };
}

/** Dollars for `usage` at `price` (dollars per million prompt and completion tokens). */
export function costOf(usage: Tokens, price: { prompt: number; completion: number }): number {
  return (usage.prompt * price.prompt + usage.completion * price.completion) / 1e6;
}

export interface OpenAIChatOptions extends OpenAIEndpointOptions {
  model: string;
  /** Requests in flight at once (default 4). */
  maxConcurrency?: number;
  /** At most this many requests started per minute (default: no limit); the rest wait their turn. */
  requestsPerMinute?: number;
}

/** A chat model behind an OpenAI-compatible `/chat/completions` endpoint. */
export function openAIChat(options: OpenAIChatOptions): ChatModel {
  const client = createOpenAIClient(options);
  const limiter = new Limiter(options.maxConcurrency ?? 4);
  const gate = options.requestsPerMinute ? new RateGate(options.requestsPerMinute) : undefined;
  return chatModel(options.model, (request) =>
    limiter.run(async () => {
      await gate?.wait();
      const res = await client.chat.completions.create({
        model: options.model,
        messages: request.messages,
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      });
      return { text: res.choices[0]?.message?.content ?? "", tokens: { prompt: res.usage?.prompt_tokens ?? 0, completion: res.usage?.completion_tokens ?? 0 } };
    }),
  );
}

/** Where a command's chat model comes from: a live endpoint (optionally recorded), or a recording replayed. */
export interface ChatSource {
  model?: string | undefined;
  baseURL?: string | undefined;
  apiKeyEnv?: string | undefined;
  record?: string | undefined;
  replay?: string | undefined;
  requestsPerMinute?: number | undefined;
  /** The flags' names in errors (default `--model`, `--record`, `--replay`). */
  flags?: { model?: string; record?: string; replay?: string };
}

/** The chat model a command's options name; a `UserError` when they contradict or lack a model. */
export function chatModelFrom(source: ChatSource): ChatModel {
  const flags = { model: "--model", record: "--record", replay: "--replay", ...source.flags };
  if (source.replay !== undefined) {
    if (source.record !== undefined) throw new UserError(flags.record, `records a live model; ${flags.replay} answers from a recording: use one of them`);
    return replayChat(source.replay, source.model, flags.replay);
  }
  if (source.model === undefined) throw new UserError(flags.model, `expected a model name (and the endpoint's URL for a local server), or ${flags.replay} FILE`);
  const live = openAIChat({ model: source.model, baseURL: source.baseURL, apiKeyEnv: source.apiKeyEnv, requestsPerMinute: source.requestsPerMinute, path: "" });
  return source.record !== undefined ? recordChat(live, source.record) : live;
}

/** Spaces the starts of calls at least 60 000 / perMinute ms apart, in order of arrival. */
export class RateGate {
  private next = 0;
  constructor(private readonly perMinute: number) {}

  async wait(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 60_000 / this.perMinute;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

/** One line of a recording. */
interface Exchange {
  key: string;
  model: string;
  request: ChatRequest;
  reply: string;
  /** Absent in recordings made before tokens were kept: they replay as 0. */
  tokens?: Tokens;
  /** The call failed (after the endpoint's retries) with this message: it fails again on replay. */
  error?: string;
}

/** The key of a request: a hash of the model and the request, fields in a fixed order. */
export function chatKey(model: string, r: ChatRequest): string {
  const canonical = JSON.stringify([model, r.messages.map((m) => [m.role, m.content]), r.temperature ?? null, r.maxTokens ?? null]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}

/** Appends one exchange (a reply, or the failure of the call) to the recording at `path`. */
export function recordExchange(path: string, model: string, request: ChatRequest, outcome: ChatReply | { error: string }): void {
  const key = chatKey(model, request);
  const line: Exchange = "error" in outcome ? { key, model, request, reply: "", error: outcome.error } : { key, model, request, reply: outcome.text, tokens: outcome.tokens };
  appendFileSync(path, JSON.stringify(line) + "\n");
}

/** `inner`, with every exchange appended to `path` (JSON lines) as it completes. */
export function recordChat(inner: ChatModel, path: string): ChatModel {
  return chatModel(inner.model, async (request) => {
    let reply: ChatReply;
    try {
      reply = await inner.ask(request);
    } catch (e) {
      // A failed call is part of what happened: recorded, so a replay fails it the same way.
      if (!(e instanceof UserError)) recordExchange(path, inner.model, request, { error: (e as Error).message });
      throw e;
    }
    recordExchange(path, inner.model, request, reply);
    return reply;
  });
}

/** A recorded call that failed, failing again on replay. */
export class RecordedFailure extends Error {}

/**
 * Answers from a recording at `path`; a request never recorded (or asked
 * more often than it was) is a `UserError` naming it, never a made-up reply.
 */
export function replayChat(path: string, model?: string, flag = "--replay"): ChatModel {
  const recording = new Recording(path, model, flag);
  return chatModel(recording.model, async (request) => {
    const reply = recording.take(request);
    if ("error" in reply) throw new RecordedFailure(reply.error);
    return reply;
  });
}

/**
 * A recording, read once: each request's replies in the order they came.
 * `take` answers synchronously (code that cannot wait on a promise replays
 * through it); a request never recorded, or asked more often than it was,
 * is a `UserError` naming it.
 */
export class Recording {
  readonly model: string;
  private readonly replies = new Map<string, (ChatReply | { error: string })[]>();
  private readonly used = new Map<string, number>();

  constructor(
    readonly path: string,
    model?: string,
    private readonly flag = "--replay",
  ) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new UserError(flag, `cannot read ${path}: ${(e as Error).message}`);
    }
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
      const queue = this.replies.get(line.key) ?? [];
      const tokens = { prompt: Number(line.tokens?.prompt ?? 0) || 0, completion: Number(line.tokens?.completion ?? 0) || 0 };
      queue.push(typeof line.error === "string" ? { error: line.error } : { text: line.reply, tokens });
      this.replies.set(line.key, queue);
    });
    this.model = model ?? recordedModel ?? "replay";
  }

  /** The next recorded reply to `request` (or the failure recorded for it). */
  take(request: ChatRequest): ChatReply | { error: string } {
    const key = chatKey(this.model, request);
    const queue = this.replies.get(key);
    const k = this.used.get(key) ?? 0;
    if (!queue || k >= queue.length) {
      const first = request.messages.at(-1)?.content.slice(0, 80).replace(/\s+/g, " ") ?? "";
      const have = queue ? `only ${queue.length} recorded repl${queue.length === 1 ? "y" : "ies"}` : "no recorded reply";
      throw new UserError(this.flag, `${this.path} has ${have} to the request ${key} ("${first}…"); record the run again`);
    }
    this.used.set(key, k + 1);
    return queue[k];
  }
}
