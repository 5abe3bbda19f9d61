/**
 * Chat templates: the markers a model's tokenizer wraps messages in, and
 * how to take them out again.
 *
 * Trainers that decode with `skip_special_tokens=False` (OpenRLHF's agent
 * path, custom verl decoders) hand the reward the rendered text:
 * `<|im_start|>assistant\n<think>…</think><answer>42</answer><|im_end|>`.
 * A format check would fail on the end token and an exact match on the
 * markers. `parseRendered` splits such text into messages with the markers
 * removed, says whether the last message was closed by an end token (a
 * response cut off by the length limit was not), and keeps nothing else.
 *
 * Templates are data (`TEMPLATES`): the markers of each model family, as
 * their tokenizers' chat templates write them. `auto` picks the family whose
 * markers appear in the text; `none` leaves text as it is.
 */
import { z } from "zod";
import { UserError } from "../core/errors.js";
import type { Message, Trajectory } from "./trajectory.js";

type Role = Message["role"];

/** One family's markers. */
export interface ChatTemplate {
  name: string;
  /** A header naming the role: `open` + role word + `close` (chatml's `<|im_start|>user\n`). */
  header?: { open: string; close: string };
  /** Fixed markers that open a message of a role (Mistral's `[INST]`, DeepSeek's `<｜Assistant｜>`). */
  opens?: Readonly<Record<string, Role>>;
  /** Markers that close the current message: end of turn, end of sequence. */
  ends: readonly string[];
  /** Markers removed wherever they are: begin-of-sequence, padding. */
  strip: readonly string[];
  /** Any of these in a text means this family (auto-detection). */
  detect: readonly string[];
  /** The generation prompt opens a `<think>` block the response then closes (DeepSeek-R1). */
  opensThink?: boolean;
}

// DeepSeek's special tokens are written with FULLWIDTH VERTICAL LINE (U+FF5C) and LOWER ONE EIGHTH BLOCK (U+2581).
const ds = (name: string) => `<\uff5c${name.replace(/ /g, "\u2581")}\uff5c>`;

export const TEMPLATES: Readonly<Record<string, ChatTemplate>> = {
  /** Qwen 2/2.5/3 and other ChatML models. */
  chatml: {
    name: "chatml",
    header: { open: "<|im_start|>", close: "\n" },
    ends: ["<|im_end|>", "<|endoftext|>"],
    strip: [],
    detect: ["<|im_start|>", "<|im_end|>", "<|endoftext|>"],
  },
  /**
   * ChatML with its special tokens already removed, as verl decodes a
   * rollout (`skip_special_tokens=True`): a Qwen/Hermes tool turn keeps its
   * role words, `…</tool_call>user\n<tool_response>\n…\n</tool_response>\nassistant\n…`.
   * Only that tool-response shape is read; plain role words elsewhere are text.
   */
  "chatml-stripped": {
    name: "chatml-stripped",
    opens: { "user\n<tool_response>": "tool", "</tool_response>\nassistant\n": "assistant" },
    ends: [],
    strip: [],
    detect: ["user\n<tool_response>"],
  },
  /** Llama 3, 3.1, 3.2, 3.3. */
  llama3: {
    name: "llama3",
    header: { open: "<|start_header_id|>", close: "<|end_header_id|>\n\n" },
    ends: ["<|eot_id|>", "<|eom_id|>", "<|end_of_text|>"],
    strip: ["<|begin_of_text|>", "<|finetune_right_pad_id|>"],
    detect: ["<|eot_id|>", "<|start_header_id|>"],
  },
  /** Mistral and Mixtral ([INST] templates, v1 to v7). */
  mistral: {
    name: "mistral",
    opens: { "[INST]": "user", "[/INST]": "assistant", "[SYSTEM_PROMPT]": "system", "[TOOL_RESULTS]": "tool", "[AVAILABLE_TOOLS]": "system" },
    ends: ["</s>", "[/SYSTEM_PROMPT]", "[/TOOL_RESULTS]", "[/AVAILABLE_TOOLS]"],
    strip: ["<s>", "<pad>", "<unk>"],
    detect: ["[/INST]"],
  },
  /** Gemma 1, 2, 3. */
  gemma: {
    name: "gemma",
    header: { open: "<start_of_turn>", close: "\n" },
    ends: ["<end_of_turn>", "<eos>"],
    strip: ["<bos>", "<pad>"],
    detect: ["<start_of_turn>", "<end_of_turn>"],
  },
  /** DeepSeek V3 and R1 (and the R1 distills of Qwen and Llama). */
  deepseek: {
    name: "deepseek",
    opens: { [ds("User")]: "user", [ds("Assistant")]: "assistant", [ds("tool outputs begin")]: "tool" },
    ends: [ds("end of sentence"), ds("tool outputs end")],
    strip: [ds("begin of sentence"), ds(" pad ")],
    detect: [ds("Assistant"), ds("User"), ds("end of sentence")],
    opensThink: true,
  },
};

