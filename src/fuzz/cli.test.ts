/**
 * The CLI end to end on fuzzed run configs that are not valid: `train`
 * exits 2 with one line naming a path, and stores nothing. The mutants are
 * drawn as in inputs.test.ts and kept when the library refuses them (a
 * valid one would start training); each costs a run of the command, so
 * there are few.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfigText } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { packageFile } from "../core/paths.js";
import { makeRewarded } from "../rewards/make.js";
import { loadRunConfig } from "../runs/config.js";
import { openStore } from "../runs/store/index.js";
import { runCli } from "../test-utils/cli.js";
import { FUZZ, mutants } from "./mutate.js";

type Json = Parameters<typeof mutants>[0][number];

describe("fuzzing the train command", () => {
  const dir = mkdtempSync(packageFile("examples/.fuzz-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("an invalid run config exits 2 with one line naming a path, and nothing is stored", async () => {
    const valid = readdirSync(packageFile("examples/runs"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => parseConfigText(readFileSync(packageFile(`examples/runs/${f}`), "utf8"), f) as Json);
    const file = join(dir, "run.json");
    /** The library's verdict on a config: the error train must print, or null when it is valid. */
    const refusal = (data: Json): UserError | null => {
      writeFileSync(file, JSON.stringify(data));
      try {
        const c = loadRunConfig(file);
        makeRewarded(c.env.id, 1, c.reward, { kwargs: c.env.kwargs });
        return null;
      } catch (e) {
        return e instanceof UserError ? e : null;
      }
    };
    const invalid = fc.sample(mutants(valid), { seed: FUZZ.seed, numRuns: 200 }).filter((m) => refusal(m) !== null).slice(0, 12);
    expect(invalid.length).toBeGreaterThanOrEqual(8);
    for (const [k, data] of invalid.entries()) {
      writeFileSync(file, JSON.stringify(data));
      const db = join(dir, `store-${k}.db`);
      const r = await runCli("train", file, "--db", db, "--steps", "2000");
      const what = JSON.stringify(data).slice(0, 300);
      expect(r.code, `${what}\n${r.err}`).toBe(2);
      expect(r.err, what).toMatch(/^error: \S[^\n]*: [^\n]+\n$/);
      // Nothing stored: no store file, or one without runs.
      if (existsSync(db)) {
        const store = await openStore(db);
        try {
          expect(await store.listRuns({})).toEqual([]);
        } finally {
          await store.close();
        }
      }
    }
  });
});
