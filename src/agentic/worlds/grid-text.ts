/**
 * Every rewardlab gridworld as a text world. The observation is the
 * agent's egocentric view put into words: the mission, which way it faces,
 * what it carries, how far it can walk ahead, and each object it sees with
 * its distance ahead and to the side. An action is one of MiniGrid's words
 * (left, right, forward, pickup, drop, toggle, done), named on a line
 * `Action: WORD` (or alone). The step is the gridworld's own, under a
 * reward spec, so every spec (events, potentials, reward machines) pays an
 * LLM agent per turn, with each term's share.
 */
import { UserError } from "../../core/errors.js";
import { envSpec } from "../../envs/registry.js";
import type { GridEnv } from "../../envs/grid/engine.js";
import { ACTION_NAMES, describeCell, T } from "../../envs/grid/objects.js";
import { makeRewarded } from "../../rewards/make.js";
import { parseToolCalls } from "../scorers/toolrl.js";
import type { TextEnv, TextStep, TextTool } from "./text-env.js";

const DIRECTIONS = ["east", "south", "west", "north"] as const;

/** Cells that say nothing worth a word: unseen, empty floor, walls (walls ahead are told apart). */
const SILENT = new Set<number>([T.unseen, T.empty, T.wall, T.floor]);

export interface GridTextOptions {
  kwargs?: Record<string, unknown>;
  /** The reward spec (default: the task's own reward). */
  reward?: unknown;
}

