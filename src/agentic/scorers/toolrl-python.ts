/**
 * Python's semantics where ToolRL's published reward depends on them:
 * `json.loads` (its NaN/Infinity literals, integers of any size, dicts
 * that keep key order), `==` (`True == 1`, `1 == 1.0`, a NaN element equal
 * to itself inside a list or dict), `len`, `str.strip`/`str.split()`
 * whitespace and `round(x, 2)`.
 *
 * Values keep Python's types: `null` None, `boolean` bool, `bigint` int,
 * `number` float, `string` str, arrays list, `PyDict` dict.
 */

/** A dict as json.loads builds it: string keys in first-insertion order, the last duplicate's value. */
export class PyDict {
  readonly entries = new Map<string, PyValue>();
}

export type PyValue = null | boolean | bigint | number | string | PyValue[] | PyDict;

/** What Python raises (TypeError, KeyError, ValueError, …), as ToolRL's bare `except` sees it. */
export class PyError extends Error {}

// ---------------------------------------------------------------------------
// json.loads

/** CPython's default limit on the digits of an int parsed from text (sys.get_int_max_str_digits()). */
const INT_MAX_STR_DIGITS = 4300;

/**
 * Nesting deeper than this is refused. CPython's scanner raises a
 * RecursionError near its recursion limit (1000, minus the frames already
 * on the stack); the bound also keeps a hostile input off our own stack.
 */
export const MAX_DEPTH = 990;

const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new PyError(`${what} at char ${this.i}`);
  }

  skip(): void {
    while (this.i < this.s.length && isJsonSpace(this.s.charCodeAt(this.i))) this.i++;
  }

  value(depth: number): PyValue {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    for (const [word, v] of CONSTANTS) {
      if (s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.number();
  }

  number(): PyValue {
    // -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?, ASCII digits only (CPython's C scanner).
    const s = this.s;
    const start = this.i;
    let j = start;
    if (s.charCodeAt(j) === 0x2d) j++;
    if (s.charCodeAt(j) === 0x30) j++;
    else if (isDigit(s.charCodeAt(j))) while (isDigit(s.charCodeAt(j))) j++;
    else this.fail("Expecting value");
    let float = false;
    if (s.charCodeAt(j) === 0x2e && isDigit(s.charCodeAt(j + 1))) {
      float = true;
      j += 2;
      while (isDigit(s.charCodeAt(j))) j++;
    }
    const e = s.charCodeAt(j);
    if (e === 0x65 || e === 0x45) {
      let k = j + 1;
      const sign = s.charCodeAt(k);
      if (sign === 0x2b || sign === 0x2d) k++;
      if (isDigit(s.charCodeAt(k))) {
        float = true;
        j = k;
        while (isDigit(s.charCodeAt(j))) j++;
      }
    }
    this.i = j;
    const text = s.slice(start, j);
    if (float) return Number(text); // float(): correctly rounded, 1e400 → inf, as JavaScript's
    const digits = text.length - (text.startsWith("-") ? 1 : 0);
    if (digits > INT_MAX_STR_DIGITS) throw new PyError(`Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion`);
    return BigInt(text);
  }

  string(): string {
    const s = this.s;
    let j = this.i + 1;
    let out = "";
    let from = j;
    for (;;) {
      if (j >= s.length) {
        this.i = j;
        this.fail("Unterminated string starting");
      }
      const c = s.charCodeAt(j);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.i = j;
        this.fail("Invalid control character");
      }
      if (c !== 0x5c) {
        j++;
        continue;
      }
      out += s.slice(from, j);
      const esc = s[j + 1];
      const simple = esc === undefined ? undefined : ESCAPES[esc];
      if (simple !== undefined) {
        out += simple;
        j += 2;
      } else if (esc === "u" && /^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) {
        // A \uXXXX pair Python joins into one code point is the same UTF-16 text here.
        out += String.fromCharCode(parseInt(s.slice(j + 2, j + 6), 16));
        j += 6;
      } else {
        this.i = j;
        this.fail("Invalid \\escape");
      }
      from = j;
    }
    out += s.slice(from, j);
    this.i = j + 1;
    return out;
  }

  object(depth: number): PyDict {
    if (depth > MAX_DEPTH) this.fail("maximum recursion depth exceeded while decoding a JSON object");
    const d = new PyDict();
    this.i++;
    this.skip();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return d;
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail("Expecting property name enclosed in double quotes");
      const key = this.string();
      this.skip();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail("Expecting ':' delimiter");
      this.i++;
      this.skip();
      d.entries.set(key, this.value(depth));
      this.skip();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x7d) return d;
      if (c !== 0x2c) this.fail("Expecting ',' delimiter");
      this.skip();
    }
  }

  array(depth: number): PyValue[] {
    if (depth > MAX_DEPTH) this.fail("maximum recursion depth exceeded while decoding a JSON array");
    const a: PyValue[] = [];
    this.i++;
    this.skip();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return a;
    }
    for (;;) {
      a.push(this.value(depth));
      this.skip();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x5d) return a;
      if (c !== 0x2c) this.fail("Expecting ',' delimiter");
      this.skip();
    }
  }
}

