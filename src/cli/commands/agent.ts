/**
 * `rewardlab agent run CONFIG --model M [--llm URL]`: a language model plays
 * a text world (any gridworld) for the config's episodes, several at once;
 * the trajectories, with their turn rewards, are written as JSON lines that
 * `rewardlab score`, `serve` and the advantages take as they are. `--record`
 * keeps every exchange, `--replay` plays them again with no model.
 */
import { UserError } from "../../core/errors.js";
import { intOption } from "../args.js";
import { checkOutputFile, writeOutputFile } from "../output.js";
import { progressBar } from "../progress.js";

export interface AgentRunOptions {
  model?: string;
  llm?: string;
  apiKeyEnv?: string;
  record?: string;
  replay?: string;
  episodes?: string;
  seed?: string;
  out?: string;
  json?: boolean;
}

/**
 * The config at `file` with the command's overrides, its text world (built
 * once now: a bad environment or reward is an error before the model is
 * asked anything), and the model the options name.
 */
async function worldAndModel(file: string, opts: AgentRunOptions) {
  const { loadAgentRunConfig } = await import("../../agentic/worlds/config.js");
  const { textWorld } = await import("../../agentic/worlds/index.js");
  const { chatModelFrom } = await import("../../providers/chat.js");
  const config = loadAgentRunConfig(file);
  if (opts.episodes !== undefined) config.episodes = intOption(opts.episodes, "--episodes", 1, 100_000);
  if (opts.seed !== undefined) config.seed = intOption(opts.seed, "--seed", 0);
  const makeEnv = () => textWorld(config.env.id, { kwargs: config.env.kwargs, reward: config.reward });
  makeEnv();
  return {
    config,
    makeEnv,
    model: () => {
      if (opts.replay === undefined && opts.model === undefined) throw new UserError("--model", "expected the model's name (with --llm URL for a local server), or --replay CASSETTE");
      return chatModelFrom({ model: opts.model, baseURL: opts.llm, apiKeyEnv: opts.apiKeyEnv, record: opts.record, replay: opts.replay });
    },
  };
}

/** `trajectories/<env>-<what><time>.jsonl`. */
const defaultOut = (env: string, what = "") => `trajectories/${env}-${what}${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}.jsonl`;

const jsonLines = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");

