/**
 * Every input format, fuzzed from its valid examples: reward specs, run
 * configs, agentic specs, trajectories in each trainer's row shape, and
 * config text. Each mutant is either accepted or refused with a UserError
 * of one line that names a path; nothing else is thrown, and nothing hangs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importTrajectory } from "../agentic/import.js";
import { loadPipeline } from "../agentic/load.js";
import { RewardPipeline } from "../agentic/pipeline.js";
import { parseConfigText } from "../core/config.js";
import { UserError } from "../core/errors.js";
import { packageFile } from "../core/paths.js";
import { makeRewarded } from "../rewards/make.js";
import { loadRunConfig } from "../runs/config.js";
import { FUZZ, mutants } from "./mutate.js";

type Json = Parameters<typeof mutants>[0][number];

const examples = (folder: string, ext: string) =>
  readdirSync(packageFile(folder))
    .filter((f) => f.endsWith(ext))
    .map((f) => packageFile(`${folder}/${f}`));
const yamlOf = (file: string) => parseConfigText(readFileSync(file, "utf8"), file) as Json;

/** Runs `f`; a UserError must be one line naming a path, anything else thrown fails the property. */
function acceptedOrOneLine(f: () => unknown): void {
  const t0 = performance.now();
  try {
    f();
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.message).not.toContain("\n");
    expect(e.path, e.message).not.toBe("");
  }
  // No input may take long to accept or refuse.
  expect(performance.now() - t0).toBeLessThan(5000);
}

describe("fuzzing every input format", () => {
  it("reward specs: compiled on DoorKey-8x8, or one line naming the path", () => {
    const valid = examples("examples/rewards", ".yaml").map(yamlOf);
    fc.assert(fc.property(mutants(valid), (spec) => acceptedOrOneLine(() => makeRewarded("DoorKey-8x8", 2, spec))), FUZZ);
  });

  it("run configs, from a file as train reads them: validated and their environment and reward built, or one line naming the path", () => {
    const valid = examples("examples/runs", ".yaml").map(yamlOf);
    // Beside examples/runs (so the reward files they name by relative path resolve), not in it: other tests list it.
    const dir = mkdtempSync(packageFile("examples/.fuzz-"));
    const file = join(dir, "run.json");
    try {
      fc.assert(
        fc.property(mutants(valid), (data) => {
          writeFileSync(file, JSON.stringify(data));
          acceptedOrOneLine(() => {
            const config = loadRunConfig(file);
            makeRewarded(config.env.id, Math.min(config.numEnvs, 2), config.reward, { kwargs: config.env.kwargs });
          });
        }),
        FUZZ,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("agentic specs, from a file as score and serve read them: compiled, or one line naming the path", async () => {
    const valid = examples("examples/agentic", ".yaml").map(yamlOf);
    // In examples/agentic, so the model files the specs name resolve; a .json name, which the examples test does not list.
    const file = packageFile(`examples/agentic/.fuzz-spec-${process.pid}.json`);
    try {
      await fc.assert(
        fc.asyncProperty(mutants(valid), async (data) => {
          writeFileSync(file, JSON.stringify(data));
          let pipeline: RewardPipeline | undefined;
          acceptedOrOneLine(() => (pipeline = loadPipeline(file, { OPENAI_API_KEY: "not-used" })));
          await pipeline?.close();
        }),
        { ...FUZZ, numRuns: Math.ceil(FUZZ.numRuns / 3) },
      );
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("trajectories in every row shape: imported and scored (statuses, never an exception), or one line naming the path", async () => {
    const rows = examples("examples/agentic", ".jsonl")
      .filter((f) => !f.endsWith("pairs.jsonl"))
      .flatMap((f) => readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Json));
    const pipeline = loadPipeline(packageFile("examples/agentic/math.yaml"));
    try {
      await fc.assert(
        fc.asyncProperty(mutants(rows), async (row) => {
          let t: ReturnType<typeof importTrajectory> | undefined;
          acceptedOrOneLine(() => (t = importTrajectory(row)));
          if (t === undefined) return;
          const s = await pipeline.score([t]);
          expect(s.rewards).toHaveLength(1);
        }),
        FUZZ,
      );
    } finally {
      await pipeline.close();
    }
  });

  it("config text: parsed, or one line naming the file", () => {
    const texts = [...examples("examples/runs", ".yaml"), ...examples("examples/rewards", ".yaml")].map((f) => readFileSync(f, "utf8"));
    const edits = fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(), fc.string({ maxLength: 8, unit: "binary" })).map(([text, a, b, insert]) => {
      const i = a % (text.length + 1);
      const j = Math.min(text.length, i + (b % 12));
      return text.slice(0, i) + insert + text.slice(j);
    });
    fc.assert(fc.property(fc.oneof(edits, fc.string({ maxLength: 200 })), (text) => acceptedOrOneLine(() => parseConfigText(text, "fuzz.yaml"))), FUZZ);
  });
});
