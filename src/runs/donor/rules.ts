/**
 * Strategies as fixed rules of indirect reciprocity, with parameters that
 * evolve: give a fraction `give` of one's resources to a recipient who
 * deserves it, by its image score (at least `threshold`; Nowak & Sigmund
 * 1998) or by its standing (good; Sugden 1986), or to everyone
 * (`unconditional`); to one who does not, give nothing, or punish if
 * `punish` is set and the game allows it. A new member copies a random
 * survivor with Gaussian noise on `give` and `threshold` and, now and then,
 * another rule or the other choice of punishing.
 */
import type { Rng } from "../../core/rng.js";
import { DONOR_OBS, giveAction, type DonorPopulation, type DonorSetup } from "./evolution.js";

export const DONOR_RULES = ["image", "standing", "unconditional"] as const;
export type DonorRuleKind = (typeof DONOR_RULES)[number];

export interface DonorRule {
  rule: DonorRuleKind;
  threshold: number;
  give: number;
  punish: boolean;
}

/** How much a copy changes: σ of the noise on `give` and `threshold`, and the chance of a switch of rule or of punishing. */
export const MUTATION = { sigma: 0.1, switchRule: 0.1, flipPunish: 0.1 };

const clip01 = (x: number) => Math.min(Math.max(x, 0), 1);

export function describeRule(r: DonorRule, punishment: boolean): string {
  const whom = r.rule === "image" ? `recipients whose image is at least ${r.threshold.toFixed(2)}` : r.rule === "standing" ? "recipients in good standing" : "everyone";
  const otherwise = r.rule === "unconditional" ? "" : punishment && r.punish ? ", punish the others" : ", nothing to the others";
  return `${r.rule}: give ${(100 * r.give).toFixed(0)}% to ${whom}${otherwise}`;
}

/** The action rule `r` takes for one Donor Game observation. */
export function ruleAction(r: DonorRule, obs: Float32Array, setup: Pick<DonorSetup, "levels" | "punishment">): number {
  const deserves = r.rule === "unconditional" || (r.rule === "image" ? obs[DONOR_OBS.image] >= r.threshold : obs[DONOR_OBS.standing] === 1);
  if (deserves) return giveAction(r.give, setup.levels);
  return setup.punishment && r.punish ? setup.levels : 0;
}

export function randomRule(rng: Rng, punishment: boolean): DonorRule {
  return { rule: DONOR_RULES[rng.int(DONOR_RULES.length)], threshold: rng.float(), give: rng.float(), punish: punishment && rng.float() < 0.5 };
}

export function mutateRule(parent: DonorRule, rng: Rng, punishment: boolean): DonorRule {
  return {
    rule: rng.float() < MUTATION.switchRule ? DONOR_RULES[rng.int(DONOR_RULES.length)] : parent.rule,
    threshold: clip01(parent.threshold + MUTATION.sigma * rng.normal()),
    give: clip01(parent.give + MUTATION.sigma * rng.normal()),
    punish: punishment && (rng.float() < MUTATION.flipPunish ? !parent.punish : parent.punish),
  };
}

/** A population of rules: random ones to begin with (or `initial`), copies with mutations after. */
export function rulePopulation(setup: DonorSetup, rng: Rng, initial?: readonly DonorRule[]): DonorPopulation & { members: DonorRule[] } {
  const members = initial ? initial.map((r) => ({ ...r })) : Array.from({ length: setup.players }, () => randomRule(rng, setup.punishment));
  if (members.length !== setup.players) throw new Error(`rulePopulation: ${members.length} rules for ${setup.players} players`);
  return {
    members,
    describe: (j) => describeRule(members[j], setup.punishment),
    decide: async (obs) => obs.map((o, j) => ruleAction(members[j], o, setup)),
    async reproduce(survivors, replaced, _scores, r) {
      for (const j of replaced) members[j] = mutateRule(members[survivors[r.int(survivors.length)]], r, setup.punishment);
    },
  };
}
