import { describe, expect, test } from "vitest";
import { z } from "zod";
import { UserError } from "../../core/errors.js";
import { parseConfigText } from "../../core/config.js";
import { makeRewarded } from "../make.js";
import { parseRewardSpec, RewardSpec } from "../spec.js";
import { DOORKEY_MACHINE, DOORKEY_PROPOSITIONS } from "./fixtures.js";

const TERMS = [{ kind: "task" }];
const withEdge = (k: number, edge: Record<string, unknown>) => ({ ...DOORKEY_MACHINE, edges: DOORKEY_MACHINE.edges!.map((e, i) => (i === k ? { ...e, ...edge } : e)) });

/** The one-line message a spec with this machine fails with. */
function errorOf(machine: unknown): string {
  try {
    parseRewardSpec({ terms: TERMS, machine });
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const message = (e as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected the spec to be rejected");
}

describe("machine specs", () => {
  test("the example in YAML parses, with defaults", () => {
    const spec = parseRewardSpec(
      parseConfigText(`
terms: [{kind: task}]
machine:
  initial: start
  terminal: [done, failed]
  propositions: {key: 'event("pickup:key")', door: 'event("open:door")', goal: 'event("reach:goal")', lava: 'event("enter:lava")'}
  edges:
    - {from: start, to: has_key, when: "key", reward: 0.1}
    - {from: has_key, to: door_open, when: "door", reward: 0.1}
    - {from: door_open, to: done, when: "goal", reward: 1}
    - {from: "*", to: failed, when: "lava"}
`),
    );
    expect(spec.machine).toEqual({ ...DOORKEY_MACHINE, gamma: 0.9 });
  });

  test.each([
    ["a bad condition", withEdge(2, { when: "goal +" }), "reward.machine.edges[2].when: expected a number, a name or a call at column 7, got the end"],
    ["an unknown proposition", withEdge(0, { when: "kye" }), 'reward.machine.edges[0].when: unknown proposition "kye" at column 1 (did you mean "key"?) (conditions read propositions; define one under propositions: for a feature)'],
    ["an event in a condition", withEdge(1, { when: 'event("open:door")' }), 'reward.machine.edges[1].when: conditions read propositions only (at column 1); define a proposition for event("open:door") under propositions:'],
    ["a numeric condition", withEdge(1, { when: "1 + 2" }), 'reward.machine.edges[1].when: expected a true/false condition over propositions, got a number ("1 + 2")'],
    ["an unknown state", withEdge(1, { to: "door_opn" }), 'reward.machine.edges[1].to: unknown state "door_opn" (did you mean "door_open"?)'],
    ["an edge from a terminal state", { ...DOORKEY_MACHINE, edges: [...DOORKEY_MACHINE.edges!, { from: "done", to: "start", when: "key" }] }, 'reward.machine.edges[4].from: "done" is a terminal state; terminal states have no outgoing edges'],
    ["an edge into *", withEdge(3, { to: "*" }), 'reward.machine.edges[3].to: "*" is not a state name; it may only be an edge\'s from (every non-terminal state)'],
    ["a terminal initial state", { ...DOORKEY_MACHINE, initial: "done" }, 'reward.machine.initial: the initial state "done" is terminal: every episode would end at once'],
    ["no initial state", { ...DOORKEY_MACHINE, initial: undefined }, "reward.machine.initial: missing; expected the name of the initial state"],
    ["a bad reward", withEdge(0, { reward: "lots" }), 'reward.machine.edges[0].reward: expected a number, got "lots"'],
    ["a misspelt key", { ...DOORKEY_MACHINE, terminals: ["done"] }, 'reward.machine: unknown key "terminals" (did you mean "terminal"?)'],
    ["both edges and ltl", { ...DOORKEY_MACHINE, ltl: "F key" }, "reward.machine.ltl: give either edges (an explicit machine) or ltl (a formula), not both"],
    ["neither edges nor ltl", { propositions: DOORKEY_PROPOSITIONS }, "reward.machine: expected edges (an explicit machine, with initial) or ltl (a formula)"],
    ["initial with ltl", { ltl: "F key", initial: "s", propositions: DOORKEY_PROPOSITIONS }, 'reward.machine.initial: only explicit machines (with edges) take initial; an ltl machine starts in "start" and ends in "done" or "failed"'],
    ["reward with edges", { ...DOORKEY_MACHINE, reward: 2 }, "reward.machine.reward: only ltl machines take reward; an explicit machine's rewards are on its edges"],
    ["a formula outside the fragment", { ltl: "key then door & G F goal", propositions: DOORKEY_PROPOSITIONS }, 'reward.machine.ltl: "F goal" (columns 19–24) is outside the supported fragment: G applies to a propositional formula, as in G !lava; supported: "a then b", "F a", "G !a", "a U b" over propositional a, b, and "&" of these'],
    ["an LTL operator as a proposition", { ltl: "F key", propositions: { ...DOORKEY_PROPOSITIONS, F: "agent.x > 1" } }, 'reward.machine.propositions.F: "F" is an LTL operator; choose another name'],
    ["a proposition named like a variable", { ...DOORKEY_MACHINE, propositions: { ...DOORKEY_PROPOSITIONS, reward: "agent.x > 1" } }, "reward.machine.propositions.reward: a proposition name must be a plain identifier (letters, digits, _) and not one of true, false, action, reward, terminated, truncated, time, and, or, not"],
    ["a proposition that does not parse", { ...DOORKEY_MACHINE, propositions: { ...DOORKEY_PROPOSITIONS, key: "agent.x >" } }, "reward.machine.propositions.key: expected a number, a name or a call at column 10, got the end"],
    ["γ = 1", { ...DOORKEY_MACHINE, gamma: 1 }, "reward.machine.gamma: expected a number ≥ 0 and < 1, got 1"],
  ])("%s is a one-line error naming its path", (_, machine, message) => {
    expect(errorOf(machine)).toBe(message);
  });

  test("propositions are checked against the environment when it is wrapped", () => {
    const spec = { terms: TERMS, machine: { ...DOORKEY_MACHINE, propositions: { ...DOORKEY_PROPOSITIONS, lava: "lava.distance < 1" } } };
    expect(() => makeRewarded("LavaGapS5", 1, spec)).not.toThrow();
    expect(() => makeRewarded("DoorKey-5x5", 1, spec)).toThrow('reward.machine.propositions.lava: unknown feature "lava.distance"');
  });

  test("the JSON Schema describes the machine's keys", () => {
    const schema = z.toJSONSchema(RewardSpec, { io: "input", unrepresentable: "any" }) as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties.machine.properties ?? {})).toEqual(["initial", "terminal", "states", "edges", "ltl", "reward", "propositions", "gamma"]);
  });
});