export async function agentRun(file: string, opts: AgentRunOptions): Promise<void> {
  const { rollout } = await import("../../agentic/worlds/runner.js");
  const { reflexion } = await import("../../agentic/worlds/reflexion.js");
  const { config, makeEnv, model: modelOf } = await worldAndModel(file, opts);
  if (config.credit && config.attempts > 1) throw new UserError("credit", "turn advantages are for groups of single attempts; drop attempts or credit");
  const model = modelOf();
  const out = opts.out ?? defaultOut(config.env.id);
  checkOutputFile(out, "--out", { createDirs: true });
  const bar = opts.json || config.attempts > 1 ? undefined : progressBar(config.episodes, "episodes");
  let done = 0;
  const options = {
    episodes: config.episodes,
    seed: config.seed,
    group: config.group,
    maxTurns: config.maxTurns,
    concurrency: config.concurrency,
    ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
    ...(config.maxTokens !== undefined ? { maxTokens: config.maxTokens } : {}),
    ...(config.tokenBudget !== undefined ? { tokenBudget: config.tokenBudget } : {}),
    ...(config.timeLimitSeconds !== undefined ? { timeLimitMs: config.timeLimitSeconds * 1000 } : {}),
  };
  let trajectories;
  let reflections;
  if (config.attempts > 1) {
    const r = await reflexion(model, makeEnv, { ...options, attempts: config.attempts });
    // The summary is of each task's last attempt; every attempt is written.
    trajectories = r.attempts.map((tried) => tried[tried.length - 1]);
    reflections = r.reflections;
    writeOutputFile(out, jsonLines(r.attempts.flat()), "--out", { createDirs: true });
    writeOutputFile(out.replace(/(\.jsonl)?$/, ".reflections.jsonl"), jsonLines(reflections), "--out", { createDirs: true });
  } else {
    trajectories = await rollout(model, makeEnv, options, () => bar?.update(++done));
    if (config.credit) {
      const { turnAdvantages } = await import("../../agentic/worlds/credit.js");
      const A = turnAdvantages(trajectories, config.credit);
      trajectories.forEach((t, i) => (t.metadata.turnAdvantages = A[i]));
    }
    writeOutputFile(out, jsonLines(trajectories), "--out", { createDirs: true });
  }
  bar?.stop();
  type Meta = { success: boolean | null; primaryReturn: number; return: number; turns: number; invalid: number; ended: string };
  const metas = trajectories.map((t) => t.metadata as unknown as Meta);
  const mean = (f: (m: Meta) => number) => metas.reduce((a, m) => a + f(m), 0) / metas.length;
  const withSuccess = metas.filter((m) => m.success !== null);
  const ended: Record<string, number> = {};
  for (const m of metas) ended[m.ended] = (ended[m.ended] ?? 0) + 1;
  const summary = {
    episodes: metas.length,
    success: withSuccess.length ? withSuccess.filter((m) => m.success).length / withSuccess.length : null,
    primaryReturn: mean((m) => m.primaryReturn),
    return: mean((m) => m.return),
    turns: mean((m) => m.turns),
    invalid: metas.reduce((a, m) => a + m.invalid, 0),
    ended,
    ...(reflections ? { reflections: reflections.length, reflectionScore: reflections.filter((r) => r.score !== null).reduce((a, r, _, all) => a + r.score! / all.length, 0) } : {}),
    calls: model.usage.calls,
    tokens: { prompt: model.usage.prompt, completion: model.usage.completion },
    out,
  };
  if (opts.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(`${model.model} on ${config.env.id}: ${summary.episodes} episodes (seeds ${config.seed}–${config.seed + config.episodes - 1})`);
  console.log(`  success ${summary.success === null ? "—" : summary.success.toFixed(2)}, task return ${summary.primaryReturn.toFixed(3)} (reward ${summary.return.toFixed(3)}), ${summary.turns.toFixed(1)} turns, ${summary.invalid} replies without an action`);
  console.log(`  ended: ${Object.entries(ended).map(([k, v]) => `${k} ${v}`).join(", ")}; ${summary.calls} calls, ${summary.tokens.prompt} prompt + ${summary.tokens.completion} completion tokens`);
  if (reflections) console.log(`  ${config.attempts} attempts at most per task; ${reflections.length} reflections, mean score ${(summary.reflectionScore ?? 0).toFixed(3)} (the task return that followed, minus the one before); the summary is of each task's last attempt`);
  console.log(`trajectories: ${out}`);
}

export interface AgentStudyOptions {
  policy?: string;
  env?: string;
  reward?: string;
  seeds?: string;
  steps?: string;
  episodes?: string;
  learners?: string;
  transfer?: string;
}

/**
 * `rewardlab agent study`: dense against sparse turn rewards, and the
 * learners against each other, with the in-process text policy on a text
 * world (A Practitioner's Guide to Multi-turn Agentic RL, on a CPU).
 */
export async function agentStudy(opts: AgentStudyOptions): Promise<void> {
  const { textWorld, TEXT_WORLDS } = await import("../../agentic/worlds/index.js");
  const { textStudy } = await import("../../agentic/worlds/study.js");
  const { ACTION_NAMES } = await import("../../envs/grid/objects.js");
  const { readConfigFile } = await import("../../core/config.js");
  const { seedEstimate } = await import("../../core/rliable-bootstrap.js");
  const { Rng } = await import("../../core/rng.js");
  const { versusBest, versusLines } = await import("../../runs/seed-verdicts.js");
  const { seedsOption, listOption } = await import("../args.js");
  const id = opts.env ?? "DoorKey-5x5";
  const { describeEnv } = await import("../../envs/registry.js");
  // The default dense turn rewards: the hand-written potential (holding the key, an open door) where there is a door, else nearness to the goal.
  const hasDoor = describeEnv(id).features.some((f) => f.name === "door.open");
  const phi = hasDoor ? "0.5 * carrying.key + 0.5 * door.open" : "-0.1 * goal.distance";
  const reward = opts.reward !== undefined ? readConfigFile(opts.reward) : { terms: [{ kind: "task" }, { name: "progress", kind: "potential", phi, gamma: 0.99 }] };
  const makeWorld = () => textWorld(id, { reward });
  makeWorld();
  const seeds = seedsOption(opts.seeds ?? "5");
  const steps = intOption(opts.steps ?? "100000", "--steps", 512, 10_000_000);
  const episodes = intOption(opts.episodes ?? "64", "--episodes", 1, 100_000);
  const learners = (listOption(opts.learners ?? "ppo,grpo,rloo", "--learners", ["ppo", "grpo", "rloo"]) ?? ["ppo"]) as ("ppo" | "grpo" | "rloo")[];
  const LEARNERS = { ppo: { algo: "ppo", numSteps: 64 }, grpo: { algo: "reinforce", baseline: "grpo" }, rloo: { algo: "reinforce", baseline: "rloo" } };
  const core = { actions: ACTION_NAMES.slice(0, 6), maxSteps: 100 };
  const policy = opts.policy ?? "words";
  if (policy !== "words" && policy !== "tokens") throw new UserError("--policy", `expected words (hashed words into any learner) or tokens (the token-level GRU), got ${JSON.stringify(policy)}`);
  const arms = learners.flatMap((name) => (["dense", "sparse"] as const).map((rewards) => ({ name: `${name} ${rewards}`, learner: LEARNERS[name] as never, rewards, ...(policy === "tokens" ? { tokens: name } : {}) })));
  const transferIds = (opts.transfer ?? "").split(",").map((t) => t.trim()).filter(Boolean);
  const transfer = Object.fromEntries(transferIds.map((tid) => [tid, () => textWorld(tid, { reward })]));
  if (opts.transfer !== undefined && transferIds.length === 0) throw new UserError("--transfer", "expected a comma-separated list of gridworld ids");
  for (const tid of transferIds) {
    try {
      if (TEXT_WORLDS.includes(tid)) throw new UserError("--transfer", `${tid} is not a gridworld: a policy trained on ${id} has no actions there`);
      transfer[tid]();
    } catch (e) {
      throw e instanceof UserError && e.path !== "--transfer" ? new UserError("--transfer", `${tid}: ${e.problem}`) : e;
    }
  }
  const bar = progressBar(arms.length * seeds.length, "runs");
  let done = 0;
  const t0 = performance.now();
  const results = textStudy(makeWorld, core, arms, seeds, steps, episodes, () => bar.update(++done), transfer);
  bar.stop();
  console.log(`${id} as text, the in-process text policy (${policy === "tokens" ? "a GRU over the words" : "hashed words"}), ${steps.toLocaleString("en")} steps per run, seeds ${seeds.join(", ")}; ${episodes} held-out episodes per run; ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  const table = (rows: { name: string; primary: number[]; success: number[] }[]) => {
    console.log(`${"arm".padEnd(16)} ${"task return, IQM [95%]".padEnd(26)} ${"success, IQM [95%]".padEnd(22)} per seed (task return)`);
    for (const r of rows) {
      const p = seedEstimate(r.primary, "iqm", new Rng(0));
      const s = seedEstimate(r.success, "iqm", new Rng(0));
      console.log(`${r.name.padEnd(16)} ${`${p.point.toFixed(3)} [${p.lo.toFixed(3)}, ${p.hi.toFixed(3)}]`.padEnd(26)} ${`${s.point.toFixed(2)} [${s.lo.toFixed(2)}, ${s.hi.toFixed(2)}]`.padEnd(22)} ${r.primary.map((v) => v.toFixed(3)).join(" ")}`);
    }
  };
  table(results);
  for (const tid of transferIds) {
    console.log(`\nThe same policies on ${tid} (trained on ${id}):`);
    table(results.map((r) => ({ name: r.name, ...r.transfer[tid] })));
  }
  console.log("");
  const designs = results.map((r) => ({ name: r.name, values: r.primary }));
  const lines = versusLines(designs, versusBest(designs), "the task return");
  // The question asked directly, for each learner: dense against sparse (unless the line above already says it).
  for (const name of learners) {
    const pair = results.filter((r) => r.name.startsWith(`${name} `)).map((r) => ({ name: r.name, values: r.primary }));
    if (pair.length === 2) lines.push(...versusLines(pair, versusBest(pair), "the task return"));
  }
  for (const line of new Set(lines)) console.log(line);
}

export interface AgentExportOptions extends AgentRunOptions {
  format?: string;
}

/**
 * `rewardlab agent export CONFIG --format verl|trl --out rows.jsonl`: the
 * config's episodes as data rows for a trainer's multi-turn rollouts, played
 * through `rewardlab serve` by examples/verl/rewardlab_interaction.py (verl)
 * or examples/trl/rewardlab_environment.py (TRL's environment_factory).
 */
export async function agentExport(file: string, opts: AgentExportOptions): Promise<void> {
  const { EXPORT_FORMATS, exportRows } = await import("../../agentic/worlds/export.js");
  const format = opts.format ?? "verl";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UserError("--format", `expected one of ${EXPORT_FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
  const { config, makeEnv } = await worldAndModel(file, opts);
  const out = opts.out ?? `${config.env.id}-${format}.jsonl`;
  checkOutputFile(out, "--out", { createDirs: true });
  const rows = exportRows(format as (typeof EXPORT_FORMATS)[number], config, makeEnv());
  writeOutputFile(out, rows.map((r) => JSON.stringify(r)).join("\n") + "\n", "--out", { createDirs: true });
  const last = config.seed + Math.floor((config.episodes - 1) / config.group);
  const player = format === "verl" ? "examples/verl/rewardlab_interaction.py" : "examples/trl/rewardlab_environment.py (environment_factory=ENVIRONMENTS)";
  console.log(`${rows.length} ${format} rows (${config.env.id}, seeds ${config.seed}–${last}) written to ${out}; play them with ${player} against rewardlab serve`);
}

export interface AgentPaeOptions extends AgentRunOptions {
  rounds?: string;
  tasks?: string;
  description?: string;
}

/**
 * `rewardlab agent pae CONFIG --model M`: PAE on the config's world: the
 * model proposes tasks, attempts each for the config's episodes, and judges
 * every attempt; prints each round's tasks with their success rates and
 * writes every judged attempt (the task and the verdict in its metadata).
 */
export async function agentPae(file: string, opts: AgentPaeOptions): Promise<void> {
  const { proposerAgentEvaluator } = await import("../../agentic/worlds/pae.js");
  const { describeEnv } = await import("../../envs/registry.js");
  const { config, makeEnv, model: modelOf } = await worldAndModel(file, opts);
  const rounds = intOption(opts.rounds ?? "3", "--rounds", 1, 1000);
  const tasks = intOption(opts.tasks ?? "5", "--tasks", 1, 1000);
  const model = modelOf();
  const out = opts.out ?? defaultOut(config.env.id, "pae-");
  checkOutputFile(out, "--out", { createDirs: true });
  let description = opts.description;
  if (description === undefined) {
    try {
      description = `${config.env.id}: ${describeEnv(config.env.id).summary}`;
    } catch {
      description = config.env.id;
    }
  }
  const result = await proposerAgentEvaluator(model, model, model, makeEnv, { rounds, tasks, description, episodes: config.episodes, seed: config.seed, maxTurns: config.maxTurns, concurrency: config.concurrency, ...(config.temperature !== undefined ? { temperature: config.temperature } : {}) });
  writeOutputFile(out, jsonLines(result.attempts.map((a) => a.trajectory)), "--out", { createDirs: true });
  if (opts.json) {
    console.log(JSON.stringify({ rounds: result.rounds, curriculum: result.curriculum, out, calls: model.usage.calls }));
    return;
  }
  for (const r of result.rounds) {
    console.log(`round ${r.round + 1}:`);
    r.tasks.forEach((t, k) => console.log(`  ${Number.isNaN(r.successRates[k]) ? "   —" : `${Math.round(100 * r.successRates[k])}%`.padStart(4)}  ${t}`));
  }
  console.log(`curriculum (solved sometimes): ${result.curriculum.length ? result.curriculum.join("; ") : "(none)"}`);
  console.log(`${result.attempts.length} judged attempts: ${out}; ${model.usage.calls} calls`);
}

export interface AgentArmapOptions extends AgentRunOptions {
  walks?: string;
  turns?: string;
  task?: string;
  bestOf?: string;
  simulations?: string;
}

/**
 * `rewardlab agent armap CONFIG --model M --task TEXT`: ARMAP on the
 * config's gridworld: random walks, the model's intents and failing
 * negatives, rewardlab's offline reward model trained on them (its
 * accuracy printed), then best-of-N and the small tree search on the task.
 */
export async function agentArmap(file: string, opts: AgentArmapOptions): Promise<void> {
  const armap = await import("../../agentic/worlds/armap.js");
  const { ACTION_NAMES } = await import("../../envs/grid/objects.js");
  const walks = intOption(opts.walks ?? "32", "--walks", 2, 100_000);
  const turns = intOption(opts.turns ?? "8", "--turns", 1, 1000);
  const bestOf = intOption(opts.bestOf ?? "4", "--best-of", 1, 1000);
  const simulations = intOption(opts.simulations ?? "128", "--simulations", 1, 1_000_000);
  if (opts.task === undefined || opts.task.trim() === "") throw new UserError("--task", "expected the task to plan for, in words");
  const { config, makeEnv, model: modelOf } = await worldAndModel(file, opts);
  const model = modelOf();
  const actions = ACTION_NAMES.slice(0, 6);
  const walked = armap.randomWalks(makeEnv, actions, walks, turns, config.seed);
  const { pairs, skipped } = await armap.synthesizeTriplets(model, walked, makeEnv().system);
  if (pairs.length < 2) throw new UserError("--model", `the model gave ${pairs.length} usable intent and negative for ${walks} walks (${skipped[0]?.why ?? "none skipped"}): too few to train on`);
  const report = await armap.trainArmapRewardModel(pairs, config.seed);
  const best = await armap.bestOfN(model, report.head, makeEnv, opts.task, bestOf, { episodes: bestOf, seed: config.seed, maxTurns: config.maxTurns, concurrency: 1, ...(config.temperature !== undefined ? { temperature: config.temperature } : {}) });
  const judge = armap.headScorer(report.head);
  const search = await armap.rewardGuidedSearch(judge, makeEnv, actions, opts.task, config.seed, config.maxTurns);
  const { mctsSearch } = await import("../../agentic/worlds/armap-mcts.js");
  const mcts = await mctsSearch(judge, makeEnv, actions, opts.task, config.seed, config.maxTurns, { simulations });
  const summary = {
    triplets: pairs.length,
    skipped: skipped.length,
    trainAccuracy: report.trainAccuracy,
    heldOutAccuracy: report.heldOutAccuracy,
    bestOf: best.attempts.map((a) => ({ score: a.score, success: (a.trajectory.metadata as { success: boolean | null }).success })),
    picked: best.picked,
    search: { actions: search.actions, score: search.score },
    mcts: { actions: mcts.actions, score: mcts.score, simulations },
    calls: model.usage.calls,
  };
  if (opts.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const pct = (x: number | null) => (x === null ? "—" : `${Math.round(100 * x)}%`);
  console.log(`${walks} random walks of ${turns} actions on ${config.env.id}: ${pairs.length} triplets (${skipped.length} skipped); reward model accuracy ${pct(report.trainAccuracy)} on its training pairs, ${pct(report.heldOutAccuracy)} held out`);
  console.log(`best of ${bestOf} attempts at "${opts.task}": scores ${best.attempts.map((a) => a.score.toFixed(3)).join(", ")}; picked attempt ${best.picked + 1} (success: ${String((best.attempts[best.picked].trajectory.metadata as { success: unknown }).success)})`);
  console.log(`tree search: ${search.actions.join(", ")} (score ${search.score.toFixed(3)})`);
  console.log(`MCTS, ${simulations} simulations: ${mcts.actions.join(", ")} (score ${mcts.score.toFixed(3)})`);
}
