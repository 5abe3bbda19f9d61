import { expect, test } from "vitest";
import { runCli } from "../../test-utils/cli.js";

const MACHINE = "examples/rewards/doorkey-machine.yaml";
const SPARSE = "examples/rewards/doorkey-sparse.yaml";

test("reward compare runs a spec with a reward machine on the product of the gridworld and the machine", async () => {
  const r = await runCli("reward", "compare", MACHINE, SPARSE, "--env", "DoorKey-5x5", "--json");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  const result = JSON.parse(r.out);
  // The product's states ⟨s, u, last machine reward⟩: more than DoorKey-5x5's own.
  const plain = JSON.parse((await runCli("reward", "compare", SPARSE, SPARSE, "--env", "DoorKey-5x5", "--json")).out);
  expect(result.states).toBeGreaterThan(plain.states);
  expect(result.exact).toBe(true);
  // The machine's stage rewards and shaping are not the task's reward up to shaping and scale; the spec against itself is.
  expect(result.epic).toBeGreaterThan(0.1);
  expect(result.epic).toBeLessThanOrEqual(1);
  expect(result.erc).toBeGreaterThanOrEqual(0);
  const self = JSON.parse((await runCli("reward", "compare", MACHINE, MACHINE, "--env", "DoorKey-5x5", "--json")).out);
  expect(self.epic).toBe(0);
  expect(self.erc).toBe(0);
});

test("reward compare refuses two different reward machines in one line, naming the second", async () => {
  const r = await runCli("reward", "compare", MACHINE, "examples/rewards/doorkey-ltl.yaml", "--env", "DoorKey-5x5");
  expect(r.code).toBe(2);
  expect(r.err).toBe("error: B.machine: differs from A.machine: rewards run on one environment can share a reward machine, not combine two\n");
});
