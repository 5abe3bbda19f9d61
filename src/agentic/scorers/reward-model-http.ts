/**
 * `reward-model`: scores trajectories with a remote reward model speaking the
 * OpenRLHF protocol (`--reward.remote_url`; their example route is
 * `/get_reward`).
 *
 * Request, one per batch of up to `batchSize` trajectories:
 *
 * ```json
 * POST <url>
 * {"query": ["<prompt text>\n<answer>", …], "prompts": ["<prompt text>", …], "labels": ["42", null, …]}
 * ```
 *
 * Response: `{"rewards": [float, …], "scores"?: [float, …], "extra_logs"?: {"name": [float, …]}}`,
 * one entry per query, in order. Servers that answer only `rewards` are
 * accepted. With `field: scores` the value is taken from `scores` (OpenRLHF's
 * 0..1 score for filtering) when the server sends it, else from `rewards`.
 *
 * How a trajectory becomes text (`renderPrompt`, `renderQuery`):
 * - `prompts[i]`: a text prompt as it is; a message-list prompt as a
 *   role-tagged transcript, one message per line-group, `<role>: <content>`,
 *   messages joined by a newline; an assistant's tool calls follow its content
 *   as lines `[tool call] <name> <arguments as JSON>`; a tool result is tagged
 *   `tool (<toolCallId>): ` when it names its call.
 * - `query[i]`: for a text prompt, `<prompt>\n<answer>`; for a message list,
 *   `<transcript>\nassistant: <answer>`; for an empty prompt, the answer alone.
 *   The agent's intermediate turns are not included: the model scores the
 *   final answer to the prompt.
 * - `labels[i]`: the reference answer (`reference.answer`: a string, a number
 *   or a list) or null.
 *
 * ```text
 * system: Be brief.
 * user: What is 6·7?
 * assistant: 42
 * ```
 *
 * Failures never throw out of `scoreBatch`: a request that still fails after
 * `retries` more tries (network errors, timeouts, 408, 429, 5xx; other 4xx
 * are not retried), or a malformed response (not JSON, no `rewards` list, the
 * wrong number of entries, an entry that is not a number), gives null values
 * with a reason that says what was wrong.
 */
import { z } from "zod";
import { showValue } from "../../core/errors.js";
import { Limiter } from "../../core/limiter.js";
import { defineScorer, failed, type Score, type Scorer } from "../scorer.js";
import type { Message, Trajectory } from "../trajectory.js";

/** A text prompt as it is; a message list as a role-tagged transcript (see the module comment). */
export function renderPrompt(prompt: Trajectory["prompt"]): string {
  if (typeof prompt === "string") return prompt;
  return prompt.map(renderMessage).join("\n");
}

function renderMessage(m: Message): string {
  const tag = m.role === "tool" && m.toolCallId ? `tool (${m.toolCallId})` : m.role;
  const lines = [`${tag}: ${m.content}`];
  for (const call of m.toolCalls ?? []) lines.push(`[tool call] ${call.name} ${JSON.stringify(call.arguments)}`);
  return lines.join("\n");
}

/** The prompt text followed by the answer (see the module comment). */
export function renderQuery(t: Trajectory): string {
  const prompt = renderPrompt(t.prompt);
  if (prompt === "") return t.answer;
  return typeof t.prompt === "string" ? `${prompt}\n${t.answer}` : `${prompt}\nassistant: ${t.answer}`;
}

/** An `http:` or `https:` URL string. */
export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

export const httpUrl = z.string().superRefine((s, ctx) => {
  if (!isHttpUrl(s)) ctx.addIssue({ code: "custom", message: `expected an http:// or https:// URL, got ${showValue(s)}` });
});

export const RewardModelOptions = z
  .object({
    url: httpUrl.describe("the reward model's endpoint, e.g. http://127.0.0.1:5000/get_reward"),
    batchSize: z.number().int().min(1).default(32).describe("trajectories per request"),
    field: z.enum(["rewards", "scores"]).default("rewards").describe("which list of the response is the value (scores falls back to rewards)"),
    timeoutMs: z.number().int().min(1).default(180_000).describe("per-request timeout (milliseconds)"),
    retries: z.number().int().min(0).default(3).describe("more tries after a failed request"),
    retryDelayMs: z.number().int().min(0).default(1000).describe("wait between tries (milliseconds)"),
    maxConcurrency: z.number().int().min(1).default(4).describe("requests in flight at once"),
  })
  .strict();
export type RewardModelOptions = z.output<typeof RewardModelOptions>;

/** What OpenRLHF's remote reward client sends. */
export interface RewardModelRequest {
  query: string[];
  prompts: string[];
  labels: unknown[];
}

