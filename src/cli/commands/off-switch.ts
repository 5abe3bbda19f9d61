/**
 * `rewardlab off-switch [--mean μ] [--stds …] [--betas …]`: the Off-Switch
 * Game's analytic answer as a table (src/audit/off-switch.ts): for each
 * uncertainty σ of the robot and rationality β of the human, what the robot
 * chooses and its incentive Δ to defer.
 */
import { UserError } from "../../core/errors.js";
import { offSwitchGame } from "../../audit/off-switch.js";
import { numberOption } from "../args.js";

function list(value: string, name: string, min: number): number[] {
  return value.split(",").map((v) => (/^\s*(inf|infinity|∞)\s*$/i.test(v) ? Infinity : numberOption(v, name, min)));
}

export function offSwitch(opts: { mean: string; stds: string; betas: string; json?: boolean }): void {
  const mean = numberOption(opts.mean, "--mean", -Infinity);
  const stds = list(opts.stds, "--stds", 0);
  const betas = list(opts.betas, "--betas", 0);
  if (betas.includes(0)) throw new UserError("--betas", "expected rationalities > 0 (inf: a rational human)");
  const rows = stds.map((std) => ({ std, cells: betas.map((beta) => ({ beta, ...offSwitchGame({ mean, std }, beta) })) }));
  if (opts.json) {
    console.log(JSON.stringify({ mean, rows }));
    return;
  }
  const fmt = (b: number) => (b === Infinity ? "rational" : `β = ${b}`);
  const width = 16;
  console.log(`The Off-Switch Game: the robot believes U_a ~ N(${mean}, σ²); the human lets it act with probability σ(β·U_a).`);
  console.log(`Each cell: the robot's choice (act, off, or wait for the human) and Δ = E[wait] − max(E[act], E[off]).\n`);
  console.log(["σ".padEnd(6), ...betas.map((b) => fmt(b).padStart(width))].join(""));
  for (const r of rows) {
    console.log([String(r.std).padEnd(6), ...r.cells.map((c) => `${c.choice} ${signed(c.incentive)}`.padStart(width))].join(""));
  }
  console.log(`\nWith a rational human the robot waits whenever σ > 0; facing a noisy human it waits only if it is uncertain enough (Hadfield-Menell et al. 2017).`);
}

/** Δ with its sign, and a plain 0.000 where it rounds to zero. */
const signed = (x: number) => (Math.abs(x) < 5e-4 ? " 0.000" : `${x > 0 ? "+" : ""}${x.toFixed(3)}`);