export function gridTextEnv(id: string, options: GridTextOptions = {}): TextEnv {
  const spec = envSpec(id, "env.id");
  if (spec.family !== "grid") throw new UserError("env.id", `text worlds are made from gridworlds; ${spec.id} is a ${spec.family} environment`);
  const rv = makeRewarded(spec.id, 1, options.reward ?? { terms: [{ kind: "task" }] }, { kwargs: options.kwargs });
  const vec = rv.vec;
  const core = vec.cores[0] as GridEnv;
  if (core.fullObs) throw new UserError("env.kwargs", "text worlds describe the agent's own view; drop fullObs");
  const termNames = rv.program.terms.map((t) => t.name);
  const successMask = vec.successMask();
  const action = new Int32Array(1);
  const vs = core.viewSize;

  /** The view in `obs` (viewSize² cells × 3 channels, agent at the bottom centre facing up), in words. */
  const describe = (obs: Float32Array): string => {
    const at = (vx: number, vy: number) => {
      const o = (vx * vs + vy) * 3;
      return obs[o] | (obs[o + 1] << 8) | (obs[o + 2] << 16);
    };
    const hs = vs >> 1;
    const carried = at(hs, vs - 1);
    let free = 0;
    let blocker = "";
    for (let a = 1; a < vs; a++) {
      const c = at(hs, vs - 1 - a);
      const t = c & 0xff;
      if (t === T.empty || t === T.floor) free++;
      else {
        blocker = t === T.unseen ? "what you cannot see" : named(c);
        break;
      }
    }
    const seen: string[] = [];
    for (let a = 0; a < vs; a++) {
      for (let b = -hs; b <= hs; b++) {
        if (a === 0 && b === 0) continue;
        const c = at(hs + b, vs - 1 - a);
        if (SILENT.has(c & 0xff)) continue;
        const side = b === 0 ? "" : `${a === 0 ? "" : ", "}${Math.abs(b)} to the ${b > 0 ? "right" : "left"}`;
        seen.push(`${named(c)} ${a === 0 ? "" : `${a} ahead`}${side}`.trim());
      }
    }
    const ahead = blocker ? `${free === 0 ? "Right in front of you" : `Ahead: ${free} free step${free === 1 ? "" : "s"}, then`} ${free === 0 ? "is " : ""}${blocker}.` : `Ahead: ${free} free steps as far as you can see.`;
    return [
      `Mission: ${core.mission}.`,
      `You face ${DIRECTIONS[core.agentDir]}. You carry ${(carried & 0xff) !== T.empty && (carried & 0xff) !== T.unseen ? named(carried) : "nothing"}.`,
      ahead,
      `You see: ${seen.length ? seen.join("; ") : "nothing but walls and floor"}.`,
    ].join("\n");
  };

  const system = [
    `You are an agent in a gridworld (${spec.id}: ${spec.summary}).`,
    "Each turn you are told what you see from where you stand: distances are in steps ahead of you and to your left or right.",
    `Actions: left and right turn you in place; forward moves one step ahead; pickup takes the object in front of you; drop puts what you carry in front of you; toggle opens, closes or unlocks (with the key of its colour) the door in front of you${ACTION_NAMES.includes("done") ? "; done says you have finished" : ""}.`,
    "Think briefly if you like, then end your reply with one line: Action: WORD, WORD one of left, right, forward, pickup, drop, toggle, done.",
  ].join("\n");

  const tools: TextTool[] = [
    {
      type: "function",
      function: { name: "act", description: "Take one action in the gridworld.", parameters: { type: "object", properties: { action: { type: "string", enum: [...ACTION_NAMES] } }, required: ["action"], additionalProperties: false } },
    },
  ];

  return {
    id: spec.id,
    system,
    tools,
    reset(seed) {
      rv.reset(seed);
      return describe(vec.obs);
    },
    step(message): TextStep {
      const word = parseAction(message);
      const k = word === undefined ? -1 : ACTION_NAMES.indexOf(word as (typeof ACTION_NAMES)[number]);
      if (k < 0) {
        const invalid = word === undefined ? "no action named" : `"${word}" is not an action`;
        return { observation: `That was not an action (${invalid}). End your reply with one line: Action: WORD, WORD one of ${ACTION_NAMES.join(", ")}.`, reward: 0, primary: 0, terms: {}, events: [], terminated: false, truncated: false, invalid };
      }
      action[0] = k;
      rv.step(action);
      const terms: Record<string, number> = {};
      termNames.forEach((name, j) => (terms[name] = rv.reward.terms[j][0]));
      const terminated = vec.terminated[0] === 1;
      const truncated = vec.truncated[0] === 1;
      const success = successMask !== 0 ? (vec.events[0] & successMask) !== 0 : undefined;
      const observation = terminated || truncated ? (success ? "The episode is over: you succeeded." : terminated ? "The episode is over: you failed." : "The episode is over: you ran out of steps.") : describe(vec.obs);
      return {
        observation,
        reward: rv.reward.total64[0],
        primary: rv.reward.primary[0],
        terms,
        events: vec.eventsOf(0),
        terminated,
        truncated,
        action: ACTION_NAMES[k],
        ...(success !== undefined ? { success } : {}),
      };
    },
  };
}

/** A cell with its article: "a yellow key", "an open red door", "the goal", "lava". */
function named(c: number): string {
  const t = c & 0xff;
  if (t === T.goal) return "the goal";
  if (t === T.lava) return "lava";
  const d = describeCell(c);
  return `${/^[aeiou]/.test(d) ? "an" : "a"} ${d}`;
}

/**
 * The action a message names: a call of the `act` tool
 * (`<tool_call>{"name": "act", "arguments": {"action": "forward"}}</tool_call>`,
 * the last one), else its last `Action: WORD` line, or the whole message
 * when it is one word.
 */
export function parseAction(message: string): string | undefined {
  if (message.includes("<tool_call>")) {
    const parsed = parseToolCalls(message);
    const calls = "calls" in parsed ? parsed.calls.filter((c) => c.name === "act") : [];
    const last = calls[calls.length - 1];
    if (last && typeof last.args.action === "string") return last.args.action.toLowerCase();
  }
  const named = [...message.matchAll(/action\s*[:=]\s*\**\s*([a-z_]+)/gi)];
  if (named.length) return named[named.length - 1][1].toLowerCase();
  const word = message.trim().replace(/[.!*`"']/g, "").toLowerCase();
  return /^[a-z_]+$/.test(word) ? word : undefined;
}
