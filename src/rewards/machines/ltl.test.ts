import { describe, expect, test } from "vitest";
import { UserError } from "../../core/errors.js";
import { compileLtl } from "./ltl.js";
import { compileMachine } from "./machine.js";
import { MachineSpec } from "./spec.js";

const NAMES = ["a", "b", "c"];

/** A machine over propositions a, b, c that are the events of the same names. */
function machineOf(ltl: string) {
  const spec = MachineSpec.parse({ ltl, propositions: Object.fromEntries(NAMES.map((p) => [p, `event("${p}")`])) });
  return compileMachine(spec, { features: [], events: NAMES, actionSize: 1 });
}

/** Runs a trace (the true propositions of each step) until it ends; returns the states passed and the rewards. */
function run(ltl: string, trace: string[][]) {
  const rm = machineOf(ltl);
  const r = rm.bind(1);
  const u = Int32Array.of(rm.initial);
  const reward = new Float64Array(1);
  const states: string[] = [];
  const rewards: number[] = [];
  for (const step of trace) {
    rm.propositions.forEach((p, k) => (r.props[k][0] = step.includes(p.name) ? 1 : 0));
    r.step(1, u, reward);
    states.push(rm.states[u[0]]);
    rewards.push(reward[0]);
    if (rm.terminal[u[0]]) break;
  }
  return { states, rewards };
}

const edgesOf = (ltl: string) => compileLtl(ltl, NAMES, "ltl").edges.map((e) => `${e.from} -> ${e.to} when ${e.when} pays ${e.reward}`);

describe("sequences: a then b then c", () => {
  test("compile to a chain that may take several steps at once", () => {
    const m = compileLtl("a then b then c", NAMES, "ltl");
    expect(m.states).toEqual(["start", "after:a", "after:b", "done"]);
    expect(m.terminal).toEqual(["done"]);
    expect(edgesOf("a then b then c")).toEqual([
      "start -> after:a when a && !b pays 0",
      "start -> after:b when a && b && !c pays 0",
      "start -> done when a && b && c pays 1",
      "after:a -> after:b when b && !c pays 0",
      "after:a -> done when b && c pays 1",
      "after:b -> done when c pays 1",
    ]);
  });

  test("F(a & F(b & F c)) is the same machine as a then b then c", () => {
    expect(compileLtl("F(a & F(b & F c))", NAMES, "ltl")).toEqual(compileLtl("a then b then c", NAMES, "ltl"));
  });

  test("pay 1 on the step that completes the sequence, in order, and nothing for the wrong order", () => {
    expect(run("a then b then c", [["a"], [], ["b"], ["c"]])).toEqual({ states: ["after:a", "after:a", "after:b", "done"], rewards: [0, 0, 0, 1] });
    expect(run("a then b then c", [["a", "b", "c"]])).toEqual({ states: ["done"], rewards: [1] });
    expect(run("a then b then c", [["b"], ["c"], ["a"], ["c"]])).toEqual({ states: ["start", "start", "after:a", "after:a"], rewards: [0, 0, 0, 0] });
  });
});

describe("F a (eventually)", () => {
  test("compiles to one edge into done", () => {
    expect(edgesOf("F a")).toEqual(["start -> done when a pays 1"]);
  });

  test("accepts a trace where a happens and waits otherwise", () => {
    expect(run("F a", [["b"], ["a"]])).toEqual({ states: ["start", "done"], rewards: [0, 1] });
    expect(run("F a", [["b"], ["c"], []])).toEqual({ states: ["start", "start", "start"], rewards: [0, 0, 0] });
  });
});

describe("G !a (always not)", () => {
  test("compiles to one edge into failed and no done", () => {
    const m = compileLtl("G !a", NAMES, "ltl");
    expect(m.states).toEqual(["start", "failed"]);
    expect(m.terminal).toEqual(["failed"]);
    expect(edgesOf("G !a")).toEqual(["start -> failed when a pays 0"]);
  });

  test("fails, paying 0, on the first step where a holds", () => {
    expect(run("G !a", [["b"], ["c"], ["a"], ["b"]])).toEqual({ states: ["start", "start", "failed"], rewards: [0, 0, 0] });
  });
});

