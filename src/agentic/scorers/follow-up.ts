/**
 * `follow-up`: Follow-up Likelihood as Reward (FLR, Zhang et al. 2024): a
 * response is as good as the user's likely reaction to it. A language model
 * reads the conversation, the response, and then a follow-up the user might
 * say; the reward is the mean log-probability per token of the positive
 * follow-ups ("Thank you, that is exactly what I needed.") minus that of
 * the negative ones ("That is not what I asked."):
 *
 *   r = mean_{f ∈ F+} ℓ(f) − mean_{f ∈ F−} ℓ(f),   ℓ(f) = (1/|f|) Σ_{tokens of f} log p(token | conversation, response, the tokens before)
 *
 * The log-probabilities come from an OpenAI-compatible completions endpoint
 * that echoes the prompt's (`/v1/completions` with `echo: true, logprobs: 0`,
 * as vLLM serves it); tokens of the follow-up are told by their
 * `text_offset`. With `record`, every answer is appended to a recording; with
 * `replay`, answers come from one, with no endpoint. A failed request, or a
 * response without the log-probabilities, gives a failed score with the
 * reason, never 0.
 */
import { z } from "zod";
import { showValue } from "../../core/errors.js";
import { Limiter } from "../../core/limiter.js";
import { Recording, recordExchange, type ChatRequest } from "../../providers/chat.js";
import { createOpenAIClient } from "../../providers/openai.js";
import { defineScorer, failed, type Score, type Scorer } from "../scorer.js";
import { renderQuery } from "./reward-model-http.js";

const POSITIVE = ["Thank you, that is exactly what I needed.", "Great, that answers my question.", "Perfect, that works."];
const NEGATIVE = ["That is not what I asked.", "That is wrong.", "This does not help me."];

export const FollowUpOptions = z
  .object({
    model: z.string().min(1).describe("the model whose log-probabilities judge"),
    baseURL: z.string().optional().describe("the OpenAI-compatible endpoint serving /completions with echo (vLLM: http://127.0.0.1:8000/v1)"),
    apiKeyEnv: z.string().optional(),
    positive: z.array(z.string().min(1)).min(1).default(POSITIVE).describe("follow-ups of a satisfied user"),
    negative: z.array(z.string().min(1)).min(1).default(NEGATIVE).describe("follow-ups of a dissatisfied user"),
    userTag: z.string().default("user").describe("how the follow-up is introduced: '\\n<userTag>: <follow-up>'"),
    maxConcurrency: z.number().int().min(1).default(4),
    record: z.string().optional().describe("append every answer to this recording"),
    replay: z.string().optional().describe("answer from this recording, with no endpoint"),
  })
  .strict();
export type FollowUpOptions = z.output<typeof FollowUpOptions>;

export const followUpScorers = [
  defineScorer({
    kind: "follow-up",
    description: "Follow-up Likelihood as Reward: log-likelihood of a satisfied user's follow-ups minus a dissatisfied one's, from a completions endpoint that echoes log-probabilities",
    options: FollowUpOptions,
    make: (options, name) => followUpScorer(name, options),
  }),
];

/** The echoed log-probabilities of one completions request. */
interface Echo {
  token_logprobs: (number | null)[];
  text_offset: number[];
}

export function followUpScorer(name: string, o: FollowUpOptions): Scorer {
  const limiter = new Limiter(o.maxConcurrency);
  const recording = o.replay !== undefined ? new Recording(o.replay, `${o.model}#echo`, "replay") : undefined;
  const client = recording ? undefined : createOpenAIClient({ baseURL: o.baseURL, apiKeyEnv: o.apiKeyEnv, path: "" });
  /** The echoed log-probabilities of `text` (a request keyed as a one-message chat request in recordings). */
  const echo = async (text: string): Promise<Echo | string> => {
    const key: ChatRequest = { messages: [{ role: "user", content: text }], temperature: 0, maxTokens: 1 };
    let raw: string;
    if (recording) {
      const r = recording.take(key);
      if ("error" in r) return r.error;
      raw = r.text;
    } else {
      try {
        const res = await limiter.run(() => client!.completions.create({ model: o.model, prompt: text, max_tokens: 1, temperature: 0, echo: true, logprobs: 0 }));
        raw = JSON.stringify(res.choices[0]?.logprobs ?? null);
      } catch (e) {
        const reason = `the completions request failed: ${(e as Error).message.replace(/\s+/g, " ").slice(0, 200)}`;
        if (o.record !== undefined) recordExchange(o.record, `${o.model}#echo`, key, { error: reason });
        return reason;
      }
      if (o.record !== undefined) recordExchange(o.record, `${o.model}#echo`, key, { text: raw, tokens: { prompt: 0, completion: 0 } });
    }
    const lp = JSON.parse(raw) as Partial<Echo> | null;
    if (!lp || !Array.isArray(lp.token_logprobs) || !Array.isArray(lp.text_offset) || lp.token_logprobs.length !== lp.text_offset.length) {
      return `the endpoint echoed no log-probabilities (got ${showValue(lp)}); it must serve /completions with echo and logprobs (vLLM does)`;
    }
    return lp as Echo;
  };
  /** ℓ(f): the mean log-probability of the follow-up's tokens after `context`. */
  const meanLogprob = async (context: string, followUp: string): Promise<number | string> => {
    const prefix = `${context}\n${o.userTag}: `;
    const text = prefix + followUp;
    const lp = await echo(text);
    if (typeof lp === "string") return lp;
    let sum = 0;
    let n = 0;
    lp.text_offset.forEach((offset, k) => {
      const v = lp.token_logprobs[k];
      // The follow-up's tokens: from where it starts to the prompt's end (the one generated token lies beyond).
      if (offset >= prefix.length && offset < text.length && typeof v === "number") {
        sum += v;
        n++;
      }
    });
    return n === 0 ? `no token of the follow-up ${showValue(followUp)} came back with a log-probability` : sum / n;
  };
  const scoreOne = async (context: string): Promise<Score> => {
    const side = async (fs: readonly string[]) => {
      const values = await Promise.all(fs.map((f) => meanLogprob(context, f)));
      const bad = values.find((v) => typeof v === "string");
      return bad !== undefined ? (bad as string) : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
    };
    const [pos, neg] = await Promise.all([side(o.positive), side(o.negative)]);
    if (typeof pos === "string") return failed(pos);
    if (typeof neg === "string") return failed(neg);
    const value = pos - neg;
    return { value, reason: `follow-up likelihood: ${value.toFixed(3)} (satisfied ${pos.toFixed(3)}, dissatisfied ${neg.toFixed(3)} per token)` };
  };
  return {
    name,
    scoreBatch: (batch) => Promise.all(batch.map((t) => scoreOne(renderQuery(t)))),
  };
}
