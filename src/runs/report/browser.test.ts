/**
 * The report as a person sees it: Debian's Chromium, headless, opens a
 * report of a tiny comparison from disk with the network cut, and we check
 * what rendered and that the replay steps. A screenshot is kept for looking at.
 *
 * Needs Chromium at /usr/bin/chromium (or $REWARDLAB_CHROMIUM); without it
 * every test here fails and says how to install it (.ci/run installs it).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { TINY_DESIGNS, tinyComparison } from "./test-utils.js";
import { writeReport } from "./write.js";
import { compareDesigns } from "../compare.js";
import { RunConfig } from "../config.js";

const CHROMIUM = process.env.REWARDLAB_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** Where the screenshot of the last run is kept. */
const SCREENSHOT = join(tmpdir(), "rewardlab-report.png");

let dir: string;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
/** The DOM types used here (this project's tsconfig has no DOM lib). */
type Canvas = { width: number; height: number; title: string; toDataURL(): string };
type Styled = { style: { display: string } };
const requests: string[] = [];

/** Fails the test (not skips it) with how to install Chromium when it is missing. */
function needChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}; the report's browser tests need it. ` +
        "On Debian or Ubuntu install it with: sudo apt-get update && sudo apt-get install -y chromium " +
        "(or point REWARDLAB_CHROMIUM at a Chromium or Chrome binary).",
    );
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return; // each test then fails with needChromium's message
  dir = mkdtempSync(join(tmpdir(), "rewardlab-browser-"));
  const { config, summaries } = await tinyComparison(4096);
  const path = writeReport(summaries, { title: "Tiny comparison", config, outPath: join(dir, "report.html"), rewards: Object.fromEntries(TINY_DESIGNS.map((d) => [d.name, d.reward])) });
  context = await chromium.launchPersistentContext(join(dir, "profile"), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 900 } });
  // Nothing may leave the file: any other request is recorded and refused.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => void (m.type() === "error" && problems.push(`console: ${m.text()}`)));
  page.on("pageerror", (e) => void problems.push(`page error: ${e.message}`));
  await page.goto(`file://${path}`);
  await page.waitForSelector("#chart-primary .uplot canvas");
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the page loads with no console errors and no network request", () => {
  needChromium();
  expect(problems).toEqual([]);
  expect(requests).toEqual([]);
});

test("every chart is drawn on a canvas of non-zero size with a legend entry per design or term", async () => {
  needChromium();
  const charts = await page.$$eval(".chart", (els) =>
    els.map((el) => {
      const canvas = el.querySelector("canvas") as unknown as Canvas | null;
      const rows = [...el.querySelectorAll(".u-legend .u-series")].filter((r) => (r as unknown as Styled).style.display !== "none");
      return { id: el.id, width: canvas?.width ?? 0, height: canvas?.height ?? 0, legend: rows.map((r) => r.querySelector(".u-label")?.textContent ?? "") };
    }),
  );
  expect(charts.map((c) => c.id)).toEqual(["chart-primary", "chart-success", "chart-terms-0", "chart-terms-1"]);
  for (const c of charts) {
    expect(c.width, c.id).toBeGreaterThan(200);
    expect(c.height, c.id).toBeGreaterThan(100);
  }
  expect(charts[0].legend).toEqual(["steps", "sparse", "key-bonus"]);
  expect(charts[1].legend).toEqual(["steps", "sparse", "key-bonus"]);
  expect(charts[3].legend).toEqual(["steps", "task", "step", "pickup:key"]);
});

test("each design has a drawn visitation heatmap", async () => {
  needChromium();
  const sizes = await page.$$eval("canvas.heat-map", (els) => els.map((c) => [(c as unknown as Canvas).width, (c as unknown as Canvas).height]));
  expect(sizes).toHaveLength(2);
  for (const [w, h] of sizes) expect(Math.min(w, h)).toBeGreaterThan(50);
});

