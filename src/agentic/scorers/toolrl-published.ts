/**
 * ToolRL's reward as its authors' code computes it (`compute_score` in
 * verl/utils/reward_score/rlla.py of github.com/qiancheng0/ToolRL), with
 * the reward variants their README lists, which their code switches with
 * environment variables:
 *
 *   granularity  refined       REFINEDREWARD=1       name and key lists must be identical (in order) to score
 *                intermediate  INTERMEDIATEREWARD=1  a gold call scores 1 only for an identical predicted call
 *                coarse        COARSEREWARD=1        R_max for exactly the gold calls, else R_min
 *   scale        equal         CORRECTMAX1=1         R_correct ∈ [−1, 1]
 *                two-stage     MAX1STEP30MAX3=1      R_correct ∈ [−1, 1] before step 30; R_format ∈ [0, 0.5] from step 30
 *                dynamic       SCHEDULEREWARD=1      both ranges move linearly with the step (150 steps)
 *   length       fixed         WITHLENGTH=1          + round(words in <think> / 512, 2), at most 1
 *                dynamic       + SCHEDULELENGTH=1    … / (256·step/105 + 384)
 *
 * R = R_format + R_correct + R_length, every step of it as their Python
 * does it: the response is cut out of the decoded text by the chat
 * template, stripped; the format is their regular expression; only the
 * first `<tool_call>` block is read; calls are `json.loads` lines compared
 * with Python's `==`; matching is greedy, gold call by gold call.
 */
import { pyCount, pyCounterOverlap, pyEq, pyGetItem, PyDict, PyError, pyJsonLoads, pyLen, pyRound2, pyStrip, pyWordCount, type PyValue } from "./toolrl-python.js";

export type Granularity = "default" | "refined" | "intermediate" | "coarse";
export type ScaleSetting = "default" | "equal" | "two-stage" | "dynamic";
export type LengthSetting = "off" | "fixed" | "dynamic";
export type Template = "qwen" | "llama";

export interface PublishedSettings {
  template: Template;
  granularity: Granularity;
  scale: ScaleSetting;
  length: LengthSetting;
}

/** Their compute_score's four results. */
export interface PublishedScore {
  score: number;
  format: number;
  correctness: number;
  length: number;
  /** How the correctness came about, for the reason. */
  detail: string;
}

/** The gold cannot be read: their code raises (json.loads outside any try). */
export class GoldError extends Error {}

/** Whether a setting reads the training step. */
export function needsStep(s: PublishedSettings): boolean {
  return s.scale === "two-stage" || s.scale === "dynamic" || s.length === "dynamic";
}

// ── text as Python's str.split cuts it ────────────────────────────────────

/** `s.split(sep)[1]`: between the first and the second `sep` (or the end). Assumes `sep` occurs. */
function secondPart(s: string, sep: string): string {
  const i = s.indexOf(sep) + sep.length;
  const j = s.indexOf(sep, i);
  return j < 0 ? s.slice(i) : s.slice(i, j);
}

/** `s.split(sep)[0]`. */
function firstPart(s: string, sep: string): string {
  const i = s.indexOf(sep);
  return i < 0 ? s : s.slice(0, i);
}

/** `s.split(sep)[-1]`. */
function lastPart(s: string, sep: string): string {
  const i = s.lastIndexOf(sep);
  return i < 0 ? s : s.slice(i + sep.length);
}

const TEMPLATES: Record<Template, { start: string; end: string }> = {
  qwen: { start: "<|im_start|>assistant", end: "<|im_end|>" },
  llama: { start: "<|start_header_id|>assistant<|end_header_id|>", end: "<|eot_id|>" },
};

/** Their `predict_str`: after the last assistant header, before the first end token, stripped. */
export function cutResponse(text: string, template: Template): string {
  const { start, end } = TEMPLATES[template];
  return pyStrip(firstPart(lastPart(text, start), end));
}

// ── format ────────────────────────────────────────────────────────────────

/**
 * `re.search("^p0.*?p1.*?…pn$", s, re.DOTALL)` for literal parts: the
 * earliest placement of each middle part leaves the most room, and `$`
 * also matches before a final newline.
 */
