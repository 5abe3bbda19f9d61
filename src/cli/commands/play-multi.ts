/**
 * `rewardlab play ID --agent NAME` for a multi-agent environment: a person
 * takes one agent's seat (digit keys choose its action) while the others
 * follow a rule or a stored run's policy (`--others random|action:N|run:ID`).
 * Each step shows the table (its `render()` where it has one), the person's
 * reward and events, and what the others did. Keys may be piped in, which
 * is how it is tested.
 */
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { makeParallel } from "../../envs/multi/registry.js";
import { storedPolicy, type StoredPolicy } from "../../runs/policy.js";
import { defaultStoreLocation, openStore } from "../../runs/store/index.js";
import { intOption, kwargsOption } from "../args.js";
import { readKeys, type PlayIO } from "../keys.js";

export interface PlayMultiOptions {
  seed?: string;
  kwargs?: string;
  agent?: string;
  others?: string;
  db?: string;
}

export async function playMulti(id: string, opts: PlayMultiOptions, io: PlayIO): Promise<void> {
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const kwargs = kwargsOption(opts.kwargs);
  const env = makeParallel(id, { kwargs });
  const names = env.possibleAgents;
  const me = opts.agent ?? names[0];
  if (!names.includes(me)) throw new UserError("--agent", `expected one of ${names.join(", ")}, got ${JSON.stringify(me)}`);
  const actions = (env.core.actionSpace as { n: number }).n;
  const others = await otherPolicy(opts.others ?? "random", actions, id, opts.db);
  const rng = new Rng(seed);
  const { input, output } = io;
  const tty = !!output.isTTY;
  let episode = 1;
  let ret = 0;
  let status = "";
  let { observations } = env.reset(seed);
  const render = () => {
    const r = (env.core as { render?: () => string }).render;
    return typeof r === "function" ? r.call(env.core) : `step ${env.core.stepCount}/${env.core.maxSteps}`;
  };
  const draw = () => {
    if (tty) output.write("\x1b[2J\x1b[H");
    output.write([`${id}  you are ${me}  seed ${seed}  episode ${episode}`, render(), status, `keys: 0–${actions - 1} your action  r new episode  q quit`].join("\n") + "\n");
  };
  draw();
  await readKeys(input, (str, key) => {
    const name = key ?? str;
    if (name === "r") {
      episode++;
      ({ observations } = env.reset(seed + episode - 1));
      ret = 0;
      status = "new episode";
      return draw();
    }
    const action = str !== undefined && /^\d$/.test(str) ? Number(str) : NaN;
    if (!(action < actions)) return;
    const chosen: Record<string, number> = {};
    for (const a of env.agents) chosen[a] = a === me ? action : others(observations[a], rng);
    const s = env.step(chosen);
    observations = s.observations;
    ret += s.rewards[me];
    const events = s.infos[me].events.length ? s.infos[me].events.join(", ") : "none";
    const theirs = names.filter((a) => a !== me).map((a) => `${a} ${chosen[a]}`).join(", ");
    status = `you: action ${action}, reward ${s.rewards[me].toFixed(3)}, return ${ret.toFixed(3)}, events ${events}; others: ${theirs}`;
    if (env.agents.length === 0) {
      status += `\nepisode ${episode} over: your return ${ret.toFixed(3)}; new episode`;
      episode++;
      ({ observations } = env.reset(seed + episode - 1));
      ret = 0;
    }
    draw();
  });
}

/** What the other agents do: `random`, `action:N`, or `run:ID` (a stored run's policy on the same environment). */
async function otherPolicy(text: string, actions: number, id: string, db: string | undefined): Promise<(obs: Float32Array, rng: Rng) => number> {
  if (text === "random") return (_obs, rng) => rng.int(actions);
  const fixed = /^action:(\d+)$/.exec(text);
  if (fixed && Number(fixed[1]) < actions) return () => Number(fixed[1]);
  const run = /^run:(.+)$/.exec(text);
  if (!run) throw new UserError("--others", `expected random, action:N with N from 0 to ${actions - 1}, or run:ID, got ${JSON.stringify(text)}`);
  const store = await openStore(db ?? defaultStoreLocation(), { create: false });
  let policy: StoredPolicy;
  try {
    policy = await storedPolicy(store, run[1], "--others");
  } finally {
    await store.close();
  }
  if (policy.env.toLowerCase() !== id.toLowerCase()) throw new UserError("--others", `run ${policy.runId} played ${policy.env}, not ${id}`);
  return (obs, rng) => policy.act(obs, rng);
}
