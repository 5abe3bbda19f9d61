/**
 * LLM-agent reward figures:
 * - `scoring`: rule-based aspects (math answer, <think>/<answer> tags,
 *   ToolRL, length, repetition) scored in-process on one core, batches of 256;
 *   target ≥ 50,000 trajectories/s.
 * - `server`: the HTTP reward server in a child process (one process, then
 *   two sharing the port), loaded on loopback by autocannon (10
 *   connections, one trajectory per request) for 5 × --seconds; targets
 *   ≥ 10,000 requests/s with p99 < 10 ms.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { RewardPipeline } from "../src/agentic/pipeline.js";
import { SCORERS } from "../src/agentic/scorers/registry.js";
import { parseAgenticSpec } from "../src/agentic/spec.js";
import { clearEmbeddingCache, embed } from "../src/agentic/rm/embedder.js";
import { parseTrajectory, type Trajectory, type TrajectoryInput } from "../src/agentic/trajectory.js";
import { Rng } from "../src/core/rng.js";
import { withBaseline, type Figure } from "./harness.js";

/** The spec both figures use: the rule-based aspects a math/tool-use GRPO run would combine. */
export const RULE_SPEC = {
  aspects: [
    { name: "correct", kind: "math" },
    { name: "format", kind: "tags", weight: 0.2 },
    { name: "tools", kind: "toolrl", weight: 0.5, calls: "turns" },
    { name: "length", kind: "length", target: 200, coef: 0.001 },
    { name: "repetition", kind: "repetition", weight: 0.5 },
  ],
};

/** Synthetic trajectories: right, wrong, badly formatted and tool-using answers of a few hundred characters. */
export function syntheticTrajectories(n: number, seed = 0): TrajectoryInput[] {
  const rng = new Rng(seed);
  const out: TrajectoryInput[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.int(100);
    const b = rng.int(100);
    const right = rng.float() < 0.6;
    const answer = right ? a + b : a + b + 1 + rng.int(5);
    const thinking = `We add ${a} and ${b}. First the tens, then the units; carrying where needed gives the sum. `.repeat(1 + rng.int(3));
    const formatted = rng.float() < 0.8;
    const text = formatted ? `<think>${thinking}</think><answer>The answer is \\boxed{${answer}}.</answer>` : `${thinking} So it is ${answer}.`;
    const call = { name: "add", arguments: { a, b: right ? b : b + 1 } };
    out.push({
      prompt: `What is ${a} + ${b}?`,
      turns: [
        { role: "assistant", content: "", toolCalls: [call] },
        { role: "tool", content: String(a + b) },
        { role: "assistant", content: text },
      ],
      reference: { answer: String(a + b), toolCalls: [{ name: "add", arguments: { a, b } }] },
    });
  }
  return out;
}

/** The median rate (trajectories/s) of `pipeline` on `batch`, over about `seconds` after a warm-up. */
async function scoringRate(pipeline: RewardPipeline, batch: readonly Trajectory[], seconds: number): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < 20; i++) await pipeline.score(batch);
  const end = performance.now() + seconds * 1000;
  do {
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) await pipeline.score(batch);
    rates.push((8 * batch.length) / ((performance.now() - t0) / 1000));
  } while (performance.now() < end || rates.length < 3);
  rates.sort((x, y) => x - y);
  return rates[rates.length >> 1]!;
}

/** Each rule kind alone, with options and data it is meant for (the rest use the synthetic math/tool trajectories). */
const KINDS: { aspect: Record<string, unknown>; data?: (t: TrajectoryInput, i: number) => TrajectoryInput }[] = [
  { aspect: { kind: "exact", extract: "answer-tag" } },
  { aspect: { kind: "numeric" } },
  { aspect: { kind: "math" } },
  { aspect: { kind: "choice" }, data: (t, i) => ({ ...t, turns: [], answer: `Let me think. The answer is (${"ABCD"[i % 4]}).`, reference: { answer: "B" } }) },
  { aspect: { kind: "levenshtein", extract: "answer-tag" } },
  { aspect: { kind: "f1", extract: "answer-tag" } },
  { aspect: { kind: "regex", pattern: "\\boxed\\{\\d+\\}" } },
  { aspect: { kind: "tags" } },
  {
    aspect: { kind: "json" },
    data: (t, i) => ({ ...t, turns: [], answer: JSON.stringify({ sum: i, steps: ["tens", "units"], ok: i % 2 === 0 }), reference: { schema: { type: "object", required: ["sum"], properties: { sum: { type: "integer" } } } } }),
  },
  { aspect: { kind: "toolrl", calls: "turns" } },
  { aspect: { kind: "length", target: 200 } },
  { aspect: { kind: "dapo-overlong", maxLength: 4096, buffer: 1024 } },
  { aspect: { kind: "repetition" } },
];

