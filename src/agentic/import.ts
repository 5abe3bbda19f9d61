/**
 * Importers: the row shapes trainers already produce, as `Trajectory`s.
 *
 * - OpenAI chat-completions message lists (`[{role, content, tool_calls}]`,
 *   tool calls with JSON-string arguments);
 * - verl rows (`{data_source, prompt: [{role, content}], reward_model:
 *   {ground_truth}, extra_info, response?}`) and verl's `compute_score`
 *   arguments (`solution_str`, `ground_truth`);
 * - OpenRLHF remote-reward requests (`query` = prompt + response as text);
 * - TRL reward-function columns (`prompts`, `completions`: text or messages).
 *
 * `importTrajectory` guesses the shape from the keys; the shape-specific
 * functions are exported for callers that know it.
 */
import { joinPath, UserError } from "../core/errors.js";
import { detectTemplate, firstAssistantStart, parseRendered, type ChatTemplate } from "./templates.js";
import { parseTrajectory, type Message, type ToolCall, type Trajectory } from "./trajectory.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** An OpenAI tool call (`{id, type: "function", function: {name, arguments: "<json>"}}`) as ours. */
function openAiToolCall(raw: unknown, path: string): ToolCall {
  if (!isObject(raw)) throw new UserError(path, "expected a tool call object");
  const fn = isObject(raw.function) ? raw.function : raw;
  if (typeof fn.name !== "string") throw new UserError(joinPath(path, "function", "name"), "expected the tool's name (a string)");
  // A model that wrote ToolRL's "parameters" key: TRL keeps it and adds an empty "arguments"; the model's are the parameters.
  const emptyArguments = fn.arguments === undefined || (isObject(fn.arguments) && Object.keys(fn.arguments).length === 0);
  let args: unknown = emptyArguments && fn.parameters !== undefined ? fn.parameters : (fn.arguments ?? {});
  if (typeof args === "string") {
    try {
      args = args.trim() === "" ? {} : JSON.parse(args);
    } catch {
      // A model that wrote broken JSON made a bad call: keep the text so scorers can see and penalize it.
      args = { __unparsed__: args };
    }
  }
  if (!isObject(args)) args = { __unparsed__: JSON.stringify(args) };
  return { ...(typeof raw.id === "string" ? { id: raw.id } : {}), name: fn.name, arguments: args as Json };
}

/** One OpenAI chat message as ours (text content parts joined; tool_calls converted; reasoning_content kept). */
export function fromOpenAiMessage(raw: unknown, path = "message"): Message {
  if (!isObject(raw)) throw new UserError(path, "expected a message object with role and content");
  const role = raw.role === "developer" ? "system" : raw.role;
  if (role !== "system" && role !== "user" && role !== "assistant" && role !== "tool") {
    throw new UserError(joinPath(path, "role"), `expected system, developer, user, assistant or tool, got ${JSON.stringify(raw.role)}`);
  }
  let content = "";
  if (typeof raw.content === "string") content = raw.content;
  else if (Array.isArray(raw.content)) {
    // Content parts: keep the text ones.
    content = raw.content.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).join("");
  } else if (raw.content != null) throw new UserError(joinPath(path, "content"), "expected text or a list of content parts");
  const message: Message = { role, content };
  const reasoning = raw.reasoning_content ?? raw.reasoning;
  if (typeof reasoning === "string" && reasoning !== "") message.reasoning = reasoning;
  const calls = raw.tool_calls ?? raw.toolCalls;
  if (Array.isArray(calls) && calls.length > 0) message.toolCalls = calls.map((c, i) => openAiToolCall(c, joinPath(path, "tool_calls", i)));
  const callId = raw.tool_call_id ?? raw.toolCallId;
  if (typeof callId === "string") message.toolCallId = callId;
  if (typeof raw.name === "string") message.name = raw.name;
  return message;
}

/**
 * A conversation as a trajectory: the messages up to and including the last
 * user message are the prompt, the rest are the agent's turns.
 */
