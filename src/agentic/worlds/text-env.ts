/**
 * A multi-turn text environment (as verifiers and OpenEnv shape them): it
 * opens with a system prompt and a first observation; each assistant
 * message is an action, answered with the next observation, the turn's
 * reward (with each reward term's share) and whether the episode is over.
 * A message that names no valid action is answered with why, pays nothing
 * and takes no step, but uses up a turn.
 */
export interface TextStep {
  /** The environment's answer, as the next user message. */
  observation: string;
  /** The reward to learn from for this turn (the spec's total). */
  reward: number;
  /** The task's own reward for this turn (the spec's primary terms). */
  primary: number;
  /** Each term's contribution to `reward`, by term name. */
  terms: Record<string, number>;
  /** Events the step raised. */
  events: string[];
  terminated: boolean;
  truncated: boolean;
  /** The action taken; absent when the message named none. */
  action?: string;
  /** Why the message was not an action. */
  invalid?: string;
  /** The episode succeeded (tasks with success). */
  success?: boolean;
}

/** A tool the agent may call instead of writing its action in words (the OpenAI tools format). */
export interface TextTool {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface TextEnv {
  readonly id: string;
  /** How the environment is played: the rules and the actions, as the system message. */
  readonly system: string;
  /** Actions as a JSON-Schema tool, for models that call tools: a call `<tool_call>{"name": …, "arguments": {…}}</tool_call>` is an action. */
  readonly tools?: readonly TextTool[];
  /** Starts an episode; returns its first observation. */
  reset(seed: number): string;
  /** Acts on one assistant message. */
  step(message: string): TextStep;
}
