/**
 * Where the ToolRL scorer finds the gold: `reference.toolCalls` (and
 * `reference.answer` for a gold response), or a ToolRL gold string as the
 * authors' data preparation writes it into verl rows
 * (`reward_model.ground_truth`):
 *
 *   <think> … </think>
 *   <tool_call>
 *   {"name": "search", "parameters": {"q": "paris"}}
 *   </tool_call>
 *   <response> … </response>
 *
 * (calls, a response or both). verl imports put such a string in
 * `reference.answer` and keep it in `metadata.ground_truth`.
 */
import type { Trajectory } from "../trajectory.js";

export type Gold =
  /** Structured gold calls; `response` when a gold answer is also given. */
  | { kind: "calls"; calls: { name: string; args: Record<string, unknown> }[]; response: boolean }
  /** A ToolRL gold string. */
  | { kind: "text"; text: string };

const TOOLRL_TAGS = ["<tool_call>", "<response>"];

/** A ToolRL gold string holds calls or a response; "42" (or a bare <think>) is someone else's reference. */
export function isToolRLGold(v: unknown): v is string {
  return typeof v === "string" && TOOLRL_TAGS.some((tag) => v.includes(tag));
}

/**
 * The trajectory's gold, or null when it has none the ToolRL reward can
 * use. With `anyString` (mode: published) every string is a gold, as the
 * authors' code takes it: one without their tags asks for a <think> alone.
 */
export function goldOf(t: Trajectory, anyString = false): Gold | null {
  const calls = t.reference.toolCalls;
  if (calls !== undefined) {
    return { kind: "calls", calls: calls.map((c) => ({ name: c.name, args: c.arguments })), response: t.reference.answer !== undefined };
  }
  const isGold = anyString ? (v: unknown): v is string => typeof v === "string" : isToolRLGold;
  if (isGold(t.reference.answer)) return { kind: "text", text: t.reference.answer };
  const raw = t.metadata.ground_truth;
  if (isGold(raw)) return { kind: "text", text: raw };
  return null;
}

/**
 * Structured gold as the string the authors' data would hold: one
 * `{"name", "parameters"}` line per call, an empty `<response>` when a
 * response is wanted (their reward reads only that the tag is there).
 */
export function goldText(g: Gold): string {
  if (g.kind === "text") return g.text;
  const lines = g.calls.map((c) => JSON.stringify({ name: c.name, parameters: c.args }));
  const block = lines.length > 0 ? `<tool_call>\n${lines.join("\n")}\n</tool_call>` : "";
  return g.response ? `${block}${block ? "\n" : ""}<response></response>` : block;
}