export const TEMPLATE_NAMES = Object.keys(TEMPLATES);

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A template by name, `auto` (detected from the text) or `none`, or custom markers. */
export const TemplateOption = z
  .union([
    z.enum(["auto", "none", ...TEMPLATE_NAMES] as [string, ...string[]]),
    z
      .object({
        ends: z.array(z.string().min(1)).min(1).describe("markers that close a message (end of turn, end of sequence)"),
        opens: z.record(z.string().min(1), z.enum(["system", "user", "assistant", "tool"])).default({}).describe("markers that open a message, with its role"),
        strip: z.array(z.string().min(1)).default([]).describe("markers removed wherever they appear (begin of sequence, padding)"),
      })
      .strict(),
  ])
  .describe("chat template whose markers are taken out of prompts and responses: auto (detect), none, chatml, chatml-stripped, llama3, mistral, gemma, deepseek, or {ends, opens, strip}");
export type TemplateOption = z.output<typeof TemplateOption>;

/** The template an option names; null for `none`; `auto` stays for `detectTemplate`. */
export function resolveTemplate(option: TemplateOption): ChatTemplate | "auto" | null {
  if (option === "none") return null;
  if (option === "auto") return "auto";
  if (typeof option === "string") {
    const t = TEMPLATES[option];
    if (!t) throw new UserError("template", `expected auto, none or one of ${TEMPLATE_NAMES.join(", ")}, got ${JSON.stringify(option)}`);
    return t;
  }
  return { name: "custom", opens: option.opens, ends: option.ends, strip: option.strip, detect: [...Object.keys(option.opens), ...option.ends] };
}

/** Every family's detection markers in one pattern: one scan of a clean text instead of one per marker. */
const DETECT = new RegExp(
  Object.values(TEMPLATES)
    .flatMap((t) => t.detect)
    .map(escape)
    .join("|"),
);
const FAMILY_OF = new Map(Object.values(TEMPLATES).flatMap((t) => t.detect.map((m) => [m, t] as const)));

/** The family whose markers appear in `text` (the first found), or null. */
export function detectTemplate(text: string): ChatTemplate | null {
  const m = DETECT.exec(text);
  return m === null ? null : FAMILY_OF.get(m[0])!;
}

export interface RenderedMessage {
  role: Role;
  content: string;
}

export interface Parsed {
  messages: RenderedMessage[];
  /** The last message was closed by an end marker (false: the text stops inside it, e.g. cut off at the length limit). */
  ended: boolean;
  /** Some marker was found (false: the text is plain). */
  marked: boolean;
}

const ROLE_WORDS: Readonly<Record<string, Role>> = {
  system: "system",
  developer: "system",
  user: "user",
  human: "user",
  assistant: "assistant",
  model: "assistant",
  bot: "assistant",
  gpt: "assistant",
  tool: "tool",
  ipython: "tool",
  function: "tool",
  observation: "tool",
};

/** A header's role word as a message role; words we do not know are users' (own keys only: `__proto__` is a word too). */
function roleOf(word: string): Role {
  const w = word.toLowerCase();
  return Object.hasOwn(ROLE_WORDS, w) ? ROLE_WORDS[w]! : "user";
}

const compiled = new WeakMap<ChatTemplate, RegExp>();

/**
 * One regular expression matching any marker of the template: literal
 * alternatives and at most one short role word, so matching is linear in
 * the text. Group 1: a header's role word.
 */
function markerPattern(t: ChatTemplate): RegExp {
  let re = compiled.get(t);
  if (re) return re;
  const alternatives: string[] = [];
  if (t.header) alternatives.push(`${escape(t.header.open)}([A-Za-z_]{1,24})${escape(t.header.close)}`);
  // Longer literals first, so `[/INST]` is not read as a shorter marker it contains.
  const literals = [...Object.keys(t.opens ?? {}), ...t.ends, ...t.strip].sort((a, b) => b.length - a.length);
  for (const m of literals) alternatives.push(escape(m));
  re = new RegExp(alternatives.join("|"), "g");
  compiled.set(t, re);
  return re;
}

