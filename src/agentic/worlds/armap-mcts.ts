/**
 * ARMAP's MCTS planner (Chen et al. 2025, §3.3): Monte Carlo tree search
 * over a text world's actions in which the learned reward model is the
 * value: a simulation walks down the tree by UCT, adds one untried action,
 * plays on at random for up to `rolloutDepth` actions, and the judge's
 * score of that attempt is backed up along the path. ARMAP's simulations
 * are played by the language-model agent; here they are random actions, so
 * the search needs no model at all and is deterministic given its seed.
 *
 *   UCT(child) = W/N + c·√(ln N_parent / N)     (untried actions first)
 *
 * The result is the best-scored attempt any simulation played (the first
 * of equals), as ARMAP keeps the trajectory its reward model ranks highest.
 */
import { Rng } from "../../core/rng.js";
import { digest, replay, type DigestScorer, type SearchResult } from "./armap.js";
import type { TextEnv } from "./text-env.js";

export interface MctsOptions {
  /** Simulations in all (default 128). */
  simulations?: number;
  /** UCT's exploration constant c (default 1). */
  c?: number;
  /** Random actions after the tree's leaf in each simulation (default 8). */
  rolloutDepth?: number;
  /** The random actions' stream (default the task's seed). */
  rngSeed?: number;
}

interface Node {
  /** Actions from the root to here. */
  path: string[];
  children: (Node | undefined)[];
  n: number;
  w: number;
  /** The episode ended at this node. */
  done: boolean;
}

export async function mctsSearch(score: DigestScorer, makeEnv: () => TextEnv, actions: readonly string[], task: string, seed: number, maxTurns: number, o: MctsOptions = {}): Promise<SearchResult> {
  const simulations = o.simulations ?? 128;
  const c = o.c ?? 1;
  const depth = o.rolloutDepth ?? 8;
  const rng = new Rng(o.rngSeed ?? seed);
  const node = (path: string[], done: boolean): Node => ({ path, children: new Array(actions.length).fill(undefined), n: 0, w: 0, done });
  const root = node([], false);
  let best: SearchResult = { actions: [], transcript: replay(makeEnv, seed, []).transcript, score: -Infinity };
  for (let s = 0; s < simulations; s++) {
    // Selection: down fully expanded nodes by UCT.
    const trail = [root];
    let at = root;
    while (!at.done && at.path.length < maxTurns && at.children.every((ch) => ch !== undefined)) {
      const lnN = Math.log(at.n);
      let pick = at.children[0]!;
      let pickValue = -Infinity;
      for (const ch of at.children as Node[]) {
        const value = ch.w / ch.n + c * Math.sqrt(lnN / ch.n);
        if (value > pickValue) [pick, pickValue] = [ch, value];
      }
      at = pick;
      trail.push(at);
    }
    // Expansion: the first untried action.
    let path = at.path;
    if (!at.done && at.path.length < maxTurns) {
      const k = at.children.findIndex((ch) => ch === undefined);
      path = [...at.path, actions[k]];
      const child = node(path, replay(makeEnv, seed, path).done);
      at.children[k] = child;
      trail.push(child);
    }
    // Simulation: random actions on, then the judge's score of the attempt.
    const rollout = [...path];
    for (let t = 0; t < depth && rollout.length < maxTurns; t++) rollout.push(actions[rng.int(actions.length)]);
    const attempt = replay(makeEnv, seed, rollout);
    const [value] = await score(task, [digest(attempt.transcript)]);
    if (value > best.score) best = { actions: rollout.slice(0, attempt.steps), transcript: attempt.transcript, score: value };
    for (const n of trail) {
      n.n++;
      n.w += value;
    }
  }
  return best;
}
