/**
 * Structure-aware fuzzing: inputs a user could write, made from valid ones
 * by small mutations (a value replaced by another of any JSON type, a key
 * deleted, misspelt or added, a list emptied or repeated), so most cases
 * get past the first check and reach the deeper ones. fast-check shrinks a
 * failing case to the smallest mutation that still fails.
 */
import fc from "fast-check";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value` (the root included). */
export function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

export type Mutation =
  | { op: "replace"; value: Json }
  | { op: "delete" }
  | { op: "rename"; key: string }
  | { op: "add"; key: string; value: Json }
  | { op: "repeat"; times: number };

/** Values users get wrong: wrong types, edge numbers, long and odd strings, deep nesting. */
export const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(0, -1, 1e9, 1e308, -0, 0.5, 2 ** 53 + 1, "", " ", "NaN", "Infinity", "eight", "__proto__", "constructor", [], {}, null, true),
  fc.string({ maxLength: 40 }),
  fc.integer({ min: 1, max: 400 }).map((depth) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as Json),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("replace" as const), value: oddValue }),
  fc.constant({ op: "delete" as const }),
  fc.record({ op: fc.constant("rename" as const), key: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom("__proto__", "constructor", "prototype")) }),
  fc.record({ op: fc.constant("add" as const), key: fc.string({ minLength: 1, maxLength: 12 }), value: oddValue }),
  fc.record({ op: fc.constant("repeat" as const), times: fc.integer({ min: 0, max: 50 }) }),
);

/** `value` with `m` applied at `path` (a copy; the input is not changed). */
export function applyMutation(value: Json, path: readonly (string | number)[], m: Mutation): Json {
  const root = structuredClone(value);
  if (path.length === 0) {
    if (m.op === "replace") return m.value;
    if (m.op === "repeat") return Array.from({ length: m.times }, () => structuredClone(root));
    return root;
  }
  let parent: Json = root;
  for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[segment]!;
  const last = path.at(-1)!;
  const container = parent as Record<string | number, Json>;
  switch (m.op) {
    case "replace":
      container[last] = m.value;
      break;
    case "delete":
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete container[last];
      break;
    case "rename":
      if (!Array.isArray(parent)) {
        const v = container[last]!;
        delete container[last];
        // defineProperty: an own key even when it is "__proto__".
        Object.defineProperty(container, m.key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      break;
    case "add": {
      const target = container[last];
      if (target !== null && typeof target === "object" && !Array.isArray(target)) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else if (Array.isArray(target)) target.push(m.value);
      break;
    }
    case "repeat": {
      const target = container[last];
      if (Array.isArray(target)) container[last] = Array.from({ length: m.times }, (_, i) => structuredClone(target[i % Math.max(1, target.length)] ?? null));
      break;
    }
  }
  return root;
}

/** Mutants of the given valid inputs: 1 to 3 mutations each, at paths that exist in the input. */
export function mutants(valid: readonly Json[]): fc.Arbitrary<Json> {
  return fc.constantFrom(...valid).chain((base) => {
    const one = (v: Json) => fc.tuple(fc.constantFrom(...pathsOf(v)), mutation).map(([path, m]) => applyMutation(v, path, m));
    return fc.integer({ min: 1, max: 3 }).chain((k) => {
      let arb = one(base);
      for (let i = 1; i < k; i++) arb = arb.chain(one);
      return arb;
    });
  });
}

/** The fixed seed and bounded number of runs every fuzz test uses in `npm test`. */
export const FUZZ = { seed: 20261206, numRuns: Number(process.env.REWARDLAB_FUZZ_RUNS ?? 300) } as const;