describe("a U b (until)", () => {
  test("compiles to done on b and failed when neither a nor b holds", () => {
    expect(edgesOf("a U b")).toEqual(["start -> failed when !a && !b pays 0", "start -> done when b pays 1"]);
  });

  test("accepts a holding until b, rejects a gap before b", () => {
    expect(run("a U b", [["a"], ["a"], ["b"]])).toEqual({ states: ["start", "start", "done"], rewards: [0, 0, 1] });
    expect(run("a U b", [["b"]])).toEqual({ states: ["done"], rewards: [1] });
    expect(run("a U b", [["a"], [], ["b"]])).toEqual({ states: ["start", "failed"], rewards: [0, 0] });
  });
});

describe("conjunction &", () => {
  test("a then b & G !c is the product: sequence states with a failure edge first from each", () => {
    const m = compileLtl("a then b & G !c", NAMES, "ltl");
    expect(m.states).toEqual(["start", "after:a", "done", "failed"]);
    expect(edgesOf("a then b & G !c")).toEqual([
      "start -> failed when c pays 0",
      "start -> after:a when a && !b pays 0",
      "start -> done when a && b pays 1",
      "after:a -> failed when c pays 0",
      "after:a -> done when b pays 1",
    ]);
  });

  test("accepts the sequence without c; rejects c at any point, also on the completing step", () => {
    expect(run("a then b & G !c", [["a"], ["b"]])).toEqual({ states: ["after:a", "done"], rewards: [0, 1] });
    expect(run("a then b & G !c", [["a"], ["c"], ["b"]])).toEqual({ states: ["after:a", "failed"], rewards: [0, 0] });
    expect(run("a then b & G !c", [["a", "b", "c"]])).toEqual({ states: ["failed"], rewards: [0] });
  });

  test("F a & F b completes when both have happened, in either order", () => {
    expect(compileLtl("F a & F b", NAMES, "ltl").states).toEqual(["start", "after:a", "after:b", "done"]);
    expect(run("F a & F b", [["b"], ["c"], ["a"]])).toEqual({ states: ["after:b", "after:b", "done"], rewards: [0, 0, 1] });
    expect(run("F a & F b", [["a"], ["a"]])).toEqual({ states: ["after:a", "after:a"], rewards: [0, 0] });
  });

  test("a U b & F c waits for both, and fails on a gap while b is pending", () => {
    expect(run("(a U b) & F c", [["a", "c"], ["b"]])).toEqual({ states: ["after:c", "done"], rewards: [0, 1] });
    expect(run("(a U b) & F c", [["c"], []])).toEqual({ states: ["failed"], rewards: [0] });
  });

  test("the completion reward can be changed", () => {
    expect(compileLtl("F a", NAMES, "ltl", 5).edges[0].reward).toBe(5);
  });
});

describe("formulas outside the fragment", () => {
  test.each([
    ["G F a", '"F a" (columns 3–5) is outside the supported fragment: G applies to a propositional formula'],
    ["X a", '"X a" (columns 1–3) is outside the supported fragment: X (next) is not supported'],
    ["a", '"a" (column 1) is outside the supported fragment: a propositional formula alone constrains only the first step'],
    ["F a | F b", '"F a | F b" (columns 1–9) is outside the supported fragment: disjunction of temporal formulas is not supported'],
    ["!F a", '"!F a" (columns 1–4) is outside the supported fragment: negation applies to propositions only'],
    ["a then G b", '"G b" (columns 8–10) is outside the supported fragment: a step of a sequence is a propositional formula'],
    ["F a & (b W c)", '"(b W c)" (columns 7–13) is outside the supported fragment: W is not supported'],
  ])("%s is rejected, naming the sub-formula", (ltl, message) => {
    expect(() => compileLtl(ltl, NAMES, "reward.machine.ltl")).toThrow(UserError);
    expect(() => compileLtl(ltl, NAMES, "reward.machine.ltl")).toThrow(`reward.machine.ltl: ${message}`);
  });

  test("unknown propositions and syntax errors name the column", () => {
    expect(() => compileLtl("F d", NAMES, "ltl")).toThrow('ltl: unknown proposition "d" at column 3; propositions: a, b, c');
    expect(() => compileLtl("F (a & b", NAMES, "ltl")).toThrow('ltl: expected ")" at column 9, got the end');
    expect(() => compileLtl("a then then b", NAMES, "ltl")).toThrow('ltl: expected a proposition or "(" at column 8, got "then"');
  });
});
