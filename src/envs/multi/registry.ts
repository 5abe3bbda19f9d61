/**
 * The multi-agent environments by id: `makeParallel` for one (PettingZoo's
 * parallel API) and `makeParallelVector` for a batch. Ids are matched without
 * regard to case. Adding an environment is one file exporting its
 * `ParallelEnvSpec`s and one entry in `LISTS`.
 */
import { z } from "zod";
import { parseConfig } from "../../core/config.js";
import { describeSpace } from "../../core/spaces.js";
import { UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import { cleanupGames } from "../social/cleanup.js";
import { commonsGames } from "../social/commons.js";
import { ctfGames } from "../social/ctf.js";
import { donorGames } from "../social/donor.js";
import { hideAndSeekGames } from "../social/hide-and-seek.js";
import { matrixGames } from "../social/matrix.js";
import { societyGames } from "../social/society.js";
import { tagGames } from "../social/tag.js";
import type { MultiAgentCore } from "./core.js";
import { ParallelEnv } from "./parallel-env.js";
import type { ParallelEnvSpec } from "./spec.js";
import { ParallelVectorEnv } from "./vector.js";

const LISTS: readonly (readonly ParallelEnvSpec[])[] = [matrixGames, commonsGames, cleanupGames, societyGames, donorGames, tagGames, hideAndSeekGames, ctfGames];

const byKey = new Map<string, ParallelEnvSpec>();
for (const spec of LISTS.flat()) {
  const key = spec.id.toLowerCase();
  if (byKey.has(key)) throw new Error(`multi-agent environment id registered twice: ${spec.id}`);
  byKey.set(key, spec);
}

/** Every multi-agent environment, in registration order. */
export function parallelEnvSpecs(): ParallelEnvSpec[] {
  return [...byKey.values()];
}

export function isParallelEnv(id: string): boolean {
  return byKey.has(id.toLowerCase());
}

export function parallelEnvSpec(id: string, path = "env.id"): ParallelEnvSpec {
  const spec = byKey.get(id.toLowerCase());
  if (!spec) throw new UserError(path, `unknown multi-agent environment ${JSON.stringify(id)}${didYouMean(id, [...byKey.values()].map((s) => s.id)) || "; see `rewardlab envs list`"}`);
  return spec;
}

export interface MakeParallelOptions {
  kwargs?: Record<string, unknown>;
}

/** The spec's keyword arguments: its preset, then `kwargs`, checked and with defaults. */
function resolveKwargs(spec: ParallelEnvSpec, kwargs: Record<string, unknown>, path: string): unknown {
  if (kwargs === null || typeof kwargs !== "object" || Array.isArray(kwargs)) throw new UserError(path, "expected an object of keyword arguments");
  return parseConfig(spec.kwargs, { ...spec.preset, ...kwargs }, path);
}

export function createMultiAgentCore(id: string, kwargs: Record<string, unknown> = {}, path = "env.kwargs"): MultiAgentCore {
  const spec = parallelEnvSpec(id);
  return spec.create(resolveKwargs(spec, kwargs, path));
}

export function makeParallel(id: string, options: MakeParallelOptions = {}): ParallelEnv {
  return new ParallelEnv(parallelEnvSpec(id).id, createMultiAgentCore(id, options.kwargs));
}

export function makeParallelVector(id: string, n: number, options: MakeParallelOptions = {}): ParallelVectorEnv {
  if (!Number.isInteger(n) || n < 1) throw new UserError("n", `expected a positive integer, got ${n}`);
  const spec = parallelEnvSpec(id);
  const kwargs = () => resolveKwargs(spec, options.kwargs ?? {}, "env.kwargs");
  if (spec.vector) return spec.vector(kwargs(), n);
  // Kwargs parsed per core: no core shares another's arrays.
  return new ParallelVectorEnv(spec.id, Array.from({ length: n }, () => spec.create(kwargs())));
}

/** Everything `envs show` prints for a multi-agent environment: agents, spaces (per agent), per-agent features and events, limits, kwargs. */
export function describeParallelEnv(id: string, kwargs: Record<string, unknown> = {}) {
  const spec = parallelEnvSpec(id);
  const resolved = parseConfig(spec.kwargs, { ...spec.preset, ...kwargs }, "env.kwargs") as Record<string, unknown>;
  const core = spec.create(resolved);
  return {
    id: spec.id,
    family: spec.family,
    summary: spec.summary,
    alias: undefined as string | undefined,
    agents: [...core.agentNames],
    kwargs: resolved,
    kwargsSchema: z.toJSONSchema(spec.kwargs, { io: "input", unrepresentable: "any" }),
    observationSpace: describeSpace(core.observationSpace),
    actionSpace: describeSpace(core.actionSpace),
    maxSteps: core.maxSteps,
    features: core.features.map((f) => ({ name: f.name, description: f.description })),
    events: [...core.events],
  };
}
