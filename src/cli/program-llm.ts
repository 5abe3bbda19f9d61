/**
 * The commands that work with language models: `design` (rewards designed
 * by evolution or by a model) and `agent` (models acting in text worlds).
 * Declared apart from program.ts only to keep each file short.
 */
import type { Command } from "commander";
import { NO_REPORT_HELP, REPORT_HELP, SEEDS_FORMS, STORE_WHERE } from "./program-help.js";

export function registerLanguageModelCommands(program: Command): void {
  program
    .command("design <config>")
    .description("design a reward for the config's environment: without a model, evolve specs built from its features and events; with --model (or --replay), a language model writes them (Eureka's loop: critic and repairs, reflection on each candidate's term returns and failed episodes). Each candidate meets the critic and the pre-screen; the rest train and are judged by the task's own reward on held-out episodes")
    .option("--iterations <n>", "iterations", "3")
    .option("--seeds <list>", "training seeds per candidate: a count (2 = seeds 0, 1) or a list (7,8,9)", "2")
    .option("--check-steps <n>", "steps of the critic's random-policy check", "200")
    .option("--seed <n>", "the designer's seed (and the critic's and the pre-screen's)", "0")
    .option("--finalists <n>", "best candidates re-checked on the final seeds (0: none)", "3")
    .option("--final-seeds <list>", "seeds of the finalists' re-check, none of them in --seeds", "1000-1004")
    .option("--prescreen <n>", "random-policy episodes of the pre-screen: a candidate that ranks their failures above their successes is not trained (0: none)", "64")
    .option("--prescreen-demos <file>", "demonstrations (rewardlab demos record, or play --record) joined to the pre-screen's episodes: a reward must rank their successes above the failures too")
    .option("--workers <n>", "trainings in parallel", "2")
    .option("--population <n>", "model-free: candidates per iteration (default 6)")
    .option("--elite <n>", "model-free: best candidates carried into the next iteration (default 2)")
    .option("--max-terms <n>", "auxiliary terms per spec at most (default: 3 model-free, 6 with a model)")
    .option("--model <name>", "a language model writes the candidates: its name at the endpoint")
    .option("--llm <url>", "the OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp: http://127.0.0.1:8000/v1; default OPENAI_BASE_URL, else the OpenAI API)")
    .option("--api-key-env <var>", "the environment variable holding the endpoint's key (default OPENAI_API_KEY; local endpoints need none)")
    .option("--samples <n>", "with a model: specs asked for per iteration (default 4)")
    .option("--task <text>", "with a model: the task in words (default: the environment's summary)")
    .option("--prompts <dir>", "with a model: a directory of prompts (system.md, propose.md, repair.md, reflect.md) to use instead of rewardlab's")
    .option("--temperature <t>", "with a model: sampling temperature (default 1)")
    .option("--repairs <n>", "with a model: times a rejected spec goes back to the model with the critic's errors (default 1)")
    .option("--rpm <n>", "with a model: requests per minute at most")
    .option("--price <in,out>", "with a model: dollars per million prompt and completion tokens, for the cost")
    .option("--allow-code", "with a model: it may also write sandboxed terms (JavaScript functions of a transition, run in a sandbox process with time and memory limits)")
    .option("--parameters <spec>", "with a model: parameter mode (Language to Rewards): the model only weighs this spec's auxiliary terms; refine its pick with rewardlab optimize")
    .option("--record <file>", "with a model: record every exchange to this cassette (JSON lines)")
    .option("--replay <file>", "answer from a cassette instead of a model: the design is replayed exactly")
    .option("--out <file>", "write the best spec as YAML")
    .option("--json", "print the lineage as JSON")
    .option("--report <path>", REPORT_HELP)
    .option("--no-report", NO_REPORT_HELP)
    .option("--db <path>", "record the design's lineage (candidates, verdicts, scores, model calls) in this run store" + STORE_WHERE)
    .option("--no-db", "do not record the lineage")
    .action(async (config, opts) => (await import("./commands/design.js")).design(config, opts));

  const agent = program.command("agent").description("language-model agents in rewardlab's worlds (text environments)");
  agent
    .command("run <config>")
    .description("a language model plays a text world (any gridworld) for the config's episodes, several at once; writes the trajectories with their turn rewards as JSON lines (score, serve and the advantages take them)")
    .option("--model <name>", "the model's name at the endpoint")
    .option("--llm <url>", "the OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp: http://127.0.0.1:8000/v1; default OPENAI_BASE_URL, else the OpenAI API)")
    .option("--api-key-env <var>", "the environment variable holding the endpoint's key (default OPENAI_API_KEY; local endpoints need none)")
    .option("--record <file>", "record every exchange to this cassette (JSON lines)")
    .option("--replay <file>", "answer from a cassette instead of a model")
    .option("--episodes <n>", "override the config's episodes")
    .option("--seed <n>", "override the config's first seed")
    .option("--out <file>", "where the trajectories go (default trajectories/<env>-<time>.jsonl)")
    .option("--json", "print the summary as JSON")
    .action(async (config, opts) => (await import("./commands/agent.js")).agentRun(config, opts));
  agent
    .command("study")
    .description("dense against sparse turn rewards, PPO and GRPO against RLOO, with the in-process text policy on a gridworld as text (A Practitioner's Guide to Multi-turn Agentic RL, on a CPU); IQM over seeds with intervals, P(improvement)")
    .option("--policy <kind>", "words (hashed words into the learner, the default) or tokens (the token-level GRU; ppo, grpo or rloo as its algorithm)")
    .option("--env <id>", "the gridworld (default DoorKey-5x5)")
    .option("--reward <spec>", "the world's reward spec: its terms beyond the task are the dense turn rewards (default: a potential on holding the key and an open door where there is a door, else on nearness to the goal)")
    .option("--seeds <seeds>", `training seeds per arm: ${SEEDS_FORMS} (default: 5)`)
    .option("--steps <n>", "environment steps per run (default 100000)")
    .option("--episodes <n>", "held-out episodes per run (default 64)")
    .option("--learners <list>", "comma-separated: ppo, grpo, rloo (REINFORCE with GRPO's or RLOO's group baseline) (default all three)")
    .option("--transfer <ids>", "comma-separated gridworlds each trained policy is also judged on (task size: train small, play larger)")
    .action(async (opts) => (await import("./commands/agent.js")).agentStudy(opts));
  agent
    .command("pae <config>")
    .description("PAE on the config's world: the model proposes tasks, attempts each for the config's episodes, and judges every attempt (the verdict is the reward); prints each round's tasks with their success rates and writes the judged attempts")
    .option("--model <name>", "the model's name at the endpoint (it plays all three roles)")
    .option("--llm <url>", "the OpenAI-compatible endpoint")
    .option("--api-key-env <var>", "the environment variable holding the endpoint's key")
    .option("--record <file>", "record every exchange to this cassette")
    .option("--replay <file>", "answer from a cassette instead of a model")
    .option("--rounds <n>", "rounds of propose, attempt, judge (default 3)")
    .option("--tasks <n>", "tasks proposed per round (default 5)")
    .option("--description <text>", "the world, for the proposer (default: the environment's summary)")
    .option("--episodes <n>", "attempts per task (override the config's episodes)")
    .option("--seed <n>", "override the config's first seed")
    .option("--out <file>", "where the judged attempts go (default trajectories/<env>-pae-<time>.jsonl)")
    .option("--json", "print the rounds as JSON")
    .action(async (config, opts) => (await import("./commands/agent.js")).agentPae(config, opts));
  agent
    .command("armap <config>")
    .description("ARMAP on the config's gridworld: random walks, the model's intents and failing negatives, a reward model trained on them, then best-of-N and a small tree search on --task")
    .option("--model <name>", "the model's name at the endpoint (it writes the data and makes the attempts)")
    .option("--llm <url>", "the OpenAI-compatible endpoint")
    .option("--api-key-env <var>", "the environment variable holding the endpoint's key")
    .option("--record <file>", "record every exchange to this cassette")
    .option("--replay <file>", "answer from a cassette instead of a model")
    .option("--task <text>", "the task to plan for")
    .option("--walks <n>", "random walks (default 32)")
    .option("--turns <n>", "actions per walk (default 8)")
    .option("--best-of <n>", "attempts for best-of-N (default 4)")
    .option("--simulations <n>", "MCTS simulations, the reward model scoring each (default 128)")
    .option("--seed <n>", "override the config's seed (walks, the task's episode)")
    .option("--json", "print the summary as JSON")
    .action(async (config, opts) => (await import("./commands/agent.js")).agentArmap(config, opts));
  agent
    .command("export <config>")
    .description("the config's episodes as data rows for a trainer's multi-turn rollouts, played through rewardlab serve: verl (examples/verl/rewardlab_interaction.py) or TRL's GRPOTrainer (examples/trl/rewardlab_environment.py)")
    .option("--format <name>", "verl or trl", "verl")
    .option("--episodes <n>", "override the config's episodes")
    .option("--seed <n>", "override the config's first seed")
    .option("--out <file>", "where the rows go (default <env>-<format>.jsonl)")
    .action(async (config, opts) => (await import("./commands/agent.js")).agentExport(config, opts));
}
