/**
 * `rewardlab qd CONFIG`: quality-diversity search with progress, then the
 * archive's coverage (a map when the descriptor is a 2-D position), the best
 * return found and when the task was first solved. The config's `seed`
 * (or `--seed`) drives the search (initial policies, mutations, which
 * elites are picked); `envSeed` (or `--env-seed`) is the layout every policy
 * is evaluated on.
 */
import { loadConfigFile, parseConfig } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import { featureByName } from "../../envs/env.js";
import { make } from "../../envs/registry.js";
import { QdConfig } from "../../qd/config.js";
import { mapElites, MapElitesConfig } from "../../qd/map-elites.js";
import { noveltySearch, NoveltySearchConfig } from "../../qd/novelty.js";
import { intOption } from "../args.js";
import { progressBar } from "../progress.js";

export function qd(file: string, opts: { seed?: string; envSeed?: string } = {}): void {
  const loaded = loadConfigFile(file, QdConfig);
  const config = {
    ...loaded,
    seed: opts.seed === undefined ? loaded.seed : intOption(opts.seed, "--seed", 0),
    envSeed: opts.envSeed === undefined ? loaded.envSeed : intOption(opts.envSeed, "--env-seed", 0),
  };
  const env = make(config.env.id, { kwargs: config.env.kwargs });
  if (env.actionSpace.kind !== "discrete") throw new UserError("env.id", `quality-diversity search here evolves discrete-action policies; ${config.env.id} has ${env.actionSpace}`);
  config.inputs.forEach((name, i) => featureByName(env.core, name, `inputs[${i}]`));
  config.descriptor.forEach((name, i) => featureByName(env.core, name, `descriptor[${i}]`));
  const n = env.actionSpace.n;
  if (config.actions !== undefined && config.actions > n) throw new UserError("actions", `expected at most ${n}, the actions of ${config.env.id}; got ${config.actions}`);
  const shape = { inputs: config.inputs, hidden: config.hidden, actions: config.actions ?? n };
  const common = { descriptor: config.descriptor, seed: config.seed, envSeed: config.envSeed };
  const generations = Number((config.search as { generations?: number }).generations ?? (config.algorithm === "map-elites" ? 200 : 100));
  const bar = progressBar(generations, `${config.algorithm} ${config.env.id}`);
  let lines: { cells: number; best: number; bestDescriptor: number[]; solvedAt: number | null; descriptors: number[][] };
  if (config.algorithm === "map-elites") {
    const search = parseConfig(MapElitesConfig.partial(), config.search, "search");
    const r = mapElites(env, shape, { ...common, ...search, onGeneration: (g, cells) => bar.update(g, { cells }) });
    lines = { cells: r.archive.size, best: r.best.outcome.fitness, bestDescriptor: r.best.outcome.descriptor, solvedAt: r.solvedAt, descriptors: [...r.archive.values()].map((e) => e.outcome.descriptor) };
  } else {
    const search = parseConfig(NoveltySearchConfig.partial(), config.search, "search");
    const r = noveltySearch(env, shape, { ...common, ...search, onGeneration: (g, cells) => bar.update(g, { cells }) });
    lines = { cells: r.coverage.at(-1) ?? 0, best: r.best.outcome.fitness, bestDescriptor: r.best.outcome.descriptor, solvedAt: r.solvedAt, descriptors: r.archive };
  }
  bar.stop();
  console.log(`${config.algorithm} on ${config.env.id}, ${generations} generations (seed ${config.seed}, layout seed ${config.envSeed})`);
  console.log(`  behaviours covered: ${lines.cells}`);
  console.log(`  best return: ${lines.best.toFixed(3)} (ending at ${config.descriptor.map((d, i) => `${d} = ${lines.bestDescriptor[i]}`).join(", ")})`);
  console.log(`  solved: ${lines.solvedAt === null ? "no" : `first at generation ${lines.solvedAt}`}`);
  if (config.descriptor.length === 2) console.log(coverageMap(lines.descriptors));
}

/** The archive's cells as a small text map: `#` a reached cell, `.` none. */
function coverageMap(descriptors: number[][]): string {
  const xs = descriptors.map((d) => Math.round(d[0]));
  const ys = descriptors.map((d) => Math.round(d[1]));
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const filled = new Set(descriptors.map((d) => `${Math.round(d[0])},${Math.round(d[1])}`));
  const rows: string[] = ["  behaviour map (first descriptor across, second down):"];
  for (let y = y0; y <= y1; y++) {
    let row = "  ";
    for (let x = x0; x <= x1; x++) row += filled.has(`${x},${y}`) ? "#" : ".";
    rows.push(row);
  }
  return rows.join("\n");
}
