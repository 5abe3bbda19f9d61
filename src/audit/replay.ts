/**
 * Watching the agent: episodes of a stored run's policy replayed on a
 * gridworld, with the events of every step and how often each state comes
 * back. A state the agent returns to again and again within one episode is
 * a cycle: the shape reward farming takes.
 */
import { Rng } from "../core/rng.js";
import type { GridEnv } from "../envs/grid/engine.js";
import { ACTION_NAMES } from "../envs/grid/objects.js";
import { renderGrid } from "../envs/grid/render.js";
import { make } from "../envs/registry.js";
import type { StoredPolicy } from "../runs/policy.js";

export interface ReplayedEpisode {
  seed: number;
  length: number;
  taskReturn: number;
  /** How many times each event fired. */
  events: Record<string, number>;
  /** The state visited most often, if any was visited 3 times or more: its visits, the actions of one loop, and its picture. */
  cycle?: { visits: number; actions: string[]; picture: string };
}

export function replayPolicy(policy: StoredPolicy, episodes: number, seed: number): ReplayedEpisode[] {
  const env = make(policy.env, { kwargs: policy.kwargs });
  const core = env.core as GridEnv;
  if (typeof (core as Partial<GridEnv>).stateKey !== "function") return [];
  const rng = new Rng(seed);
  const out: ReplayedEpisode[] = [];
  for (let k = 0; k < episodes; k++) {
    let obs = env.reset(seed + k).obs;
    const visits = new Map<string, number[]>();
    const actions: number[] = [];
    const events: Record<string, number> = {};
    let taskReturn = 0;
    for (let t = 0; ; t++) {
      const key = core.stateKey();
      visits.set(key, [...(visits.get(key) ?? []), t]);
      const a = policy.act(obs, rng);
      actions.push(a);
      const r = env.step(a);
      taskReturn += r.reward;
      core.events.forEach((name, bit) => {
        if (core.eventMask & (2 ** bit)) events[name] = (events[name] ?? 0) + 1;
      });
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    const [key, times] = [...visits].sort((x, y) => y[1].length - x[1].length)[0] ?? [];
    let cycle: ReplayedEpisode["cycle"];
    if (key !== undefined && times.length >= 3) {
      // Replay up to the second visit to draw the state, and name the actions of one loop.
      env.reset(seed + k);
      for (let t = 0; t < times[1]; t++) env.step(actions[t]);
      cycle = { visits: times.length, actions: actions.slice(times[1], times[2]).map((a) => ACTION_NAMES[a] ?? String(a)), picture: renderGrid(core) };
    }
    out.push({ seed: seed + k, length: actions.length, taskReturn, events, cycle });
  }
  return out;
}
