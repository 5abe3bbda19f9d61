import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { checkedExpression, compileExpression, featuresOf, type ExprInputs, type Scope } from "./index.js";

const scope: Scope = { features: ["agent.x", "agent.y", "goal.distance", "door.open", "carrying.key"], events: ["pickup:key", "open:door", "drop:key"], actionSize: 1 };
const layout = { features: scope.features, eventBits: new Map([["pickup:key", 1], ["open:door", 2], ["drop:key", 4]]) };

/** Two rows of inputs: row 0 and row 1 differ in every column. */
function inputs(): ExprInputs {
  const col = (a: number, b: number) => Float64Array.of(a, b);
  return {
    prev: [col(1, 2), col(1, 1), col(5, 3), col(0, 0), col(0, 1)],
    next: [col(2, 2), col(1, 3), col(4, 3), col(1, 0), col(1, 1)],
    actions: Int32Array.of(3, 5),
    actionSize: 1,
    taskReward: Float32Array.of(0, 0.5),
    terminated: Uint8Array.of(0, 1),
    truncated: Uint8Array.of(0, 0),
    events: Uint32Array.of(1, 2 | 4),
  };
}

function evaluate(text: string | number): number[] {
  const e = checkedExpression(text, scope, "expr");
  const out = new Float64Array(2);
  compileExpression(e.node, e.type, layout).batch(inputs())(2, out);
  const scalar = compileExpression(e.node, e.type, layout).scalar(inputs());
  expect([scalar(0), scalar(1)]).toEqual(Array.from(out));
  return Array.from(out);
}

function errorOf(text: string): string {
  try {
    checkedExpression(text, scope, "terms[1].expr");
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("evaluation", () => {
  test.each([
    ["-0.01", [-0.01, -0.01]],
    [0.5, [0.5, 0.5]],
    ["-abs(agent.x - 3)", [-1, -1]],
    ["prev.goal.distance - goal.distance", [1, 0]],
    ["next.agent.y * 2 + 1", [3, 7]],
    ["carrying.key * 0.1", [0.1, 0.1]],
    ["if(door.open, 1, 0)", [1, 0]],
    ["if(prev.carrying.key == 0 && carrying.key == 1, 5, 0)", [5, 0]],
    ["min(agent.x, agent.y, 1.5)", [1, 1.5]],
    ["max(agent.x, 3) - clip(goal.distance, 0, 3.5)", [-0.5, 0]],
    ["2 ^ 3 ^ 2", [512, 512]],
    ["-2 ^ 2", [-4, -4]],
    ["10 % 4 + 7 / 2", [5.5, 5.5]],
    ["sqrt(4) + exp(0) + log(1) + tanh(0) + sigmoid(0)", [3.5, 3.5]],
    ["sign(agent.x - 2) + floor(1.7)", [1, 1]],
    ['event("pickup:key")', [1, 0]],
    ['event("open:door") or not event("drop:key")', [1, 1]],
    ["agent.x > 1 && !(agent.y >= 3)", [1, 0]],
    ["action + reward", [3, 5.5]],
    ["if(terminated, -1, 0.25)", [0.25, -1]],
    ["1e-2 * .5", [0.005, 0.005]],
  ])("%s", (text, expected) => {
    const got = evaluate(text as string);
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i] as number, 12));
  });

  test("features read from s and from s′ are told apart", () => {
    const e = checkedExpression("prev.agent.x + agent.x * 10 + next.goal.distance", scope, "expr");
    expect([...featuresOf(e.node).entries()].map(([k, v]) => [k, [...v]])).toEqual([
      ["agent.x", ["prev", "next"]],
      ["goal.distance", ["next"]],
    ]);
  });
});

