/**
 * `judge`: LLM-as-judge over any OpenAI-compatible chat-completions endpoint.
 *
 * Each trajectory becomes one prompt (a single user message) from `template`,
 * whose placeholders are filled in one pass (text inside the answer that
 * looks like a placeholder is left alone):
 *
 * - `{{prompt}}`: the trajectory's prompt (a message list as a role-tagged
 *   transcript, see `renderPrompt` in `reward-model-http.ts`);
 * - `{{answer}}`: the final answer (required in a custom template);
 * - `{{reference}}`: the reference answer (a list: `a or b`), else the first
 *   reference response, else `(none given)`;
 * - `{{rubric}}`: the `rubric` option (default: correctness, completeness,
 *   responsiveness);
 * - `{{turns}}`: the agent's messages and tool calls, as a transcript;
 * - `{{min}}`, `{{max}}`: the score scale; `{{choices}}`: the choice labels.
 *
 * The judge ends its reply with `SCORE: <n>`, n in `scale` (default 0..10),
 * mapped linearly to 0..1; or, with `choices` (label → value in 0..1), with
 * `CHOICE: <label>`. Parsing takes the last `SCORE:` (or `CHOICE:`) line,
 * else a lone number (label) on the last line; a score outside the scale is
 * unparsable. An unparsable reply is answered with a request for just that
 * line, up to `retries` times; then the value is null with reason
 * `judge gave no parsable score: <first 80 characters>`.
 *
 * Failures never throw out of `scoreBatch`: an HTTP error (after the SDK's
 * own `maxRetries` for 429, 5xx and timeouts) gives null and a reason. Errors
 * that will fail every item (a rejected key, an unknown model or route, an
 * unreachable endpoint) stop the rest of the batch from being sent.
 *
 * Replies that parsed are cached (`cache`, default on) in memory, LRU,
 * keyed by the SHA-256 of the model and the full prompt; `cacheFile` also
 * keeps them in a JSONL file (one `{"key", "model", "reply"}` object a line,
 * each line appended by a single write) that later runs read back. A corrupt
 * line is skipped with a warning. The cache holds replies, not values, so a
 * changed `scale` or `choices` re-interprets them.
 *
 * `output` chooses the shape `results()` returns; `scoreBatch` always
 * returns `Score`s (the Scorer interface), and `convertScore` turns any
 * `Score` into the other shapes:
 * - `score`: `{value, reason}`;
 * - `promptfoo`: a grading result `{pass, score, reason}`, pass when the
 *   value is at least `threshold` (default 0.5), score 0 when null;
 * - `autoevals`: `{name, score, metadata: {reason}}`, score null when null.
 */
import { resolve } from "node:path";
import type OpenAI from "openai";
import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { z } from "zod";
import { Limiter } from "../../core/limiter.js";
import { CacheFile, judgeCacheKey, type ChatMessage } from "./judge-cache.js";
import { LruCache } from "../../core/lru.js";
import { didYouMean } from "../../core/suggest.js";
import { createOpenAIClient, DEFAULT_API_KEY_ENV } from "../../providers/openai.js";
import { defineScorer, failed, type Score, type Scorer } from "../scorer.js";
import type { Reference, Trajectory } from "../trajectory.js";
import { httpUrl, renderPrompt } from "./reward-model-http.js";

export const JUDGE_PLACEHOLDERS = ["prompt", "answer", "reference", "rubric", "turns", "min", "max", "choices"] as const;

export const DEFAULT_RUBRIC = "Is the answer correct, complete and responsive to the prompt? Judge against the reference answer when one is given.";

const TEMPLATE_HEAD = `You are an impartial judge grading an AI assistant's answer.

Criteria:
{{rubric}}

<prompt>
{{prompt}}
</prompt>

<reference>
{{reference}}
</reference>

<answer>
{{answer}}
</answer>

Think briefly about how well the answer meets the criteria, then end your reply with one line of the form
`;

