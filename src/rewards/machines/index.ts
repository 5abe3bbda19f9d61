/** Reward machines: specs (explicit or LTLf), compiled machines, the product with an environment, CRM, shaping, checks. */
export { MachineSpec, type MachineSpecInput } from "./spec.js";
export { machineGraph, type MachineGraph, type GraphEdge } from "./graph.js";
export { compileMachine, RewardMachine, type MachineRun, type CompiledProposition } from "./machine.js";
export { MachineProduct, machineScope, ADVANCE_EVENT, ACCEPT_EVENT } from "./product.js";
export { counterfactualBuffers, writeCounterfactuals, vectorCounterfactuals, type Counterfactuals } from "./crm.js";
export { machinePotentials, type MachineTables } from "./shaping.js";
export { checkMachine, type MachineIssue } from "./check.js";
export { compileLtl, type ExplicitMachine } from "./ltl.js";
export { parseLtl, type Ltl } from "./ltl-parse.js";
