/**
 * Twenty questions over a structured hypothesis space, rewarded for what a
 * question teaches (Dialogue as Discovery, Zhou et al. 2025: the reward for
 * asking is the information gained about the task). A secret animal is
 * drawn from a fixed table of animals and yes/no attributes; the agent asks
 * about attributes or guesses. With a uniform belief over the animals
 * consistent with the answers so far, a question's information gain is
 *
 *   IG = H(before) − H(after) = log₂ |S_before| − log₂ |S_after|  (bits),
 *
 * S the consistent animals: a question that splits them in half earns one
 * bit, one whose answer was already known earns nothing. Each turn pays
 * `infoGain`·IG (term `info`), and 1 for the right guess (term `task`, the
 * primary); a wrong guess removes that animal and pays what it taught.
 */
import { Rng } from "../../core/rng.js";
import type { TextEnv, TextStep } from "./text-env.js";

/** Attributes, as the agent asks them. */
export const ATTRIBUTES = ["a mammal", "a bird", "a fish", "a reptile", "an insect", "able to fly", "living in water", "a pet", "bigger than a person", "a meat eater", "striped or spotted", "more than four legs"] as const;

/** Animals and the attributes (indices above) that are true of them. */
const ANIMALS: Record<string, number[]> = {
  dog: [0, 7, 9],
  cat: [0, 7, 9],
  horse: [0, 8],
  cow: [0, 8],
  tiger: [0, 8, 9, 10],
  zebra: [0, 8, 10],
  whale: [0, 6, 8, 9],
  dolphin: [0, 6, 9],
  bat: [0, 5],
  mouse: [0, 7],
  eagle: [1, 5, 9],
  penguin: [1, 6, 9],
  parrot: [1, 5, 7],
  ostrich: [1, 8],
  owl: [1, 5, 9],
  duck: [1, 5, 6],
  shark: [2, 6, 8, 9],
  goldfish: [2, 6, 7],
  clownfish: [2, 6, 10],
  salmon: [2, 6],
  crocodile: [3, 6, 8, 9],
  snake: [3, 9, 10],
  turtle: [3, 6, 7],
  lizard: [3, 7, 10],
  bee: [4, 5, 10, 11],
  ant: [4, 11],
  butterfly: [4, 5, 10, 11],
  ladybug: [4, 5, 10, 11],
  spider: [9, 11],
  octopus: [6, 9, 11],
  crab: [6, 9, 11],
  frog: [6, 9],
};
const NAMES = Object.keys(ANIMALS);
const TRUTH = NAMES.map((name) => ATTRIBUTES.map((_, a) => ANIMALS[name].includes(a)));

export interface TwentyQuestionsOptions {
  /** Weight of the information-gain term (default 0.1 per bit). */
  infoGain?: number;
  /** Questions and guesses per episode (default 20). */
  maxTurns?: number;
}

export function twentyQuestions(options: TwentyQuestionsOptions = {}): TextEnv {
  const weight = options.infoGain ?? 0.1;
  const maxTurns = options.maxTurns ?? 20;
  let secret = 0;
  let consistent: boolean[] = [];
  let turns = 0;
  const count = () => consistent.filter(Boolean).length;
  const system = [
    "We play twenty questions. I have thought of an animal; find it by asking yes/no questions about it, then guess it.",
    `Ask about one of these attributes: ${ATTRIBUTES.join("; ")}.`,
    `The animal is one of: ${NAMES.join(", ")}.`,
    `Each reply ends with one line: "Question: is it ATTRIBUTE?" (an attribute above, as written) or "Guess: ANIMAL". You have ${maxTurns} turns.`,
  ].join("\n");

  const step = (message: string): TextStep => {
    const base = { reward: 0, primary: 0, terms: {}, events: [] as string[], terminated: false, truncated: false };
    const parsed = parseMove(message);
    if (!parsed) return { ...base, observation: 'That was neither a question nor a guess. End your reply with "Question: is it ATTRIBUTE?" or "Guess: ANIMAL".', invalid: "no question or guess" };
    const before = count();
    let observation: string;
    let task = 0;
    let terminated = false;
    const events: string[] = [];
    if (parsed.kind === "question") {
      const a = ATTRIBUTES.findIndex((x) => x === parsed.attribute);
      if (a < 0) return { ...base, observation: `I do not know the attribute "${parsed.attribute}". Ask about one of: ${ATTRIBUTES.join("; ")}.`, invalid: `unknown attribute "${parsed.attribute}"` };
      const answer = TRUTH[secret][a];
      consistent = consistent.map((ok, k) => ok && TRUTH[k][a] === answer);
      observation = answer ? "Yes." : "No.";
      events.push("ask");
    } else {
      const k = NAMES.indexOf(parsed.animal);
      if (k < 0) return { ...base, observation: `"${parsed.animal}" is not one of the animals. Guess one of: ${NAMES.join(", ")}.`, invalid: `unknown animal "${parsed.animal}"` };
      events.push("guess");
      if (k === secret) {
        consistent = consistent.map((_, j) => j === secret);
        task = 1;
        terminated = true;
        events.push("success");
        observation = `Yes, it is the ${parsed.animal}!`;
      } else {
        consistent[k] = false;
        observation = `No, it is not the ${parsed.animal}.`;
      }
    }
    turns++;
    const info = Math.log2(before) - Math.log2(count());
    const truncated = !terminated && turns >= maxTurns;
    if (truncated) observation += ` Out of turns: it was the ${NAMES[secret]}.`;
    return { observation, reward: task + weight * info, primary: task, terms: { task, info: weight * info }, events, terminated, truncated, success: task === 1, action: parsed.kind };
  };

  return {
    id: "TwentyQuestions",
    system,
    reset(seed) {
      secret = new Rng(seed).int(NAMES.length);
      consistent = NAMES.map(() => true);
      turns = 0;
      return `I have thought of an animal. ${NAMES.length} animals are possible. Ask your first question.`;
    },
    step,
  };
}

/** The move a message ends with: its last "Question: is it …?" or "Guess: …" line. */
export function parseMove(message: string): { kind: "question"; attribute: string } | { kind: "guess"; animal: string } | undefined {
  const moves = [...message.matchAll(/(question|guess)\s*:\s*\**\s*(?:is it\s+|does it\s+)?(?:the\s+)?([^?\n*]+)/gi)];
  if (moves.length === 0) return undefined;
  const [, kind, text] = moves[moves.length - 1];
  const value = text.trim().replace(/[.!"'`]+$/, "").trim().toLowerCase();
  return kind.toLowerCase() === "question" ? { kind: "question", attribute: value } : { kind: "guess", animal: value.replace(/^(a|an)\s+/, "") };
}

/** The hypothesis table, for tests and planners: animal names and attribute truth. */
export const HYPOTHESES = { names: NAMES, truth: TRUTH } as const;
