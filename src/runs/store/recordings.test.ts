import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { parseConfig } from "../../core/config.js";
import { RunConfig } from "../config.js";
import { storedSelection } from "../from-store.js";
import { runPersisted } from "../persist.js";
import { renderReport } from "../report/page.js";
import { openStore } from "./open.js";

const dir = mkdtempSync(join(tmpdir(), "rewardlab-recordings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a run trained with a recording keeps it in the store: a report made afterwards shows its heatmap and replays", async () => {
  const db = join(dir, "runs.db");
  const config = parseConfig(RunConfig, { env: { id: "DoorKey-5x5" }, numEnvs: 4, learner: { algo: "ppo", numSteps: 64 }, steps: 4096, seeds: [3] });
  const summary = await runPersisted(config, 3, { dbPath: db }, {}, { evalEpisodes: 4 });
  expect(summary.recording?.visits.counts.length).toBeGreaterThan(0);
  const store = await openStore(db);
  const selection = await storedSelection(store, summary.runId);
  expect(selection.designs[0].runs[0].recording).toEqual(JSON.parse(JSON.stringify(summary.recording)));
  const page = renderReport(selection.designs, { title: "after the fact", config: selection.config });
  expect(page).toContain('<section id="visits">');
  expect(page).toContain('<section id="replays">');
  // Deleting the run deletes its recording.
  await store.deleteRun(summary.runId);
  const { loadRecording } = await import("./recordings.js");
  expect(await loadRecording(store, summary.runId)).toBeUndefined();
  await store.close();
});