export async function* scoringSuite(seconds: number): AsyncGenerator<Figure> {
  const make = (spec: unknown) => new RewardPipeline(parseAgenticSpec(spec, SCORERS), { baseDir: ".", env: {} });
  const inputs = syntheticTrajectories(256);
  const batch: Trajectory[] = inputs.map((t) => parseTrajectory(t));
  yield withBaseline({ suite: "agentic", name: "score/5 rule aspects/batch256", value: await scoringRate(make(RULE_SPEC), batch, seconds), unit: "traj/s", baseline: 50_000 });
  for (const { aspect, data } of KINDS) {
    const own = data ? inputs.map((t, i) => parseTrajectory(data(t, i))) : batch;
    yield { suite: "agentic", name: `  ${String(aspect.kind)} alone`, value: await scoringRate(make({ aspects: [aspect] }), own, seconds / 4), unit: "traj/s" };
  }
  // Backend-bound scorers: the offline embedding model (new texts, no cache) and the code sandbox (processes started beforehand).
  const texts = Array.from({ length: 32 }, (_, i) => `Answer ${i}: the sum of ${i} and ${2 * i} is ${3 * i}, by adding the units first.`);
  clearEmbeddingCache();
  await embed(["warm-up"]);
  let t0 = performance.now();
  await embed(texts);
  yield { suite: "agentic", name: "embedding, per new text (batch 32)", value: (performance.now() - t0) / texts.length, unit: "ms" };
  const code = make({ aspects: [{ kind: "code", concurrency: 2 }] });
  const programs = Array.from({ length: 16 }, (_, i) => parseTrajectory({ answer: "```js\nfunction add(a, b) { return a + b; }\n```", reference: { tests: [{ input: `assert(add(${i}, 1) === ${i + 1})` }] } }));
  await code.score(programs.slice(0, 2));
  t0 = performance.now();
  await code.score(programs);
  yield { suite: "agentic", name: "code test in a sandbox process (2 at once)", value: (performance.now() - t0) / programs.length, unit: "ms" };
  await code.close();
}

/** Starts `rewardlab serve` in a child process on a free port; resolves with its URL. */
async function startServerProcess(specFile: string, workers: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const main = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const child = spawn(process.execPath, [main, "serve", "--spec", specFile, "--port", "0", "--workers", String(workers)], { stdio: ["ignore", "pipe", "ignore"] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
      const m = /on (http:\/\/[^\s]+) /.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`rewardlab serve exited with code ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { url, stop };
}

export async function* serverSuite(seconds: number): AsyncGenerator<Figure> {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-bench-"));
  const specFile = join(dir, "spec.json");
  writeFileSync(specFile, JSON.stringify(RULE_SPEC));
  try {
    // One process, then two sharing the port (--workers 2); the load generator runs in this process.
    for (const workers of [1, 2]) {
      const { url, stop } = await startServerProcess(specFile, workers);
      try {
        const body = JSON.stringify(syntheticTrajectories(1, 7)[0]);
        const duration = Math.max(2, Math.round(seconds * 5));
        const load = { url: `${url}/v1/score`, method: "POST", headers: { "content-type": "application/json" }, body, connections: 10 };
        await autocannon({ ...load, duration: 1 }); // warm-up, not measured
        const r = await autocannon({ ...load, duration });
        if (r.non2xx > 0 || r.errors > 0) throw new Error(`the server answered ${r.non2xx} non-2xx and ${r.errors} errors under load`);
        const name = `POST /v1/score, ${workers} process${workers > 1 ? "es" : ""}, 10 conn.`;
        yield withBaseline({ suite: "server", name, value: r.requests.total / r.duration, unit: "req/s", baseline: 10_000 });
        yield { suite: "server", name: "  latency p50", value: r.latency.p50, unit: "ms" };
        yield withBaseline({ suite: "server", name: "  latency p99 (target < 10 ms)", value: r.latency.p99, unit: "ms", baseline: 10 });
      } finally {
        await stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
