/** Parsing of command-line values, with errors that name the option. */
import { UserError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { parseConfigText } from "../core/config.js";

/** An integer option, `min` to `max` (a bound for counts that would otherwise run for ever, such as steps). */
export function intOption(value: string | undefined, name: string, min = 0, max?: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new UserError(name, `expected an integer ${range(min, max)}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function numberOption(value: string | undefined, name: string, min = 0, max?: number): number {
  const n = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isFinite(n) || n < min || (max !== undefined && n > max)) {
    throw new UserError(name, `expected a number ${range(min, max)}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function range(min: number, max: number | undefined): string {
  return max === undefined ? `≥ ${min}` : `from ${min} to ${max.toLocaleString("en")}`;
}

/** `--kwargs '{"size": 6}'` (JSON or YAML flow) as an object. */
export function kwargsOption(value: string | undefined, name = "--kwargs"): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const parsed = parseConfigText(value, name);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UserError(name, `expected an object such as '{"size": 6}', got ${JSON.stringify(value)}`);
  }
  return parsed as Record<string, unknown>;
}

/** The most seeds one `--seeds` may name, a bound like `--steps`'s. */
export const MAX_SEEDS = 10_000;


/**
 * `--seeds`: a count `n` (seeds 0 … n − 1), or a comma-separated list of
 * distinct non-negative integers and ranges `a-b` (both ends included), as
 * `7,8,9`, `10-19` or `0,5-7`. One number alone is a count: one seed `s`
 * is the range `s-s`. At least `min` seeds; a count starts at `first`.
 */
export function seedsOption(value: string | undefined, name = "--seeds", { min = 1, first = 0 }: { min?: number; first?: number } = {}): number[] {
  const fail = (why: string): never => {
    const expected = `a count (3: seeds ${first}, ${first + 1}, ${first + 2}), a list of distinct seeds (7,8,9) or a range (10-19; one seed: 7-7)`;
    throw new UserError(name, `expected ${expected}${min > 1 ? `, at least ${min} seeds` : ""}, ${why}`);
  };
  const text = value?.trim() ?? "";
  const got = `got ${JSON.stringify(value)}`;
  if (text === "") fail(got);
  const integer = (s: string): number => {
    const t = s.trim();
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(n)) fail(`got ${JSON.stringify(t)}${/^-\d/.test(t) ? " (seeds are non-negative)" : ""}${t === text ? "" : ` in ${JSON.stringify(value)}`}`);
    return n;
  };
  if (/^\d+$/.test(text)) {
    const n = integer(text);
    if (n < min || n > MAX_SEEDS) fail(`${got}: a count from ${min} to ${MAX_SEEDS.toLocaleString("en")}`);
    return Array.from({ length: n }, (_, i) => first + i);
  }
  const seeds: number[] = [];
  for (const item of text.split(",")) {
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(item);
    const [from, to] = range ? [integer(range[1]!), integer(range[2]!)] : [integer(item), integer(item)];
    if (to < from) fail(`got the range ${JSON.stringify(item.trim())}, which runs backwards`);
    if (seeds.length + (to - from + 1) > MAX_SEEDS) fail(`${got}: more than ${MAX_SEEDS.toLocaleString("en")} seeds`);
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  const seen = new Set<number>();
  for (const s of seeds) {
    if (seen.has(s)) fail(`${got}: seed ${s} is named twice`);
    seen.add(s);
  }
  if (seeds.length < min) fail(`${got}: ${seeds.length} seed${seeds.length === 1 ? "" : "s"}`);
  return seeds;
}

/** Seeds for people: runs of consecutive seeds as ranges, `0–4`, `0–2, 7, 9–10`. */
export function formatSeeds(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    parts.push(j === i ? String(seeds[i]) : `${seeds[i]}–${seeds[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

/** `3 seeds` for seeds 0 … 2 (what a count gives), else `2 seeds (5, 7)`. */
export function seedCount(seeds: readonly number[]): string {
  const n = `${seeds.length} seed${seeds.length === 1 ? "" : "s"}`;
  return seeds.every((s, i) => s === i) ? n : `${n} (${formatSeeds(seeds)})`;
}

/** A comma-separated list, each item one of `known`; undefined when not given. */
export function listOption(value: string | undefined, flag: string, known: readonly string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UserError(flag, `expected a comma-separated list of: ${known.join(", ")}`);
  for (const item of items) if (!known.includes(item)) throw new UserError(flag, `unknown ${JSON.stringify(item)}${didYouMean(item, known) || `; expected one of: ${known.join(", ")}`}`);
  return items;
}