export const rewardModelScorers = [
  defineScorer({
    kind: "reward-model",
    description: "a remote reward model over HTTP (OpenRLHF protocol: {query, prompts, labels} → {rewards})",
    options: RewardModelOptions,
    make: (options, name) => rewardModelScorer(name, options),
  }),
];

export function rewardModelScorer(name: string, options: RewardModelOptions): Scorer {
  const limiter = new Limiter(options.maxConcurrency);
  return {
    name,
    async scoreBatch(batch) {
      const out = new Array<Score>(batch.length);
      const jobs: Promise<void>[] = [];
      for (let start = 0; start < batch.length; start += options.batchSize) {
        const chunk = batch.slice(start, start + options.batchSize);
        jobs.push(
          limiter.run(() => scoreChunk(chunk, options)).then((scores) => {
            for (let i = 0; i < scores.length; i++) out[start + i] = scores[i]!;
          }),
        );
      }
      await Promise.all(jobs);
      return out;
    },
  };
}

async function scoreChunk(chunk: readonly Trajectory[], options: RewardModelOptions): Promise<Score[]> {
  const body: RewardModelRequest = {
    query: chunk.map(renderQuery),
    prompts: chunk.map((t) => renderPrompt(t.prompt)),
    labels: chunk.map((t) => t.reference.answer ?? null),
  };
  const allNull = (reason: string): Score[] => chunk.map(() => failed(reason));
  const response = await post(JSON.stringify(body), options);
  if (!response.ok) return allNull(response.reason);
  return readRewards(response.json, chunk.length, options.field);
}

type PostResult = { ok: true; json: unknown } | { ok: false; reason: string };

async function post(body: string, options: RewardModelOptions): Promise<PostResult> {
  const tries = options.retries + 1;
  let last = "";
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      const res = await fetch(options.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) {
        try {
          return { ok: true, json: JSON.parse(text) as unknown };
        } catch {
          return { ok: false, reason: `reward model response is not JSON: ${snippet(text)}` };
        }
      }
      last = `HTTP ${res.status}${text ? `: ${snippet(text)}` : ""}`;
      const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
      if (!retryable) return { ok: false, reason: `reward model rejected the request (${last})` };
    } catch (e) {
      last = describeFetchError(e, options.timeoutMs);
    }
    if (attempt < tries && options.retryDelayMs > 0) await sleep(options.retryDelayMs);
  }
  return { ok: false, reason: `reward model request failed after ${tries} ${tries === 1 ? "try" : "tries"}: ${last}` };
}

/** Scores from a response; a malformed one gives null values naming what was wrong. */
function readRewards(json: unknown, n: number, field: "rewards" | "scores"): Score[] {
  const allNull = (reason: string): Score[] => Array.from({ length: n }, () => failed(reason));
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return allNull(`reward model response is ${showValue(json)}, not an object with a "rewards" list`);
  }
  const r = json as Record<string, unknown>;
  const key = field === "scores" && r.scores !== undefined ? "scores" : "rewards";
  const values = r[key];
  if (!Array.isArray(values)) {
    return allNull(values === undefined ? `reward model response has no "${key}" list` : `reward model response's "${key}" is ${showValue(values)}, not a list`);
  }
  if (values.length !== n) return allNull(`reward model returned ${values.length} ${key} for ${n} ${n === 1 ? "query" : "queries"}`);
  const logs = extraLogs(r.extra_logs, n);
  return values.map((v, i): Score => {
    if (typeof v !== "number" || !Number.isFinite(v)) return failed(`reward model's ${key}[${i}] is ${showValue(v)}, not a number`);
    return { value: v, reason: `reward model: ${round(v)}${logs[i] ? ` (${logs[i]})` : ""}` };
  });
}

/** `extra_logs` per item as `name value, …` (at most 4 names), or empty strings. */
function extraLogs(logs: unknown, n: number): string[] {
  const out = new Array<string>(n).fill("");
  if (typeof logs !== "object" || logs === null || Array.isArray(logs)) return out;
  const entries = Object.entries(logs as Record<string, unknown>).filter(([, v]) => Array.isArray(v) && v.length === n).slice(0, 4);
  for (let i = 0; i < n; i++) {
    out[i] = entries
      .map(([k, v]) => {
        const x = (v as unknown[])[i];
        return `${k} ${typeof x === "number" ? round(x) : showValue(x)}`;
      })
      .join(", ");
  }
  return out;
}

function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError") return `timed out after ${timeoutMs} ms`;
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message ?? String(e)} (${cause})` : (err.message ?? String(e));
}

function snippet(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? oneLine.slice(0, max) + "…" : oneLine;
}

function round(x: number): string {
  return String(Number(x.toPrecision(4)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
