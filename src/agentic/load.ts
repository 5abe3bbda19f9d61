/** Loading an agentic reward spec from a file and compiling it. */
import { dirname, resolve } from "node:path";
import { readConfigFile } from "../core/config.js";
import { RewardPipeline } from "./pipeline.js";
import { SCORERS } from "./scorers/registry.js";
import { parseAgenticSpec, type ParsedAgenticSpec } from "./spec.js";

export function loadAgenticSpec(file: string): ParsedAgenticSpec {
  return parseAgenticSpec(readConfigFile(file), SCORERS);
}

/** The spec in `file`, compiled; relative paths in it resolve against its folder. */
export function loadPipeline(file: string, env: Record<string, string | undefined> = process.env): RewardPipeline {
  return new RewardPipeline(loadAgenticSpec(file), { baseDir: dirname(resolve(file)), env });
}