/**
 * Splits rendered text into messages. Text before the first marker belongs
 * to `firstRole` (a response's text follows the prompt's assistant header).
 * A header or an opening marker starts a message, an end marker closes
 * one; whitespace between messages and stripped markers are dropped.
 */
export function parseRendered(text: string, template: ChatTemplate, firstRole: Role): Parsed {
  const re = markerPattern(template);
  re.lastIndex = 0;
  const messages: RenderedMessage[] = [];
  let role: Role | null = firstRole;
  let content = "";
  let open = true; // inside a message (the first one, or one a marker opened)
  let ended = false;
  let marked = false;
  let last = 0;
  // `explicit`: a marker opened or closed this message, so it counts even when empty (an assistant turn that
  // only called a tool); the implicit first message counts only when it holds text.
  const close = (explicit: boolean) => {
    if (role !== null && (explicit || content.trim() !== "")) messages.push({ role, content });
    content = "";
    open = false;
  };
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    marked = true;
    const between = text.slice(last, m.index);
    last = m.index + m[0].length;
    const marker = m[0];
    if (template.strip.includes(marker)) {
      content += between;
      continue;
    }
    if (open) content += between;
    else if (between.trim() !== "") {
      // Text outside any message (after an end marker, before the next header): keep it, as the first role's.
      role = firstRole;
      content = between;
      open = true;
    }
    if (template.ends.includes(marker)) {
      if (open) close(true);
      ended = true;
      continue;
    }
    // A header or an opening marker: the message before it ends here.
    if (open) close(messages.length > 0 || content.trim() !== "");
    role = m[1] !== undefined ? roleOf(m[1]) : template.opens![marker]!;
    open = true;
    ended = false;
  }
  const rest = text.slice(last);
  if (open) {
    content += rest;
    if (role !== null && (content !== "" || messages.length === 0 || !marked)) {
      messages.push({ role, content });
      ended = false;
    }
  }
  // Text after the last end marker belongs to no message (padding decoded as text, a model that ran on): dropped.
  return { messages, ended: marked && ended, marked };
}

/**
 * The response began inside a `<think>` block its prompt opened (DeepSeek-R1's
 * template ends the prompt with `<think>\n`): it closes one it never opened.
 */
function opensInsideThink(answer: string): boolean {
  const close = answer.indexOf("</think>");
  return close >= 0 && answer.lastIndexOf("<think>", close) < 0;
}

/** Where the first assistant message's text begins in rendered text (after its header), or 0 when there is none. */
export function firstAssistantStart(text: string, template: ChatTemplate): number {
  const re = markerPattern(template);
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const role = m[1] !== undefined ? roleOf(m[1]) : template.opens?.[m[0]];
    if (role === "assistant") return m.index + m[0].length;
  }
  return 0;
}

/**
 * A trajectory with chat-template markers taken out of its answer and its
 * text prompt; the same object when there are none (the common case costs
 * one scan). The answer's original text is kept in `raw` and `truncated`
 * says whether it lacked an end marker. A rendered answer holding several
 * messages (an agent's turns and tool results) becomes the turns, when the
 * trajectory has none, and the last assistant message the answer. A
 * response that starts inside the `<think>` block its template opened
 * (DeepSeek-R1) gets its opening tag back, so a format check sees what the
 * model's turn holds.
 */
export function withoutMarkers(t: Trajectory, template: ChatTemplate | "auto" | null): Trajectory {
  if (template === null) return t;
  const promptText = typeof t.prompt === "string" ? t.prompt : "";
  const tpl = template === "auto" ? detectTemplate(t.answer) ?? (promptText ? detectTemplate(promptText) : null) : template;
  if (tpl === null) return t;
  let out = t;
  const prompt = promptText ? parseRendered(promptText, tpl, "user") : null;
  if (prompt?.marked) out = { ...out, prompt: prompt.messages.map((m) => ({ role: m.role, content: m.content })) };
  const answer = parseRendered(t.answer, tpl, "assistant");
  if (answer.marked) {
    let last = "";
    for (const m of answer.messages) if (m.role === "assistant") last = m.content;
    out = { ...out, answer: last, raw: t.raw ?? t.answer, truncated: !answer.ended };
    if (t.turns.length === 0 && answer.messages.length > 1) out.turns = answer.messages.map((m) => ({ role: m.role, content: m.content }));
  }
  if ((tpl.opensThink || /<think>\s*$/.test(promptText)) && opensInsideThink(out.answer)) {
    out = { ...out, answer: `<think>\n${out.answer}`, raw: out.raw ?? t.answer };
  }
  return out;
}