function matchesParts(s: string, parts: readonly string[]): boolean {
  if (!s.startsWith(parts[0]!)) return false;
  let pos = parts[0]!.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const at = s.indexOf(parts[k]!, pos);
    if (at < 0) return false;
    pos = at + parts[k]!.length;
  }
  const last = parts[parts.length - 1]!;
  const endsAt = (end: number) => end - last.length >= pos && s.startsWith(last, end - last.length);
  return endsAt(s.length) || (s.endsWith("\n") && endsAt(s.length - 1));
}

const THINK_RESPONSE = ["<think>", "</think>\n<response>", "</response>"];
const THINK_CALL = ["<think>", "</think>\n<tool_call>\n", "\n</tool_call>"];
const THINK_CALL_RESPONSE = ["<think>", "</think>\n<tool_call>\n", "\n</tool_call>\n<response>", "</response>"];
const THINK = ["<think>", "</think>"];

/** customize_format_reward_func: R_max or R_min. */
export function publishedFormat(response: string, gold: string, step: number, scale: ScaleSetting): number {
  let max = 1;
  let min = 0;
  if (scale === "two-stage" && step >= 30) {
    max = max / 2;
    min = min / 2;
  }
  if (scale === "dynamic") {
    max = 2 - ((2 - max) * step) / 150;
    min = -2 + ((2 + min) * step) / 150;
    if (max < 1) max = 1;
    if (min > -1) min = -1;
  }
  const once = (tag: string) => pyCount(response, tag) === 1;
  const wantsResponse = gold.includes("<response>");
  const wantsCall = gold.includes("<tool_call>");
  let ok: boolean;
  if (wantsResponse && !wantsCall) ok = matchesParts(response, THINK_RESPONSE) && once("<response>") && once("</response>");
  else if (!wantsResponse && wantsCall) ok = matchesParts(response, THINK_CALL) && once("<tool_call>") && once("</tool_call>");
  else if (wantsResponse && wantsCall) {
    ok = matchesParts(response, THINK_CALL_RESPONSE) && once("<tool_call>") && once("</tool_call>") && once("<response>") && once("</response>");
  } else ok = matchesParts(response, THINK);
  return ok ? max : min;
}

// ── correctness ───────────────────────────────────────────────────────────

/** match_score: 1 for equal lists, else |A∩B| / (|A| + |B| − |A∩B|) over multisets. */
function matchScore(a: PyValue[], b: PyValue[], refined: boolean): number {
  if (pyEq(a, b)) return 1;
  if (refined) return 0;
  if (a.length === 0 || b.length === 0) return 0;
  const shared = pyCounterOverlap(a, b);
  const union = a.length + b.length - shared;
  return union > 0 ? shared / union : 0;
}

/** `list(d.keys())`: an AttributeError unless `d` is a dict. */
function keysOf(d: PyValue): string[] {
  if (!(d instanceof PyDict)) throw new PyError("object has no attribute 'keys'");
  return [...d.entries.keys()];
}

/** compute_tool_call_reward; throws a PyError where their code raises (their caller then gives R_min). */
function toolCallReward(gold: PyValue[], pred: PyValue[], max: number, min: number, g: Granularity): { value: number; detail: string } {
  if (pyEq(gold, pred)) return { value: max, detail: "exact match" };
  if (g === "coarse") return { value: min, detail: "not an exact match (coarse)" };
  const refined = g === "refined";
  const intermediate = g === "intermediate";
  const goldNames = gold.map((t) => pyGetItem(t, "name"));
  const predNames = pred.map((t) => pyGetItem(t, "name"));
  let score = matchScore(goldNames, predNames, refined);
  let localMax = 1;
  const used = new Set<number>();
  for (const goldTool of gold) {
    const goldName = pyGetItem(goldTool, "name");
    const goldParams = pyGetItem(goldTool, "parameters");
    localMax += intermediate ? 1 : 1 + pyLen(goldParams);
    let best: PyValue | undefined;
    let bestScore = 0;
    let bestIndex = -1;
    for (let i = 0; i < pred.length; i++) {
      if (used.has(i) || !pyEq(pyGetItem(pred[i]!, "name"), goldName)) continue;
      if (intermediate) {
        if (!pyEq(goldTool, pred[i]!)) continue;
        [best, bestIndex, bestScore] = [pred[i]!, i, 1];
        break;
      }
      const predParams = pyGetItem(pred[i]!, "parameters");
      const paramScore = matchScore(keysOf(goldParams), keysOf(predParams), refined);
      let equal = 0;
      const pe = (predParams as PyDict).entries;
      for (const [k, v] of (goldParams as PyDict).entries) if (pe.has(k) && pyEq(pe.get(k)!, v)) equal += 1;
      const total = paramScore + equal;
      if (total > bestScore) [best, bestIndex, bestScore] = [pred[i]!, i, total];
    }
    // `if best_match:` — a matched call is a dict with a name, never empty.
    if (best !== undefined && pyLen(best) > 0) {
      used.add(bestIndex);
      score += bestScore;
    }
  }
  return { value: ((max - min) * score) / localMax + min, detail: `S ${round3(score)}/${localMax}` };
}