const CONSTANTS: [string, PyValue][] = [
  ["null", null],
  ["true", true],
  ["false", false],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
];

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * `json.loads(s)` with Python's defaults: NaN, Infinity and -Infinity are
 * accepted; integers stay exact (bigint); a BOM, trailing text and ints of
 * more than 4300 digits are errors. Throws a `PyError` where Python raises.
 */
export function pyJsonLoads(s: string): PyValue {
  if (s.charCodeAt(0) === 0xfeff) throw new PyError("Unexpected UTF-8 BOM (decode using utf-8-sig)");
  const p = new Parser(s);
  p.skip();
  const v = p.value(0);
  p.skip();
  if (p.i !== s.length) p.fail("Extra data");
  return v;
}

// ---------------------------------------------------------------------------
// ==

/** An int's or bool's value, for the numeric comparisons Python makes across bool, int and float. */
function asInt(v: PyValue): bigint | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1n : 0n;
  return null;
}

/** Python's exact comparison of an int with a float (no rounding of the int). */
function intEqualsFloat(i: bigint, f: number): boolean {
  return Number.isInteger(f) && BigInt(f) === i;
}

/**
 * Python's `a == b` for two distinct objects: bool, int and float compare
 * by exact value (`True == 1 == 1.0`), a NaN is unequal to everything.
 */
export function pyEq(a: PyValue, b: PyValue): boolean {
  if (a === null || b === null) return a === b;
  const ia = asInt(a);
  const ib = asInt(b);
  if (ia !== null && ib !== null) return ia === ib;
  if (typeof a === "number") return typeof b === "number" ? a === b : ib !== null && intEqualsFloat(ib, a);
  if (typeof b === "number") return ia !== null && intEqualsFloat(ia, b);
  if (ia !== null || ib !== null) return false;
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (!pyEqItem(a[k], b[k])) return false;
    return true;
  }
  if (!(a instanceof PyDict) || !(b instanceof PyDict) || a.entries.size !== b.entries.size) return false;
  const eb = b.entries;
  for (const [k, v] of a.entries) {
    if (!eb.has(k) || !pyEqItem(v, eb.get(k)!)) return false;
  }
  return true;
}

/**
 * `==` as lists, dicts and dict lookups apply it to their items: identity
 * first. json.loads returns one shared float object for every `NaN`
 * literal, so there a NaN equals a NaN.
 */
export function pyEqItem(a: PyValue, b: PyValue): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || pyEq(a, b);
}