export function fromOpenAiMessages(raw: unknown, reference: Trajectory["reference"] = {}, path = "messages"): Trajectory {
  if (!Array.isArray(raw)) throw new UserError(path, "expected a list of chat messages");
  const messages = raw.map((m, i) => fromOpenAiMessage(m, joinPath(path, i)));
  let split = 0;
  for (let i = 0; i < messages.length; i++) if (messages[i]!.role === "user") split = i + 1;
  return parseTrajectory({ prompt: messages.slice(0, split), turns: messages.slice(split), reference });
}

/**
 * verl's ground truth as a reference: a string or number is the answer, a
 * list of them any of the answers, a list of `{name, parameters|arguments}`
 * the gold tool calls; anything else is kept as JSON text under answer. The
 * raw value is also kept in `metadata.ground_truth` for scorers that need it.
 */
function verlReference(groundTruth: unknown): Trajectory["reference"] {
  if (groundTruth === undefined || groundTruth === null) return {};
  if (typeof groundTruth === "string" || typeof groundTruth === "number") return { answer: groundTruth };
  if (Array.isArray(groundTruth)) {
    if (groundTruth.length > 0 && groundTruth.every((g) => isObject(g) && typeof g.name === "string")) {
      return { toolCalls: groundTruth.map((g, i) => openAiToolCall(g, `ground_truth[${i}]`)) };
    }
    return { answer: groundTruth.map((g) => (typeof g === "number" || typeof g === "string" ? g : JSON.stringify(g))) };
  }
  return { answer: JSON.stringify(groundTruth) };
}

/** Dataset columns as metadata, with the raw ground truth kept. */
function verlMetadata(extraInfo: unknown, dataSource: unknown, groundTruth: unknown): Record<string, unknown> {
  return {
    ...(isObject(extraInfo) ? extraInfo : {}),
    ...(dataSource !== undefined ? { data_source: dataSource } : {}),
    ...(groundTruth !== undefined ? { ground_truth: groundTruth } : {}),
  };
}

/** verl's `compute_score(data_source, solution_str, ground_truth, extra_info)` arguments as a trajectory. */
export function fromVerlScore(args: { data_source?: unknown; solution_str: string; ground_truth?: unknown; extra_info?: unknown }): Trajectory {
  return parseTrajectory({
    answer: args.solution_str,
    reference: verlReference(args.ground_truth),
    metadata: verlMetadata(args.extra_info, args.data_source, args.ground_truth),
  });
}

/** A verl dataset row (`prompt` messages, `reward_model.ground_truth`) with its `response` text. */
export function fromVerlRow(row: Json, path = "row"): Trajectory {
  const prompt = Array.isArray(row.prompt) ? row.prompt.map((m, i) => fromOpenAiMessage(m, joinPath(path, "prompt", i))) : typeof row.prompt === "string" ? row.prompt : "";
  const rm = isObject(row.reward_model) ? row.reward_model : {};
  const response = row.response ?? row.solution_str ?? "";
  if (typeof response !== "string") throw new UserError(joinPath(path, "response"), "expected the model's response text");
  return parseTrajectory({
    prompt,
    answer: response,
    reference: verlReference(rm.ground_truth),
    metadata: verlMetadata(row.extra_info, row.data_source, rm.ground_truth),
  });
}

/**
 * An OpenRLHF remote-reward item: `query` is the decoded prompt + response
 * (with `skip_special_tokens=False`: every chat-template marker and the end
 * token are in it), `prompt` the templated prompt. The response is what
 * follows the prompt: where the query starts with it, else (OpenRLHF cuts a
 * long prompt from the left) after the prompt's last characters, else after
 * the template's first assistant header. The markers themselves are taken
 * out when the pipeline scores it (`templates.ts`).
 */
