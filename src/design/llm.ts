/**
 * The language-model designer: Eureka's loop (Ma et al. 2024) over reward
 * specs. Iteration 0 asks the model K times for a spec, from the
 * environment's description (its features, events and spaces) and a task
 * text. Each later iteration shows the model the best candidate so far and
 * the reflection Eureka feeds back (each term's episode return, the
 * success rate, the score), with the trajectory analyzer's account of how
 * the failed episodes differed from the successful ones (Auto MC-Reward),
 * and asks K times again. A spec the critic rejects goes back to the model
 * with the critic's errors for repair (Auto MC-Reward's reward critic).
 *
 * Every exchange is logged (prompt, reply, tokens) for the lineage; a
 * reply that is not a spec, and a call that fails, is that candidate's
 * error and the loop goes on. A replay that misses a recorded exchange
 * stops the run: the recording no longer matches it.
 */
import { UserError } from "../core/errors.js";
import { describeEnv } from "../envs/registry.js";
import type { ChatMessage, ChatModel, Tokens } from "../providers/chat.js";
import type { RunConfig } from "../runs/config.js";
import { stringify } from "yaml";
import { analyzeOutcomes } from "./analyzer.js";
import { ranked, type Candidate, type Designer, type Proposal } from "./loop.js";
import { render, type Prompts } from "./prompts.js";
import { specFromReply, type ReplyLimits } from "./reply.js";

export type CallStage = "propose" | "reflect" | "repair";

/** One exchange with the model. */
export interface DesignCall {
  id: number;
  iteration: number;
  stage: CallStage;
  messages: ChatMessage[];
  /** The reply; absent when the call failed. */
  reply?: string;
  tokens: Tokens;
  /** Why the call failed. */
  error?: string;
}

export interface LlmDesignerOptions {
  /** Specs asked for per iteration (K). */
  samples: number;
  /** What the agent should do, in words. */
  task: string;
  /** Sampling temperature (default 1, as Eureka). */
  temperature?: number;
  limits?: Partial<ReplyLimits>;
}

export interface LlmDesigner extends Designer {
  /** Every exchange so far. */
  readonly calls: DesignCall[];
}

export function llmDesigner(model: ChatModel, config: RunConfig, prompts: Prompts, options: LlmDesignerOptions): LlmDesigner {
  const limits: ReplyLimits = { maxChars: 20_000, maxTerms: 8, ...options.limits };
  const system: ChatMessage = { role: "system", content: prompts.system };
  const calls: DesignCall[] = [];
  const K = options.samples;
  const sample = (k: number) => (K > 1 ? `(This is candidate ${k + 1} of ${K}: make it differ from the others.)` : "");
  const described = describeTask(config, options.task, limits.maxTerms);
  const intro = (k?: number) => render(prompts.propose, { ...described, sample: k === undefined ? "" : sample(k) });

  /** One exchange; a failed call is logged and returned as an error, except a replay miss, which ends the run. */
  const ask = async (iteration: number, stage: CallStage, messages: ChatMessage[]): Promise<{ reply?: string; error?: string; id: number }> => {
    const call: DesignCall = { id: calls.length, iteration, stage, messages, tokens: { prompt: 0, completion: 0 } };
    calls.push(call);
    try {
      const reply = await model.ask({ messages, temperature: options.temperature ?? 1 });
      call.reply = reply.text;
      call.tokens = reply.tokens;
      return { reply: reply.text, id: call.id };
    } catch (e) {
      if (e instanceof UserError) throw e;
      call.error = `model: ${oneLine((e as Error).message)}`;
      return { error: call.error, id: call.id };
    }
  };

  /** The proposal a conversation's last reply makes, able to be repaired in the same conversation. */
  const proposal = (iteration: number, messages: ChatMessage[], answer: { reply?: string; error?: string; id: number }, parents: string[]): Proposal => {
    const read = answer.reply !== undefined ? specFromReply(answer.reply, limits) : { error: answer.error! };
    return {
      spec: read.spec,
      origin: "model",
      parents,
      calls: [answer.id],
      ...(read.error !== undefined ? { error: read.error } : {}),
      // A failed call has no reply to repair.
      ...(answer.reply !== undefined
        ? {
            repair: async (errors: string[]) => {
              const next: ChatMessage[] = [...messages, { role: "assistant", content: answer.reply! }, { role: "user", content: render(prompts.repair, { errors: errors.map((e) => `- ${e}`).join("\n") }) }];
              return proposal(iteration, next, await ask(iteration, "repair", next), parents);
            },
          }
        : {}),
    };
  };

  return {
    name: model.model,
    calls,
    async propose(iteration: number, history: readonly Candidate[]): Promise<Proposal[]> {
      const best = ranked(history)[0];
      if (iteration === 0 || !best || best.score === undefined) {
        return Promise.all(
          Array.from({ length: K }, async (_, k) => {
            const messages: ChatMessage[] = [system, { role: "user", content: intro(k) }];
            return proposal(iteration, messages, await ask(iteration, "propose", messages), []);
          }),
        );
      }
      const last = history.filter((c) => c.iteration === iteration - 1);
      return Promise.all(
        Array.from({ length: K }, async (_, k) => {
          const messages: ChatMessage[] = [
            system,
            { role: "user", content: intro() },
            { role: "assistant", content: "```yaml\n" + stringify({ terms: (best.spec as { terms: unknown[] }).terms.slice(1) }) + "```" },
            { role: "user", content: render(prompts.reflect, { ...reflection(best, last), sample: sample(k) }) },
          ];
          return proposal(iteration, messages, await ask(iteration, "reflect", messages), [best.id]);
        }),
      );
    },
  };
}

