import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseConfigText } from "../core/config.js";
import { makeVector } from "../envs/registry.js";
import { checkReward } from "./check.js";
import { compileReward } from "./program.js";
import { RewardedVector, envInfoOf } from "./rewarded.js";

const DIR = new URL("../../examples/rewards/", import.meta.url);
const load = (name: string) => parseConfigText(readFileSync(new URL(name, DIR), "utf8"), name);
const doorKey = envInfoOf(makeVector("DoorKey-8x8", 1));

/** The specs without a reward machine (those with one are tested with the machines). */
const PLAIN = ["doorkey-sparse.yaml", "doorkey-naive.yaml", "doorkey-potential.yaml"];

describe("example specs in examples/rewards", () => {
  test.each(PLAIN)("%s compiles against DoorKey-8x8, with the task as its one primary term", (name) => {
    const program = compileReward(load(name), doorKey);
    expect(program.terms.filter((t) => t.role === "primary").map((t) => t.kind)).toEqual(["task"]);
  });

  test("sparse is the task alone; naive adds non-potential bonuses; potential shapes with potentials only", () => {
    const terms = (name: string) => compileReward(load(name), doorKey).terms;
    expect(terms("doorkey-sparse.yaml").map((t) => t.name)).toEqual(["goal"]);
    const naive = terms("doorkey-naive.yaml").filter((t) => t.role === "auxiliary");
    expect(naive.map((t) => [t.name, t.potentialBased])).toEqual([["key", false], ["door", false], ["step", false]]);
    const potential = terms("doorkey-potential.yaml").filter((t) => t.role === "auxiliary");
    expect(potential.length).toBeGreaterThan(0);
    expect(potential.every((t) => t.potentialBased)).toBe(true);
  });

  test("reward check warns about the naive spec's shaping and not the potential spec's", () => {
    const codes = (name: string) => checkReward(new RewardedVector(makeVector("DoorKey-8x8", 16), load(name)), { steps: 100 }).findings.map((f) => `${f.severity} ${f.code} ${f.term ?? ""}`);
    expect(codes("doorkey-naive.yaml")).toEqual(expect.arrayContaining(["warning not-potential key", "warning not-potential door", "warning not-potential step"]));
    const potential = codes("doorkey-potential.yaml");
    expect(potential.filter((c) => c.startsWith("error") || c.includes("not-potential"))).toEqual([]);
    expect(potential).toContain("info potential progress");
  });
});
