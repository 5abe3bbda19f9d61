import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { environmentsMarkdown } from "./envs.js";

test("docs/environments.md is what the registry says (regenerate with `rewardlab envs docs > docs/environments.md`)", () => {
  const onDisk = readFileSync(new URL("../../../docs/environments.md", import.meta.url), "utf8");
  expect(onDisk).toBe(environmentsMarkdown());
});