export function fromOpenRlhf(query: string, prompt: string | undefined, label: unknown, template: ChatTemplate | "auto" | null = "auto"): Trajectory {
  const start = responseStart(query, prompt ?? "", template);
  const t = parseTrajectory({ prompt: prompt || query.slice(0, start), answer: query.slice(start), reference: verlReference(label) });
  // OpenRLHF decodes with its special tokens: a templated query whose response holds no marker at all has
  // no end token, so it was cut off at the length limit. (A response with markers is judged when they are taken out.)
  const tpl = template === "auto" ? detectTemplate(query) : template;
  if (tpl !== null && tpl.ends.length > 0 && !parseRendered(t.answer, tpl, "assistant").marked) t.truncated = true;
  return t;
}

/** Where the response begins in an OpenRLHF query. */
function responseStart(query: string, prompt: string, template: ChatTemplate | "auto" | null): number {
  if (prompt !== "") {
    if (query.startsWith(prompt)) return prompt.length;
    // The prompt cut from the left: its tail still ends where the response begins, at most prompt.length
    // into the query; the last match before that (a short tail can also close an earlier turn).
    for (const k of [256, 64]) {
      if (prompt.length < k) continue;
      const at = query.lastIndexOf(prompt.slice(-k), prompt.length - k);
      if (at >= 0) return at + k;
    }
  }
  const tpl = template === "auto" ? detectTemplate(query) : template;
  return tpl === null ? 0 : firstAssistantStart(query, tpl);
}

/**
 * One TRL reward-function row: `prompt` and `completion`, each text or
 * messages (content parts, tool calls with dict or JSON arguments, tool
 * results, reasoning_content), plus dataset columns. Errors name
 * `paths.prompt` and `paths.completion` (default `row.prompt`, `row.completion`).
 */
export function fromTrl(prompt: unknown, completion: unknown, columns: Json = {}, path = "row", paths = { prompt: joinPath(path, "prompt"), completion: joinPath(path, "completion") }): Trajectory {
  const solution = columns.solution ?? columns.answer ?? columns.ground_truth;
  const reference = verlReference(solution);
  const p = Array.isArray(prompt) ? prompt.map((m, i) => fromOpenAiMessage(m, joinPath(paths.prompt, i))) : typeof prompt === "string" ? prompt : "";
  if (Array.isArray(completion)) {
    const turns = completion.map((m, i) => fromOpenAiMessage(m, joinPath(paths.completion, i)));
    return parseTrajectory({ prompt: p, turns, reference, metadata: columns });
  }
  if (typeof completion !== "string") throw new UserError(paths.completion, "expected text or a list of messages");
  return parseTrajectory({ prompt: p, answer: completion, reference, metadata: columns });
}

/**
 * A row of unknown shape: a native trajectory, an OpenAI message list
 * (`messages`), a verl row or `compute_score` arguments, a TRL row.
 */
export function importTrajectory(row: unknown, path = "row"): Trajectory {
  if (Array.isArray(row)) return fromOpenAiMessages(row, {}, path);
  if (!isObject(row)) throw new UserError(path, "expected a trajectory object (or a list of chat messages)");
  const t = importRow(row, path);
  // Rows of other shapes keep their id, so results can be joined back.
  if (t.id === undefined && (typeof row.id === "string" || typeof row.id === "number")) t.id = row.id;
  return t;
}

function importRow(row: Json, path: string): Trajectory {
  if (Array.isArray(row.messages) && row.turns === undefined) {
    const reference = isObject(row.reference) ? row.reference : {};
    return fromOpenAiMessages(row.messages, reference as Trajectory["reference"], joinPath(path, "messages"));
  }
  if (typeof row.solution_str === "string") return fromVerlScore(row as { solution_str: string });
  if (isObject(row.reward_model)) return fromVerlRow(row, path);
  if (row.completion !== undefined) {
    const { prompt, completion, ...columns } = row;
    return fromTrl(prompt, completion, columns, path);
  }
  return parseTrajectory(row);
}
