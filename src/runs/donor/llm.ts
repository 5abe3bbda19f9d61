/**
 * Strategies written by a language model, after Vallinder & Hughes 2024:
 * each member is told the game's rules and writes its strategy in one
 * sentence ("My strategy will be …"); in later generations, new members are
 * shown the survivors' strategies with their final resources and asked to
 * improve on them. Every donation is then one call: the member's strategy
 * and what it sees of its recipient (resources, recent donations,
 * punishment, standing) in, "Answer: <percent>" (or "Answer: punish") out.
 *
 * An answer that cannot be read is asked for once more; if it still cannot
 * be read, the member gives nothing that round and the failure is counted
 * (the study's table prints how many), never hidden.
 */
import type { Rng } from "../../core/rng.js";
import type { ChatMessage, ChatModel } from "../../providers/chat.js";
import { DONOR_OBS, giveAction, type DonorPopulation, type DonorSetup } from "./evolution.js";

export interface LlmPopulationOptions {
  temperature?: number;
  /** Cost and loss of a punishment, for the rules the model is told. */
  punishCost?: number;
  punishFactor?: number;
}

/** The rules every member is told, as the system message. */
export function donorRules(s: DonorSetup, o: LlmPopulationOptions = {}): string {
  const cost = o.punishCost ?? 1;
  const loss = (o.punishFactor ?? 2) * cost;
  return [
    `You are a player in the Donor Game with ${s.players - 1} other players. Each player starts with ${s.endowment} units of a resource.`,
    `There are ${s.rounds} rounds. In every round you are paired at random with another player, the recipient, and you are the donor: you choose what share of your units to give. The recipient receives ${s.multiplier} times what you give.`,
    s.punishment ? `Instead of giving, you may punish the recipient: you pay ${cost} unit${cost === 1 ? "" : "s"} and they lose ${loss}. Others may punish you too.` : "",
    `Before you decide, you see how many units the recipient has and what share they gave in their last ${s.memory} donations.`,
    "After the last round, the half of the players with the most units survive into the next generation, and new players are made from the survivors' strategies.",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** The strategy sentence in a reply: from the last "My strategy will be" on, else the whole reply. */
export function parseStrategy(reply: string): string {
  const at = reply.toLowerCase().lastIndexOf("my strategy will be");
  return (at >= 0 ? reply.slice(at) : reply).trim().replace(/\s+/g, " ");
}

/** The action an answer names, or undefined: "Answer: 40" (percent, % optional) or "Answer: punish" (when allowed). */
export function parseDonation(reply: string, s: Pick<DonorSetup, "levels" | "punishment">): number | undefined {
  const matches = [...reply.matchAll(/answer\s*:\s*\**\s*(punish|\d+(?:\.\d+)?)\s*%?/gi)];
  const last = matches.at(-1)?.[1];
  if (last === undefined) return undefined;
  if (last.toLowerCase() === "punish") return s.punishment ? s.levels : undefined;
  const percent = Number(last);
  return percent >= 0 && percent <= 100 ? giveAction(percent / 100, s.levels) : undefined;
}

/** What a member is told before one donation. */
export function donationPrompt(name: string, strategy: string, obs: Float32Array, s: DonorSetup): string {
  const units = (x: number) => (x * s.endowment).toFixed(1);
  const past: string[] = [];
  for (let h = 0; h < s.memory; h++) {
    const f = obs[DONOR_OBS.history + h];
    past.push(f < 0 ? "none yet" : `${Math.round(100 * f)}%`);
  }
  const round = Math.round(obs[DONOR_OBS.round] * s.rounds) + 1;
  return [
    `Your name is ${name}. Your strategy: ${strategy}`,
    `Round ${round} of ${s.rounds}. You have ${units(obs[DONOR_OBS.ownResources])} units; your recipient has ${units(obs[DONOR_OBS.recipientResources])}.`,
    `In their last donations the recipient gave (newest first): ${past.join(", ")}.`,
    obs[DONOR_OBS.punishedLast] === 1 ? "In their last donation the recipient punished instead of giving." : "",
    `The recipient is in ${obs[DONOR_OBS.standing] === 1 ? "good" : "bad"} standing (bad: they last refused or punished a player in good standing).`,
    `Think briefly about how your strategy applies, then end with one line: "Answer: <percent of your units to give, 0 to 100>"${s.punishment ? ' or "Answer: punish"' : ""}.`,
  ]
    .filter((line) => line !== "")
    .join("\n");
}

interface Member {
  name: string;
  strategy: string;
}

/** A population whose strategies a chat model writes and follows. */
export async function llmPopulation(model: ChatModel, setup: DonorSetup, o: LlmPopulationOptions = {}): Promise<DonorPopulation & { members: Member[]; requests(): number }> {
  const system: ChatMessage = { role: "system", content: donorRules(setup, o) };
  let requests = 0;
  let failed = 0;
  let generation = 1;
  const ask = (messages: ChatMessage[]) => {
    requests++;
    return model.complete({ messages: [system, ...messages], ...(o.temperature !== undefined ? { temperature: o.temperature } : {}) });
  };

  async function write(name: string, advice?: string): Promise<Member> {
    const task = advice
      ? `Your name is ${name}. Here is the advice of the better half of the previous generation, each with their final units:\n${advice}\nImprove on it: think briefly, step by step, about what would succeed, then state your own strategy in one sentence that starts "My strategy will be".`
      : `Your name is ${name}. Think briefly, step by step, about what would succeed in this game, then state your strategy in one sentence that starts "My strategy will be".`;
    return { name, strategy: parseStrategy(await ask([{ role: "user", content: task }])) };
  }

  async function donate(m: Member, obs: Float32Array): Promise<number> {
    const prompt = donationPrompt(m.name, m.strategy, obs, setup);
    const reply = await ask([{ role: "user", content: prompt }]);
    const action = parseDonation(reply, setup);
    if (action !== undefined) return action;
    const again = await ask([
      { role: "user", content: prompt },
      { role: "assistant", content: reply },
      { role: "user", content: `Reply with one line only: "Answer: <percent, 0 to 100>"${setup.punishment ? ' or "Answer: punish"' : ""}.` },
    ]);
    const second = parseDonation(again, setup);
    if (second !== undefined) return second;
    failed++;
    return 0;
  }

  const members = await Promise.all(Array.from({ length: setup.players }, (_, j) => write(`1_${j + 1}`)));
  return {
    members,
    requests: () => requests,
    failures: () => failed,
    describe: (j) => `${members[j].name}: ${members[j].strategy}`,
    decide: (obs) => Promise.all(obs.map((x, j) => donate(members[j], x))),
    async reproduce(survivors, replaced, scores, _rng: Rng) {
      generation++;
      const advice = survivors.map((j) => `- ${members[j].name} (${scores[j].toFixed(1)} units): ${members[j].strategy}`).join("\n");
      const fresh = await Promise.all(replaced.map((_, k) => write(`${generation}_${k + 1}`, advice)));
      replaced.forEach((j, k) => (members[j] = fresh[k]));
    },
  };
}
