import { readdirSync } from "node:fs";
import { expect, test } from "vitest";
import { packageFile } from "../core/paths.js";
import { compileReward } from "../rewards/program.js";
import { envInfoOf } from "../rewards/rewarded.js";
import { makeVector } from "../envs/registry.js";
import { loadRunConfig } from "./config.js";

test.each(readdirSync(packageFile("examples/runs")))("examples/runs/%s loads and its reward compiles against its environment", (file) => {
  const config = loadRunConfig(packageFile(`examples/runs/${file}`));
  const program = compileReward(config.reward, envInfoOf(makeVector(config.env.id, 1, { kwargs: config.env.kwargs })));
  expect(program.terms.some((t) => t.role === "primary")).toBe(true);
});

test.each(readdirSync(packageFile("examples/qd")))("examples/qd/%s loads", async (file) => {
  const { loadConfigFile } = await import("../core/config.js");
  const { QdConfig } = await import("../qd/config.js");
  const config = loadConfigFile(packageFile(`examples/qd/${file}`), QdConfig);
  expect(config.descriptor.length).toBeGreaterThan(0);
});
