/**
 * `rewardlab play ID`: play a gridworld with the keyboard. Each step shows
 * the grid, the reward, the return so far and the events the step raised,
 * so one can see what a reward spec would see.
 *
 * Keys: ← → turn, ↑ forward, p pickup, d drop, t toggle, space or enter done,
 * r new episode, q or Esc quit. Standard input need not be a terminal: keys
 * may be piped in (arrow keys as escape sequences), which is how it is tested.
 */
import { UserError } from "../../core/errors.js";
import type { GridEnv } from "../../envs/grid/engine.js";
import { ACTION_NAMES, A } from "../../envs/grid/objects.js";
import { renderGrid } from "../../envs/grid/render.js";
import { isParallelEnv } from "../../envs/multi/registry.js";
import { envSpec, make } from "../../envs/registry.js";
import { appendDemonstration, DEMONSTRATION_FORMAT } from "../../learn/demos/demos.js";
import { intOption, kwargsOption } from "../args.js";
import { readKeys, type PlayIO } from "../keys.js";
import { checkOutputFile } from "../output.js";

const KEYS: Record<string, number> = { left: A.left, right: A.right, up: A.forward, p: A.pickup, d: A.drop, t: A.toggle, space: A.done, return: A.done, enter: A.done };

export type { PlayIO };

export async function play(id: string, opts: { seed?: string; kwargs?: string; record?: string; agent?: string; others?: string; db?: string }, io: PlayIO = { input: process.stdin, output: process.stdout }): Promise<void> {
  // A multi-agent environment: the person takes one seat (play-multi.ts).
  if (isParallelEnv(id)) {
    if (opts.record !== undefined) throw new UserError("--record", "records single-agent demonstrations; a multi-agent game is played without it");
    return (await import("./play-multi.js")).playMulti(id, opts, io);
  }
  if (opts.agent !== undefined || opts.others !== undefined) throw new UserError(opts.agent !== undefined ? "--agent" : "--others", `${id} has one agent: --agent and --others are for multi-agent games`);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const spec = envSpec(id, "play");
  if (spec.family !== "grid") throw new UserError("play", `only gridworlds can be played in the terminal; ${spec.id} is a ${spec.family} environment`);
  const env = make(spec.id, { kwargs: kwargsOption(opts.kwargs) });
  const record = opts.record;
  if (record !== undefined) checkOutputFile(record, "--record");
  const core = env.core as GridEnv;
  const tty = !!io.output.isTTY;
  const { input, output } = io;
  let episode = 1;
  let ret = 0;
  let status = "";
  // With --record, each episode that ends is appended as a demonstration (its seed and actions replay it).
  let episodeSeed = seed;
  let actions: number[] = [];
  const kwargs = kwargsOption(opts.kwargs) ?? {};
  const newEpisode = () => {
    episodeSeed = seed + episode - 1;
    actions = [];
    env.reset(episodeSeed);
  };
  env.reset(seed);

  const draw = () => {
    if (tty) output.write("\x1b[2J\x1b[H");
    const lines = [
      `${spec.id}  seed ${episodeSeed}  episode ${episode}  step ${core.stepCount}/${core.maxSteps}`,
      `mission: ${core.mission}`,
      renderGrid(core, tty),
      status,
      "keys: ←/→ turn  ↑ forward  p pickup  d drop  t toggle  space done  r reset  q quit",
    ];
    output.write(lines.join("\n") + "\n");
  };

  draw();
  await readKeys(input, (_text, name) => {
    if (!name) return;
    if (name === "r") {
      episode++;
      newEpisode();
      ret = 0;
      status = "new episode";
      return draw();
    }
    const action = KEYS[name];
    if (action === undefined || action >= core.actionSpace.n) return;
    const s = env.step(action);
    actions.push(action);
    ret += s.reward;
    const events = s.info.events.length ? s.info.events.join(", ") : "none";
    status = `${ACTION_NAMES[action]}: reward ${s.reward.toFixed(3)}  return ${ret.toFixed(3)}  events ${events}`;
    if (s.terminated || s.truncated) {
      status += `\nepisode ${episode} ${s.terminated ? "terminated" : "truncated"} with return ${ret.toFixed(3)}; new episode`;
      if (record) {
        appendDemonstration(record, { format: DEMONSTRATION_FORMAT, env: spec.id, kwargs, seed: episodeSeed, actions, by: "human" });
        status += ` (recorded in ${record})`;
      }
      episode++;
      newEpisode();
      ret = 0;
    }
    draw();
  });
}