const round3 = (x: number) => String(Math.round(x * 1000) / 1000);

/** The JSON objects of one `<tool_call>` block as their code reads it: stripped, split on "\n", each line json.loads'ed. */
function blockLines(text: string): PyValue[] {
  return pyStrip(firstPart(secondPart(text, "<tool_call>"), "</tool_call>"))
    .split("\n")
    .map((line) => pyJsonLoads(line));
}

/** The R_correct range customize_correctness_reward_tool uses at `step`. */
function correctnessRange(scale: ScaleSetting, step: number): [number, number] {
  let max = scale === "equal" ? 1 : 3;
  let min = scale === "equal" ? -1 : -3;
  if (scale === "two-stage" && step < 30) {
    max = max / 3;
    min = min / 3;
  }
  if (scale === "dynamic") {
    max = ((max - 2) * step) / 150 + 2;
    min = ((min + 2) * step) / 150 - 2;
    if (max > 3) max = 3;
    if (min < -3) min = -3;
  }
  return [min, max];
}

/** customize_correctness_reward_tool. A gold that json.loads rejects is a GoldError. */
export function publishedCorrectness(response: string, gold: string, step: number, s: PublishedSettings): { value: number; detail: string } {
  const [min, max] = correctnessRange(s.scale, step);
  if (!gold.includes("<tool_call>")) return { value: 0, detail: "no call wanted" };
  let goldTools: PyValue[];
  try {
    goldTools = blockLines(gold);
  } catch (e) {
    if (e instanceof PyError) throw new GoldError(`the reference's <tool_call> block is not JSON lines (${e.message})`);
    throw e;
  }
  if (!response.includes("<tool_call>") || !response.includes("</tool_call>")) return { value: min, detail: "no <tool_call> block" };
  try {
    return toolCallReward(goldTools, blockLines(response), max, min, s.granularity);
  } catch (e) {
    if (e instanceof PyError) return { value: min, detail: `raised: ${e.message.slice(0, 60)}` };
    throw e;
  }
}

// ── length ────────────────────────────────────────────────────────────────

/** customize_length_reward_func, in [0, 1]: words in the last <think>, over 512 (or the scheduled length), rounded to 2 decimals. */
export function publishedLength(response: string, step: number, setting: LengthSetting): number {
  if (setting === "off") return 0;
  const maxLen = setting === "dynamic" ? ((640 - 384) * step) / 105 + 384 : 512;
  if (!response.includes("<think>") || !response.includes("</think>")) return 0;
  const think = pyStrip(firstPart(lastPart(response, "<think>"), "</think>"));
  let r = pyRound2(pyWordCount(think) / maxLen);
  if (r > 1) r = 1;
  return r * (1 - 0) + 0;
}

// ── compute_score ─────────────────────────────────────────────────────────

/** compute_score(solution_str, ground_truth, step). Throws a GoldError where their code raises. */
export function publishedScore(text: string, gold: string, step: number, s: PublishedSettings): PublishedScore {
  const response = cutResponse(text, s.template);
  const format = publishedFormat(response, gold, step, s.scale);
  const c = publishedCorrectness(response, gold, step, s);
  const length = publishedLength(response, step, s.length);
  return { score: format + c.value + length, format, correctness: c.value, length, detail: c.detail };
}
