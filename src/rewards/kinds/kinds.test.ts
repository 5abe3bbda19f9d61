import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { makeVector } from "../../envs/registry.js";
import * as build from "../builder.js";
import { compileReward } from "../program.js";
import { envInfoOf, RewardedVector } from "../rewarded.js";
import { parseRewardSpec, RewardSpec, TERM_KINDS } from "../spec.js";
import { constantKind } from "./constant.example.js";
import { describeKinds, KINDS_BEGIN, KINDS_END } from "./describe.js";
import { TERM_BUILDERS, TERM_KIND_LIST } from "./index.js";
import { termKinds } from "./registry.js";

const docs = readFileSync(new URL("../../../docs/rewards.md", import.meta.url), "utf8");

describe("the list of term kinds", () => {
  test("docs/rewards.md's table of kinds is the one describeKinds() makes from the list", () => {
    const generated = docs.slice(docs.indexOf(KINDS_BEGIN), docs.indexOf(KINDS_END) + KINDS_END.length);
    // On a difference, paste the expected table (below) into docs/rewards.md.
    expect(generated).toBe(describeKinds());
  });

  test("names, builder helpers and the schema's union come from the list, in its order", () => {
    expect(TERM_KINDS).toEqual(TERM_KIND_LIST.map((k) => k.kind));
    expect(Object.keys(TERM_BUILDERS)).toEqual(TERM_KINDS);
    expect(build.term).toBe(TERM_BUILDERS);
    const schema = z.toJSONSchema(RewardSpec, { io: "input" }) as unknown as { $defs?: Record<string, { anyOf: { properties: { kind: { const: string } } }[] }>; properties: { terms: { items: { $ref?: string } } } };
    const term = schema.$defs![schema.properties.terms.items.$ref!.replace("#/$defs/", "")];
    // TypeScript-only kinds (code) are not in YAML's schema.
    expect(term.anyOf.map((t) => t.properties.kind.const)).toEqual(TERM_KIND_LIST.filter((k) => !k.typescriptOnly).map((k) => k.kind));
  });
});

describe("adding a term kind (docs/rewards.md's walkthrough)", () => {
  const kinds = termKinds([...TERM_KIND_LIST, constantKind]);

  test("the docs show the example file as it is", () => {
    const block = /### Adding a term kind[\s\S]*?```ts\n([\s\S]*?)```/.exec(docs)![1];
    expect(block.trim()).toBe(readFileSync(new URL("./constant.example.ts", import.meta.url), "utf8").trim());
  });

  test("one file in the list gives the schema, the parser and its errors, plans, names, the helper and the docs row", () => {
    const spec = { terms: [{ kind: "task" }, constantKind.builder(-0.25), { kind: "combine", op: "sum", terms: [{ kind: "constant", value: 2, live: false }] }] };
    expect(kinds.termSchema(false).safeParse(spec.terms[1]).success).toBe(true);
    expect(() => parseRewardSpec({ terms: [{ kind: "constant", value: "x" }] }, "reward", { kinds })).toThrow(/^reward\.terms\[0\]\.value: /);
    expect(() => parseRewardSpec({ terms: [{ kind: "constnt" }] }, "reward", { kinds })).toThrow('reward.terms[0].kind: expected one of task, event, expression, potential, intrinsic, learned, code, sandboxed, combine, constant, got "constnt" (did you mean "constant"?)');
    // The list itself is unchanged: without the kind, the same spec is refused.
    expect(() => parseRewardSpec(spec)).toThrow('reward.terms[1].kind: expected one of task, event, expression, potential, intrinsic, learned, code, sandboxed, combine, got "constant"');

    const vec = makeVector("Empty-5x5", 3);
    const program = compileReward(spec, envInfoOf(vec), "reward", { kinds });
    expect(program.terms.map((t) => [t.name, t.kind, t.role])).toEqual([
      ["task", "task", "primary"],
      ["constant -0.25", "constant", "auxiliary"],
      ["sum", "combine", "auxiliary"],
    ]);
    const rv = new RewardedVector(vec, program);
    rv.reset(0);
    rv.step(Int32Array.of(2, 2, 2));
    expect([...rv.reward.terms[1]]).toEqual([-0.25, -0.25, -0.25]);
    expect([...rv.reward.terms[2]]).toEqual([0, 0, 0]);
    expect(describeKinds(kinds)).toContain("| `constant` | the same value every step | `value`: the value paid each step; `live` (true): false: pay 0 |");
  });
});

describe("combine", () => {
  test("each child is taken as the program takes a term: its value, then its transforms, then its weight", () => {
    const child = { kind: "expression", expr: "2", weight: 0.5, transforms: [{ type: "clip", min: -1, max: 1 }, { type: "scale", factor: 3 }] };
    const rv = new RewardedVector(makeVector("Empty-5x5", 2), { terms: [{ kind: "combine", op: "sum", role: "primary", terms: [child, { kind: "expression", expr: "0.25" }] }] });
    rv.reset(0);
    rv.step(Int32Array.of(2, 2));
    // clip(2) = 1, ×3 = 3, ×0.5 = 1.5; plus 0.25.
    expect(Array.from(rv.reward.terms[0])).toEqual([1.75, 1.75]);
    // The same child alone, as a top-level term, contributes what it contributed inside the sum.
    const alone = new RewardedVector(makeVector("Empty-5x5", 2), { terms: [{ ...child, role: "primary" }] });
    alone.reset(0);
    alone.step(Int32Array.of(2, 2));
    expect(Array.from(alone.reward.terms[0])).toEqual([1.5, 1.5]);
  });
});
