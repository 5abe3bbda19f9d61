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
