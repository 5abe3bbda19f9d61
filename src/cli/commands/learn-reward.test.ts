import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { loadRunConfig } from "../../runs/config.js";
import { runCli } from "../../test-utils/cli.js";

test("learn-reward learns from synthetic labels, reports each round and writes a model a run config can use", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-learn-"));
  const config = join(dir, "prefs.yaml");
  writeFileSync(config, "env: {id: CartPole-v1}\nlabels: 60\nrounds: 2\nheldOut: 40\nmodel: {members: 1, hidden: [16], epochs: 5}\n");
  const out = join(dir, "cartpole.json");
  const r = await runCli("learn-reward", config, "--out", out);
  expect(r.err).not.toMatch(/error/);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/round 1: 30 labels, loss \d\.\d{3}, held-out agreement with the true reward \d+\.\d%/);
  expect(r.out).toMatch(/round 2: 60 labels/);
  expect(existsSync(out)).toBe(true);
  expect(JSON.parse(readFileSync(out, "utf8")).format).toBe("rewardlab.learned-reward/1");
  // A run config names the model relative to itself; loading inlines it, so stored runs need no file.
  const runFile = join(dir, "run.yaml");
  writeFileSync(runFile, "env: {id: CartPole-v1}\nreward:\n  terms:\n    - {kind: task, optimize: false}\n    - {kind: learned, model: cartpole.json}\n");
  const run = loadRunConfig(runFile);
  expect((run.reward as unknown as { terms: { model: { env: string } }[] }).terms[1].model.env).toBe("CartPole-v1");
});

test("learn-reward --seed overrides the config's seed: printed, recorded in the model, and another seed learns other weights", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-learn-"));
  const config = join(dir, "prefs.yaml");
  writeFileSync(config, "env: {id: CartPole-v1}\nlabels: 40\nrounds: 1\nheldOut: 20\nmodel: {members: 1, hidden: [8], epochs: 2}\nseed: 4\n");
  const learn = async (...args: string[]) => {
    const out = join(dir, `${args.join("") || "default"}.json`);
    const r = await runCli("learn-reward", config, "--out", out, ...args);
    expect(r.err).not.toMatch(/error/);
    return { out: r.out, model: JSON.parse(readFileSync(out, "utf8")) as { members: unknown; about: { seed: number } } };
  };
  const [byConfig, chosen, again] = [await learn(), await learn("--seed", "3"), await learn("--seed", "4")];
  expect(byConfig.out).toContain("segments of 25 steps) with seed 4");
  expect(chosen.out).toContain("with seed 3");
  expect([byConfig.model.about.seed, chosen.model.about.seed]).toEqual([4, 3]);
  expect(chosen.model.members).not.toEqual(byConfig.model.members);
  expect(again.model).toEqual(byConfig.model);
  const bad = await runCli("learn-reward", config, "--seed", "-1");
  expect(bad.code).toBe(2);
  expect(bad.err).toBe('error: --seed: expected an integer ≥ 0, got "-1"\n');
});

test("learn-reward's bad configs are one-line errors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-learn-"));
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "env: {id: CartPole-v1}\nquery: clever\n");
  const r = await runCli("learn-reward", bad);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^error: query: expected one of "uniform", "disagreement", got "clever"/);
  writeFileSync(bad, "env: {id: Pendulum-v1}\nlabels: 10\n");
  const continuous = await runCli("learn-reward", bad);
  expect(continuous.err).toMatch(/^error: env\.id: reward learning here needs discrete actions numbered from 0; Pendulum-v1 has/);
});

