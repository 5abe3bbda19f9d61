import { describe, expect, test } from "vitest";
import { checkMachine } from "./check.js";
import { DOORKEY_MACHINE } from "./fixtures.js";

const P = { p: 'event("a")', q: 'event("b")' };

describe("checkMachine", () => {
  test("finds nothing wrong with the DoorKey machine or an LTLf one", () => {
    expect(checkMachine(DOORKEY_MACHINE)).toEqual([]);
    expect(checkMachine({ ltl: "p then q & G !p", propositions: P })).toEqual([]);
  });

  test("finds states no path reaches from the initial one, terminal or not", () => {
    const issues = checkMachine({
      initial: "a",
      terminal: ["z", "z2"],
      propositions: P,
      edges: [
        { from: "a", to: "z", when: "p" },
        { from: "orphan", to: "z2", when: "q" },
      ],
    });
    expect(issues).toEqual([
      { code: "unreachable", state: "orphan", path: "machine.edges[1].from", message: 'state "orphan" cannot be reached from the initial state "a"' },
      { code: "unreachable", state: "z2", path: "machine.edges[1].to", message: 'state "z2" is terminal but cannot be reached from the initial state "a"' },
    ]);
  });

  test("finds a dead end: a non-terminal state whose only edge loops back to itself", () => {
    const issues = checkMachine(
      {
        initial: "a",
        terminal: ["z"],
        propositions: P,
        edges: [
          { from: "a", to: "z", when: "p" },
          { from: "a", to: "stuck", when: "q" },
          { from: "stuck", to: "stuck", when: "true", reward: -1 },
        ],
      },
      "reward.machine",
    );
    expect(issues.map((i) => [i.code, i.state, i.path])).toEqual([["dead_end", "stuck", "reward.machine.edges[1].to"]]);
    expect(issues[0].message).toBe('state "stuck" is not terminal and has no edge to another state: an episode that enters it cannot finish the machine');
  });

  test("finds a declared state with no edges at all, and a terminal state no edge enters", () => {
    const issues = checkMachine({ initial: "a", states: ["a", "lonely", "z", "never"], terminal: ["z", "never"], propositions: P, edges: [{ from: "a", to: "z", when: "p" }] });
    expect(issues.map((i) => [i.code, i.state])).toEqual([
      ["unreachable", "lonely"],
      ["dead_end", "lonely"],
      ["never_reached", "never"],
    ]);
  });

  test("a * edge is a way out of every non-terminal state", () => {
    expect(checkMachine({ initial: "a", terminal: ["z"], propositions: P, edges: [{ from: "a", to: "b", when: "p" }, { from: "b", to: "b", when: "p" }, { from: "*", to: "z", when: "q" }] })).toEqual([]);
  });
});
