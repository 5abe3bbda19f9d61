/**
 * PAE, Proposer-Agent-Evaluator (Zhou et al. 2024): a proposer model writes
 * tasks from a world's description, the agent attempts them, and an
 * evaluator model reads each attempt and judges whether the task was done;
 * the judged success is the reward. Rounds repeat, and the tasks form a
 * curriculum: a task every attempt of which succeeded, or none did, teaches
 * little and is retired; the proposer is shown what was solved and what
 * was not, and writes the next round's tasks.
 *
 * A task is text given to the agent after the world's rules ("Your task:
 * …"); the world runs as usual (its own mission and reward are not the
 * judge). An evaluator reply without "Answer: success" or "Answer:
 * failure" leaves the attempt unjudged (null), not failed.
 */
import { UserError } from "../../core/errors.js";
import type { ChatModel } from "../../providers/chat.js";
import type { Trajectory } from "../trajectory.js";
import { playEpisode, type RolloutOptions } from "./runner.js";
import type { TextEnv } from "./text-env.js";

export interface PaeOptions extends RolloutOptions {
  /** Rounds of propose, attempt, evaluate. */
  rounds: number;
  /** Tasks the proposer writes per round. */
  tasks: number;
  /** What the world is, for the proposer (its rules are added). */
  description: string;
}

export interface Judged {
  round: number;
  task: string;
  seed: number;
  /** The evaluator's verdict: the reward; null when it gave none. */
  success: boolean | null;
  trajectory: Trajectory;
}

export interface PaeRound {
  round: number;
  tasks: string[];
  /** Per task, the share of its judged attempts that succeeded (NaN without a judged attempt). */
  successRates: number[];
}

export interface PaeResult {
  rounds: PaeRound[];
  attempts: Judged[];
  /** Tasks kept for the next round: solved sometimes, not always. */
  curriculum: string[];
}

export async function proposerAgentEvaluator(proposer: ChatModel, agent: ChatModel, evaluator: ChatModel, makeEnv: () => TextEnv, o: PaeOptions): Promise<PaeResult> {
  const rules = makeEnv().system;
  const rounds: PaeRound[] = [];
  const attempts: Judged[] = [];
  let curriculum: string[] = [];
  let history = "";
  for (let round = 0; round < o.rounds; round++) {
    const proposed = await propose(proposer, o.description, rules, o.tasks, history);
    const tasks = [...curriculum, ...proposed.filter((t) => !curriculum.includes(t))];
    const jobs = tasks.flatMap((task) => Array.from({ length: o.episodes }, (_, k) => ({ task, episode: k })));
    const judged: Judged[] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      for (let j = next++; j < jobs.length; j = next++) {
        const { task, episode } = jobs[j];
        const { trajectory, summary } = await playEpisode(agent, makeEnv(), episode + round * o.episodes, o, { task });
        const success = summary.ended === "error" ? null : await judge(evaluator, task, trajectory);
        trajectory.metadata.task = task;
        trajectory.metadata.judged = success;
        judged[j] = { round, task, seed: summary.seed, success, trajectory };
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, jobs.length) }, worker));
    attempts.push(...judged);
    const successRates = tasks.map((task) => {
      const verdicts = judged.filter((a) => a.task === task && a.success !== null);
      return verdicts.length ? verdicts.filter((a) => a.success).length / verdicts.length : NaN;
    });
    rounds.push({ round, tasks, successRates });
    curriculum = tasks.filter((_, k) => successRates[k] > 0 && successRates[k] < 1);
    history = tasks.map((t, k) => `- ${t}: ${Number.isNaN(successRates[k]) ? "not judged" : `solved in ${Math.round(100 * successRates[k])}% of attempts`}`).join("\n");
  }
  return { rounds, attempts, curriculum };
}

/** The proposer's tasks: one per line of its reply that starts with "Task:". */
async function propose(model: ChatModel, description: string, rules: string, count: number, history: string): Promise<string[]> {
  const reply = await model.complete({
    messages: [
      { role: "system", content: "You propose tasks for an agent to practise in a world, from easy to hard: each doable in that world, stated so that someone reading the agent's attempt can tell whether it was done." },
      {
        role: "user",
        content: [
          `The world: ${description}`,
          `The agent's rules:\n${rules}`,
          history ? `Last round's tasks and how the agent did:\n${history}\nPropose tasks a little harder than those it solved, and easier versions of those it never solved.` : "",
          `Write ${count} tasks, one per line, each line starting with "Task:".`,
        ]
          .filter(Boolean)
          .join("\n\n"),
      },
    ],
  });
  const tasks = [...reply.matchAll(/^\s*(?:\d+[.)]\s*)?task\s*:\s*(.+)$/gim)].map((m) => m[1].trim()).filter(Boolean);
  if (tasks.length === 0) throw new UserError("proposer", `the proposer wrote no "Task:" line: ${reply.replace(/\s+/g, " ").slice(0, 120)}`);
  return [...new Set(tasks)].slice(0, count);
}

/** The evaluator's verdict on an attempt: success, failure, or null when it gave none. */
async function judge(model: ChatModel, task: string, t: Trajectory): Promise<boolean | null> {
  const shown = [...(Array.isArray(t.prompt) ? t.prompt.slice(1) : []), ...t.turns].map((m) => `${m.role === "assistant" ? "Agent" : "World"}: ${m.content}`);
  const reply = await model.complete({
    messages: [
      { role: "system", content: "You judge whether an agent did the task it was given, from what the world told it and what it did." },
      { role: "user", content: `The task: ${task}\n\nThe attempt:\n${shown.join("\n")}\n\nWas the task done? Think briefly, then end with one line: "Answer: success" or "Answer: failure".` },
    ],
  });
  const answers = [...reply.matchAll(/answer\s*:\s*\**\s*(success|failure)/gi)];
  return answers.length ? answers[answers.length - 1][1].toLowerCase() === "success" : null;
}