test("learn-reward learns from a file of people's labels (prefs label's JSONL), named relative to the config", async () => {
  const { appendPreference, clipPair, PREFERENCE_FORMAT } = await import("../../learn/preferences/data.js");
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-learn-"));
  const labels = ["left", "right", "equal", "skip"] as const;
  for (let k = 0; k < 12; k++) {
    const [left, right] = clipPair("DoorKey-5x5", {}, 1, k, 5);
    appendPreference(join(dir, "people.jsonl"), { format: PREFERENCE_FORMAT, env: "DoorKey-5x5", kwargs: {}, pair: k, left, right, length: 5, label: labels[k % 4], by: "test" });
  }
  writeFileSync(join(dir, "prefs.yaml"), "env: {id: DoorKey-5x5}\npreferences: people.jsonl\nheldOut: 20\nmodel: {members: 1, hidden: [8], epochs: 3}\n");
  const r = await runCli("learn-reward", join(dir, "prefs.yaml"), "--out", join(dir, "doorkey.json"));
  expect(r.err).not.toMatch(/error/);
  expect(r.out).toContain("from the labels in");
  expect(r.out).toMatch(/round 1: 9 labels \(3 skipped\)/);
  expect(JSON.parse(readFileSync(join(dir, "doorkey.json"), "utf8")).env).toBe("DoorKey-5x5");
  writeFileSync(join(dir, "wrong.yaml"), "env: {id: Empty-5x5}\npreferences: people.jsonl\n");
  const wrong = await runCli("learn-reward", join(dir, "wrong.yaml"));
  expect(wrong.err).toMatch(/^error: preferences: .*people\.jsonl holds labels for DoorKey-5x5; this config learns a reward for Empty-5x5\n$/);
});

test("learn-reward learns from demonstrations: over the same horizon the reward pays every held-out expert episode more than any random one, and bad combinations are one-line errors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-learn-"));
  const recorded = await runCli("demos", "record", "--env", "DoorKey-5x5", "--episodes", "30", "--out", join(dir, "demos.jsonl"));
  expect(recorded.code).toBe(0);
  writeFileSync(join(dir, "demos.yaml"), "env: {id: DoorKey-5x5}\ndemonstrations: demos.jsonl\nlabels: 300\nrounds: 1\nheldOut: 10\nmodel: {members: 2, hidden: [32], epochs: 10}\n");
  const r = await runCli("learn-reward", join(dir, "demos.yaml"), "--out", join(dir, "doorkey.json"));
  expect(r.err).not.toMatch(/error/);
  expect(r.out).toContain("from the demonstrations in");
  const { makeRewarded } = await import("../../rewards/make.js");
  const { plannerDemonstrations } = await import("../../learn/demos/demos.js");
  const { Rng } = await import("../../core/rng.js");
  const spec = { terms: [{ kind: "task", optimize: false }, { name: "learned", kind: "learned", model: join(dir, "doorkey.json") }] };
  // Returns over the first H = 40 steps, as segments are compared: an episode that ended sooner earns 0 after (the term pays the absorbing state 0).
  const H = 40;
  const env = makeRewarded("DoorKey-5x5", 1, spec);
  const expert = plannerDemonstrations("DoorKey-5x5", {}, 10, 1000).map((d) => {
    env.reset(d.seed); // seeds the demonstrations did not use
    let ret = 0;
    for (const a of d.actions.slice(0, H)) {
      env.step(Int32Array.of(a));
      ret += env.rewards[0];
    }
    return ret;
  });
  const random = makeRewarded("DoorKey-5x5", 10, spec);
  random.reset(1000);
  const rng = new Rng(5);
  const other = new Float64Array(10);
  const over = new Uint8Array(10);
  for (let t = 0; t < H; t++) {
    random.step(Int32Array.from({ length: 10 }, () => rng.int(7)));
    for (let i = 0; i < 10; i++) {
      if (!over[i]) other[i] += random.rewards[i];
      if (random.vec.terminated[i]) over[i] = 1;
    }
  }
  // Every expert episode beats every random one.
  expect(Math.min(...expert)).toBeGreaterThan(Math.max(...other));
  writeFileSync(join(dir, "both.yaml"), "env: {id: DoorKey-5x5}\ndemonstrations: demos.jsonl\npreferences: people.jsonl\n");
  expect((await runCli("learn-reward", join(dir, "both.yaml"))).err).toBe("error: demonstrations: give preferences or demonstrations, not both\n");
  writeFileSync(join(dir, "other.yaml"), "env: {id: Empty-5x5}\ndemonstrations: demos.jsonl\n");
  expect((await runCli("learn-reward", join(dir, "other.yaml"))).err).toMatch(/^error: demonstrations: .*demos\.jsonl holds episodes of DoorKey-5x5; this config learns a reward for Empty-5x5\n$/);
}, 60_000);
