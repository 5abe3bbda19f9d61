/**
 * `code`: runs the answer's code against the reference's tests and scores
 * the fraction that pass (`mode: all`: 1 if every test passes, else 0).
 *
 * The code is the answer's last fenced block tagged js, javascript, ts,
 * typescript, mjs, cjs, jsx or node (else its last untagged block, else the
 * whole answer). TypeScript is run as JavaScript, so only TypeScript without
 * type annotations runs.
 *
 * Locally (no `executor`), each test runs in a fresh V8 isolate
 * (isolated-vm) with its own heap limit (`memoryLimit`, MB) and time limit
 * (`timeout`, ms, for the code and the test together): the code runs as one
 * script, then `reference.tests[i].input` as a second script in the same
 * context, so the test sees the code's top-level functions and variables. A
 * test passes if neither script throws (a promise left as a script's value
 * is awaited and must not reject) and, when the test gives `expected`, what
 * it printed with console.log (trimmed) equals it. The sandbox has
 * `assert(value, message?)` (with `assert.equal`, `deepEqual`, `throws`,
 * `notEqual`, `fail`), `console`, and `stdin` (a string, empty here); it
 * has no require, process, fs, network or timers. `assert`, `console` and
 * `stdin` cannot be redefined by the answer, and with `freeze` (the
 * default) the built-in constructors, their prototypes, Math, JSON and
 * Reflect are frozen before the answer runs, so an answer cannot make a
 * failing test pass by rewriting what the test uses (a redefined `assert`,
 * `Array.prototype.includes`, `JSON.stringify`). The cost: code that
 * assigns over an inherited built-in (`Child.prototype.constructor = …`
 * after `Object.create`) fails in strict mode; `freeze: false` turns it off.
 *
 * The isolates run in child processes (src/agentic/sandbox/isolate.ts);
 * with `executor: {url}` tests go instead to a Sandbox Fusion style HTTP
 * executor (src/agentic/sandbox/executor.ts), and an executor that fails
 * (unreachable, HTTP errors, SandboxError, after retries) makes the
 * trajectory's score failed (null, with the reason): the answer is not at fault.
 */
import { z } from "zod";
import { Limiter } from "../../core/limiter.js";
import { ExecutorOptions, executorTest, outputMismatch, type TestOutcome } from "../sandbox/executor.js";
import { JsSandbox } from "../sandbox/isolate.js";
import { defineScorer, failed, type Score, type ScoreOptions, type ScorerDefinition } from "../scorer.js";
import type { CodeTest, Trajectory } from "../trajectory.js";

// ---------------------------------------------------------------------------
// Code extraction

const LANGUAGE_TAGS: Record<string, string[]> = {
  javascript: ["js", "javascript", "ts", "typescript", "mjs", "cjs", "jsx", "node", "nodejs"],
  nodejs: ["js", "javascript", "mjs", "cjs", "jsx", "node", "nodejs"],
  typescript: ["ts", "typescript"],
  python: ["python", "py", "python3"],
  cpp: ["cpp", "c++", "cc", "cxx"],
};

/**
 * The code in an answer: the last fenced block tagged for `language`, else
 * the last untagged fenced block, else the whole answer (trimmed).
 */
