/**
 * The `rewardlab` command line. Commands are declared here and implemented one
 * file each in ./commands, imported only when run. `main` is the one place
 * that decides the exit code: a `UserError` (bad input) prints
 * `error: <path>: <problem>` and gives 2; anything else is a bug: it prints a
 * short report and gives 1.
 */
import { Command, CommanderError, Option } from "commander";
import { ReportedError, UserError } from "../core/errors.js";
import { VERSION } from "../version.js";
import { DB_HELP, NO_DB_HELP, NO_REPORT_HELP, REPORT_HELP, SEEDS_FORMS, STORE_WHERE } from "./program-help.js";
import { registerLanguageModelCommands } from "./program-llm.js";
import { registerScaleCommands } from "./program-scale.js";

function build(): Command {
  const program = new Command("rewardlab")
    .description("A lab for reward engineering: specify, explore, learn, audit and compare rewards.")
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(commanderErrorLine(s)) });

  program
    .command("demo")
    .description("the main job: PPO on DoorKey-6x6 under three reward designs, compared on the task's own reward")
    .option("--steps <n>", "environment steps per run (default: 120000)")
    .option("--seeds <seeds>", `seeds per design: ${SEEDS_FORMS} (default: 5)`)
    .option("--workers <n>", "trainings in parallel (worker threads)", "2")
    .option("--report <path>", REPORT_HELP)
    .option("--no-report", NO_REPORT_HELP)
    .option("--db <path>", DB_HELP + STORE_WHERE)
    .option("--no-db", NO_DB_HELP)
    .action(async (opts) => (await import("./commands/demo.js")).demo(opts));

  program
    .command("train [config]")
    .description("train a run config (YAML/JSON): one run per seed, with progress and a summary; Ctrl-C stops at a checkpoint")
    .option("--seeds <seeds>", `override the config's seeds: ${SEEDS_FORMS}`)
    .option("--steps <n>", "override: environment steps per run")
    .option("--workers <n>", "trainings in parallel", "2")
    .option("--resume <runId>", "continue an interrupted run from its latest checkpoint")
    .option("--report <path>", REPORT_HELP)
    .option("--no-report", NO_REPORT_HELP)
    .option("--db <path>", DB_HELP + STORE_WHERE)
    .option("--no-db", NO_DB_HELP)
    .action(async (config, opts) => (await import("./commands/train.js")).train(config, opts));

  program
    .command("compare <config>")
    .description("train the config under several reward designs and compare them on the primary reward")
    .requiredOption("--rewards <files>", "comma-separated reward spec files")
    .option("--seeds <seeds>", `override the config's seeds: ${SEEDS_FORMS}`)
    .option("--steps <n>", "override: environment steps per run")
    .option("--workers <n>", "trainings in parallel", "2")
    .option("--report <path>", REPORT_HELP)
    .option("--no-report", NO_REPORT_HELP)
    .option("--db <path>", DB_HELP + STORE_WHERE)
    .option("--no-db", NO_DB_HELP)
    .action(async (config, opts) => (await import("./commands/train.js")).compare(config, opts));

  program
    .command("suite <name>")
    .description("a standard study; exploration: PPO × exploration bonuses on sparse gridworlds, contextual and singleton, with success and steps to first success; tampering: does gaming a reward generalize to tampering with it (Tamper-* curriculum, channel vs current reward); social: populations of learners in the society game with punishment, partner selection and reputation switched on one by one, or in the commons harvest with and without sanctions (cooperation, collective return, sustainability, peace); emergent-exploration: does a greedy agent explore with structure and memory, and not without (bandit task families, recurrent vs feed-forward PPO, short horizon; regret against UCB1 and Thompson)")
    .option("--seeds <seeds>", `seeds per bonus and task (tampering: per objective; social: per variant): ${SEEDS_FORMS} (default: 3; social: 5)`)
    .option("--steps <n>", "environment steps per run (exploration: 1000000; tampering: per level, 50000; social: agent-steps, 300000 society, 1000000 commons)")
    .option("--tasks <ids>", "comma-separated environment ids (default: KeyCorridorS3R3, MultiRoom-N4-S5, ObstructedMaze-1Dl, DoorKey-16x16)")
    .option("--bonuses <names>", "comma-separated: none, count, rnd, episodic-count, e3b, count×episodic (default: all)")
    .option("--variants <names>", "comma-separated: contextual, singleton (default: both)")
    .option("--study <name>", "social: society (default: punishment, partner selection, reputation), commons (the zap beam on and off) or donor (the Donor Game over generations, with and without costly punishment)")
    .option("--learner <algo>", "social: ppo (one policy shared by all agents, the default) or ippo (one learner per agent)")
    .option("--societies <ids>", "social: comma-separated society variants (default: Society, Society-DP, Society-DP-TP, Society-DP-TP-PS, Society-DP-TP-PS-Rep)")
    .option("--strategies <kind>", "social --study donor: rules (image scoring, standing, unconditional; the default), learned (independent PPO, --steps per generation, default 20000) or llm (--model, --base-url; --record FILE or --replay FILE)")
    .option("--generations <n>", "social --study donor: generations (default: 10)")
    .option("--games <n>", "social --study donor: games per generation (default: 4)")
    .option("--model <name>", "social --study donor --strategies llm: the chat model at an OpenAI-compatible endpoint")
    .option("--base-url <url>", "social --study donor --strategies llm: the endpoint (default: OPENAI_BASE_URL, else the OpenAI API)")
    .option("--api-key-env <name>", "social --study donor --strategies llm: the environment variable holding the key (default: OPENAI_API_KEY)")
    .option("--record <file>", "social --study donor --strategies llm: append every exchange with the model to this file (JSON lines)")
    .option("--replay <file>", "social --study donor --strategies llm: answer from a recording instead of the model (no network)")
    .option("--arms <n>", "emergent-exploration: arms per bandit (default: 5)")
    .option("--horizon <n>", "emergent-exploration: pulls per episode (default: 10)")
    .option("--episodes <n>", "emergent-exploration: held-out episodes per seed (default: 512)")
    .option("--conditions <names>", "emergent-exploration: comma-separated: structure + memory, no structure, no memory, short horizon (default: all)")
    .option("--workers <n>", "trainings in parallel", "2")
    .option("--report <dir>", "write the reports in this folder (default: reports/exploration-<timestamp>/)")
    .option("--no-report", NO_REPORT_HELP)
    .option("--db <path>", DB_HELP + STORE_WHERE)
    .option("--no-db", NO_DB_HELP)
    .action(async (name, opts) => (await import("./commands/suite.js")).suite(name, opts));

  program
    .command("learn-reward <config>")
    .description("learn a reward from synthetic preference labels and save it for a `kind: learned` reward term")
    .option("--out <path>", "where to write the model (default: learned-<env>.json)")
    .option("--seed <n>", "override the config's seed, which drives the whole run: layouts, the segments' random actions, the labeler's noise, the reward model (unless model.seed) and the RLHF loop's agent")
    .action(async (config, opts) => (await import("./commands/learn-reward.js")).learnReward(config, opts));

  const prefs = program.command("prefs").description("collect preferences from people");
  prefs
    .command("label")
    .description("compare pairs of clips in the terminal (←/l left, →/r right, e equal, s skip, q quit); answers append to a JSONL file, and sessions resume")
    .option("--env <id>", "a gridworld id (default with --policy: the run's)")
    .requiredOption("--out <file>", "JSONL file to append labels to")
    .option("--policy <run>", "play the clips with a stored run's policy (its latest checkpoint) instead of random actions")
    .option("--db <path>", DB_HELP + STORE_WHERE)
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--pairs <n>", "pairs in the session", "20")
    .option("--length <n>", "steps per clip", "12")
    .option("--seed <n>", "seed the pairs are drawn from", "0")
    .action(async (opts) => (await import("./commands/prefs.js")).label(opts));

  program
    .command("qd <config>")
    .description("quality-diversity search (MAP-Elites or novelty search) over small policies, with the archive's coverage")
    .option("--seed <n>", "override the config's seed, which drives the search (initial policies, mutations, the elites picked)")
    .option("--env-seed <n>", "override the config's envSeed: the layout every policy is evaluated on")
    .action(async (config, opts) => (await import("./commands/qd.js")).qd(config, opts));
  registerLanguageModelCommands(program);
  registerScaleCommands(program);

  program
    .command("report <id>")
    .description("a summary table and an HTML report of a stored run or comparison (learning curves, term returns)")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--report <path>", REPORT_HELP)
    .action(async (id, opts) => (await import("./commands/report.js")).report(id, opts));

  const runs = program.command("runs").description("list, inspect, delete, export and import the runs recorded in a run store");
  runs
    .command("list")
    .description("every recorded run, newest first, with its status and recent primary return")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--status <status>", "only runs with this status: running, finished, failed or interrupted")
    .option("--env <id>", "only runs on this environment")
    .option("--comparison <id>", "only runs of this comparison")
    .option("--limit <n>", "at most this many runs")
    .option("--json", "print JSON")
    .action(async (opts) => (await import("./commands/runs.js")).list(opts));
  runs
    .command("show <run>")
    .description("a run's status, config, reward, last metrics and episode summary (an id or a unique start of one)")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--json", "print JSON")
    .action(async (id, opts) => (await import("./commands/runs.js")).show(id, opts));
  runs
    .command("delete <run>")
    .description("delete a run and all its rows")
    .option("--db <path>", "the run store" + STORE_WHERE)
    .option("--yes", "do not ask for confirmation")
    .action(async (id, opts) => (await import("./commands/runs.js")).remove(id, opts));

  runs
    .command("export [runs...]")
    .description("write runs (ids or unique starts; default every run) with all their rows to a JSON Lines file, to import into another store")
    .option("--db <path>", "the run store to read" + STORE_WHERE)
    .option("--comparison <id>", "every run of this comparison")
    .option("--out <file>", "the file to write")
    .action(async (ids, opts) => (await import("./commands/runs-transfer.js")).exportCommand(ids, opts));
  runs
    .command("import <file>")
    .description("add the runs of an export to a store, row for row (a run already there is skipped)")
    .option("--db <path>", "the run store to write" + STORE_WHERE)
    .action(async (file, opts) => (await import("./commands/runs-transfer.js")).importCommand(file, opts));

  const envs = program.command("envs").description("list and inspect environments");
  envs
    .command("list")
    .description("every registered environment, one line each")
    .option("--family <name>", "only this family: grid, control, bandit or social (multi-agent)")
    .option("--json", "print JSON")
    .action(async (opts) => (await import("./commands/envs.js")).list(opts));
  envs
    .command("show <id>")
    .description("spaces, features, events, step limit and keyword arguments of an environment")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--json", "print JSON")
    .action(async (id, opts) => (await import("./commands/envs.js")).show(id, opts));

  envs
    .command("docs")
    .description("print docs/environments.md (every environment's spaces, features and events) as Markdown")
    .action(async () => (await import("./commands/envs.js")).docs());

  const universe = program.command("universe").description("the open-ended universe: benchmarks of tasks (a goal and production rules), generated from a seed");
  const benchmarkOptions = (c: ReturnType<typeof universe.command>) =>
    c
      .option("--benchmark <name>", "a difficulty (trivial, small, medium, high), generated in-process, or a benchmark file", "trivial")
      .option("--count <n>", "tasks in a generated benchmark", "10000")
      .option("--seed <n>", "seed of a generated benchmark", "0");
  universe
    .command("generate")
    .description("generate a benchmark of distinct tasks and save it (deterministic: the same difficulty, count and seed give the same file)")
    .option("--difficulty <name>", "trivial, small, medium or high (XLand-MiniGrid's settings)", "trivial")
    .option("--count <n>", "tasks", "10000")
    .option("--seed <n>", "random seed", "0")
    .option("--out <file>", "where to write it (default: <difficulty>-<count>-seed<seed>.rlu)")
    .action(async (opts) => (await import("./commands/universe.js")).generate(opts));
  benchmarkOptions(universe.command("list").description("a benchmark's tasks, one line each: index, rules, objects, goal"))
    .option("--split <name>", "train (the first 90%), test (the held-out 10%) or all", "all")
    .option("--limit <n>", "tasks to show", "20")
    .option("--json", "print JSON (tiles by name)")
    .action(async (opts) => (await import("./commands/universe.js")).list(opts));
  benchmarkOptions(universe.command("show <index>").description("one task: its goal, rules and objects, and its world at seed 0"))
    .option("--env <id>", "Universe-R1-9x9, Universe-R2-9x9 or Universe-R4-13x13", "Universe-R1-9x9")
    .option("--json", "print JSON (tiles by name), the form a run config's `ruleset` takes")
    .action(async (index, opts) => (await import("./commands/universe.js")).show(index, opts));
  universe
    .command("generations <config>")
    .description("train generations of one seed, each starting from the previous one's policy, and compare them on held-out tasks by XLand's normalized percentiles (participation, 10th and 50th)")
    .option("--generations <n>", "generations", "3")
    .option("--tasks <n>", "held-out tasks evaluated", "32")
    .option("--episodes <n>", "episodes (trials) per task", "4")
    .option("--seed <n>", "seed (default: the config's first)")
    .option("--json", "print JSON")
    .action(async (config, opts) => (await import("./commands/universe.js")).generations(config, opts));
  benchmarkOptions(universe.command("play <index>").description("play one task in the terminal (keys as in `rewardlab play`)"))
    .option("--env <id>", "Universe-R1-9x9, Universe-R2-9x9 or Universe-R4-13x13", "Universe-R1-9x9")
    .option("--episode-seed <n>", "seed of the first episode", "0")
    .option("--show-rules", "print the rules too (they are hidden by default, as from the agent)")
    .action(async (index, opts) => (await import("./commands/universe.js")).play(index, opts));

  program
    .command("play <id>")
    .description("play a gridworld in the terminal (arrows move, p pickup, d drop, t toggle, space done, r reset, q quit), or one seat of a multi-agent game (digits choose your action)")
    .option("--seed <n>", "random seed", "0")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--record <file>", "append every finished episode to this demonstrations file (JSONL)")
    .option("--agent <name>", "multi-agent games: the agent you play (default: the first)")
    .option("--others <who>", "multi-agent games: the other agents follow random (the default), action:N, or run:ID (a stored run's policy)")
    .option("--db <path>", DB_HELP + STORE_WHERE)
    .action(async (id, opts) => (await import("./commands/play.js")).play(id, opts));

  const demos = program.command("demos").description("record demonstrations");
  demos
    .command("record")
    .description("write the gridworld planner's winning episodes as demonstrations (JSONL)")
    .requiredOption("--env <id>", "a gridworld id")
    .requiredOption("--out <file>", "JSONL file to append to")
    .option("--episodes <n>", "episodes (seeds seed … seed + n − 1)", "50")
    .option("--seed <n>", "first seed", "0")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .action(async (opts) => (await import("./commands/demos.js")).record(opts));

  program
    .command("bench [suite]")
    .description("measure speed: suites envs (default), envs-all (every environment), rewards (cost of a reward program), intrinsic (exploration bonuses), train (learners; with --vs-cleanrl DIR, beside CleanRL's ppo.py), scoring (LLM-agent rule scorers in-process), server (the HTTP reward server under load), text (text worlds without a model; sandboxed terms), runner (the rollout runner's own cost per turn, and a call to a loopback server), sweep (trials per hour on threads and on queue workers; needs --queue and --db), or all")
    .option("--json", "one JSON object per line")
    .addOption(new Option("--seconds <s>", "time per measurement (at most 300)").default("1"))
    .option("--vs-cleanrl <dir>", "train suite: run CleanRL's ppo.py from this checkout beside rewardlab's PPO (CartPole, in alternation) and print both and the ratios")
    .option("--python <cmd>", "with --vs-cleanrl: a Python with torch and gymnasium", "python3")
    .option("--seeds <list>", "with --vs-cleanrl: seeds for both sides", "1,2,3")
    .option("--steps <n>", "with --vs-cleanrl: steps per run (default 500000); sweep: per trial (default 20480)")
    .option("--queue <url>", "sweep suite: the Redis of the queue (the suite is not part of all: it needs servers)")
    .option("--db <url>", "sweep suite: the PostgreSQL store")
    .option("--trials <n>", "sweep suite: trials per sweep (default 12)")
    .option("--rounds <n>", "sweep suite: rounds of every mode, interleaved (default 3)")
    .action(async (suite, opts) => (await import("./commands/bench.js")).bench(suite ?? "envs", opts));

  const reward = program.command("reward").description("check, explain and compare reward specs");
  reward
    .command("check <spec>")
    .description("compile a spec against an environment, sample a random policy, and report problems (exit 2 on errors)")
    .requiredOption("--env <id>", "environment id")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--steps <n>", "steps of each of the 16 sampled environments (at most 1,000,000)", "2000")
    .option("--seed <n>", "random seed", "0")
    .option("--json", "print the findings and statistics as JSON")
    .action(async (spec, opts) => (await import("./commands/reward.js")).check(spec, opts));
  reward
    .command("explain <spec>")
    .description("play episodes and show each term's share of the return and its correlation with the primary return")
    .requiredOption("--env <id>", "environment id")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--episodes <n>", "episodes to play (at most 100,000)", "20")
    .option("--policy <name>", "policy to play: random", "random")
    .option("--seed <n>", "random seed", "0")
    .option("--json", "print JSON")
    .action(async (spec, opts) => (await import("./commands/reward.js")).explain(spec, opts));
  reward
    .command("compare <a> <b>")
    .description("how far apart two rewards are: EPIC distance (0 = the same up to shaping and scale, 1 = opposite) with a bootstrap interval, and ERC")
    .requiredOption("--env <id>", "a deterministic gridworld with a tabular model")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--gamma <g>", "discount of the canonicalization (match the shaping's)", "0.99")
    .option("--seed <n>", "random seed (layout, bootstrap)", "0")
    .option("--json", "print JSON")
    .action(async (a, b, opts) => (await import("./commands/reward.js")).compare(a, b, opts));

  reward
    .command("invariance <spec>")
    .description("do the spec's auxiliary terms change the optimal policy? exact on gridworlds with a tabular model (value iteration; the states where they do, drawn on the grid); otherwise sampled: PPO trained with and without them, compared on the states their policies visit against seed-to-seed agreement")
    .requiredOption("--env <id>", "a deterministic gridworld with a tabular model (exact), or any environment with discrete actions (sampled)")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--gamma <g>", "discount (match the shaping's); sampled: the learner's", "0.99")
    .option("--seed <n>", "layout seed; sampled: the first training seed", "0")
    .option("--sampled", "compare policies trained on all terms and on the primary terms alone, even where a tabular model exists")
    .option("--steps <n>", "sampled: environment steps per training run", "100000")
    .option("--seeds <seeds>", "sampled: training seeds per reward, a count of at least 2 (from --seed on: all terms train on the first n, the primary terms on the next n), or an even number of at least 4 seeds as a list (0,1,7,8) or range (10-13), the first half for all terms", "2")
    .option("--episodes <n>", "sampled: rollout episodes per trained policy", "10")
    .option("--json", "print JSON")
    .action(async (spec, opts) => (await import("./commands/invariance.js")).invariance(spec, opts));

  reward
    .command("sensitivity <spec>")
    .description("how brittle the optimal policy is to the reward (the policy cliff): perturb the reward or its term weights and measure the policy's total variation, with and without entropy regularization")
    .requiredOption("--env <id>", "a deterministic gridworld with a tabular model")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--perturb <what>", "noise (on every transition's reward) or weights (of the optimized terms)", "noise")
    .option("--sizes <list>", "perturbation sizes ε, comma-separated", "1e-6,1e-4,1e-3,1e-2,3e-2,0.1,0.3,1")
    .option("--temperatures <list>", "entropy-regularization temperatures τ (0: none), comma-separated", "0,0.01,0.1")
    .option("--draws <n>", "perturbations per size", "10")
    .option("--gamma <g>", "discount", "0.99")
    .option("--seed <n>", "layout and noise seed", "0")
    .option("--plot <file>", "write an SVG plot of policy change against ε")
    .option("--json", "print JSON")
    .action(async (spec, opts) => (await import("./commands/sensitivity.js")).sensitivity(spec, opts));

  reward
    .command("teacher")
    .description("teacher-driven reward design: shaping from the optimal value function V*, and an interpretable potential fitted to it from a few features; compares how fast tabular Q-learning learns under each")
    .requiredOption("--env <id>", "a deterministic gridworld with a tabular model")
    .option("--kwargs <json>", "keyword arguments, as JSON")
    .option("--features <n>", "features in the interpretable potential", "3")
    .option("--seeds <seeds>", "the Q-learning runs' seeds, one run per seed and design: a count n (seeds 1000·seed … 1000·seed + n − 1), a list 7,8,9 or a range 10-19 (default: 10)")
    .option("--runs <n>", "Q-learning runs per design: the count form of --seeds")
    .option("--episodes <n>", "episode budget per run", "2000")
    .option("--gamma <g>", "discount", "0.99")
    .option("--seed <n>", "layout seed (the Q-learning runs have their own: --seeds)", "0")
    .option("--out <file>", "write the interpretable reward spec (YAML) here")
    .option("--json", "print JSON")
    .action(async (opts) => (await import("./commands/teacher.js")).teacher(opts));

  program
    .command("optimize <config>")
    .description("learn the weights of a reward's auxiliary terms (bi-level, as in BARFI, by evolution strategies) so the learner does best on the primary reward; compares them with the designer's weights")
    .option("--out <file>", "write the blended reward spec (YAML) here")
    .option("--seeds <seeds>", `override the config's search seeds (generation g trains on each + 1000·g): ${SEEDS_FORMS}`)
    .option("--eval-seeds <seeds>", "override the config's evaluate.seeds, on which the final comparison runs: a count n (seeds 1000000 … 1000000 + n − 1), a list 7,8,9 or a range 10-19; none may be trained on")
    .option("--workers <n>", "trainings in parallel", "2")
    .option("--json", "print JSON")
    .action(async (config, opts) => (await import("./commands/optimize.js")).optimize(config, opts));

  program
    .command("scenario <id>")
    .description("Melting Pot's scenarios: the stored runs of a multi-agent comparison (or one run) meet background agents they never trained with; the focal per-capita return beside what they earn among themselves, over seeds")
    .option("--background <who>", "who fills the background seats: random, action:N (always action N), run:ID (a stored run's trained policy) or run:ID@STEP (the policy it had at that step: an earlier checkpoint)")
    .option("--seats <list>", "seat indices of each table the background takes", "1")
    .option("--tables <n>", "episodes per run (one per table)", "32")
    .option("--db <path>", DB_HELP + STORE_WHERE)
    .action(async (id, opts) => (await import("./commands/scenario.js")).scenario(id, opts));

  program
    .command("audit <run>")
    .description("look for reward hacking in a stored run (proxy rising while the primary does not, a dominating term, farmed events, stalling) and replay its policy; findings with their evidence, in the terminal and the run's report")
    .option("--replays <n>", "episodes of the run's policy to replay (gridworlds with a checkpoint)", "3")
    .option("--report <path>", "write the HTML report here (default: reports/audit-<name>-<timestamp>.html)")
    .option("--no-report", "do not write an HTML report")
    .option("--db <path>", DB_HELP + STORE_WHERE)
    .option("--json", "print JSON")
    .action(async (run, opts) => (await import("./commands/audit.js")).audit(run, opts));

  program
    .command("off-switch")
    .description("the Off-Switch Game (Hadfield-Menell et al. 2017): when does a robot let a human switch it off? a table over its uncertainty and the human's rationality")
    .option("--mean <μ>", "the robot's expected utility of acting", "0.5")
    .option("--stds <list>", "the robot's uncertainties σ, comma-separated", "0,0.25,0.5,1,2")
    .option("--betas <list>", "the human's rationalities β, comma-separated (inf: rational)", "inf,10,3,1,0.3")
    .option("--json", "print JSON")
    .action(async (opts) => (await import("./commands/off-switch.js")).offSwitch(opts));

  program
    .command("serve")
    .description("the HTTP reward server for LLM-agent trajectories: native /v1/score, /v1/score/batch, /v1/advantages; OpenRLHF /get_reward; verl /compute_score; /health, /metrics")
    .option("--spec <file>", "agentic reward spec (YAML or JSON)")
    .option("--port <n>", "port", "8000")
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--workers <n>", "processes sharing the port (one core each)", "1")
    .option("--token-env <name>", "environment variable holding the bearer token clients must send (auth is off when it is unset)", "REWARDLAB_TOKEN")
    .option("--body-limit <bytes>", "largest request body", String(16 * 1024 * 1024))
    .option("--max-in-flight <n>", "requests scored at once", "64")
    .option("--max-queue <n>", "requests waiting beyond those; more get 429", "1024")
    .option("--failed-reward <value>", "what trainers receive for a reward that failed: null, or a number (0, a penalty); default: the spec's failedReward (null)")
    .option("--template <name>", "chat template whose markers are taken out of responses: auto, none, chatml, chatml-stripped, llama3, mistral, gemma, deepseek; default: the spec's template (auto)")
    .option("--log", "log every request")
    .action(async (opts) => (await import("./commands/serve.js")).serve(opts));


  program
    .command("score <file>")
    .description("score a JSONL file of trajectories (native, OpenAI messages, verl or TRL rows) with an agentic reward spec; writes one result per line and prints a table per aspect")
    .option("--spec <file>", "agentic reward spec (YAML or JSON)")
    .option("--out <file>", "results (default: FILE.scores.jsonl)")
    .option("--batch <n>", "trajectories per scoring batch", "256")
    .option("--json", "print the summary as JSON")
    .action(async (file, opts) => (await import("./commands/score.js")).score(file, opts));

  const rm = program.command("rm").description("reward models for LLM answers");
  rm.command("train <pairs>")
    .description("train the offline reward model (sentence embeddings + a Bradley–Terry head) on preference pairs, JSONL {prompt, chosen, rejected}")
    .option("--out <file>", "where to write the model", "rm.json")
    .option("--epochs <n>", "passes over the pairs")
    .option("--seed <n>", "seed", "0")
    .option("--held-out <share>", "share of prompts held out to measure accuracy (0–0.9)", "0.2")
    .option("--hidden <n>", "hidden units (0: a linear head)")
    .option("--lr <x>", "Adam learning rate")
    .option("--margin <m>", "margin m in −log σ(r_c − r_r − m)")
    .option("--center <c>", "coefficient of mean((r_c + r_r)²), as TRL's center_rewards_coefficient")
    .option("--batch <n>", "pairs per Adam step")
    .option("--l2 <λ>", "weight decay (λ/2)·‖w‖²")
    .action(async (pairs, opts) => (await import("./commands/rm.js")).rmTrain(pairs, opts));

  program
    .command("schema <name>")
    .description("print the JSON Schema of a config (run, reward, agentic spec, trajectory) so editors can autocomplete")
    .action(async (name) => (await import("./commands/schema.js")).schema(name));

  return program;
}

/**
 * Commander's error as our one line: `error: unknown command 'trian'` and its
 * second line `(Did you mean train?)` become `error: trian: unknown command
 * (did you mean "train"?)`; other messages keep their words, on one line.
 */
export function commanderErrorLine(message: string): string {
  let text = message.trim();
  let hint = "";
  const suggestion = /\s*\(Did you mean (?:one of )?(.+)\?\)$/.exec(text);
  if (suggestion) {
    hint = ` (did you mean ${suggestion[1]!.split(", ").map((s) => JSON.stringify(s)).join(" or ")}?)`;
    text = text.slice(0, suggestion.index);
  }
  // The name first, as in our own errors.
  const named: [RegExp, (name: string) => string][] = [
    [/^error: unknown command '(.+)'$/, (name) => `${name}: unknown command`],
    [/^error: unknown option '(.+)'$/, (name) => `${name}: unknown option`],
    [/^error: missing required argument '(.+)'$/, (name) => `${name}: missing; this argument is required`],
    [/^error: required option '(\S+).*' not specified$/, (name) => `${name}: missing; this option is required`],
    [/^error: option '(\S+).*' argument missing$/, (name) => `${name}: expected a value after it`],
  ];
  for (const [pattern, format] of named) {
    const m = pattern.exec(text);
    if (m) text = `error: ${format(m[1]!)}`;
  }
  return `${text.replace(/\s*\n\s*/g, " ")}${hint}\n`;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await build().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its message.
      return e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version" ? 0 : 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    // Printed by another process already (a cluster worker's error, by its primary), or nothing to say (a second Ctrl-C: 130).
    if (e instanceof ReportedError) return e.exitCode;
    const err = e as Error;
    process.stderr.write(`internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.REWARDLAB_DEBUG) process.stderr.write(`${err?.stack}\n`);
    else process.stderr.write("This is a bug in rewardlab; run again with REWARDLAB_DEBUG=1 for the stack trace and report it.\n");
    return 1;
  }
}
