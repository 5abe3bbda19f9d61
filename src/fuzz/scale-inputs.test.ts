/**
 * The inputs of sweeps and the dashboard, fuzzed: sweep configs mutated
 * from the examples (loaded, their trials and first trial's run config
 * built, or one line naming a path), and the dashboard's addresses and
 * filters (a page or a 404 page, never a server error).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { packageFile } from "../core/paths.js";
import { openStore } from "../runs/store/index.js";
import { buildUi } from "../server/ui/app.js";
import { loadSweep, trialConfig } from "../sweeps/config.js";
import { trialsOf } from "../sweeps/search.js";
import { FUZZ, mutants } from "./mutate.js";

type Json = Parameters<typeof mutants>[0][number];

describe("fuzzing the inputs of sweeps and the dashboard", () => {
  it("sweep configs: loaded with their trials, or one line naming the path", () => {
    const files = readdirSync(packageFile("examples/sweeps")).filter((f) => f.endsWith(".yaml"));
    const valid = files.map((f) => parseConfigText(readFileSync(packageFile(`examples/sweeps/${f}`), "utf8"), f) as Json);
    // Beside examples/sweeps, so the files they name by relative path resolve.
    const dir = mkdtempSync(packageFile("examples/.fuzz-sweeps-"));
    const file = join(dir, "sweep.json");
    try {
      fc.assert(
        fc.property(mutants(valid), (data) => {
          writeFileSync(file, JSON.stringify(data));
          const t0 = performance.now();
          try {
            const sweep = loadSweep(file);
            const trials = trialsOf(sweep);
            if (trials.length) trialConfig(sweep, trials[0].params, trials[0].seed);
          } catch (e) {
            if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
            expect(e.message).not.toContain("\n");
            expect(e.path, e.message).not.toBe("");
          }
          expect(performance.now() - t0).toBeLessThan(5000);
        }),
        FUZZ,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("dashboard addresses and filters: a page or a 404 page, never a server error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rewardlab-fuzz-ui-"));
    const store = await openStore(join(dir, "runs.db"));
    const app = buildUi(store);
    try {
      const segment = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("", "..", "%00", "s2026", "c2026", "20261207", "'; drop table runs; --", "%F0%9F%A6%8A"));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom("/runs/", "/comparisons/", "/sweeps/", "/?status=", "/?env=", "/?comparison=", "/?group="), segment, async (prefix, s) => {
          const res = await app.inject({ method: "GET", url: prefix + encodeURIComponent(s) });
          expect([200, 404], `${prefix}${s}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
          expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/);
        }),
        FUZZ,
      );
    } finally {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
