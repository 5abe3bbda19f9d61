/** `rewardlab envs list` and `rewardlab envs show ID`. */
import { UserError } from "../../core/errors.js";
import { describeEnv, envSpecs } from "../../envs/registry.js";
import { kwargsOption } from "../args.js";

const FAMILIES = ["grid", "control", "bandit"];

export function list(opts: { family?: string; json?: boolean }): void {
  if (opts.family && !FAMILIES.includes(opts.family)) {
    throw new UserError("--family", `expected one of ${FAMILIES.join(", ")}, got ${JSON.stringify(opts.family)}`);
  }
  const specs = envSpecs().filter((s) => !opts.family || s.family === opts.family);
  if (opts.json) {
    console.log(JSON.stringify(specs.map((s) => ({ id: s.id, family: s.family, summary: s.summary }))));
    return;
  }
  const width = Math.max(...specs.map((s) => s.id.length));
  for (const family of FAMILIES) {
    const group = specs.filter((s) => s.family === family);
    if (group.length === 0) continue;
    console.log(`${family} (${group.length})`);
    for (const s of group) console.log(`  ${s.id.padEnd(width)}  ${s.summary}`);
  }
}

export function show(id: string, opts: { kwargs?: string; json?: boolean }): void {
  const info = describeEnv(id, kwargsOption(opts.kwargs));
  if (opts.json) {
    console.log(JSON.stringify(info, null, 2));
    return;
  }
  const lines = [
    `${info.id}  (${info.family}${info.alias ? `; also ${info.alias}` : ""})`,
    `  ${info.summary}`,
    "",
    `observation  ${JSON.stringify(info.observationSpace)}`,
    `action       ${JSON.stringify(info.actionSpace)}`,
    `max steps    ${info.maxSteps}`,
    `kwargs       ${JSON.stringify(info.kwargs)}`,
    "",
    `features (${info.features.length})`,
    ...info.features.map((f) => `  ${f.name.padEnd(22)} ${f.description}`),
    "",
    `events (${info.events.length})`,
    ...wrap(info.events, 76).map((l) => `  ${l}`),
  ];
  console.log(lines.join("\n"));
}

function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + w.length + 2 > width) {
      lines.push(line);
      line = "";
    }
    line += (line ? ", " : "") + w;
  }
  if (line) lines.push(line);
  return lines;
}
