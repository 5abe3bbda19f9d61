/**
 * `rewardlab reward sensitivity SPEC --env ID`: how much the optimal policy
 * moves when the reward is perturbed, with and without entropy
 * regularization (src/audit/sensitivity.ts): a table, the cliff, and an
 * SVG plot of policy change against perturbation size.
 */
import { readConfigFile } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
import { policySensitivity } from "../../audit/sensitivity.js";
import { lineChartSvg } from "../../runs/report/svg-chart.js";
import { intOption, kwargsOption, numberOption } from "../args.js";
import { checkOutputFile, writeOutputFile } from "../output.js";

export interface SensitivityCliOptions {
  env?: string;
  kwargs?: string;
  seed?: string;
  gamma?: string;
  perturb?: string;
  sizes?: string;
  temperatures?: string;
  draws?: string;
  plot?: string;
  json?: boolean;
}

const numbers = (value: string, name: string) => value.split(",").map((v) => numberOption(v, name, 0));

export function sensitivity(file: string, opts: SensitivityCliOptions): void {
  if (!opts.env) throw new UserError("--env", "missing; expected a gridworld id (see `rewardlab envs list --family grid`)");
  const gamma = Number(opts.gamma ?? "0.99");
  if (!(gamma >= 0 && gamma < 1)) throw new UserError("--gamma", `expected a number in [0, 1), got ${JSON.stringify(opts.gamma)}`);
  const perturb = opts.perturb ?? "noise";
  if (perturb !== "noise" && perturb !== "weights") throw new UserError("--perturb", `expected noise or weights, got ${JSON.stringify(perturb)}`);
  const sizes = numbers(opts.sizes ?? "1e-6,1e-4,1e-3,1e-2,3e-2,0.1,0.3,1", "--sizes");
  if (sizes.some((s) => s === 0)) throw new UserError("--sizes", "expected sizes > 0 (the plot's axis is logarithmic)");
  if (opts.plot) checkOutputFile(opts.plot, "--plot");
  const report = policySensitivity(opts.env, readConfigFile(file), {
    gamma,
    perturb,
    sizes,
    temperatures: numbers(opts.temperatures ?? "0,0.01,0.1", "--temperatures"),
    draws: intOption(opts.draws ?? "10", "--draws", 1),
    seed: intOption(opts.seed ?? "0", "--seed", 0),
    kwargs: kwargsOption(opts.kwargs),
  });
  if (opts.plot) {
    writeOutputFile(
      opts.plot,
      lineChartSvg({
        title: `Policy change under ${perturb === "noise" ? "reward noise" : "term-weight changes"}: ${report.env}`,
        xLabel: perturb === "noise" ? "noise ε (× sd of the reward)" : "relative weight change ε",
        yLabel: "total variation to the unperturbed policy",
        logX: true,
        series: report.curves.map((c) => ({ name: c.temperature === 0 ? "no entropy (τ = 0)" : `τ = ${c.temperature}`, points: c.points.map((p) => [p.size, p.tv] as const) })),
        reference: { y: 0.05, label: "cliff threshold" },
      }),
      "--plot",
    );
  }
  if (opts.json) {
    console.log(JSON.stringify(report));
    return;
  }
  console.log(`${file} on ${report.env} (${report.states} states): optimal policy under ${perturb === "noise" ? "noise ε·sd(R)·N(0,1) on every transition's reward" : "term weights scaled by 1 + ε·N(0,1)"}`);
  console.log(`Total variation to the unperturbed policy (mean over draws); the cliff is the first ε above 0.05.\n`);
  const head = ["ε".padEnd(8), ...report.curves.map((c) => (c.temperature === 0 ? "τ = 0" : `τ = ${c.temperature}`).padStart(12))];
  console.log(head.join(""));
  report.curves[0].points.forEach((p, k) => console.log([String(p.size).padEnd(8), ...report.curves.map((c) => c.points[k].tv.toFixed(4).padStart(12))].join("")));
  console.log(["cliff".padEnd(8), ...report.curves.map((c) => (c.cliff === null ? "none" : `ε = ${c.cliff}`).padStart(12))].join(""));
  const zero = report.curves.find((c) => c.temperature === 0);
  if (zero) {
    const share = Number.isNaN(report.changesAtTies) ? "no state changed" : `${(100 * report.changesAtTies).toFixed(0)}% of the states that changed at ε = ${zero.points[0].size} had tied optimal actions`;
    console.log(`\n${report.tiedStates} of ${report.states} states have tied optimal actions; ${share}.`);
    if (zero.cliff !== null && zero.cliff === zero.points[0].size && report.tiedStates > 0) console.log("Ties make the unregularized policy jump at the smallest perturbation; entropy regularization (τ > 0) makes the change continuous.");
  }
  if (opts.plot) console.log(`\nPlot: ${opts.plot}`);
}
