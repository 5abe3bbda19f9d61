/**
 * Capturing and restoring the mutable state of objects made of numbers,
 * strings, typed arrays, `Rng`s and nested plain or class objects, as
 * JSON-ready data. Checkpoints use it so that a resumed run continues bit for
 * bit: every environment core, for instance, is captured without each of the
 * sixty having to write its own serializer.
 *
 * Functions are skipped (behaviour is code, not state), and so is what
 * cannot change: spaces, and frozen objects (the owner freezes what its
 * constructor builds once: feature lists, lookup tables), so a checkpoint
 * holds state, not configuration. An object met twice (a cycle, or shared)
 * is captured once, at its first path.
 *
 * Numbers in bulk are written as bytes (base64), not as decimal text:
 * typed arrays here, and, through `stateToJson`, plain number arrays whose
 * every element is a finite float32 value (network parameters and Adam's
 * moments held as number[]). They come back exactly in a quarter of the
 * text, so checkpoints (written every tenth of a run) stop costing a tenth
 * of its time. Older checkpoints, with numbers as text, still restore.
 */
import { Rng } from "./rng.js";
import { Box, Discrete, MultiDiscrete } from "./spaces.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const TYPED = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array, Int8Array, Uint16Array, Int16Array } as const;
type TypedName = keyof typeof TYPED;

/** Shorter number arrays stay text: readable, and too small for bytes to pay. */
const BYTES_FROM = 16;

const toBase64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

function fromBase64<T extends TypedName>(name: T, text: string): InstanceType<(typeof TYPED)[T]> {
  const bytes = Buffer.from(text, "base64");
  const Typed = TYPED[name];
  // Copy to an aligned buffer of its own: Buffer's pool may start at any byte.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Typed(copy.buffer) as InstanceType<(typeof TYPED)[T]>;
}

/** Every element a finite number that float32 holds exactly. */
function float32Exact(values: readonly unknown[]): boolean {
  for (const x of values) if (typeof x !== "number" || Math.fround(x) !== x) return false;
  return true;
}

export function captureState(obj: object, seen = new WeakSet<object>()): Json {
  seen.add(obj);
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(obj)) {
    const v = capture(value, seen);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function capture(value: unknown, seen: WeakSet<object>): Json | undefined {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value as Json;
  if (typeof value === "number") return Number.isFinite(value) ? value : { $num: String(value) };
  if (typeof value !== "object") return undefined; // functions, undefined, symbols
  if (seen.has(value) || isStatic(value)) return undefined;
  if (value instanceof Rng) {
    seen.add(value);
    return { $rng: value.getState() };
  }
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name as TypedName;
    if (!(name in TYPED)) return undefined;
    seen.add(value);
    return { $typed: name, b64: toBase64(value) };
  }
  if (Array.isArray(value)) {
    seen.add(value);
    // A skipped element (a function, or an object captured elsewhere) keeps its place.
    return value.map((v) => capture(v, seen) ?? { $skip: true });
  }
  if (value instanceof Map || value instanceof Set) {
    seen.add(value);
    return { $entries: capture([...value.entries()], seen) ?? [] };
  }
  return captureState(value, seen);
}

/** Built once and never changed: not state. (Shallow: freeze only objects whose contents are static or scratch.) */
function isStatic(value: object): boolean {
  return (!ArrayBuffer.isView(value) && Object.isFrozen(value)) || value instanceof Box || value instanceof Discrete || value instanceof MultiDiscrete;
}

/** Writes captured state back into an object of the same shape (typed arrays are filled in place). */
export function restoreState(obj: object, state: Json, seen = new WeakSet<object>()): void {
  seen.add(obj);
  if (state === null || typeof state !== "object" || Array.isArray(state)) return;
  const target = obj as Record<string, unknown>;
  for (const [key, saved] of Object.entries(state)) {
    const current = target[key];
    const next = restore(current, saved, seen);
    if (next !== current) target[key] = next;
  }
}

function restore(current: unknown, saved: Json, seen: WeakSet<object>): unknown {
  if (saved === null || typeof saved !== "object") return saved;
  if (!Array.isArray(saved) && "$skip" in saved) return current;
  if (!Array.isArray(saved) && "$num" in saved) return Number(saved.$num);
  if (!Array.isArray(saved) && "$rng" in saved) {
    const rng = current instanceof Rng ? current : new Rng(0);
    rng.setState(saved.$rng as number[]);
    return rng;
  }
  if (!Array.isArray(saved) && "$typed" in saved) {
    const name = saved.$typed as TypedName;
    // `data`: checkpoints written before numbers went as bytes.
    const data = typeof saved.b64 === "string" ? fromBase64(name, saved.b64) : (saved.data as (number | string)[]).map(Number);
    if (ArrayBuffer.isView(current) && (current as unknown as ArrayLike<number>).length === data.length) {
      (current as unknown as { set(d: ArrayLike<number>): void }).set(data);
      return current;
    }
    return ArrayBuffer.isView(data) ? data : TYPED[name].from(data);
  }
  if (!Array.isArray(saved) && "$entries" in saved) {
    const entries = restore(undefined, saved.$entries, seen) as [unknown, unknown][];
    return current instanceof Set ? new Set(entries.map(([k]) => k)) : new Map(entries);
  }
  if (Array.isArray(saved)) {
    if (Array.isArray(current) && current.length === saved.length && !seen.has(current)) {
      seen.add(current);
      saved.forEach((s, i) => {
        const next = restore(current[i], s, seen);
        if (next !== current[i]) current[i] = next;
      });
      return current;
    }
    return saved.map((s) => restore(undefined, s, seen));
  }
  if (current !== null && typeof current === "object" && !seen.has(current)) {
    restoreState(current, saved, seen);
    return current;
  }
  const fresh = {};
  restoreState(fresh, saved, seen);
  return fresh;
}

/** JSON text of state, with long float32-exact number arrays as `{$f32: base64}`; `stateFromJson` reads it (and plain JSON). */
export function stateToJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (Array.isArray(v) && v.length >= BYTES_FROM && float32Exact(v) ? { $f32: toBase64(Float32Array.from(v as number[])) } : v));
}

/** Parses `stateToJson`'s text: `{$f32}` back to the number array it was. */
export function stateFromJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => (v !== null && typeof v === "object" && typeof (v as { $f32?: unknown }).$f32 === "string" ? Array.from(fromBase64("Float32Array", (v as { $f32: string }).$f32)) : v));
}
