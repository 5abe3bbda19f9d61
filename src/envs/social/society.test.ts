import { describe, expect, test } from "vitest";
import { makeParallel } from "../multi/registry.js";
import type { ParallelEnv } from "../multi/parallel-env.js";
import { PLAY, PUNISH, SELECT, SocietyDilemma } from "./society.js";

function society(id: string, kwargs: Record<string, unknown> = {}, seed = 0): { env: ParallelEnv; core: SocietyDilemma } {
  const env = makeParallel(id, { kwargs });
  env.reset(seed);
  return { env, core: env.core as SocietyDilemma };
}

/** Every agent takes `pick(i)`. */
const all = (env: ParallelEnv, pick: (i: number) => number) => env.step(Object.fromEntries(env.agents.map((a) => [a, pick(Number(a.split("_")[1]))])));

describe("Society rules", () => {
  test("without mechanisms a round is one play step: random pairs, one sitting out when N is odd, each watching another pair", () => {
    for (const seed of [0, 1, 2, 3]) {
      const { core } = society("Society", { players: 7 }, seed);
      expect(core.phases).toEqual([PLAY]);
      const { partner, watched } = core;
      const alone = [...partner].filter((p) => p === -1).length;
      expect(alone).toBe(1);
      partner.forEach((p, i) => {
        if (p === -1) return;
        expect(partner[p]).toBe(i);
        expect(p).not.toBe(i);
        const w = watched[i];
        expect(w).not.toBe(-1);
        expect([w, partner[w]]).not.toContain(i);
        expect(partner[w]).not.toBe(-1);
      });
    }
  });

  test("plays pay the Prisoner's Dilemma table to both partners and raise its events; reputation follows the plays", () => {
    const { env, core } = society("Society", { players: 4, reputationRate: 0.5 });
    const partnerOf0 = core.partner[0];
    // Agent 0 defects, everyone else cooperates.
    const step = all(env, (i) => (i === 0 ? 1 : 0));
    expect(step.rewards.player_0).toBe(5);
    expect(step.rewards[`player_${partnerOf0}`]).toBe(0);
    expect(step.infos.player_0.events).toEqual(["defect", "temptation"]);
    expect(step.infos[`player_${partnerOf0}`].events).toEqual(["cooperate", "sucker"]);
    const others = [1, 2, 3].filter((i) => i !== partnerOf0);
    for (const i of others) {
      expect(step.rewards[`player_${i}`]).toBe(3);
      expect(step.infos[`player_${i}`].events).toEqual(["cooperate", "mutual:cooperate"]);
    }
    expect(core.reputation[0]).toBe(0.25);
    expect(core.reputation[partnerOf0]).toBe(0.75);
    expect(env.readFeatures("player_1", ["population.cooperation", "round"])).toEqual({ "population.cooperation": 0.75, round: 1 });
  });

  test("direct punishment: a fine costs the punisher 1 and the punished 3, in a punish step after the play", () => {
    const { env, core } = society("Society-DP", { players: 2 });
    expect(core.phases).toEqual([PLAY, PUNISH]);
    all(env, (i) => (i === 0 ? 1 : 0));
    expect(core.currentPhase).toBe(PUNISH);
    // Player 1 fines its partner; player 0 does not; bit 1 (third-party) is off in this variant.
    const fine = all(env, (i) => (i === 1 ? 3 : 0));
    expect(fine.rewards).toEqual({ player_0: -3, player_1: -1 });
    expect(fine.infos.player_1.events).toEqual(["punish"]);
    expect(fine.infos.player_0.events).toEqual(["punished"]);
    // The next round's observation tells player 0 who fined it (the one other agent's last slot).
    const obs = fine.observations.player_0;
    expect(obs[9 + 5]).toBe(1);
    expect(core.currentPhase).toBe(PLAY);
  });

  test("third-party punishment fines only the defectors of the watched pair", () => {
    const { env, core } = society("Society-DP-TP", { players: 4 });
    const watcher = 0;
    const w = core.watched[watcher];
    const [a, b] = [w, core.partner[w]];
    // In the watched pair, a defects and b cooperates; the watcher's own pair cooperates.
    all(env, (i) => (i === a ? 1 : 0));
    const step = all(env, (i) => (i === watcher ? 2 : 0));
    expect(step.rewards[`player_${watcher}`]).toBe(-1);
    expect(step.rewards[`player_${a}`]).toBe(-3);
    expect(step.rewards[`player_${b}`]).toBe(0);
    expect(step.infos[`player_${watcher}`].events).toEqual(["punish:third-party"]);
  });

  test("partner selection: mutual choices pair first, a free agent's choice is honoured, and the chosen know it", () => {
    const { env, core } = society("Society-DP-TP-PS", { players: 4 }, 5);
    expect(core.phases).toEqual([SELECT, PLAY, PUNISH]);
    // Action a names the a-th other agent: for 0, a = 1 is agent 2; for 2, a = 0 is agent 0. 1 and 3 want each other too.
    const names = [1, 2, 0, 1];
    expect(names.map((a, i) => core.named(i, a))).toEqual([2, 3, 0, 1]);
    all(env, (i) => names[i]);
    expect(Array.from(core.partner)).toEqual([2, 3, 0, 1]);
    const play = all(env, () => 0);
    for (const a of env.possibleAgents) expect(play.infos[a].events).toContain("chosen");
    // No preference (a = N − 1) leaves pairing to chance; the events say nobody chose.
    all(env, () => 0);
    all(env, () => 3);
    const random = all(env, () => 0);
    for (const a of env.possibleAgents) expect(random.infos[a].events).not.toContain("chosen");
  });

  test("reputation is visible to the others only when switched on", () => {
    for (const [id, visible] of [["Society-DP-TP-PS", false], ["Society-DP-TP-PS-Rep", true]] as const) {
      const { env, core } = society(id, { players: 3 });
      all(env, () => 2); // no preference
      all(env, () => 1); // everyone defects
      all(env, () => 0);
      const obs = env.step(Object.fromEntries(env.agents.map((a) => [a, 0]))).observations;
      // player_0's slot for player_1 (the first other): reputation at offset 4 of the slot.
      expect(core.reputation[1]).toBeLessThan(0.5);
      expect(obs.player_0[9 + 4]).toBe(visible ? Math.fround(core.reputation[1]) : 0);
    }
  });

  test("episodes last rounds × phases steps, truncated for everyone at once", () => {
    const { env, core } = society("Society-DP-TP-PS-Rep", { players: 4, rounds: 3 });
    expect(core.maxSteps).toBe(9);
    for (let t = 0; t < 8; t++) expect(Object.values(all(env, () => 0).truncations).some(Boolean)).toBe(false);
    expect(Object.values(all(env, () => 0).truncations).every(Boolean)).toBe(true);
    expect(env.agents).toEqual([]);
  });
});
