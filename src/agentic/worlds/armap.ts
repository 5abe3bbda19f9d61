/**
 * ARMAP (Chen et al. 2025, "Scaling Autonomous Agents via Automatic Reward
 * Modeling and Planning"): a reward model for an agent's trajectories,
 * learned without human labels, then used to plan.
 *
 * 1. Random walks through a text world give transcripts of what happened.
 * 2. A model reads each walk and writes the intent it accomplishes (a task
 *    it would be a good answer to) and a negative: the walk rewritten, in the
 *    same format, into an attempt at that intent that fails.
 * 3. rewardlab's offline reward model (a Bradley–Terry head over sentence
 *    embeddings, agentic/rm) is trained on (intent, walk, negative), each
 *    attempt given as where it ended and the actions taken (`digest`): the
 *    sentence embedder reads only the start of a long text, so a whole
 *    transcript would hide the end, where attempts differ.
 * 4. Planning with it: best-of-N (the agent makes N attempts, the reward
 *    model picks the one it scores highest), and a small tree search (each
 *    turn, every action one step ahead, the best-scored taken), and MCTS
 *    with the reward model as the value of simulated attempts
 *    (armap-mcts.ts). ARMAP's Reflexion planner is not built here.
 */
import { Rng } from "../../core/rng.js";
import type { ChatModel } from "../../providers/chat.js";
import { embed } from "../rm/embedder.js";
import { rmText, type RewardHead } from "../rm/head.js";
import { trainRewardModel, type PreferencePair, type TrainReport } from "../rm/train.js";
import type { Trajectory } from "../trajectory.js";
import { playEpisode, type RolloutOptions } from "./runner.js";
import type { TextEnv } from "./text-env.js";

export interface Walk {
  seed: number;
  /** What happened: the first observation, then each action and what the world said. */
  transcript: string;
}

/** `count` random walks of `turns` actions each, walk k reset with seed + k; actions drawn from `new Rng(seed)`. */
export function randomWalks(makeEnv: () => TextEnv, actions: readonly string[], count: number, turns: number, seed: number): Walk[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, k) => {
    const env = makeEnv();
    const lines = [`World: ${env.reset(seed + k)}`];
    for (let t = 0; t < turns; t++) {
      const word = actions[rng.int(actions.length)];
      const step = env.step(`Action: ${word}`);
      lines.push(`Agent: Action: ${word}`, `World: ${step.observation}`);
      if (step.terminated || step.truncated) break;
    }
    return { seed: seed + k, transcript: lines.join("\n") };
  });
}

export interface Triplets {
  pairs: PreferencePair[];
  /** Walks the model gave no usable intent and negative for, with why. */
  skipped: { seed: number; why: string }[];
}

/** The model's intent and negative for each walk, as preference pairs (prompt: the intent; chosen: the walk; rejected: the negative). */
export async function synthesizeTriplets(model: ChatModel, walks: readonly Walk[], rules: string): Promise<Triplets> {
  const pairs: PreferencePair[] = [];
  const skipped: Triplets["skipped"] = [];
  for (const w of walks) {
    const reply = await model.complete({
      messages: [
        { role: "system", content: "You write training data for a reward model that judges whether an agent's attempt accomplished a task." },
        {
          role: "user",
          content: [
            `The agent's world and rules:\n${rules}`,
            `What the agent did:\n${w.transcript}`,
            'First write one line starting "Intent:": a task this sequence of steps accomplishes, as a user would ask for it. Then write a line "Negative:" followed by the same transcript rewritten, in the same format (World: / Agent: lines), into an attempt at that task that fails.',
          ].join("\n\n"),
        },
      ],
    });
    const intent = /^\s*intent\s*:\s*(.+)$/im.exec(reply)?.[1]?.trim();
    const at = reply.search(/^\s*negative\s*:/im);
    const negative = at >= 0 ? reply.slice(at).replace(/^\s*negative\s*:\s*/i, "").trim() : "";
    if (!intent) skipped.push({ seed: w.seed, why: 'no "Intent:" line' });
    else if (!negative) skipped.push({ seed: w.seed, why: 'no "Negative:" transcript' });
    else if (negative === w.transcript) skipped.push({ seed: w.seed, why: "the negative is the walk itself" });
    else pairs.push({ prompt: intent, chosen: digest(w.transcript), rejected: digest(negative) });
  }
  return { pairs, skipped };
}

/** The reward model on the triplets: rewardlab's offline reward head, a share held out for accuracy. */
export function trainArmapRewardModel(pairs: readonly PreferencePair[], seed: number, heldOut = 0.2): Promise<TrainReport> {
  return trainRewardModel(pairs, { seed, heldOut });
}

