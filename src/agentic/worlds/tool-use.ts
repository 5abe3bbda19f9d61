/**
 * A tool-use text world: answer a question about facts kept in a small
 * local document store, with two tools, `search` (the store's documents
 * that mention the query's words) and `calculator` (arithmetic). Each
 * episode (seed) makes up its own towns and their populations, so nothing
 * can be answered from memory, and asks for the sum or the difference of
 * two of them.
 *
 * The agent writes ToolRL's format: optional `<think>…</think>`, then
 * `<tool_call>{"name": …, "arguments": {…}}</tool_call>` lines, or the final
 * `<answer>…</answer>`; tool results come back in `<tool_response>` blocks.
 * Each turn is paid as ToolRL pays a tool-calling answer (Qian et al. 2025):
 * `format` (1 for a well-formed turn, else 0, weighted 0.1), `tools` (R_correct
 * in [−3, 3], weighted 0.1/3: the ToolRL scorer's `toolCorrectness` of the
 * turn's calls against, for each, the first reference call of its name not
 * yet made: search each town, then the calculator), and `task`, the
 * primary: 1 for the right final answer.
 */
import { Rng } from "../../core/rng.js";
import { parseToolCalls, toolCorrectness, type Call } from "../scorers/toolrl.js";
import type { TextEnv, TextStep } from "./text-env.js";

const SYLLABLES = ["av", "on", "ford", "bel", "mar", "ton", "ash", "wick", "dun", "holm", "rye", "stead", "lin", "caster", "brook", "vale"];

export interface ToolUseOptions {
  /** Turns per episode (default 8). */
  maxTurns?: number;
}

interface Doc {
  town: string;
  population: number;
  text: string;
}

export function toolUse(options: ToolUseOptions = {}): TextEnv {
  const maxTurns = options.maxTurns ?? 8;
  let docs: Doc[] = [];
  let answer = 0;
  let remaining: Call[] = [];
  let turns = 0;
  const system = [
    "You answer questions with two tools.",
    'search: {"query": "words"} returns the documents of a small store that mention all the words.',
    'calculator: {"expression": "arithmetic"} evaluates + - * / and parentheses on numbers.',
    'Each reply: optionally <think>your reasoning</think>, then either tool calls, one per line, as <tool_call>{"name": "search", "arguments": {"query": "…"}}</tool_call>, or the final answer as <answer>a number</answer>.',
    "Tool results come back in <tool_response> blocks.",
  ].join("\n");

  const search = (query: string) => {
    const words = query.toLowerCase().split(/\W+/).filter((w) => w.length > 2 && w !== "the" && w !== "population");
    const hits = docs.filter((d) => words.length > 0 && words.every((w) => d.text.toLowerCase().includes(w)));
    return hits.length ? hits.slice(0, 3).map((d) => d.text).join("\n") : "No document mentions all of those words.";
  };

  const step = (message: string): TextStep => {
    turns++;
    const truncate = (s: TextStep): TextStep => (!s.terminated && turns >= maxTurns ? { ...s, truncated: true, observation: `${s.observation}\nOut of turns.` } : s);
    const final = /<answer>([\s\S]*?)<\/answer>/.exec(message);
    if (final) {
      const value = Number(final[1].replace(/[,\s]/g, ""));
      const right = Number.isFinite(value) && Math.abs(value - answer) < 1e-6;
      const format = wellFormed(message, "answer") ? 1 : 0;
      const task = right ? 1 : 0;
      return { observation: right ? "Correct." : `Wrong: the answer was ${answer}.`, reward: task + 0.1 * format, primary: task, terms: { task, format: 0.1 * format, tools: 0 }, events: ["answer", ...(right ? ["success"] : [])], terminated: true, truncated: false, success: right, action: "answer" };
    }
    const parsed = message.includes("<tool_call>") ? parseToolCalls(message) : { error: "no <tool_call> and no <answer>" };
    if ("error" in parsed || parsed.calls.length === 0) {
      const why = "error" in parsed ? parsed.error : "no tool call";
      return truncate({ observation: `That was neither a tool call nor an answer (${why}). Use <tool_call>{"name": …, "arguments": {…}}</tool_call> or <answer>…</answer>.`, reward: 0, primary: 0, terms: { task: 0, format: 0, tools: 0 }, events: [], terminated: false, truncated: false, invalid: why });
    }
    const results = parsed.calls.map((c) => `<tool_response>${runTool(c, search)}</tool_response>`);
    // The turn's gold: for each call, the first reference call of its name not yet made. Those are then done;
    // calls the reference has no more of (a third search) count against the turn, and with no gold at all it earns R_min.
    const gold: Call[] = [];
    for (const c of parsed.calls) {
      const k = remaining.findIndex((g) => g.name === c.name);
      if (k >= 0) gold.push(...remaining.splice(k, 1));
    }
    const tools = gold.length ? toolCorrectness(parsed.calls, gold).value : -3;
    const format = wellFormed(message, "tool_call") ? 1 : 0;
    return truncate({ observation: results.join("\n"), reward: 0.1 * format + (0.1 / 3) * tools, primary: 0, terms: { task: 0, format: 0.1 * format, tools: (0.1 / 3) * tools }, events: parsed.calls.map((c) => `call:${c.name}`), terminated: false, truncated: false, action: "call" });
  };

  return {
    id: "ToolUse",
    system,
    reset(seed) {
      const rng = new Rng(seed);
      const names = new Set<string>();
      while (names.size < 6) {
        const n = 2 + rng.int(2);
        const word = Array.from({ length: n }, () => SYLLABLES[rng.int(SYLLABLES.length)]).join("");
        names.add(word[0].toUpperCase() + word.slice(1));
      }
      docs = [...names].map((town) => {
        const population = 1000 + rng.int(99_000);
        return { town, population, text: `${town} is a town of ${population.toLocaleString("en")} people.` };
      });
      const a = rng.int(docs.length);
      const b = (a + 1 + rng.int(docs.length - 1)) % docs.length;
      const sum = rng.float() < 0.5;
      answer = sum ? docs[a].population + docs[b].population : docs[a].population - docs[b].population;
      remaining = [
        { name: "search", args: { query: docs[a].town } },
        { name: "search", args: { query: docs[b].town } },
        { name: "calculator", args: { expression: `${docs[a].population} ${sum ? "+" : "-"} ${docs[b].population}` } },
      ];
      turns = 0;
      return sum ? `How many people live in ${docs[a].town} and ${docs[b].town} together?` : `How many more people live in ${docs[a].town} than in ${docs[b].town}?`;
    },
    step,
  };
}

