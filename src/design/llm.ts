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
 * In parameter mode (Language to Rewards) the model only weighs the terms
 * of a given spec.
 *
 * Every exchange is logged (prompt, reply, tokens) for the lineage; a
 * reply that is not a spec, and a call that fails, is that candidate's
 * error and the loop goes on. A replay that misses a recorded exchange
 * stops the run: the recording no longer matches it.
 */
import { UserError } from "../core/errors.js";
import type { ChatMessage, ChatModel, Tokens } from "../providers/chat.js";
import type { RunConfig } from "../runs/config.js";
import { stringify } from "yaml";
import { analyzeOutcomes } from "./analyzer.js";
import { ranked, type Candidate, type Designer, type Proposal } from "./loop.js";
import { render, type Prompts } from "./prompts.js";
import { specFromReply, weightsFromReply, type ReadReply, type ReplyLimits, type Template } from "./reply.js";
import { describeEnv, makeVector } from "../envs/registry.js";
import { rewardProgram } from "../rewards/make.js";
import { parseRewardSpec } from "../rewards/spec.js";

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
  /**
   * Parameter mode (Language to Rewards): the model only weighs the terms
   * of this spec (a `Template`: see `templateOf`), it does not write terms.
   */
  template?: Template;
}

/** What the model is asked to write, and how its reply becomes a spec. */
interface Writing {
  origin: "model" | "parameters";
  intro(sample: string): string;
  read(reply: string): ReadReply;
  /** The best spec so far, as the model would have written it. */
  show(spec: unknown): string;
  /** What repair and reflection ask for. */
  write: string;
  /** Said with the critic's errors. */
  note: string;
}

export interface LlmDesigner extends Designer {
  /** Every exchange so far. */
  readonly calls: DesignCall[];
}

export function llmDesigner(model: ChatModel, config: RunConfig, prompts: Prompts, options: LlmDesignerOptions): LlmDesigner {
  const limits: ReplyLimits = { maxChars: 20_000, maxTerms: 8, ...options.limits };
  const system: ChatMessage = { role: "system", content: limits.allowCode ? `${prompts.system}\n\n${prompts.code}` : prompts.system };
  const calls: DesignCall[] = [];
  const K = options.samples;
  const sample = (k: number) => (K > 1 ? `(This is candidate ${k + 1} of ${K}: make it differ from the others.)` : "");
  const described = describeTask(config, options.task, limits.maxTerms);
  const writing: Writing = options.template ? weighing(options.template, prompts, described, limits) : writingSpecs(prompts, described, limits);
  const intro = (k?: number) => writing.intro(k === undefined ? "" : sample(k));

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
    const read = answer.reply !== undefined ? writing.read(answer.reply) : { error: answer.error! };
    return {
      spec: read.spec,
      origin: writing.origin,
      parents,
      calls: [answer.id],
      ...(read.error !== undefined ? { error: read.error } : {}),
      // A failed call has no reply to repair.
      ...(answer.reply !== undefined
        ? {
            repair: async (errors: string[]) => {
              const next: ChatMessage[] = [...messages, { role: "assistant", content: answer.reply! }, { role: "user", content: render(prompts.repair, { errors: errors.map((e) => `- ${e}`).join("\n"), note: writing.note, write: writing.write }) }];
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
            { role: "assistant", content: writing.show(best.spec) },
            { role: "user", content: render(prompts.reflect, { ...reflection(best, last), write: writing.write, sample: sample(k) }) },
          ];
          return proposal(iteration, messages, await ask(iteration, "reflect", messages), [best.id]);
        }),
      );
    },
  };
}

/** The model writes auxiliary terms; the task's reward is added as the primary one. */
function writingSpecs(prompts: Prompts, described: Record<string, string | number>, limits: ReplyLimits): Writing {
  return {
    origin: "model",
    intro: (sample) => render(prompts.propose, { ...described, sample }),
    read: (reply) => specFromReply(reply, limits),
    show: (spec) => "```yaml\n" + stringify({ terms: (spec as { terms: unknown[] }).terms.slice(1) }) + "```",
    write: "the whole reward spec",
    note: "(terms[0] is the task's reward, added for you; your terms start at terms[1].) ",
  };
}

/** Parameter mode: the model weighs the template's auxiliary terms. */
function weighing(template: Template, prompts: Prompts, described: Record<string, string | number>, limits: ReplyLimits): Writing {
  const terms = template.spec.terms
    .map((t, k) => `- ${template.names[k]}: ${describeTerm(t)}${template.free[k] ? ` (weight now ${t.weight ?? 1})` : " (the task's reward, weight 1)"}`)
    .join("\n");
  const weightsOf = (spec: unknown) => Object.fromEntries(template.names.flatMap((name, k) => (template.free[k] ? [[name, (spec as Template["spec"]).terms[k].weight ?? 1]] : [])));
  return {
    origin: "parameters",
    intro: (sample) => render(prompts.parameters, { ...described, terms, sample }),
    read: (reply) => weightsFromReply(reply, template, limits),
    show: (spec) => "```yaml\n" + stringify({ weights: weightsOf(spec) }) + "```",
    write: "the weights",
    note: "",
  };
}

/** A term in a line: its kind and what it reads. */
function describeTerm(t: Record<string, unknown>): string {
  const what = t.kind === "event" ? `pays when ${String(t.event)} fires` : t.kind === "potential" ? `potential shaping, Φ = ${String(t.phi)}` : t.kind === "expression" ? `pays ${String(t.expr)} every step` : `a ${String(t.kind)} term`;
  return what;
}

/**
 * A spec as a template for parameter mode: its top-level terms with their
 * names (defaults filled in, as the compiled program names them), the
 * auxiliary ones free to weigh. A nested `combine` is refused: its children
 * have no weights of their own at the top.
 */
export function templateOf(spec: unknown, env: { id: string; kwargs?: Record<string, unknown> }, path = "--parameters"): Template {
  const parsed = parseRewardSpec(spec, path, { allowCode: false });
  const program = rewardProgram(parsed, makeVector(env.id, 1, { kwargs: env.kwargs }));
  const top = (spec as { terms: Record<string, unknown>[] }).terms;
  if (program.terms.length !== top.length) throw new UserError(path, "parameter mode weighs top-level terms; this spec nests terms in a combine");
  if (!program.terms.some((t) => t.role === "auxiliary")) throw new UserError(path, "expected a spec with auxiliary terms to weigh; it has only primary ones");
  return { spec: spec as Template["spec"], names: program.terms.map((t) => t.name), free: program.terms.map((t) => t.role === "auxiliary") };
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
