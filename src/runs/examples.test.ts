import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { expect, test } from "vitest";
import { loadConfigFile, readConfigFile } from "../core/config.js";
import { packageFile } from "../core/paths.js";
import { learnFromPreferences, PreferenceConfig } from "./preferences/learn.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import { makeVector } from "../envs/registry.js";
import { loadRunConfig } from "./config.js";
import { parseRewardSpec } from "../rewards/spec.js";

/** Paths of the learned reward models a run config's reward names (relative to the config). */
function learnedModels(file: string): string[] {
  const raw = readConfigFile(file) as { reward?: { terms?: { kind?: string; model?: unknown }[] } };
  return (raw.reward?.terms ?? []).filter((t) => t.kind === "learned" && typeof t.model === "string").map((t) => t.model as string);
}

test.each(readdirSync(packageFile("examples/runs")))("examples/runs/%s loads and its reward compiles against its environment", (file) => {
  let path = packageFile(`examples/runs/${file}`);
  const models = learnedModels(path);
  if (models.length) {
    // A config that trains on a learned reward needs the model `learn-reward` writes: make a small one where it is expected, in a copy of the tree.
    const root = mkdtempSync(join(tmpdir(), "rewardlab-examples-"));
    path = join(root, "examples/runs", file);
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(packageFile(`examples/runs/${file}`), path);
    const prefs = loadConfigFile(packageFile("examples/learn/cartpole-preferences.yaml"), PreferenceConfig);
    const { artifact } = learnFromPreferences({ ...prefs, labels: 20, rounds: 1, heldOut: 10, model: { ...prefs.model, members: 1, epochs: 1 } });
    for (const m of models) writeFileSync(resolve(dirname(path), m), JSON.stringify(artifact));
  }
  const config = loadRunConfig(path);
  const program = compileReward(config.reward, envInfoOf(makeVector(config.env.id, 1, { kwargs: config.env.kwargs })));
  expect(program.terms.some((t) => t.role === "primary")).toBe(true);
});

test.each(readdirSync(packageFile("examples/learn")).filter((f) => f.endsWith(".yaml")))("examples/learn/%s loads", (file) => {
  const config = loadConfigFile(packageFile(`examples/learn/${file}`), PreferenceConfig);
  expect(config.labels).toBeGreaterThan(0);
  expect(readFileSync(packageFile(`examples/learn/${file}`), "utf8")).toMatch(/npx rewardlab learn-reward/);
});

test.each(readdirSync(packageFile("examples/qd")))("examples/qd/%s loads", async (file) => {
  const { QdConfig } = await import("../qd/config.js");
  const config = loadConfigFile(packageFile(`examples/qd/${file}`), QdConfig);
  expect(config.descriptor.length).toBeGreaterThan(0);
});

test.each(readdirSync(packageFile("examples/learn/rewards")))("examples/learn/rewards/%s is a reward spec", (file) => {
  // Their models and demonstrations are made by the commands in their headers; here only the spec itself is checked.
  expect(() => parseRewardSpec(readConfigFile(packageFile(`examples/learn/rewards/${file}`)))).not.toThrow();
});
