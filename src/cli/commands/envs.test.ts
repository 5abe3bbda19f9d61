import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { environmentsMarkdown } from "./envs.js";

test("docs/environments.md is what the registry says (regenerate with `rewardlab envs docs > docs/environments.md`)", () => {
  const onDisk = readFileSync(new URL("../../../docs/environments.md", import.meta.url), "utf8");
  expect(onDisk).toBe(environmentsMarkdown());
});

test("envs list and show include the multi-agent environments, with their agents", async () => {
  const { runCli } = await import("../../test-utils/cli.js");
  const list = await runCli("envs", "list", "--family", "social");
  expect(list.code).toBe(0);
  expect(list.out).toMatch(/^social \(16\)\n {2}PrisonersDilemma +repeated Prisoner's Dilemma/);
  const show = await runCli("envs", "show", "PublicGoods", "--kwargs", '{"players": 3}');
  expect(show.code, show.err).toBe(0);
  expect(show.out).toContain("agents       player_0, player_1, player_2 (spaces, features and events are per agent; PettingZoo's parallel API)");
  expect(show.out).toContain("others.cooperation");
  const bad = await runCli("envs", "show", "PublicGoods", "--kwargs", '{"players": 1}');
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/^error: env\.kwargs\.players: /);
});
