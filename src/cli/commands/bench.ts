/** `rewardlab bench [suite] [--json]`: speed figures with their ratios to recorded baselines. */
import { UserError } from "../../core/errors.js";
import { didYouMean } from "../../core/suggest.js";
import { numberOption } from "../args.js";

/** The most time per measurement: `bench all` takes some forty measurements (and the server suite five times this). */
export const MAX_BENCH_SECONDS = 300;

export async function bench(suite: string, opts: { json?: boolean; seconds?: string }): Promise<void> {
  const { SUITES, formatFigure, header } = await import("../../../bench/index.js");
  const seconds = numberOption(opts.seconds, "--seconds", 0.01, MAX_BENCH_SECONDS);
  const names = suite === "all" ? Object.keys(SUITES) : [suite];
  for (const name of names) {
    if (!SUITES[name]) throw new UserError("suite", `unknown benchmark suite ${JSON.stringify(name)}${didYouMean(name, Object.keys(SUITES))}; known: ${Object.keys(SUITES).join(", ")}, all`);
  }
  if (!opts.json) console.log(header());
  for (const name of names) for await (const figure of SUITES[name](seconds)) console.log(formatFigure(figure, !!opts.json));
}