/** The default template for a numeric score. */
export const DEFAULT_SCORE_TEMPLATE = `${TEMPLATE_HEAD}SCORE: <n>
where <n> is a number from {{min}} (worst) to {{max}} (best).`;

/** The default template with `choices`. */
export const DEFAULT_CHOICE_TEMPLATE = `${TEMPLATE_HEAD}CHOICE: <label>
where <label> is one of: {{choices}}.`;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export const JudgeOptions = z
  .object({
    model: z.string().min(1).describe("the judge model, as the endpoint names it"),
    baseURL: httpUrl.optional().describe("an OpenAI-compatible endpoint (default OPENAI_BASE_URL, else the OpenAI API)"),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .default(DEFAULT_API_KEY_ENV)
      .describe("the environment variable holding the API key (not needed for a local endpoint)"),
    rubric: z.string().min(1).optional().describe("what the judge grades against ({{rubric}})"),
    template: z.string().min(1).optional().describe("the whole prompt, with {{prompt}}, {{answer}}, {{reference}}, {{rubric}}, {{turns}}, {{min}}, {{max}}, {{choices}}"),
    choices: z
      .record(z.string().regex(/^[^\s:]+$/), z.number().min(0).max(1))
      .optional()
      .describe("answer with CHOICE: <label> instead of a score; label → value in 0..1"),
    scale: z
      .object({ min: z.number(), max: z.number() })
      .strict()
      .default({ min: 0, max: 10 })
      .describe("the range of the judge's score, mapped to 0..1"),
    temperature: z.number().min(0).max(2).default(0),
    maxTokens: z.number().int().min(1).optional().describe("cap on the judge's reply (max_tokens)"),
    maxConcurrency: z.number().int().min(1).default(8).describe("requests in flight at once"),
    retries: z.number().int().min(0).default(2).describe("re-asks after an unparsable reply"),
    cache: z.boolean().default(true).describe("reuse replies for identical prompts"),
    cacheSize: z.number().int().min(1).default(10_000).describe("replies kept in memory"),
    cacheFile: z.string().min(1).optional().describe("JSONL file the cache is kept in across runs (relative to the spec)"),
    output: z.enum(["score", "promptfoo", "autoevals"]).default("score").describe("the shape results() returns"),
    threshold: z.number().min(0).max(1).default(0.5).describe("promptfoo's pass: value ≥ threshold"),
    timeoutMs: z.number().int().min(1).default(60_000).describe("per-request timeout (milliseconds)"),
    maxRetries: z.number().int().min(0).default(2).describe("the SDK's retries on 429, 5xx, timeouts"),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!(o.scale.max > o.scale.min)) {
      ctx.addIssue({ code: "custom", path: ["scale", "max"], message: `must be greater than scale.min (${o.scale.min}), got ${o.scale.max}` });
    }
    if (o.template !== undefined) {
      const problem = templateProblem(o.template);
      if (problem) ctx.addIssue({ code: "custom", path: ["template"], message: problem });
    }
    if (o.choices !== undefined) {
      const n = Object.keys(o.choices).length;
      if (n < 2) ctx.addIssue({ code: "custom", path: ["choices"], message: `expected at least 2 choices, got ${n}` });
      if (o.rubric === undefined && o.template === undefined) {
        ctx.addIssue({ code: "custom", path: ["rubric"], message: "missing; choices need a rubric (or a template) that says what each choice means" });
      }
    }
    if (o.cacheFile !== undefined && !o.cache) {
      ctx.addIssue({ code: "custom", path: ["cacheFile"], message: "needs cache: true (it is where the cache is kept)" });
    }
  });
export type JudgeOptions = z.output<typeof JudgeOptions>;

function templateProblem(template: string): string | undefined {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const known: readonly string[] = JUDGE_PLACEHOLDERS;
  for (const name of names) {
    if (!known.includes(name)) return `unknown placeholder {{${name}}}${didYouMean(name, known)} (known: ${known.join(", ")})`;
  }
  if (!names.includes("answer")) return "has no {{answer}} placeholder, so the judge would never see the answer";
  return undefined;
}

// ---------------------------------------------------------------- shapes

