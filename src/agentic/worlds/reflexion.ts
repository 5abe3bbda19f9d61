/**
 * Attempts with reflections (Reflexion, Shinn et al. 2023; scored as
 * Retroformer, Yao et al. 2024, scores them): a task (one seed) is tried up
 * to `attempts` times; after an attempt that failed, the model reads how it
 * went and writes a short reflection, and the next attempt starts with
 * every reflection so far after the rules. A reflection is scored by the
 * return that follows it: the next attempt's task return minus this one's
 * (Retroformer's rating of a reflection, the signal it trains its
 * reflection model on; here the ratings are recorded, not trained on).
 */
import type { ChatMessage, ChatModel } from "../../providers/chat.js";
import type { Trajectory } from "../trajectory.js";
import { playEpisode, type RolloutOptions } from "./runner.js";
import type { TextEnv } from "./text-env.js";

export interface Reflection {
  /** The task: its seed. */
  seed: number;
  /** Written after this attempt (0-based). */
  attempt: number;
  text: string;
  /** The next attempt's task return minus this attempt's; null when there was no next attempt. */
  score: number | null;
}

export interface ReflexionResult {
  /** Per task, its attempts in order. */
  attempts: Trajectory[][];
  reflections: Reflection[];
}

/** Turns of an attempt the reflection prompt shows (its end). */
const SHOWN_TURNS = 12;

export async function reflexion(model: ChatModel, makeEnv: () => TextEnv, o: RolloutOptions & { attempts: number }): Promise<ReflexionResult> {
  const attempts: Trajectory[][] = new Array(o.episodes);
  const reflections: Reflection[][] = new Array(o.episodes);
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < o.episodes; k = next++) {
      const tried: Trajectory[] = [];
      const written: Reflection[] = [];
      for (let a = 0; a < o.attempts; a++) {
        const { trajectory, summary } = await playEpisode(model, makeEnv(), k, o, { reflections: written.map((r) => r.text) });
        trajectory.metadata.attempt = a;
        trajectory.metadata.reflections = written.map((r) => r.text);
        if (written.length) written[written.length - 1].score = summary.primaryReturn - (tried.at(-1)!.metadata.primaryReturn as number);
        tried.push(trajectory);
        if (summary.success === true || summary.ended === "error" || a === o.attempts - 1) break;
        let text: string;
        try {
          text = await reflect(model, trajectory, o.temperature);
        } catch (e) {
          // A replay that misses its recording stops the run; a failed call ends this task's attempts, with the reason.
          if ((e as Error).name === "UserError") throw e;
          trajectory.metadata.reflectionError = (e as Error).message.replace(/\s+/g, " ").slice(0, 300);
          break;
        }
        written.push({ seed: summary.seed, attempt: a, text, score: null });
      }
      attempts[k] = tried;
      reflections[k] = written;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.episodes) }, worker));
  return { attempts, reflections: reflections.flat() };
}

/** The model's reflection on a failed attempt: what went wrong, and what to do next time. */
async function reflect(model: ChatModel, t: Trajectory, temperature: number | undefined): Promise<string> {
  const turns = t.turns.slice(-2 * SHOWN_TURNS).map((m) => `${m.role === "assistant" ? "You" : "World"}: ${m.content}`);
  const m = t.metadata as { primaryReturn: number; ended: string; turns: number };
  const prompt = Array.isArray(t.prompt) ? t.prompt : [];
  const messages: ChatMessage[] = [
    { role: "system", content: "You help an agent learn from its failed attempts at a task." },
    {
      role: "user",
      content: [
        `The rules the agent was given:\n${prompt[0]?.content ?? ""}`,
        `It failed: the attempt ended (${m.ended}) after ${m.turns} turns with task return ${m.primaryReturn}. Its last turns:\n${turns.join("\n")}`,
        "In two or three sentences, say what went wrong and what the agent should do differently next time. Write only the advice.",
      ].join("\n\n"),
    },
  ];
  return (await model.complete({ messages, ...(temperature !== undefined ? { temperature } : {}) })).trim();
}
