import { expect, test } from "vitest";
import { parseCleanrl } from "./cleanrl.js";

test("CleanRL's output gives its final SPS and the time to a last-20 mean of 475: the end of the crossing iteration", () => {
  const lines: string[] = [];
  let step = 0;
  for (let iteration = 1; iteration <= 4; iteration++) {
    for (let e = 0; e < 10; e++) {
      step += 50;
      lines.push(`global_step=${step}, episodic_return=[${iteration >= 3 ? 500 : 20}.]`);
    }
    lines.push(`SPS: ${1000 * iteration}`);
  }
  lines.push("CPU seconds: 4.096");
  const r = parseCleanrl(lines.join("\n"), 7);
  // Nineteen 500s and one 20 average 476: the crossing is iteration 4's ninth episode, at step 1950, in the 4th
  // iteration of 512 steps, which ended at 2048 steps / 4000 steps/s.
  expect(r.stepsTo475).toBe(1950);
  expect(r.secondsTo475).toBe(2048 / 4000);
  expect(r.sps).toBe(4000);
  expect(r.cpuSps).toBe((4 * 512) / 4.096);
  expect(r.seed).toBe(7);
});

test("a run that never reaches 475 has no time to it; output without SPS lines is an error", () => {
  expect(parseCleanrl("global_step=4, episodic_return=[9.]\nSPS: 300\n", 1).secondsTo475).toBeNaN();
  expect(() => parseCleanrl("Traceback (most recent call last):\n", 1)).toThrow(/no "SPS:" line/);
});