/** promptfoo's grading result. */
export interface PromptfooResult {
  pass: boolean;
  score: number;
  reason: string;
}

/** autoevals' Score. */
export interface AutoevalsScore {
  name: string;
  score: number | null;
  metadata: { reason: string };
}

export type JudgeOutput = JudgeOptions["output"];
export type JudgeResult = Score | PromptfooResult | AutoevalsScore;

/** A promptfoo grading result: pass when the value is at least `threshold`; a null value fails with score 0. */
export function toPromptfoo(score: Score, threshold = 0.5): PromptfooResult {
  return { pass: score.value !== null && score.value >= threshold, score: score.value ?? 0, reason: score.reason };
}

/** An autoevals Score named `name`; the reason goes in `metadata`. */
export function toAutoevals(score: Score, name: string): AutoevalsScore {
  return { name, score: score.value, metadata: { reason: score.reason } };
}

/** A `Score` in the shape `output` names. */
export function convertScore(score: Score, output: "score", options?: { name?: string; threshold?: number }): Score;
export function convertScore(score: Score, output: "promptfoo", options?: { name?: string; threshold?: number }): PromptfooResult;
export function convertScore(score: Score, output: "autoevals", options?: { name?: string; threshold?: number }): AutoevalsScore;
export function convertScore(score: Score, output: JudgeOutput, options?: { name?: string; threshold?: number }): JudgeResult;
export function convertScore(score: Score, output: JudgeOutput, options: { name?: string; threshold?: number } = {}): JudgeResult {
  switch (output) {
    case "promptfoo":
      return toPromptfoo(score, options.threshold);
    case "autoevals":
      return toAutoevals(score, options.name ?? "judge");
    default:
      return { value: score.value, reason: score.reason };
  }
}

// ---------------------------------------------------------------- parsing