/** `len(v)`: code points of a str, items of a list or dict; a TypeError otherwise. */
export function pyLen(v: PyValue): number {
  if (typeof v === "string") {
    let n = 0;
    for (const _ of v) n++;
    return n;
  }
  if (Array.isArray(v)) return v.length;
  if (v instanceof PyDict) return v.entries.size;
  throw new PyError(`object of type ${pyType(v)} has no len()`);
}

/** `v[key]` for a str key: a dict's value; a KeyError or TypeError otherwise. */
export function pyGetItem(v: PyValue, key: string): PyValue {
  if (!(v instanceof PyDict)) throw new PyError(`${pyType(v)} indices must be integers or slices, not str`);
  if (!v.entries.has(key)) throw new PyError(`KeyError: ${JSON.stringify(key)}`);
  return v.entries.get(key)!;
}

/** Python's type name, for messages. */
export function pyType(v: PyValue): string {
  if (v === null) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "str";
  return Array.isArray(v) ? "list" : "dict";
}

/**
 * A key equal for values Python's dict takes as one key: `True`, `1` and
 * `1.0` hash and compare equal; every NaN json.loads makes is one object.
 */
function hashKey(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "string") return `s${v}`;
  if (typeof v === "boolean") return v ? "n1" : "n0";
  if (typeof v === "bigint") return `n${v}`;
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (Number.isInteger(v)) return `n${BigInt(v)}`;
    return `f${v}`; // shortest round-trip text: one per double; ±Infinity are never an int's
  }
  throw new PyError(`unhashable type: '${pyType(v)}'`);
}

/**
 * `collections.Counter(items)` as (key, count) pairs in first-seen order.
 * Lists and dicts are not hashable: a TypeError.
 */
export function pyCounter(items: readonly PyValue[]): [PyValue, number][] {
  const counts = new Map<string, [PyValue, number]>();
  for (const v of items) {
    const k = hashKey(v);
    const hit = counts.get(k);
    if (hit) hit[1]++;
    else counts.set(k, [v, 1]);
  }
  return [...counts.values()];
}

/** Σ_k min(a[k], b[k]) over the keys two Counters share. */
export function pyCounterOverlap(a: readonly PyValue[], b: readonly PyValue[]): number {
  const cb = new Map<string, number>();
  for (const [k, n] of pyCounter(b)) cb.set(hashKey(k), n);
  let shared = 0;
  for (const [k, n] of pyCounter(a)) shared += Math.min(n, cb.get(hashKey(k)) ?? 0);
  return shared;
}

// ---------------------------------------------------------------------------
// str

/** The characters `str.isspace()` is true for (str.strip() and str.split() use them). No BOM, no zero-width space. */
export function isPySpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** `s.strip()`. */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPySpace(s.charCodeAt(a))) a++;
  while (b > a && isPySpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** `len(s.split())`: the number of runs of non-whitespace. */
export function pyWordCount(s: string): number {
  let n = 0;
  let inWord = false;
  for (let k = 0; k < s.length; k++) {
    const space = isPySpace(s.charCodeAt(k));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** `s.count(sub)`: non-overlapping occurrences. */
export function pyCount(s: string, sub: string): number {
  let n = 0;
  for (let k = s.indexOf(sub); k >= 0; k = s.indexOf(sub, k + sub.length)) n++;
  return n;
}

// ---------------------------------------------------------------------------
// round

/**
 * Python's `round(x, 2)` for a float: the exact binary value rounded to
 * two decimals, ties to even (round(0.125, 2) = 0.12, round(0.375, 2) =
 * 0.38), then the nearest float.
 */
export function pyRound2(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  // x = m · 2^e exactly, with m an integer.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const m = exp === 0 ? frac : frac | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075;
  // e < 0 here: x is not an integer. x·100 = m·100 / 2^−e.
  const den = 1n << BigInt(-e);
  const num = m * 100n;
  let q = num / den;
  const twiceRem = 2n * (num - q * den);
  if (twiceRem > den || (twiceRem === den && (q & 1n) === 1n)) q++;
  const r = Number(q) / 100;
  return x < 0 ? -r : r;
}