/** An attempt as the reward model reads it: where it ended (the world's last message), then the actions taken. */
export function digest(transcript: string): string {
  const world = [...transcript.matchAll(/^World: ([\s\S]*?)(?=\n(?:Agent|World): |(?![\s\S]))/gm)].map((m) => m[1].trim());
  const actions = [...transcript.matchAll(/^Agent: (?:[\s\S]*?)Action: (\w+)/gm)].map((m) => m[1]);
  return `Ended with: ${world.at(-1) ?? ""}\nActions: ${actions.join(", ") || "none"}`;
}

/** A finished attempt in the walks' transcript format. */
export function transcriptOf(t: Trajectory): string {
  const first = Array.isArray(t.prompt) ? (t.prompt[1]?.content ?? "") : t.prompt;
  return [`World: ${first}`, ...t.turns.map((m) => `${m.role === "assistant" ? "Agent" : "World"}: ${m.content}`)].join("\n");
}

export interface BestOfN {
  /** Every attempt, with the reward model's score. */
  attempts: { trajectory: Trajectory; score: number }[];
  /** The index of the attempt the reward model scores highest. */
  picked: number;
}

/** N attempts at `task` (episodes 0 … N−1 of `o`, the task after the rules), and the one the reward model prefers. */
export async function bestOfN(agent: ChatModel, head: RewardHead, makeEnv: () => TextEnv, task: string, n: number, o: RolloutOptions): Promise<BestOfN> {
  const trajectories: Trajectory[] = [];
  for (let k = 0; k < n; k++) trajectories.push((await playEpisode(agent, makeEnv(), k, { ...o, group: n }, { task })).trajectory);
  const embeddings = await embed(trajectories.map((t) => rmText(task, digest(transcriptOf(t)))));
  const attempts = trajectories.map((trajectory, k) => ({ trajectory, score: head.score(embeddings[k]) }));
  let picked = 0;
  attempts.forEach((a, k) => {
    if (a.score > attempts[picked].score) picked = k;
  });
  return { attempts, picked };
}

/** Scores for attempt digests at a task, higher better: the trained reward model, or any other judge. */
export type DigestScorer = (task: string, digests: readonly string[]) => Promise<number[]>;

/** The reward model as a `DigestScorer`. */
export function headScorer(head: RewardHead): DigestScorer {
  return async (task, digests) => (await embed(digests.map((d) => rmText(task, d)))).map((x) => head.score(x));
}

/** The world from `seed` with the actions `taken` (stopping where the episode ends): the transcript, whether it ended, and the actions taken. */
export function replay(makeEnv: () => TextEnv, seed: number, taken: readonly string[]): { transcript: string; done: boolean; steps: number } {
  const env = makeEnv();
  const lines = [`World: ${env.reset(seed)}`];
  let done = false;
  let steps = 0;
  for (const word of taken) {
    const step = env.step(`Action: ${word}`);
    lines.push(`Agent: Action: ${word}`, `World: ${step.observation}`);
    steps++;
    done = step.terminated || step.truncated;
    if (done) break;
  }
  return { transcript: lines.join("\n"), done, steps };
}

export interface SearchResult {
  actions: string[];
  transcript: string;
  /** The judge's score of the attempt's final digest. */
  score: number;
}

/**
 * A small tree search guided by the reward model (ARMAP plans with its
 * reward model; its MCTS is larger): from the task's start, each turn tries
 * every action one step ahead and takes the one whose attempt so far the
 * judge scores highest, until the episode ends or `maxTurns`. Branches are
 * made by replaying the world from its seed with the actions so far, so any
 * deterministic text world can be searched.
 */
export async function rewardGuidedSearch(score: DigestScorer, makeEnv: () => TextEnv, actions: readonly string[], task: string, seed: number, maxTurns: number): Promise<SearchResult> {
  const play = (taken: readonly string[]) => replay(makeEnv, seed, taken);
  const taken: string[] = [];
  let best = { transcript: play([]).transcript, score: -Infinity };
  for (let t = 0; t < maxTurns; t++) {
    const branches = actions.map((a) => ({ a, ...play([...taken, a]) }));
    const scores = await score(task, branches.map((b) => digest(b.transcript)));
    let k = 0;
    scores.forEach((s, j) => {
      if (s > scores[k]) k = j;
    });
    taken.push(branches[k].a);
    best = { transcript: branches[k].transcript, score: scores[k] };
    if (branches[k].done) break;
  }
  return { actions: taken, transcript: best.transcript, score: best.score };
}
