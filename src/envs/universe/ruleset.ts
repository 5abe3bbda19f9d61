/**
 * A task of the universe: a goal, the production rules that lead to it (and
 * distractors), and the objects placed at the start. Three forms:
 * - in memory, tiles as packed cells (`Ruleset`);
 * - as data people write and read (`RulesetJson`, tiles by name, checked by
 *   a zod schema): `{goal: {kind: hold, tile: blue pyramid}, rules: [...],
 *   objects: [red ball, ...]}`;
 * - as bytes, for benchmark files of millions of tasks (`encodeRuleset`).
 */
import { z } from "zod";
import { type Goal } from "./goals.js";
import { SIDES, type Rule, type Side } from "./rules.js";
import { NOTHING, OBJECT_TILES, parseTile, tileName, type Tile } from "./tiles.js";

export interface Ruleset {
  goal: Goal;
  rules: Rule[];
  /** Objects placed at the start, at random free cells. */
  objects: Tile[];
}

const TileName = (what: string, allowNothing = false) =>
  z
    .string()
    .transform((s, ctx) => {
      const t = parseTile(s);
      if (t === undefined || (t === NOTHING && !allowNothing)) {
        ctx.addIssue({ code: "custom", message: `expected ${what} as "<color> <shape>" (e.g. "blue pyramid")${allowNothing ? ' or "nothing"' : ""}, got ${JSON.stringify(s)}` });
        return z.NEVER;
      }
      return t;
    })
    .describe(`${what}: "<color> <shape>"${allowNothing ? ' or "nothing"' : ""}`);
const SideName = z.enum(SIDES).default("any").describe("where the second object or the agent's neighbour lies: any, up, right, down, left (the grid's directions)");

const GoalJson = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("hold"), tile: TileName("the object to hold") }).strict(),
  z.object({ kind: z.literal("near"), tile: TileName("the object to stand next to"), side: SideName }).strict(),
  z.object({ kind: z.literal("tiles-near"), a: TileName("the first object"), b: TileName("the second object"), side: SideName }).strict(),
]);
const RuleJson = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("hold"), tile: TileName("the object picked up"), product: TileName("what it becomes", true) }).strict(),
  z.object({ kind: z.literal("near"), tile: TileName("the object the agent comes next to"), side: SideName, product: TileName("what it becomes", true) }).strict(),
  z.object({ kind: z.literal("tiles-near"), a: TileName("the first object"), b: TileName("the second object"), side: SideName, product: TileName("what they become", true) }).strict(),
]);

/** A ruleset as people write it. */
export const RulesetJson = z
  .object({
    goal: GoalJson,
    rules: z.array(RuleJson).max(64).default([]),
    objects: z.array(TileName("an object")).min(1).max(64),
  })
  .strict();

export function rulesetFromJson(json: z.output<typeof RulesetJson>): Ruleset {
  return { goal: json.goal as Goal, rules: json.rules as Rule[], objects: json.objects };
}

/** The ruleset as data with tiles by name (`RulesetJson` reads it back). */
export function rulesetToJson(r: Ruleset): Record<string, unknown> {
  const named = (o: Goal | Rule) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k === "kind" || k === "side" ? v : tileName(v as number)]));
  return { goal: named(r.goal), rules: r.rules.map(named), objects: r.objects.map(tileName) };
}

/** Where a side puts the second object: "above", "left of", … (sides are the grid's: up is north). */
const RELATION: Record<Exclude<Side, "any">, string> = { up: "above", right: "right of", down: "below", left: "left of" };

/** One line per part: the goal, each rule, the objects. */
export function describeRuleset(r: Ruleset): string[] {
  const g = r.goal;
  const goal =
    g.kind === "hold"
      ? `hold the ${tileName(g.tile)}`
      : g.kind === "near"
        ? `stand next to the ${tileName(g.tile)}${g.side === "any" ? "" : ` (it ${RELATION[g.side]} the agent)`}`
        : `put the ${tileName(g.a)} next to the ${tileName(g.b)}${g.side === "any" ? "" : ` (the ${tileName(g.b)} ${RELATION[g.side]} it)`}`;
  const becomes = (p: Tile) => (p === NOTHING ? "disappears" : `becomes a ${tileName(p)}`);
  const rules = r.rules.map((x) =>
    x.kind === "hold"
      ? `picking up the ${tileName(x.tile)}: it ${becomes(x.product)}`
      : x.kind === "near"
        ? `coming next to the ${tileName(x.tile)}${x.side === "any" ? "" : ` (it ${RELATION[x.side]} the agent)`}: it ${becomes(x.product)}`
        : `the ${tileName(x.a)} next to the ${tileName(x.b)}${x.side === "any" ? "" : ` (the ${tileName(x.b)} ${RELATION[x.side]} it)`}: ${x.product === NOTHING ? "both disappear" : `they become a ${tileName(x.product)}`}`,
  );
  return [`goal: ${goal}`, ...rules.map((t) => `rule: ${t}`), `objects: ${r.objects.map(tileName).join(", ")}`];
}

// ── bytes ───────────────────────────────────────────────────────────────────
// A tile is one byte: 0 nothing, 1 + its index in OBJECT_TILES. A goal is 4
// bytes (kind, side, a, b), a rule 5 (kind, side, a, b, product), then the
// rule count, the rules, the object count and the objects.
const TILE_CODE = new Map<Tile, number>([[NOTHING, 0], ...OBJECT_TILES.map((t, i) => [t, i + 1] as [Tile, number])]);
const tileCode = (t: Tile) => TILE_CODE.get(t)!;
const codeTile = (c: number): Tile => {
  if (c === 0) return NOTHING;
  const t = OBJECT_TILES[c - 1];
  if (t === undefined) throw new Error(`ruleset bytes: unknown tile code ${c}`);
  return t;
};
const KIND = ["hold", "near", "tiles-near"] as const;

export function encodeRuleset(r: Ruleset): number[] {
  const parts = (o: Goal | Rule): number[] => {
    const a = o.kind === "tiles-near" ? o.a : o.tile;
    const b = o.kind === "tiles-near" ? o.b : NOTHING;
    return [KIND.indexOf(o.kind), o.kind === "hold" ? 0 : SIDES.indexOf(o.side), tileCode(a), tileCode(b)];
  };
  return [...parts(r.goal), r.rules.length, ...r.rules.flatMap((x) => [...parts(x), tileCode(x.product)]), r.objects.length, ...r.objects.map(tileCode)];
}

export function decodeRuleset(bytes: ArrayLike<number>): Ruleset {
  let at = 0;
  const next = () => {
    if (at >= bytes.length) throw new Error("ruleset bytes: truncated");
    return bytes[at++];
  };
  const part = (): Goal => {
    const kind = KIND[next()];
    const s = SIDES[next()];
    const a = codeTile(next());
    const b = codeTile(next());
    if (kind === undefined || s === undefined) throw new Error("ruleset bytes: unknown kind or side");
    return kind === "hold" ? { kind, tile: a } : kind === "near" ? { kind, tile: a, side: s } : { kind, a, b, side: s };
  };
  const goal = part();
  const rules = Array.from({ length: next() }, (): Rule => ({ ...part(), product: codeTile(next()) }) as Rule);
  const objects = Array.from({ length: next() }, () => codeTile(next()));
  if (at !== bytes.length) throw new Error("ruleset bytes: trailing bytes");
  return { goal, rules, objects };
}
