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
 */
import { Rng } from "./rng.js";
import { Box, Discrete, MultiDiscrete } from "./spaces.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const TYPED = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array, Int8Array, Uint16Array, Int16Array } as const;
type TypedName = keyof typeof TYPED;

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
    return { $typed: name, data: Array.from(value as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : String(x))) as Json[] };
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
    const data = (saved.data as (number | string)[]).map(Number);
    if (ArrayBuffer.isView(current) && (current as unknown as ArrayLike<number>).length === data.length) {
      (current as unknown as { set(d: number[]): void }).set(data);
      return current;
    }
    return TYPED[saved.$typed as TypedName].from(data);
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