test("the replay steps through its frames with the buttons, the keyboard, the slider and Play", async () => {
  needChromium();
  const replay = page.locator("#replay-worst-1");
  const state = () =>
    replay.evaluate((el) => {
      const canvas = el.querySelector("canvas.frame") as unknown as Canvas;
      return { frame: Number(el.getAttribute("data-frame")), pos: el.querySelector(".pos")!.textContent, title: canvas.title, pixels: canvas.toDataURL() };
    });
  const frames: string[] = await page.evaluate(() => (globalThis as unknown as { REPORT: { designs: { evaluation: { worst: { frames: string[] } } }[] } }).REPORT.designs[1].evaluation.worst.frames);
  const T = frames.length - 1;
  expect(T).toBeGreaterThan(1);
  const first = await state();
  expect(first).toMatchObject({ frame: 0, pos: `step 0 / ${T}`, title: frames[0] });

  await replay.locator("button.next").click();
  expect(await state()).toMatchObject({ frame: 1, pos: `step 1 / ${T}`, title: frames[1] });
  await replay.press("End");
  const last = await state();
  expect(last).toMatchObject({ frame: T, title: frames[T] });
  // A frame whose text differs from the first is drawn differently.
  const differs = frames.findIndex((f) => f !== frames[0]);
  if (differs > 0) {
    await replay.locator("input[type=range]").fill(String(differs));
    const moved = await state();
    expect(moved.frame).toBe(differs);
    expect(moved.pixels).not.toBe(first.pixels);
  }
  await replay.locator("button.first").click();
  await replay.locator("button.play").click();
  await page.waitForTimeout(450);
  await replay.locator("button.play").click();
  expect((await state()).frame).toBeGreaterThanOrEqual(2);
});

test("a full-page screenshot is saved for a person to look at", async () => {
  needChromium();
  await page.locator("#replay-worst-1 button.first").click();
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(existsSync(SCREENSHOT)).toBe(true);
  console.log(`report screenshot: ${SCREENSHOT}`);
});

test("a multi-agent report shows each agent's curve and where each agent goes", async () => {
  needChromium();
  const config = RunConfig.parse({ env: { id: "CommonsHarvest", kwargs: { players: 2, maxSteps: 100 } }, numEnvs: 2, steps: 4096, seeds: [0], learner: { algo: "ppo", numSteps: 64 }, window: 10 });
  const summaries = await compareDesigns(config, [{ name: "selfish", reward: { terms: [{ kind: "task" }] } as never }], { workers: 1, record: { evalEpisodes: 8 } });
  const run = summaries[0].runs[0];
  expect(run.curve.at(-1)!.agents).toHaveLength(2);
  const visits = run.recording!.agentVisits!;
  // Both agents counted on every counted step, except while frozen (no zaps this early is not assumed: ≤).
  expect(visits.counts.map((c) => c.reduce((a, b) => a + b, 0)).every((n) => n > 0 && n <= visits.steps / 2)).toBe(true);
  expect(run.recording!.visits.counts.reduce((a, b) => a + b, 0)).toBe(visits.counts.flat().reduce((a, b) => a + b, 0));
  const path = writeReport(summaries, { title: "Two agents", config, outPath: join(dir, "agents.html") });
  const other = await context.newPage();
  const errors: string[] = [];
  other.on("pageerror", (e) => void errors.push(e.message));
  await other.goto(`file://${path}`);
  await other.waitForSelector("#chart-agents-0 .uplot canvas");
  const legend = await other.$$eval("#chart-agents-0 .u-legend .u-series .u-label", (els) => els.map((e) => e.textContent));
  expect(legend).toEqual(["steps", "agent 0", "agent 1"]);
  const maps = await other.$$eval("#agents canvas.heat-map", (els) => els.map((c) => (c as unknown as Canvas).width));
  expect(maps).toHaveLength(2);
  for (const w of maps) expect(w).toBeGreaterThan(50);
  expect(errors).toEqual([]);
  await other.close();
}, 60_000);
