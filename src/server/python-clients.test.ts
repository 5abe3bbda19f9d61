/**
 * Every Python block of docs/agentic.md, run as written with the system's
 * python3 (numpy and requests) against a live server, on the arguments
 * TRL and verl really pass their reward functions (fixtures/clients/, with
 * the numpy values rebuilt): each reward must equal the clean response's,
 * scored in-process.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromTrl, fromVerlScore } from "../agentic/import.js";
import { loadAgenticSpec, loadPipeline } from "../agentic/load.js";
import { RewardPipeline } from "../agentic/pipeline.js";
import { buildServer } from "./app.js";

const root = new URL("../../", import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`fixtures/clients/${name}`, root), "utf8"));
const SPEC = new URL("examples/agentic/math.yaml", root).pathname;
/** Debian's python3 (what .ci/run installs numpy and requests for), else the one on PATH. */
const PYTHON = process.env.REWARDLAB_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

/** The ```python blocks of the docs page, in order. */
function pythonBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```python\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Runs the snippets' functions on fixture arguments, with numpy values rebuilt; prints the results as JSON. */
const HARNESS = `
import importlib.util, json, sys
import numpy as np

def decode(x):
    if isinstance(x, list):
        return [decode(v) for v in x]
    if not isinstance(x, dict):
        return x
    if "__numpy__" in x:
        if x["__numpy__"] == "ndarray":
            if x["dtype"] == "object":
                out = np.empty(len(x["value"]), dtype=object)
                out[:] = [decode(v) for v in x["value"]]
                return out
            return np.array(x["value"], dtype=x["dtype"])
        return getattr(np, x["__numpy__"])(x["value"])
    return {k: decode(v) for k, v in x.items()}

jobs = json.load(open(sys.argv[1]))
modules = {}
results = []
for job in jobs:
    path = job["snippet"]
    if path not in modules:
        spec = importlib.util.spec_from_file_location("snippet%d" % len(modules), path)
        modules[path] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(modules[path])
    m = modules[path]
    m.REWARDLAB = job["url"]
    kwargs = decode(job["kwargs"])
    for k in ("trainer_state", "log_extra", "log_metric"):
        if k in kwargs:
            kwargs[k] = object()  # TRL passes objects that are not JSON
    out = getattr(m, job["function"])(**kwargs)
    if isinstance(out, (list, np.ndarray)):
        out = list(out)
    results.append(out)
print(json.dumps(results))
`;

function hasPython(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import numpy, requests"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs the harness on jobs without blocking the event loop (the server answers in this process). */
function runHarness(dir: string, jobs: unknown[]): Promise<unknown[]> {
  writeFileSync(join(dir, "jobs.json"), JSON.stringify(jobs));
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(dir, "harness.py"), join(dir, "jobs.json")], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`python exited ${code}: ${err}`))));
  });
}

const python = hasPython();
// CI installs python3-numpy and python3-requests (.ci/run); without them this file is skipped, loudly.
if (!python) console.warn("python-clients.test.ts skipped: python3 with numpy and requests is not installed");

describe.skipIf(!python)("the Python snippets in docs/agentic.md", () => {
  const blocks = pythonBlocks(readFileSync(new URL("docs/agentic.md", root), "utf8"));
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-py-"));
  // Expected rewards from the clean responses with no template: independent of the markers' removal.
  const pipeline = new RewardPipeline({ ...loadAgenticSpec(SPEC), template: "none" }, { baseDir: ".", env: {} });
  let app: FastifyInstance;
  let deepseek: FastifyInstance;
  const urls: Record<string, string> = {};
  /** The server for a model family: DeepSeek-R1's clean text needs `template: deepseek`. */
  const urlFor = (family: string | undefined) => (family === "deepseek" ? urls.deepseek! : urls.default!);
  const snippetDefining = (name: string) => {
    const k = blocks.findIndex((b) => new RegExp(`^def ${name}\\(`, "m").test(b));
    expect(k, `a python block defining ${name}`).toBeGreaterThanOrEqual(0);
    return join(dir, `snippet${k}.py`);
  };

  beforeAll(async () => {
    blocks.forEach((b, k) => writeFileSync(join(dir, `snippet${k}.py`), b));
    writeFileSync(join(dir, "harness.py"), HARNESS);
    app = buildServer(loadPipeline(SPEC));
    urls.default = await app.listen({ host: "127.0.0.1", port: 0 });
    deepseek = buildServer(new RewardPipeline({ ...loadAgenticSpec(SPEC), template: "deepseek" }, { baseDir: ".", env: {} }));
    urls.deepseek = await deepseek.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await deepseek?.close();
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("every block is valid Python that imports on its own", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (let k = 0; k < blocks.length; k++) execFileSync(PYTHON, ["-c", `import runpy; runpy.run_path(${JSON.stringify(join(dir, `snippet${k}.py`))})`]);
  });

  it("TRL: rewardlab_reward on GRPOTrainer's kwargs gives the clean responses' rewards (None where they are null)", async () => {
    const f = fixture("trl_grpo.json");
    const snippet = snippetDefining("rewardlab_reward");
    const rewards = (await runHarness(
      dir,
      f.cases.map((c: any) => ({ snippet, function: "rewardlab_reward", url: urls.default, kwargs: c.reward_kwargs })),
    )) as (number | null)[][];
    for (let j = 0; j < f.cases.length; j++) {
      const c = f.cases[j];
      const kw = c.reward_kwargs;
      const columns = Object.keys(kw).filter((k) => !["prompts", "completions", "completion_ids", "trainer_state", "log_extra", "log_metric"].includes(k));
      const expected = RewardPipeline.results(
        await pipeline.score(c.clean_final_responses.map((r: string, i: number) => fromTrl(kw.prompts[i], r, Object.fromEntries(columns.map((k) => [k, kw[k][i]]))))),
      );
      expect(rewards[j], c.id).toHaveLength(expected.length);
      expected.forEach((e, i) => (e.reward === null ? expect(rewards[j]![i]).toBeNull() : expect(rewards[j]![i], `${c.id} ${i}`).toBeCloseTo(e.reward, 12)));
    }
  });

  it("verl: compute_score on the naive managers' arguments (np.int32, np.int64, np.str_) and compute_score_batch on object arrays", async () => {
    const naive = [...fixture("verl_naive.json").cases.map((c: any) => ({ c, kwargs: c.batch_of_two_rollouts.kwargs[0] })), ...fixture("verl_reward_loop_naive.json").cases.map((c: any) => ({ c, kwargs: c.call.kwargs }))];
    const batch = fixture("verl_batch.json").cases;
    const single = snippetDefining("compute_score");
    const batched = snippetDefining("compute_score_batch");
    const results = (await runHarness(dir, [
      ...naive.map(({ c, kwargs }: any) => ({ snippet: single, function: "compute_score", url: urlFor(c.sample.family), kwargs })),
      ...batch.map((c: any) => ({ snippet: batched, function: "compute_score_batch", url: urlFor(c.sample.family), kwargs: c.batch_of_two_rollouts.kwargs })),
    ])) as any[];
    const cases = [...naive.map((x: any) => x.c), ...batch];
    for (let j = 0; j < cases.length; j++) {
      const c = cases[j];
      const [expected] = RewardPipeline.results(await pipeline.score([fromVerlScore({ solution_str: c.sample.clean_response, ground_truth: c.sample.label })]));
      const replies = j < naive.length ? [results[j]] : results[j];
      for (const reply of replies) {
        expect(reply.score, c.id).toBeCloseTo(expected!.reward!, 12);
        expect(reply.rewardlab_failed).toBe(0);
      }
    }
  });
});
