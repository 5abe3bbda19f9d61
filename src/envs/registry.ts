/**
 * The environment registry: every built-in environment by id, `make` for one
 * and `makeVector` for a batch. Ids are matched without regard to case, and
 * Gymnasium's ids are accepted too (`MiniGrid-DoorKey-8x8-v0`, `cartpole-v1`).
 */
import { z } from "zod";
import { parseConfig } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { describeSpace } from "../core/spaces.js";
import { didYouMean } from "../core/suggest.js";
import { banditEnvs } from "./bandits/index.js";
import { controlEnvs, memoryTestEnvs } from "./control/index.js";
import type { EnvCore } from "./core.js";
import { Env } from "./env.js";
import { gridEnvs } from "./grid/index.js";
import { universeEnvs } from "./universe/env.js";
import { coPlayEnvs } from "./universe/co-play.js";
import type { EnvSpec } from "./spec.js";
import { VectorEnv } from "./vector.js";
import { createMultiAgentCore, isParallelEnv, parallelEnvSpec, parallelEnvSpecs } from "./multi/registry.js";
import { AgentSeat } from "./multi/seats.js";

const specs = new Map<string, EnvSpec>();
const byKey = new Map<string, EnvSpec>();

/** Adds an environment; ids must be unique without regard to case. */
export function register(spec: EnvSpec): void {
  const key = spec.id.toLowerCase();
  if (byKey.has(key)) throw new Error(`environment id registered twice: ${spec.id}`);
  specs.set(spec.id, spec);
  byKey.set(key, spec);
  if (spec.alias) byKey.set(spec.alias.toLowerCase(), spec);
  // `CartPole` finds `CartPole-v1` while only one version is registered.
  const unversioned = key.replace(/-v\d+$/, "");
  if (unversioned !== key && !byKey.has(unversioned)) byKey.set(unversioned, spec);
}

for (const spec of [...gridEnvs, ...universeEnvs, ...coPlayEnvs, ...controlEnvs, ...memoryTestEnvs, ...banditEnvs]) register(spec);

/** Every registered id, in registration order. */
export function envIds(): string[] {
  return [...specs.keys()];
}

export function envSpecs(): EnvSpec[] {
  return [...specs.values()];
}

/** The registration for `id`; an unknown id is a `UserError` naming the closest ids. */
export function envSpec(id: string, path = "env.id"): EnvSpec {
  const spec = byKey.get(id.toLowerCase()) ?? byKey.get(id.toLowerCase().replace(/^minigrid-/, "").replace(/-v\d+$/, ""));
  if (spec) return spec;
  if (isParallelEnv(id)) throw new UserError(path, `${parallelEnvSpec(id).id} is a multi-agent environment: one agent per row of a vector (makeVector, run configs) or PettingZoo's parallel API (makeParallel)`);
  throw new UserError(path, `unknown environment ${JSON.stringify(id)}${didYouMean(id, [...specs.keys(), ...parallelEnvSpecs().map((s) => s.id)]) || "; see `rewardlab envs list`"}`);
}

/** The registered spelling of a single- or multi-agent environment's id. */
export function envId(id: string, path = "env.id"): string {
  return isParallelEnv(id) ? parallelEnvSpec(id, path).id : envSpec(id, path).id;
}

/**
 * The cores of n environments of `id`, one per row of a vector: n cores, or
 * for a multi-agent environment the seats of n tables (n × agents rows, row
 * i·m + j agent j of table i; see `multi/seats.ts`).
 */
export function createCores(id: string, n: number, kwargs?: Record<string, unknown>, path = "env.kwargs"): EnvCore[] {
  if (isParallelEnv(id)) {
    // `agentIds` belongs to the seats, not to the environment: taken out before its kwargs are checked.
    const plain = kwargs !== null && typeof kwargs === "object" && !Array.isArray(kwargs);
    const { agentIds, ...own } = plain ? kwargs : { agentIds: undefined };
    if (!plain && kwargs !== undefined) createMultiAgentCore(id, kwargs, path);
    if (agentIds !== undefined && typeof agentIds !== "boolean") throw new UserError(`${path}.agentIds`, `expected true or false, got ${JSON.stringify(agentIds)}`);
    return Array.from({ length: n }, () => AgentSeat.around(createMultiAgentCore(id, own, path), { agentIds: agentIds === true })).flat();
  }
  const spec = envSpec(id);
  const resolved = resolveKwargs(spec, kwargs, path);
  return Array.from({ length: n }, () => spec.create(resolved));
}

/** Validates user kwargs over the variant's preset; errors name `env.kwargs.<key>`. */
export function resolveKwargs(spec: EnvSpec, kwargs: Record<string, unknown> = {}, path = "env.kwargs"): Record<string, unknown> {
  if (kwargs === null || typeof kwargs !== "object" || Array.isArray(kwargs)) {
    throw new UserError(path, "expected an object of keyword arguments");
  }
  return parseConfig(spec.kwargs, { ...spec.preset, ...kwargs }, path) as Record<string, unknown>;
}

export function createCore(id: string, kwargs?: Record<string, unknown>): EnvCore {
  const spec = envSpec(id);
  return spec.create(resolveKwargs(spec, kwargs));
}

export interface MakeOptions {
  /** Keyword arguments over the registered variant's (`{ size: 6 }`). */
  kwargs?: Record<string, unknown>;
}

/**
 * One environment by id.
 * @example const env = make("DoorKey-5x5"); env.reset(0);
 */
export function make(id: string, options: MakeOptions = {}): Env {
  const spec = envSpec(id);
  return new Env(spec.id, spec.create(resolveKwargs(spec, options.kwargs)));
}

/**
 * n copies of an environment stepped together.
 * @example const vec = makeVector("CartPole-v1", 64); vec.reset(0);
 */
export function makeVector(id: string, n: number, options: MakeOptions = {}): VectorEnv {
  if (!Number.isInteger(n) || n < 1) throw new UserError("n", `expected a positive integer, got ${n}`);
  return new VectorEnv(envId(id), createCores(id, n, options.kwargs));
}

/** Everything `envs show` prints: spaces, features, events, limits, kwargs. */
export function describeEnv(id: string, kwargs?: Record<string, unknown>) {
  const spec = envSpec(id);
  const resolved = resolveKwargs(spec, kwargs);
  const core = spec.create(resolved);
  return {
    id: spec.id,
    family: spec.family,
    summary: spec.summary,
    alias: spec.alias,
    kwargs: resolved,
    kwargsSchema: z.toJSONSchema(spec.kwargs, { io: "input", unrepresentable: "any" }),
    observationSpace: describeSpace(core.observationSpace),
    actionSpace: describeSpace(core.actionSpace),
    maxSteps: core.maxSteps,
    features: core.features.map((f) => ({ name: f.name, description: f.description })),
    events: [...core.events],
  };
}
