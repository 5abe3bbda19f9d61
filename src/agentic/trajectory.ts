/**
 * An LLM-agent trajectory: what a trainer hands a reward. One schema (zod,
 * exported as JSON Schema by `rewardlab schema trajectory`) for the native
 * API, `rewardlab score` files and the importers in `import.ts`.
 *
 * ```json
 * {"prompt": "What is 6·7?",
 *  "turns": [{"role": "assistant", "content": "", "toolCalls": [{"name": "calc", "arguments": {"expr": "6*7"}}]},
 *            {"role": "tool", "content": "42", "toolCallId": "c1"}],
 *  "answer": "<think>calc says 42</think><answer>42</answer>",
 *  "reference": {"answer": "42", "toolCalls": [{"name": "calc", "arguments": {"expr": "6*7"}}]}}
 * ```
 */
import { z } from "zod";
import { parseConfig } from "../core/config.js";

export const ToolCall = z
  .object({
    id: z.string().optional(),
    name: z.string().describe("the tool's name"),
    arguments: z.record(z.string(), z.unknown()).default({}).describe("parameter name → value (JSON object)"),
  })
  .strict();
export type ToolCall = z.output<typeof ToolCall>;

export const Message = z
  .object({
    role: z.enum(["system", "user", "assistant", "tool"]),
    content: z.string().default(""),
    reasoning: z.string().optional().describe("the assistant's reasoning when a parser split it off the content (reasoning_content): the answer then reads <think>\\n…\\n</think>\\n\\n content, as the model wrote it"),
    toolCalls: z.array(ToolCall).optional().describe("calls the assistant made in this message"),
    toolCallId: z.string().optional().describe("for role tool: the call this result answers"),
    name: z.string().optional(),
  })
  .strict();
export type Message = z.output<typeof Message>;

export const CodeTest = z
  .object({
    input: z.string().default("").describe("JavaScript source run after the answer's code (e.g. `assert(add(1, 2) === 3)`), or stdin for an executor"),
    expected: z.string().optional().describe("expected stdout (executors); JavaScript tests pass when they do not throw"),
  })
  .strict();
export type CodeTest = z.output<typeof CodeTest>;

export const Reference = z
  .object({
    answer: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]).optional().describe("gold answer (a list: any of these)"),
    toolCalls: z.array(ToolCall).optional().describe("gold tool calls (ToolRL)"),
    tests: z.array(CodeTest).optional().describe("tests for code answers"),
    schema: z.record(z.string(), z.unknown()).optional().describe("JSON Schema the answer must conform to"),
    responses: z.array(z.string()).optional().describe("reference responses (PAR, similarity)"),
  })
  .strict();
export type Reference = z.output<typeof Reference>;

export const Trajectory = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    prompt: z.union([z.string(), z.array(Message)]).default("").describe("the prompt: text or messages"),
    turns: z.array(Message).default([]).describe("the agent's messages, tool calls and tool results, in order"),
    answer: z.string().default("").describe("the final answer (defaults to the last assistant message's content)"),
    raw: z.string().optional().describe("the response as the trainer sent it, chat-template markers included (set when markers were taken out of answer)"),
    truncated: z.boolean().optional().describe("the rendered response did not end with an end-of-turn marker: cut off at the length limit"),
    reference: Reference.default({}),
    metadata: z.record(z.string(), z.unknown()).default({}).describe("anything else; data_source, group id, …"),
  })
  .strict();
export type Trajectory = z.output<typeof Trajectory>;
export type TrajectoryInput = z.input<typeof Trajectory>;

/**
 * A trajectory from loose input: `answer` defaults to the last assistant
 * message's content. Bad input is a one-line `UserError` naming the path
 * under `path` (`trajectories[3].turns[0].role: expected one of ...`).
 */
export function parseTrajectory(input: unknown, path = ""): Trajectory {
  return completeTrajectory(parseConfig(Trajectory, input, path));
}

/**
 * The defaults a JSON Schema validator cannot fill: `answer` from the last
 * assistant message; content of prompt messages (inside a union, where
 * validators skip defaults). For input already validated against
 * `Trajectory`'s JSON Schema with defaults applied (the server's path).
 */
export function completeTrajectory(t: Trajectory): Trajectory {
  if (Array.isArray(t.prompt)) for (const m of t.prompt) m.content ??= "";
  if (t.answer === "" && t.turns.length > 0) {
    for (let i = t.turns.length - 1; i >= 0; i--) {
      const m = t.turns[i]!;
      if (m.role === "assistant") {
        t.answer = m.reasoning !== undefined ? withReasoning(m.reasoning, m.content) : m.content;
        break;
      }
    }
  }
  return t;
}

/**
 * A message's text as the model wrote it, before a reasoning parser (TRL's
 * response schemas, vLLM's reasoning parsers) split its `<think>` block
 * off: the Qwen3 and DeepSeek-R1 templates render it this way.
 */
export function withReasoning(reasoning: string, content: string): string {
  return `<think>\n${reasoning.trim()}\n</think>\n\n${content}`;
}

/** Every tool call the agent made, in order. */
export function toolCallsOf(t: Trajectory): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const m of t.turns) if (m.toolCalls) calls.push(...m.toolCalls);
  return calls;
}
