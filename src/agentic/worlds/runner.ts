/**
 * The rollout runner: drives a chat model through episodes of a text world,
 * several at once (one request in flight per running episode), with limits
 * on turns, tokens and time, and writes each episode as a trajectory in
 * rewardlab's schema, so `score`, `serve` and the advantages take them as
 * they are. Turn rewards stay per turn, in the trajectory's metadata:
 * `turnRewards` (the spec's total, one per assistant turn), `turnPrimary`
 * (the task's own) and `turnTerms` (each term's share).
 *
 * A model call that fails ends its episode with `metadata.ended: "error"`
 * and the reason: the episode is marked failed, not scored as if it had
 * played out.
 */
import { UserError } from "../../core/errors.js";
import type { ChatMessage, ChatModel } from "../../providers/chat.js";
import type { Message, Trajectory } from "../trajectory.js";
import type { TextEnv } from "./text-env.js";

export interface RolloutOptions {
  episodes: number;
  /** Episode k is reset with seed + ⌊k / group⌋. */
  seed: number;
  /** Episodes per task (the same seed): a group for GRPO and RLOO (default 1). */
  group?: number;
  /** Assistant turns per episode at most (then it is cut: `ended: "turns"`). */
  maxTurns: number;
  /** Episodes played at once (requests in flight). */
  concurrency: number;
  temperature?: number;
  /** Tokens a reply may have (max_tokens). */
  maxTokens?: number;
  /** Completion tokens an episode may spend in all (then it is cut: `ended: "tokens"`). */
  tokenBudget?: number;
  /** Milliseconds an episode may take (then it is cut: `ended: "time"`). */
  timeLimitMs?: number;
}

/** What an episode is played with beyond the options: lessons from earlier attempts, put after the rules. */
export interface EpisodeContext {
  reflections?: readonly string[];
  /** A task set for this episode (PAE's proposer), put after the rules. */
  task?: string;
}

export type Ending = "terminated" | "truncated" | "turns" | "tokens" | "time" | "error";

export interface EpisodeSummary {
  episode: number;
  seed: number;
  return: number;
  primaryReturn: number;
  success: boolean | null;
  turns: number;
  invalid: number;
  ended: Ending;
}

/** Plays `options.episodes` episodes; the trajectories come back in episode order. */
export async function rollout(model: ChatModel, makeEnv: () => TextEnv, options: RolloutOptions, onEpisode?: (t: Trajectory, s: EpisodeSummary) => void): Promise<Trajectory[]> {
  const out: Trajectory[] = new Array(options.episodes);
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < options.episodes; k = next++) {
      const { trajectory, summary } = await playEpisode(model, makeEnv(), k, options);
      out[k] = trajectory;
      onEpisode?.(trajectory, summary);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.episodes) }, worker));
  return out;
}

/** One episode, reset with `o.seed + ⌊episode / group⌋`. */
export async function playEpisode(model: ChatModel, env: TextEnv, episode: number, o: RolloutOptions, context: EpisodeContext = {}): Promise<{ trajectory: Trajectory; summary: EpisodeSummary }> {
  const group = o.group ?? 1;
  const seed = o.seed + Math.floor(episode / group);
  const first = env.reset(seed);
  const lessons = context.reflections?.length ? `\n\nLessons from your earlier attempts at this task:\n${context.reflections.map((r, k) => `${k + 1}. ${r}`).join("\n")}` : "";
  const task = context.task !== undefined ? `\n\nYour task: ${context.task}` : "";
  const prompt: ChatMessage[] = [
    { role: "system", content: env.system + task + lessons },
    { role: "user", content: first },
  ];
  const messages = [...prompt];
  const turns: Message[] = [];
  const turnRewards: number[] = [];
  const turnPrimary: number[] = [];
  const turnTerms: Record<string, number[]> = {};
  let success: boolean | null = null;
  let invalid = 0;
  let tokens = 0;
  let ended: Ending | undefined;
  let error: string | undefined;
  const t0 = Date.now();
  while (ended === undefined) {
    if (turnRewards.length >= o.maxTurns) ended = "turns";
    else if (o.tokenBudget !== undefined && tokens >= o.tokenBudget) ended = "tokens";
    else if (o.timeLimitMs !== undefined && Date.now() - t0 >= o.timeLimitMs) ended = "time";
    if (ended) break;
    let text: string;
    try {
      const reply = await model.ask({ messages, ...(o.temperature !== undefined ? { temperature: o.temperature } : {}), ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}) });
      text = reply.text;
      tokens += reply.tokens.completion;
    } catch (e) {
      // A replay that misses its recording stops the whole run: it no longer matches.
      if (e instanceof UserError) throw e;
      ended = "error";
      error = (e as Error).message.replace(/\s+/g, " ").slice(0, 300);
      break;
    }
    const step = env.step(text);
    messages.push({ role: "assistant", content: text }, { role: "user", content: step.observation });
    turns.push({ role: "assistant", content: text }, { role: "user", content: step.observation });
    turnRewards.push(step.reward);
    turnPrimary.push(step.primary);
    for (const [name, v] of Object.entries(step.terms)) (turnTerms[name] ??= new Array(turnRewards.length - 1).fill(0)).push(v);
    for (const list of Object.values(turnTerms)) while (list.length < turnRewards.length) list.push(0);
    if (step.invalid !== undefined) invalid++;
    if (step.success !== undefined && (step.terminated || step.truncated)) success = step.success;
    if (step.terminated) ended = "terminated";
    else if (step.truncated) ended = "truncated";
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const summary: EpisodeSummary = { episode, seed, return: sum(turnRewards), primaryReturn: sum(turnPrimary), success, turns: turnRewards.length, invalid, ended: ended! };
  const trajectory: Trajectory = {
    id: group > 1 ? `${env.id}-${seed}-${episode % group}` : `${env.id}-${seed}`,
    prompt,
    turns,
    answer: [...turns].reverse().find((m) => m.role === "assistant")?.content ?? "",
    reference: {},
    metadata: { env: env.id, ...summary, turnRewards, turnPrimary, turnTerms, completionTokens: tokens, ...(error !== undefined ? { error } : {}) },
  };
  return { trajectory, summary };
}
