import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";

test("bench --seconds is bounded: too long a measurement is a one-line error before anything runs", async () => {
  for (const seconds of ["1e12", "301", "Infinity"]) {
    const r = await runCli("bench", "envs", "--seconds", seconds);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: --seconds: expected a number from 0.01 to 300, got "${seconds}"\n`);
    expect(r.out).toBe("");
  }
});

test("bench --vs-cleanrl wants the train suite and a CleanRL checkout: one-line errors before anything runs", async () => {
  const wrongSuite = await runCli("bench", "envs", "--vs-cleanrl", ".");
  expect(wrongSuite.code).toBe(2);
  expect(wrongSuite.err).toMatch(/^error: --vs-cleanrl: compares training speed: use it with the train suite/);
  const notCleanrl = await runCli("bench", "train", "--vs-cleanrl", "/nonexistent/cleanrl");
  expect(notCleanrl.code).toBe(2);
  expect(notCleanrl.err).toMatch(/^error: --vs-cleanrl: expected a checkout of github.com\/vwxyzjn\/cleanrl/);
  expect(notCleanrl.out).toBe("");

  // A checkout is there but the interpreter cannot run it.
  const checkout = mkdtempSync(join(tmpdir(), "rewardlab-cleanrl-"));
  mkdirSync(join(checkout, "cleanrl"));
  writeFileSync(join(checkout, "cleanrl", "ppo.py"), "");
  for (const python of ["/nonexistent/python3", process.execPath]) {
    const noTorch = await runCli("bench", "train", "--vs-cleanrl", checkout, "--python", python);
    expect(noTorch.code).toBe(2);
    expect(noTorch.err).toMatch(/^error: --python: ".*" cannot import torch, numpy and gymnasium \(.+\); install them/);
    expect(noTorch.err.trim().split("\n")).toHaveLength(1);
    expect(noTorch.out).toBe("");
  }
  rmSync(checkout, { recursive: true, force: true });
});
