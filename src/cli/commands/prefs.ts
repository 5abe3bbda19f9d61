/**
 * `rewardlab prefs label --env ID --out prefs.jsonl`: a person compares
 * pairs of clips in the terminal and each answer is appended to a JSON
 * Lines file (src/learn/preferences/data.ts), ready for `learn-reward`.
 *
 * The two clips play side by side, frame by frame, on a loop (on a
 * terminal; piped output shows each clip's first and last frames). Keys:
 * ← or l the left clip is better, → or r the right, e equally good,
 * s skip, q quit. Sessions resume: pairs are drawn from the seed, and the
 * pairs already in the file are not asked again. With `--policy RUN_ID` the
 * clips are played by a stored run's policy (its latest checkpoint) instead
 * of random actions: people judge what the agent actually does.
 */
import { UserError } from "../../core/errors.js";
import { envSpec } from "../../envs/registry.js";
import { storedPolicy, type StoredPolicy } from "../../runs/policy.js";
import { defaultStoreLocation, openStore } from "../../runs/store/index.js";
import { appendPreference, clipPair, PREFERENCE_FORMAT, readPreferences, replayClip, type PreferenceRecord } from "../../learn/preferences/data.js";
import { intOption, kwargsOption } from "../args.js";
import { checkOutputFile } from "../output.js";
import { readKeys, type PlayIO } from "../keys.js";

export interface LabelOptions {
  env?: string;
  kwargs?: string;
  out?: string;
  pairs?: string;
  length?: string;
  seed?: string;
  policy?: string;
  db?: string | false;
}

const ANSWERS: Record<string, PreferenceRecord["label"]> = { left: "left", l: "left", right: "right", r: "right", e: "equal", s: "skip" };

/** Two multi-line frames side by side, the left padded to its widest line. */
export function sideBySide(left: string, right: string, gap = 6): string {
  const a = left.split("\n");
  const b = right.split("\n");
  const width = Math.max(...a.map((l) => l.length));
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? "").padEnd(width + gap) + (b[i] ?? "")).join("\n");
}

export async function label(opts: LabelOptions, io: PlayIO = { input: process.stdin, output: process.stdout }): Promise<void> {
  const policy = opts.policy ? await loadPolicy(opts.policy, opts.db) : undefined;
  if (policy && opts.env && envSpec(opts.env, "--env").id !== policy.env) throw new UserError("--env", `${opts.env} is not the environment of run ${policy.runId} (${policy.env}); drop --env or pick a run trained on it`);
  const envId = opts.env ?? policy?.env;
  if (!envId) throw new UserError("--env", "missing; expected a gridworld id (or --policy RUN_ID)");
  const spec = envSpec(envId, "--env");
  if (spec.family !== "grid") throw new UserError("--env", `clips are shown as gridworld frames; ${spec.id} is a ${spec.family} environment`);
  if (!opts.out) throw new UserError("--out", "missing; expected the JSONL file to append labels to");
  checkOutputFile(opts.out, "--out");
  const kwargs = kwargsOption(opts.kwargs) ?? policy?.kwargs ?? {};
  const pairs = intOption(opts.pairs ?? "20", "--pairs", 1);
  const length = intOption(opts.length ?? "12", "--length", 1);
  const seed = intOption(opts.seed ?? "0", "--seed", 0);
  const done = new Set(readPreferences(opts.out).filter((r) => r.env === spec.id).map((r) => r.pair));
  const todo = Array.from({ length: pairs }, (_, k) => k).filter((k) => !done.has(k));
  const { input, output } = io;
  const tty = !!output.isTTY;
  output.write(`Labelling ${spec.id}${policy ? ` played by run ${policy.runId} (step ${policy.step})` : ""}: ${todo.length} of ${pairs} pairs to go (${done.size} already in ${opts.out}).\n`);
  if (todo.length === 0) return;

  let timer: NodeJS.Timeout | undefined;
  const show = (k: number) => {
    const [left, right] = clipPair(spec.id, kwargs, seed, k, length, policy?.act);
    const l = replayClip(spec.id, kwargs, left, length).frames;
    const r = replayClip(spec.id, kwargs, right, length).frames;
    const header = `pair ${k + 1}/${pairs}: which clip is better?  ← or l: left   → or r: right   e: equal   s: skip   q: quit\n`;
    if (!tty) {
      output.write(`${header}first frames:\n${sideBySide(l[0], r[0])}\nlast frames:\n${sideBySide(l.at(-1)!, r.at(-1)!)}\n`);
    } else {
      let f = 0;
      const frames = Math.max(l.length, r.length);
      const draw = () => {
        output.write(`\x1b[2J\x1b[H${header}frame ${(f % frames) + 1}/${frames}\n${sideBySide(l[Math.min(f % frames, l.length - 1)], r[Math.min(f % frames, r.length - 1)])}\n`);
        f++;
      };
      draw();
      timer = setInterval(draw, 300);
    }
    return [left, right] as const;
  };

  let i = 0;
  let current = show(todo[0]);
  await readKeys(input, (_text, name) => {
    const answer = name ? ANSWERS[name] : undefined;
    if (!answer) return;
    clearInterval(timer);
    appendPreference(opts.out!, { format: PREFERENCE_FORMAT, env: spec.id, kwargs, pair: todo[i], left: current[0], right: current[1], length, label: answer, by: "human", ...(policy ? { policy: policy.runId } : {}), at: new Date().toISOString() });
    output.write(`pair ${todo[i] + 1}: ${answer}\n`);
    i++;
    if (i === todo.length) {
      output.write(`Done: ${done.size + i} pairs labelled in ${opts.out}.\n`);
      return true;
    }
    current = show(todo[i]);
  });
  clearInterval(timer);
}

async function loadPolicy(id: string, db: string | false | undefined): Promise<StoredPolicy> {
  if (db === false) throw new UserError("--policy", "a run's policy comes from the run store; drop --no-db");
  const store = await openStore(db ?? defaultStoreLocation(), { create: false });
  try {
    return await storedPolicy(store, id);
  } finally {
    await store.close();
  }
}