describe("errors name the path, the column and what was expected", () => {
  test.each([
    ["agent.z + 1", 'terms[1].expr: unknown feature "agent.z" (did you mean "agent.x" or "agent.y"?) at column 1'],
    ['event("pickup:kee")', 'terms[1].expr: unknown event "pickup:kee" (did you mean "pickup:key"?) at column 1'],
    ["agent.x +", "terms[1].expr: expected a number, a name or a call at column 10, got the end"],
    ["(agent.x", 'terms[1].expr: expected ")" at column 9, got the end'],
    ["agent.x $ 2", 'terms[1].expr: unexpected character "$" at column 9'],
    ["foo(1)", 'terms[1].expr: unknown function "foo" at column 1; known: min, max, abs, sign, clip, exp, log, sqrt, sigmoid, tanh, floor, if, event'],
    ["abs(1, 2)", "terms[1].expr: abs() at column 1 takes 1 argument, got 2"],
    ["(agent.x > 1) * 2", 'terms[1].expr: "*" needs a number, got a true/false value (use if(cond, 1, 0)) at column 10'],
    ["if(door.open, 1, agent.x > 2)", "terms[1].expr: if() has one number branch and one true/false branch at column 1"],
    ["agent.x == (agent.y > 1)", 'terms[1].expr: "==" compares a number with a true/false value at column 9'],
    ["action[1]", "terms[1].expr: action[1] is out of range: actions here have 1 entry at column 1"],
    ["event(pickup)", 'terms[1].expr: expected an event name in quotes, as event("pickup:key") at column 7, got "pickup"'],
    ["1 2", 'terms[1].expr: expected an operator or the end at column 3, got "2"'],
  ])("%s", (text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  test("an empty expression is refused", () => {
    expect(errorOf("  ")).toBe('terms[1].expr: expected an expression, got "  "');
  });
});

test("the generated code holds no text from the user", () => {
  const e = checkedExpression('if(event("pickup:key"), agent.x, 0) - 1e3', scope, "expr");
  const { source } = compileExpression(e.node, e.type, layout);
  expect(source).not.toMatch(/pickup|agent/);
});

describe("limits: size and depth are one-line errors, never a stack overflow", () => {
  const chain = (n: number) => Array.from({ length: n }, () => "agent.x").join(" + ");
  const parens = (n: number) => `${"(".repeat(n)}agent.x${")".repeat(n)}`;

  test.each([
    ["2,000 terms", chain(2000), /^terms\[1\]\.expr: expression nested deeper than 500 levels at column 4999 \(each parenthesis, call, unary operator and term of a chain such as a \+ b \+ c adds one\); split it into several terms$/],
    ["1,000 nested parentheses", parens(1000), /^terms\[1\]\.expr: expression nested deeper than 500 levels at column 501 /],
    ["9,000 nested parentheses", parens(9000), /^terms\[1\]\.expr: expression nested deeper than 500 levels at column 501 /],
    ["10,000 unary minuses", `${"-".repeat(10_000)}agent.x`, /^terms\[1\]\.expr: expression nested deeper than 500 levels at column 501 /],
    ["1,000 nested calls", `${"abs(".repeat(1000)}agent.x${")".repeat(1000)}`, /^terms\[1\]\.expr: expression nested deeper than 500 levels at column 2001 /],
    ["a right-associative tower of 1,000 powers", Array.from({ length: 1000 }, () => "2").join(" ^ "), /^terms\[1\]\.expr: expression nested deeper than 500 levels /],
    ["20,001 tokens", Array.from({ length: 20_001 }, () => "1").join(" "), /^terms\[1\]\.expr: expression larger than 20000 numbers, names and operators; split it into several terms$/],
    ["100,001 characters", `agent.x${" ".repeat(100_000)}`, /^terms\[1\]\.expr: expression longer than 100000 characters \(100007\); split it into several terms$/],
  ])("%s", (_name, text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  test("expressions at the limits parse, compile and evaluate", () => {
    expect(evaluate(chain(500))).toEqual([1000, 1000]);
    expect(evaluate(parens(499))).toEqual([2, 2]);
    expect(evaluate(`${"-".repeat(499)}agent.x`)).toEqual([-2, -2]);
  });

  test("a long expression is read in time linear in its length", () => {
    const text = Array.from({ length: 6000 }, (_, i) => `min(agent.x, ${i})`).join(" > 0 || ");
    const t0 = performance.now();
    errorOf(`${text} +`);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
