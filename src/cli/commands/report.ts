/** `rewardlab report ID`: a table and an HTML report of a stored run or comparison. */
import { formatComparison } from "../../runs/compare.js";
import { storedSelection } from "../../runs/from-store.js";
import { defaultStoreLocation, openStore } from "../../runs/store/index.js";
import { saveReport, type ReportFlag } from "../report.js";

export async function report(id: string, opts: ReportFlag & { db?: string }): Promise<void> {
  const store = await openStore(opts.db ?? defaultStoreLocation(), { create: false });
  try {
    const selection = await storedSelection(store, id);
    console.log(formatComparison(selection.designs, selection.config.successThreshold));
    saveReport(selection.designs, opts.report === undefined ? { report: undefined } : opts, selection.config.name ?? selection.designs[0]?.name ?? "report", {
      title: selection.title,
      config: selection.config,
      rewards: selection.rewards,
    });
  } finally {
    await store.close();
  }
}
