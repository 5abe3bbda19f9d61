/**
 * The fields of a reward machine in a spec, before its structure is
 * checked: what `machineGraph` reads, and what `./spec.ts` refines into the
 * checked schema (see there for the semantics).
 */
import { z } from "zod";

const finite = () => z.number().refine(Number.isFinite, "expected a finite number");
const stateName = () => z.string().min(1);

const Edge = z
  .object({
    from: stateName().describe('source state, or "*" for every non-terminal state'),
    to: stateName().describe("target state"),
    when: z.union([z.string().min(1), z.boolean()]).describe('condition over propositions: "key && !lava"'),
    reward: finite().default(0).describe("paid when the edge is taken"),
  })
  .strict();

export const MachineShape = z
  .object({
    initial: stateName().optional().describe("explicit machines: the initial state"),
    terminal: z.array(stateName()).optional().describe("explicit machines: states that end the episode"),
    states: z.array(stateName()).optional().describe("explicit machines: every state, in order (default: as first named)"),
    edges: z.array(Edge).min(1).optional().describe("explicit machines: transitions, tried in order"),
    ltl: z.string().min(1).optional().describe('an LTLf formula instead of edges: "key then door then goal & G !lava"'),
    reward: finite().optional().describe("ltl machines: paid on completing the formula (default 1)"),
    propositions: z.record(z.string(), z.string().min(1)).default({}).describe("name → true/false expression over features and events of the step"),
    gamma: z.number().min(0).lt(1).default(0.9).describe("discount of the machine's value iteration (rm.potential)"),
  })
  .strict();

export type MachineSpec = z.output<typeof MachineShape>;
export type MachineSpecInput = z.input<typeof MachineShape>;