/** A turn as ToolRL's format asks: an optional think block, then only tool calls or only the answer. */
function wellFormed(message: string, kind: "tool_call" | "answer"): boolean {
  const rest = message.replace(/^\s*<think>[\s\S]*?<\/think>/, "").trim();
  return kind === "answer" ? /^<answer>[\s\S]*?<\/answer>$/.test(rest) : /^(<tool_call>[\s\S]*?<\/tool_call>\s*)+$/.test(rest);
}

function runTool(call: Call, search: (q: string) => string): string {
  const arg = (k: string) => (typeof call.args[k] === "string" ? (call.args[k] as string) : undefined);
  if (call.name === "search") {
    const q = arg("query");
    return q === undefined ? 'search needs {"query": "words"}' : search(q);
  }
  if (call.name === "calculator") {
    const e = arg("expression");
    if (e === undefined) return 'calculator needs {"expression": "…"}';
    const v = arithmetic(e);
    return v === undefined ? `cannot evaluate ${JSON.stringify(e)}` : String(v);
  }
  return `no tool named ${JSON.stringify(call.name)}; the tools are search and calculator`;
}

/** + − × ÷ and parentheses over numbers (commas allowed in them), by recursive descent; undefined for anything else. */
export function arithmetic(text: string): number | undefined {
  const tokens = text.replace(/(\d),(\d)/g, "$1$2").match(/\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const expr = (): number | undefined => {
    let v = term();
    while (v !== undefined && (peek() === "+" || peek() === "-")) {
      const op = tokens[i++];
      const r = term();
      if (r === undefined) return undefined;
      v = op === "+" ? v + r : v - r;
    }
    return v;
  };
  const term = (): number | undefined => {
    let v = factor();
    while (v !== undefined && (peek() === "*" || peek() === "/")) {
      const op = tokens[i++];
      const r = factor();
      if (r === undefined) return undefined;
      v = op === "*" ? v * r : v / r;
    }
    return v;
  };
  const factor = (): number | undefined => {
    const t = tokens[i++];
    if (t === "-") {
      const v = factor();
      return v === undefined ? undefined : -v;
    }
    if (t === "(") {
      const v = expr();
      return tokens[i++] === ")" ? v : undefined;
    }
    return t !== undefined && /^\d/.test(t) ? Number(t) : undefined;
  };
  const v = expr();
  return i === tokens.length && v !== undefined && Number.isFinite(v) ? v : undefined;
}
