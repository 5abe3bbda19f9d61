/** Loading an agentic reward spec from a file and compiling it. */
import { dirname, resolve } from "node:path";
import { inFile, parseConfig, readConfigFile } from "../core/config.js";
import { RewardPipeline } from "./pipeline.js";
import { SCORERS } from "./scorers/registry.js";
import { parseAgenticSpec, type ParsedAgenticSpec } from "./spec.js";
import { TemplateOption } from "./templates.js";

export function loadAgenticSpec(file: string): ParsedAgenticSpec {
  return inFile(file, () => parseAgenticSpec(readConfigFile(file), SCORERS));
}

/** What a command line may override in a spec (`serve --template`). */
export interface SpecOverrides {
  template?: string;
}

/** The spec in `file`, compiled; relative paths in it resolve against its folder. */
export function loadPipeline(file: string, env: Record<string, string | undefined> = process.env, overrides: SpecOverrides = {}): RewardPipeline {
  const spec = loadAgenticSpec(file);
  if (overrides.template !== undefined) spec.template = parseConfig(TemplateOption, overrides.template, "--template");
  return new RewardPipeline(spec, { baseDir: dirname(resolve(file)), env });
}
