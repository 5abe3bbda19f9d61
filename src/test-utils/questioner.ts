/** A scripted twenty-questions player for tests: it asks what splits the animals still possible most evenly. */
import { ATTRIBUTES, HYPOTHESES, parseMove } from "../agentic/worlds/twenty-questions.js";

const { names, truth } = HYPOTHESES;

/** A questioner that asks what splits the animals still possible most evenly, and guesses when no question splits them. */
export function greedy(consistent: boolean[]): string {
  const left = consistent.flatMap((ok, k) => (ok ? [k] : []));
  let best = -1;
  let bestSplit = 0;
  ATTRIBUTES.forEach((_, a) => {
    const yes = left.filter((k) => truth[k][a]).length;
    const split = Math.min(yes, left.length - yes);
    if (split > bestSplit) [best, bestSplit] = [a, split];
  });
  return best < 0 ? `Guess: ${names[left[0]]}` : `Question: is it ${ATTRIBUTES[best]}?`;
}

/** The animals consistent with a conversation's questions and answers so far. */
export function consistentWith(messages: { role: string; content: string }[]): boolean[] {
  let consistent = names.map(() => true);
  for (let i = 0; i < messages.length - 1; i++) {
    if (messages[i].role !== "assistant") continue;
    const move = parseMove(messages[i].content)!;
    const answer = messages[i + 1].content;
    if (move.kind === "question") {
      const a = ATTRIBUTES.indexOf(move.attribute as (typeof ATTRIBUTES)[number]);
      consistent = consistent.map((ok, k) => ok && truth[k][a] === answer.startsWith("Yes"));
    } else if (answer.startsWith("No")) consistent[names.indexOf(move.animal)] = false;
  }
  return consistent;
}

