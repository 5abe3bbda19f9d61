/**
 * A text world's episodes as data rows for trainers that run multi-turn
 * rollouts themselves and ask rewardlab for each turn (through `rewardlab
 * serve`'s /v1/worlds sessions):
 *
 * - `verl`: verl's RL data rows; the prompt is the rules and the first
 *   observation, and `extra_info.interaction_kwargs` names the world, seed
 *   and reward for examples/verl/rewardlab_interaction.py (verl's
 *   `BaseInteraction`: each turn's reward is the world's).
 * - `trl`: rows for TRL's GRPOTrainer with an `environment_factory`
 *   (examples/trl/rewardlab_environment.py): a conversational `prompt`
 *   whose last user message the environment's `reset(**row)` fills with the
 *   first observation, an `environment` column choosing the class (`grid`,
 *   `TwentyQuestions`, `ToolUse`), and the world, seed, reward spec and
 *   world options (JSON text: Arrow keeps one type per column). The world's
 *   actions are the environment's tools; `get_reward()` is the episode's
 *   return, the sum of its turn rewards.
 */
import type { AgentRunConfig } from "./config.js";
import { TEXT_WORLDS } from "./index.js";
import type { TextEnv } from "./text-env.js";

export const EXPORT_FORMATS = ["verl", "trl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The seed of the config's k-th episode (a group shares one task). */
const seedOf = (config: AgentRunConfig, k: number) => config.seed + Math.floor(k / config.group);

/** The class in examples/trl/rewardlab_environment.py's ENVIRONMENTS that plays `world`. */
export const trlEnvironment = (world: string) => (TEXT_WORLDS.includes(world) ? world : "grid");

/** One row per episode of the config, as `format` takes them. */
export function exportRows(format: ExportFormat, config: AgentRunConfig, env: TextEnv): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < config.episodes; k++) {
    const seed = seedOf(config, k);
    rows.push(format === "verl" ? verlRow(config, env, k, seed) : trlRow(config, env, seed));
  }
  return rows;
}

function verlRow(config: AgentRunConfig, env: TextEnv, index: number, seed: number): Record<string, unknown> {
  return {
    data_source: `rewardlab/${config.env.id}`,
    prompt: [
      { role: "system", content: env.system },
      { role: "user", content: env.reset(seed) },
    ],
    ability: "agent",
    reward_model: { style: "rule", ground_truth: "" },
    extra_info: {
      index,
      interaction_kwargs: { name: "rewardlab", world: config.env.id, seed, ...(config.reward ? { reward: config.reward } : {}), ...(Object.keys(config.env.kwargs).length ? { kwargs: config.env.kwargs } : {}) },
    },
  };
}

function trlRow(config: AgentRunConfig, env: TextEnv, seed: number): Record<string, unknown> {
  return {
    // The rules say how to write an action in a reply; under TRL the tools take it.
    prompt: [
      { role: "system", content: `${env.system}\nHere you act by calling the tools: each call is one turn.` },
      { role: "user", content: "" },
    ],
    environment: trlEnvironment(config.env.id),
    world: config.env.id,
    seed,
    reward: config.reward ? JSON.stringify(config.reward) : "",
    kwargs: Object.keys(config.env.kwargs).length ? JSON.stringify(config.env.kwargs) : "",
  };
}
