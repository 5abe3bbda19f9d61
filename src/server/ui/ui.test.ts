/**
 * The dashboard as a person sees it: Debian's Chromium, headless, opens a
 * run's page while `rewardlab train` (the built command, in a child
 * process) is still training it, and sees the learning curve grow as the
 * server sends new data; then the index and a sweep's page. Screenshots go
 * to $REWARDLAB_UI_SCREENSHOTS when set (docs/images was made that way).
 *
 * Needs Chromium at /usr/bin/chromium (or $REWARDLAB_CHROMIUM); without it
 * the test fails and says how to install it (.ci/run installs it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import { packageFile } from "../../core/paths.js";
import { openStore, type AnyStore } from "../../runs/store/index.js";
import { SweepTables } from "../../runs/store/sweeps.js";
import { loadSweep } from "../../sweeps/config.js";
import { runSweepLocally } from "../../sweeps/local.js";
import { trialsOf } from "../../sweeps/search.js";
import { buildUi } from "./app.js";

const CHROMIUM = process.env.REWARDLAB_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SHOTS = process.env.REWARDLAB_UI_SCREENSHOTS;
const MAIN = packageFile("dist/src/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "rewardlab-ui-"));
let context: BrowserContext | undefined;
let app: FastifyInstance | undefined;
let store: AnyStore | undefined;
let trainer: ChildProcess | undefined;
afterAll(async () => {
  trainer?.kill("SIGKILL");
  await context?.close();
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The DOM as used in the page (this project's tsconfig has no DOM lib). */
type Doc = { getElementById(id: string): { getAttribute(name: string): string | null; textContent: string | null } | null };

test("a run's page, opened while it trains, redraws its learning curve as the run goes on; the index lists it; a sweep's page draws its parameters", async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; the dashboard's browser test needs it. On Debian or Ubuntu: sudo apt-get install -y chromium (or set REWARDLAB_CHROMIUM).`);
  const db = join(dir, "runs.db");
  // A sweep first (in this process), so the store has one to show.
  writeFileSync(join(dir, "base.yaml"), ["env: {id: CartPole-v1}", "numEnvs: 4", "learner: {algo: ppo, numSteps: 128}", "steps: 4096", "seeds: [0]"].join("\n"));
  writeFileSync(join(dir, "sweep.yaml"), ["name: ui-sweep", "base: base.yaml", "seeds: [0, 1]", "space:", "  learner.learningRate: [0.0003, 0.003]", "  learner.entCoef: [0.0, 0.01]"].join("\n"));
  store = await openStore(db);
  const sweep = loadSweep(join(dir, "sweep.yaml"));
  const record = await new SweepTables(store).create(sweep.name, sweep, trialsOf(sweep));
  await runSweepLocally(store, { ...sweep, id: record.id }, { dbPath: db, workers: 1 });

  // A run long enough to watch (stopped by the test once seen): rows are flushed every second.
  writeFileSync(join(dir, "long.yaml"), ["name: watched", "env: {id: CartPole-v1}", "numEnvs: 4", "learner: {algo: ppo, numSteps: 128}", "steps: 2000000", "seeds: [0]"].join("\n"));
  trainer = spawn(process.execPath, [MAIN, "train", join(dir, "long.yaml"), "--db", db, "--no-report"], { stdio: "ignore" });
  let runId: string | undefined;
  for (const deadline = Date.now() + 30_000; !runId && Date.now() < deadline; await sleep(50)) {
    runId = (await store.listRuns({ status: "running" })).find((r) => r.name === "watched")?.id;
  }
  expect(runId, "the trainer never started its run").toBeDefined();

  app = buildUi(store, { intervalMs: 300 });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  context = await chromium.launchPersistentContext(join(dir, "profile"), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("pageerror", (e) => void problems.push(e.message));
  page.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));

  await page.goto(`${url}/runs/${runId}`);
  await page.waitForSelector("#chart-primary .uplot canvas");
  // The run's audit and its reward spec's check, beside the report.
  expect(await page.textContent("#audit li")).toMatch(/^(Audit: no sign of reward hacking\.|⚠ |Too few episodes)/);
  expect(await page.textContent("#reward-check")).toMatch(/CartPole-v1 under a random policy/);
  expect(await page.$$eval("#reward-check li", (l) => l.length)).toBeGreaterThan(0);
  type Win = { REPORT: { steps: number[] } };
  const points = () => page.evaluate(() => (globalThis as unknown as Win).REPORT.steps.length);
  const updates = () => page.evaluate(() => Number((globalThis as unknown as { document: Doc }).document.getElementById("live-status")!.getAttribute("data-updates")));
  await page.waitForFunction(() => Number((globalThis as unknown as { document: Doc }).document.getElementById("live-status")!.getAttribute("data-updates")) >= 1, undefined, { timeout: 20_000 });
  const first = await points();
  const notes = await page.$$eval("#summary p", (p) => p.length);
  // The curve grows while the run trains: more points, drawn again on a live canvas.
  await page.waitForFunction((n) => (globalThis as unknown as Win).REPORT.steps.length > n, first, { timeout: 30_000 });
  expect(await points()).toBeGreaterThan(first);
  expect(await updates()).toBeGreaterThanOrEqual(2);
  expect(await page.$$eval("#chart-primary .uplot canvas", (c) => c.length)).toBe(1); // redrawn, not stacked
  expect(await page.$$eval("#summary p", (p) => p.length)).toBe(notes); // the summary replaced, not added to
  expect(await page.textContent("#live-status")).toMatch(/^live: training, step [\d,]+/);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, "ui-run.png"), fullPage: false });

  // Stopped early: the page says the run ended.
  trainer.kill("SIGINT");
  await page.waitForFunction(() => /^ended: /.test((globalThis as unknown as { document: Doc }).document.getElementById("live-status")!.textContent ?? ""), undefined, { timeout: 30_000 });

  await page.goto(`${url}/`);
  expect(await page.textContent("body")).toContain(runId!);
  expect(await page.$$eval("table.list tr", (rows) => rows.length)).toBeGreaterThan(9);
  await page.goto(`${url}/?group=design`);
  expect(await page.$$eval("h3", (h) => h.map((x) => x.textContent ?? "").filter((t) => t.startsWith("Design ")))).toEqual(expect.arrayContaining(["Design watched 1 run", "Design ui-sweep-t0 1 run"]));
  await page.goto(`${url}/?env=Acrobot-v1`);
  expect(await page.textContent("body")).not.toContain(runId!);

  await page.goto(`${url}/sweeps/${record.id}`);
  expect(await page.$$eval("svg.parcoords polyline", (l) => l.length)).toBe(8);
  expect(await page.textContent("#best")).toMatch(/Configuration \d: learner\.learningRate = /);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, "ui-sweep.png"), fullPage: true });
  expect(problems).toEqual([]);
  const missing = await page.goto(`${url}/sweeps/s1999`);
  expect(missing!.status()).toBe(404);
  expect(await page.textContent("body")).toContain('sweep: no sweep "s1999" in the store');
}, 180_000);