export function extractCode(answer: string, language = "javascript"): string {
  const tags = LANGUAGE_TAGS[language] ?? [language.toLowerCase()];
  const fence = /^[ \t]*```[ \t]*([^\n`]*)\n([\s\S]*?)^[ \t]*```[ \t]*$/gm;
  let tagged: string | undefined;
  let untagged: string | undefined;
  for (const m of answer.matchAll(fence)) {
    const tag = m[1].trim().split(/\s+/)[0].toLowerCase();
    if (tag === "") untagged = m[2];
    else if (tags.includes(tag)) tagged = m[2];
  }
  return (tagged ?? untagged ?? answer).trim();
}

const CodeOptions = z
  .object({
    mode: z.enum(["fraction", "all"]).default("fraction").describe("fraction: the share of tests passed; all: 1 if every test passes, else 0"),
    timeout: z.number().int().positive().max(600_000).default(2000).describe("ms per test (the code and the test together)"),
    memoryLimit: z.number().int().min(8).max(8192).default(64).describe("MB of heap per test"),
    concurrency: z.number().int().positive().max(64).default(2).describe("tests run at once (sandbox processes, or requests to the executor)"),
    freeze: z.boolean().default(true).describe("freeze the built-ins before the answer runs, so it cannot rewrite what the tests use (local runs)"),
    maxOutput: z.number().int().min(1024).max(16 * 1024 * 1024).default(65_536).describe("bytes each of stdout and stderr may hold per test; printing more fails the test at once (local runs)"),
    executor: ExecutorOptions.optional().describe("run the tests on a Sandbox Fusion style HTTP executor instead of locally"),
  })
  .strict();
export type CodeOptions = z.output<typeof CodeOptions>;

async function localTest(sandbox: JsSandbox, code: string, test: CodeTest, options: CodeOptions, signal: AbortSignal | undefined): Promise<TestOutcome> {
  const job = { code, after: test.input, timeout: options.timeout, memoryLimit: options.memoryLimit, freeze: options.freeze, maxOutput: options.maxOutput };
  const r = await sandbox.run(job, { signal });
  if (r.status === "Cancelled") return { passed: false, infra: true, reason: "cancelled" };
  if (r.status !== "Finished") return { passed: false, reason: r.error ?? r.status };
  const mismatch = outputMismatch(r.stdout, test.expected);
  return mismatch ? { passed: false, reason: mismatch } : { passed: true, reason: "passed" };
}

export const codeScorer = defineScorer({
  kind: "code",
  description: "runs the answer's code against reference.tests in a sandbox (isolated-vm, or a Sandbox Fusion style executor); the share of tests passed",
  options: CodeOptions,
  make(options, name) {
    let sandbox: JsSandbox | undefined;
    const limiter = new Limiter(options.concurrency);
    const language = options.executor ? options.executor.language : "javascript";
    const runTest = (code: string, test: CodeTest, signal: AbortSignal | undefined): Promise<TestOutcome> => {
      if (options.executor) {
        const ex = options.executor;
        return limiter.run(() => (signal?.aborted ? { passed: false, infra: true, reason: "cancelled" } : executorTest(ex, code, test, options.timeout, options.memoryLimit, signal)));
      }
      sandbox ??= new JsSandbox(options.concurrency);
      return localTest(sandbox, code, test, options, signal);
    };
    const scoreOne = async (t: Trajectory, signal: AbortSignal | undefined): Promise<Score> => {
      const tests = t.reference.tests ?? [];
      if (tests.length === 0) return { value: null, reason: "no reference.tests" };
      const code = extractCode(t.answer, language);
      if (code === "") return { value: 0, reason: `no code in the answer (0/${tests.length} tests run)` };
      const outcomes = await Promise.all(tests.map((test) => runTest(code, test, signal)));
      const infra = outcomes.findIndex((o) => o.infra);
      if (infra >= 0) return failed(`test ${infra + 1}: ${outcomes[infra].reason}`);
      const passed = outcomes.filter((o) => o.passed).length;
      const firstFail = outcomes.findIndex((o) => !o.passed);
      const summary = `${passed}/${tests.length} tests passed`;
      const detail = firstFail >= 0 ? `; test ${firstFail + 1}: ${outcomes[firstFail].reason}` : "";
      const value = options.mode === "all" ? (passed === tests.length ? 1 : 0) : passed / tests.length;
      return { value, reason: summary + detail };
    };
    return {
      name,
      // Every test of the batch is queued at once and runs `concurrency` at a time, each under its own
      // limit; when the batch's signal aborts (the aspect's deadline, or the server's client left) the
      // queued tests are dropped and the running ones stopped, so the sandbox is free for the next batch.
      scoreBatch: (batch: readonly Trajectory[], o?: ScoreOptions) => Promise.all(batch.map((t) => scoreOne(t, o?.signal))),
      async close() {
        await sandbox?.close();
        sandbox = undefined;
      },
    };
  },
});

export const codeScorers: ScorerDefinition[] = [codeScorer];