/** The propose prompt's values: the environment as `envs show` describes it, the learner and the budget. */
function describeTask(config: RunConfig, task: string, maxTerms: number): Record<string, string | number> {
  const d = describeEnv(config.env.id, config.env.kwargs);
  const space = (s: { type: string; n?: number; shape?: number[] }) => (s.type === "Discrete" ? `${s.n} discrete actions (0 to ${s.n! - 1})` : `${s.type} of shape [${s.shape?.join(", ")}]`);
  const learner = config.learner as { algo: string; gamma?: number };
  return {
    env: d.id,
    summary: d.summary,
    task,
    observation: space(d.observationSpace as { type: string; shape?: number[] }).replace(/^Box/, "an array"),
    actions: space(d.actionSpace as { type: string; n?: number }),
    maxSteps: d.maxSteps,
    features: d.features.map((f) => `- ${f.name}: ${f.description}`).join("\n") || "(none)",
    events: d.events.length ? d.events.join(", ") : "(none)",
    learner: learner.algo,
    gamma: learner.gamma ?? 0.99,
    steps: config.steps,
    maxTerms,
  };
}

/** The reflect prompt's values: Eureka's feedback on the best candidate, and the last iteration at a glance. */
function reflection(best: Candidate, last: readonly Candidate[]): Record<string, string | number> {
  const stats = best.stats!;
  const terms = Object.entries(stats.termReturns)
    .map(([name, value]) => `- ${name}: ${fmt(value)}`)
    .join("\n");
  const others = ranked(last)
    .map((c) => `- ${c.id}: ${c.score === undefined ? `rejected (${c.verdict.errors[0]})` : `score ${fmt(c.score)}`}; ${termList(c.spec)}`)
    .join("\n");
  return { seeds: best.scores!.length, score: fmt(best.score!), success: Number.isNaN(stats.success) ? "(the task has no success)" : fmt(stats.success), terms, analysis: analyzeOutcomes(stats.outcomes), others: others || "(none)" };
}

/** A spec's auxiliary terms in one line. */
export function termList(spec: unknown): string {
  const terms = ((spec as { terms?: unknown[] } | undefined)?.terms ?? []).slice(1) as { name?: unknown; weight?: unknown }[];
  return terms.map((t) => `${String(t.name ?? "?")} ${t.weight ?? 1}`).join(", ") || "(the task's reward alone)";
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim().slice(0, 300);
}
