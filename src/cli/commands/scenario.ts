/**
 * `rewardlab scenario ID --background action:1 --seats 1`: the stored runs
 * of a multi-agent comparison (or one run) meet background agents they
 * never trained with, Melting Pot's way (src/runs/scenarios.ts); per
 * design, the focal per-capita return with the background and among
 * themselves on the same episodes, IQM over seeds with its interval and each
 * seed's value.
 */
import { UserError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { seedEstimate, type SeedEstimate } from "../../core/rliable-bootstrap.js";
import { storedSelection } from "../../runs/from-store.js";
import { storedPolicy } from "../../runs/policy.js";
import { parseBackground, playScenario, type Background } from "../../runs/scenarios.js";
import { defaultStoreLocation, openStore } from "../../runs/store/index.js";
import { intOption } from "../args.js";

export interface ScenarioOptions {
  background?: string;
  seats?: string;
  tables?: string;
  db?: string;
}

export async function scenario(id: string, opts: ScenarioOptions): Promise<void> {
  if (opts.background === undefined) throw new UserError("--background", "expected random, action:N, run:ID or run:ID@STEP (who fills the background seats)");
  const tables = intOption(opts.tables ?? "32", "--tables", 1, 10_000);
  const seats = (opts.seats ?? "1").split(",").map((s, i) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0) throw new UserError(`--seats[${i}]`, `expected a seat index (0, 1, …), got ${JSON.stringify(s)}`);
    return n;
  });
  const store = await openStore(opts.db ?? defaultStoreLocation(), { create: false });
  try {
    const selection = await storedSelection(store, id);
    // Another run's policy as the background: it must play the same environment.
    // run:ID, or run:ID@STEP for the policy the run had at that step (its last checkpoint there): an earlier checkpoint.
    const ref = /^run:([^@]+)(?:@(.+))?$/.exec(opts.background);
    const atStep = ref?.[2] === undefined ? undefined : intOption(ref[2], "--background", 0);
    const other = ref ? await storedPolicy(store, ref[1], "--background", atStep) : undefined;
    const rows: string[] = [];
    let header = "";
    for (const design of selection.designs) {
      const focal: number[] = [];
      const alone: number[] = [];
      const back: number[] = [];
      for (const run of design.runs) {
        const policy = await storedPolicy(store, (run as unknown as { runId: string }).runId, "id");
        const actions = (policy.learner.env.vec.actionSpace as { n: number }).n;
        if (other && (other.env !== policy.env || JSON.stringify(other.kwargs) !== JSON.stringify(policy.kwargs))) {
          throw new UserError("--background", `run ${other.runId} played ${other.env} ${JSON.stringify(other.kwargs)}; the focal runs play ${policy.env} ${JSON.stringify(policy.kwargs)}`);
        }
        const background: Background = other ? { kind: "policy", learner: other.learner, name: other.runId } : parseBackground(opts.background, actions);
        const seed = policy.config.evaluation.seed;
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        const withBackground = playScenario(policy.learner, policy.config, { background, seats }, tables, seed);
        const among = playScenario(policy.learner, policy.config, undefined, tables, seed);
        focal.push(mean(withBackground.map((e) => e.focal)));
        back.push(mean(withBackground.map((e) => e.background)));
        alone.push(mean(among.map((e) => e.focal)));
        header ||= `${policy.env}: seats ${seats.join(", ")} of each table played by ${opts.background}; ${tables} episodes per run from evaluation seed ${seed}, the focal policy sampled`;
      }
      const est = (xs: number[]): SeedEstimate => seedEstimate(xs, "iqm", new Rng(0));
      const text = (e: SeedEstimate) => `${e.point.toFixed(2)} [${e.lo.toFixed(2)}, ${e.hi.toFixed(2)}]`;
      rows.push(`${design.name.padEnd(14)} ${text(est(focal)).padStart(24)} ${text(est(alone)).padStart(24)} ${text(est(back)).padStart(24)}`);
      const seedsLine = design.runs.map((r) => r.seed).join(", ");
      rows.push(`${"".padEnd(14)}   seeds ${seedsLine}: with background ${focal.map((v) => v.toFixed(2)).join(" ")}; among themselves ${alone.map((v) => v.toFixed(2)).join(" ")}`);
    }
    console.log(header);
    console.log(`${"design".padEnd(14)} ${"focal, with background".padStart(24)} ${"focal, among themselves".padStart(24)} ${"background".padStart(24)}`);
    console.log(rows.join("\n"));
    console.log("\nper-capita return of the focal seats (and of the background's), interquartile mean over seeds [95% stratified-bootstrap interval]");
  } finally {
    await store.close();
  }
}