const NUMBER = String.raw`(-?\d+(?:\.\d+)?)`;
// Decoration a model may put around the verdict: markdown bold, code, quotes, a final period.
const SCORE_LINE = new RegExp(String.raw`^[\s*_#>\`-]*score[\s*_\`]*[:=][\s*_\`]*${NUMBER}(?:\s*/\s*\d+(?:\.\d+)?)?[\s*_\`.]*$`, "i");
const LONE_NUMBER = new RegExp(String.raw`^[\s*_\`]*${NUMBER}[\s*_\`.]*$`);
const CHOICE_LINE = /^[\s*_#>`-]*choice[\s*_`]*[:=]\s*(.*?)\s*$/i;

/** The judge's score: the last `SCORE: n` line, else a lone number on the last line; undefined when absent or outside [min, max]. */
export function parseJudgeScore(reply: string, min: number, max: number): number | undefined {
  const lines = reply.split(/\r?\n/);
  let found: string | undefined;
  for (let i = lines.length - 1; i >= 0 && found === undefined; i--) found = SCORE_LINE.exec(lines[i]!)?.[1];
  found ??= LONE_NUMBER.exec(lastLine(lines))?.[1];
  if (found === undefined) return undefined;
  const n = Number(found);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/** The judge's choice: the last `CHOICE: label` line, else a lone label on the last line; undefined when not one of `labels`. */
export function parseJudgeChoice(reply: string, labels: readonly string[]): string | undefined {
  const lines = reply.split(/\r?\n/);
  let found: string | undefined;
  for (let i = lines.length - 1; i >= 0 && found === undefined; i--) found = CHOICE_LINE.exec(lines[i]!)?.[1];
  found ??= lastLine(lines);
  const label = found.replace(/^[\s*_`"'([]+|[\s*_`"'.)\]]+$/g, "");
  if (labels.includes(label)) return label;
  const folded = labels.filter((l) => l.toLowerCase() === label.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

function lastLine(lines: readonly string[]): string {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim() !== "") return lines[i]!;
  return "";
}

/** The reply without its verdict line, on one line, cut to `max` characters. */
function explanation(reply: string, max = 100): string {
  const lines = reply.split(/\r?\n/).filter((l) => l.trim() !== "");
  lines.pop();
  return oneLine(lines.join(" "), max);
}

function oneLine(text: string, max: number): string {
  const s = text.replace(/\s+/g, " ").trim();
  return s.length > max ? s.slice(0, max) : s;
}

// ---------------------------------------------------------------- scorer

export interface JudgeScorer extends Scorer {
  readonly output: JudgeOutput;
  /** `scoreBatch` converted to the `output` shape. */
  results(batch: readonly Trajectory[]): Promise<JudgeResult[]>;
  /** Waits for cache lines still being written. */
  close(): Promise<void>;
}

export const judgeScorers = [
  defineScorer({
    kind: "judge",
    description: "LLM-as-judge: a model grades the answer against a rubric (SCORE: n or CHOICE: label), any OpenAI-compatible endpoint",
    options: JudgeOptions,
    make: (options, name, context) => judgeScorer(name, options, context),
  }),
];

/** Stops the rest of a batch after an error every request would hit. */
class Fatal extends Error {}
/** A failed request, its reason already written for the score. */
class Failed extends Error {}

export function judgeScorer(name: string, options: JudgeOptions, context: { baseDir: string; env: Record<string, string | undefined> }): JudgeScorer {
  const client: OpenAI = createOpenAIClient({
    baseURL: options.baseURL,
    apiKeyEnv: options.apiKeyEnv,
    env: context.env,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  const labels = options.choices ? Object.keys(options.choices) : [];
  const template = options.template ?? (options.choices ? DEFAULT_CHOICE_TEMPLATE : DEFAULT_SCORE_TEMPLATE);
  const { min, max } = options.scale;
  const limiter = new Limiter(options.maxConcurrency);
  const memory = new LruCache<string, string>(options.cacheSize);
  const file = options.cache && options.cacheFile !== undefined ? new CacheFile(resolve(context.baseDir, options.cacheFile)) : undefined;
  let loaded: Promise<void> | undefined;
  const inFlight = new Map<string, Promise<Score>>();

  const reask = options.choices
    ? `Your reply did not end with a line "CHOICE: <label>" where <label> is one of: ${labels.join(", ")}. Reply with that one line only.`
    : `Your reply did not end with a line "SCORE: <n>" where <n> is a number from ${min} to ${max}. Reply with that one line only.`;

  function promptFor(t: Trajectory): string {
    const vars: Record<string, string> = {
      prompt: renderPrompt(t.prompt),
      answer: t.answer,
      reference: renderReference(t.reference),
      rubric: options.rubric ?? DEFAULT_RUBRIC,
      turns: renderPrompt(t.turns),
      min: String(min),
      max: String(max),
      choices: labels.join(", "),
    };
    return template.replace(PLACEHOLDER, (whole, key: string) => vars[key] ?? whole);
  }

  /** The score a reply gives, or undefined when it has none. */
  function interpret(reply: string): Score | undefined {
    const why = explanation(reply);
    if (options.choices) {
      const label = parseJudgeChoice(reply, labels);
      if (label === undefined) return undefined;
      return { value: options.choices[label]!, reason: `judge chose ${label}${why ? `: ${why}` : ""}` };
    }
    const n = parseJudgeScore(reply, min, max);
    if (n === undefined) return undefined;
    return { value: (n - min) / (max - min), reason: `judge scored ${n} (${min}–${max})${why ? `: ${why}` : ""}` };
  }

  function remember(key: string, reply: string): void {
    memory.set(key, reply);
    file?.append({ key, model: options.model, reply });
  }

  /** One chat completion; an error that will fail every item (bad key, unknown model, no endpoint) marks the batch before the next call starts. */
  async function complete(messages: ChatMessage[], batch: { fatal?: string }): Promise<string> {
    if (batch.fatal !== undefined) throw new Fatal(batch.fatal);
    let res;
    try {
      res = await client.chat.completions.create({
        model: options.model,
        messages,
        temperature: options.temperature,
        ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
      });
    } catch (e) {
      const { reason, fatal } = describeError(e);
      if (fatal) batch.fatal ??= reason;
      throw new Failed(reason);
    }
    const content = res.choices?.[0]?.message?.content;
    return typeof content === "string" ? content : "";
  }

  async function ask(prompt: string, key: string | undefined, batch: { fatal?: string }): Promise<Score> {
    const messages: ChatMessage[] = [{ role: "user", content: prompt }];
    let reply = "";
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      try {
        reply = await limiter.run(() => complete(messages, batch));
      } catch (e) {
        if (e instanceof Fatal || e instanceof Failed) return failed(e.message);
        throw e;
      }
      const score = interpret(reply);
      if (score) {
        if (key !== undefined) remember(key, reply);
        return score;
      }
      messages.push({ role: "assistant", content: reply }, { role: "user", content: reask });
    }
    return failed(`judge gave no parsable ${options.choices ? "choice" : "score"}: ${oneLine(reply, 80)}`);
  }

  function scoreOne(t: Trajectory, batch: { fatal?: string }): Promise<Score> {
    const prompt = promptFor(t);
    if (!options.cache) return ask(prompt, undefined, batch);
    const key = judgeCacheKey(options.model, [{ role: "user", content: prompt }]);
    const hit = memory.get(key);
    const cached = hit === undefined ? undefined : interpret(hit);
    if (cached) return Promise.resolve(cached);
    const pending = inFlight.get(key);
    if (pending) return pending;
    const p = ask(prompt, key, batch).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  }

  function describeError(e: unknown): { reason: string; fatal: boolean } {
    const tries = `${options.maxRetries + 1} ${options.maxRetries === 0 ? "try" : "tries"}`;
    if (e instanceof APIConnectionTimeoutError) return { reason: `judge request timed out after ${options.timeoutMs} ms (${tries})`, fatal: false };
    if (e instanceof APIConnectionError) {
      const cause = (e.cause as { cause?: { code?: string }; code?: string; message?: string } | undefined) ?? {};
      const why = cause.cause?.code ?? cause.code ?? cause.message ?? e.message;
      return { reason: `cannot reach the judge at ${client.baseURL} (${why}, ${tries})`, fatal: true };
    }
    if (e instanceof APIError && e.status !== undefined) {
      const status = e.status;
      const message = e.message.startsWith(`${status} `) ? e.message.slice(String(status).length + 1) : e.message;
      const detail = oneLine(message, 160);
      if (status === 401 || status === 403) {
        return { reason: `judge endpoint refused the API key (HTTP ${status}: ${detail}); check ${options.apiKeyEnv}`, fatal: true };
      }
      if (status === 404) {
        return { reason: `judge endpoint answered HTTP 404 (${detail}); is model "${options.model}" served at ${client.baseURL}?`, fatal: true };
      }
      const retried = status === 408 || status === 409 || status === 429 || status >= 500;
      return { reason: `judge request failed (HTTP ${status}${retried ? `, ${tries}` : ""}): ${detail}`, fatal: false };
    }
    return { reason: `judge request failed: ${oneLine(e instanceof Error ? e.message : String(e), 160)}`, fatal: false };
  }

  const scorer: JudgeScorer = {
    name,
    output: options.output,
    async scoreBatch(batch) {
      if (file) {
        loaded ??= file.load((line) => memory.set(line.key, line.reply));
        await loaded;
      }
      const state: { fatal?: string } = {};
      return Promise.all(batch.map((t) => scoreOne(t, state)));
    },
    async results(batch) {
      const scores = await scorer.scoreBatch(batch);
      return scores.map((s) => convertScore(s, options.output, { name, threshold: options.threshold }));
    },
    async close() {
      await file?.flush();
    },
  };
  return scorer;
}

function renderReference(ref: Reference): string {
  const a = ref.answer;
  if (Array.isArray(a) && a.length > 0) return a.map(String).join(" or ");
  if (a !== undefined && !Array.isArray(a)) return String(a);
  if (ref.responses && ref.responses.length > 0) return ref.responses[0]!;
  return "(none given)";
}
