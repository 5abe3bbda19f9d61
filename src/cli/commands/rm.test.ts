import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, vi } from "vitest";
import { loadHead } from "../../agentic/rm/head.js";
import { rmTrain } from "./rm.js";

const PAIRS = fileURLToPath(new URL("../../../examples/agentic/pairs.jsonl", import.meta.url));

async function captured(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args) => void lines.push(args.join(" ")));
  try {
    await run();
  } finally {
    vi.restoreAllMocks();
  }
  return lines.join("\n");
}

test("rm train embeds the pairs, prints train and held-out accuracy per subset, and writes the head where --out says", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "rewardlab-rm-cli-")), "head.json");
  const text = await captured(() => rmTrain(PAIRS, { out, seed: "0", heldOut: "0.25", epochs: "40" }));
  expect(text).toContain("Training a reward model on the preference pairs in");
  expect(text).toMatch(/Embedded 128 distinct texts \(prompt \+ response\) in \d+\.\d s, \d+\.\d ms per text/);
  expect(text).toContain("Linear head, 40 epochs, seed 0: 48 pairs trained on, 16 held out (whole prompts)");
  expect(text).toContain("Accuracy (chosen scored above rejected): train 100.0%, held out 93.8%");
  expect(text).toMatch(/ {2}rude +train +100\.0% of \d+, held out/);
  expect(text).toMatch(/ {2}wrong +train/);
  expect(text).toContain("aspects:\n    - {name: preference, kind: rm, model: ");
  expect(loadHead(out).training).toMatchObject({ heldOutAccuracy: 0.9375, trainPairs: 48 });
});

test("rm train rejects bad options with a UserError naming the option", async () => {
  await expect(rmTrain(PAIRS, { epochs: "0" })).rejects.toThrow("--epochs: expected an integer ≥ 1, got \"0\"");
  await expect(rmTrain(PAIRS, { heldOut: "0.95" })).rejects.toThrow("--held-out: expected a share from 0 to 0.9");
  await expect(rmTrain(PAIRS, { lr: "0" })).rejects.toThrow("--lr: expected a number > 0");
  await expect(captured(() => rmTrain("no-such-pairs.jsonl", {}))).rejects.toThrow(/no-such-pairs\.jsonl: cannot read the preference pairs/);
});
