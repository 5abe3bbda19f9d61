/**
 * A Sandbox Fusion style HTTP code executor: one request per test
 * (`{code, language, stdin, run_timeout, compile_timeout, memory_limit_MB,
 * files, fetch_files}`, timeouts in seconds); the test passes iff the run
 * finished with return code 0 and, when the test gives one, the expected
 * stdout. Network errors, HTTP 408/429/5xx and SandboxError are retried;
 * what still fails is the executor's fault (`infra`), not the answer's.
 */
import { z } from "zod";
import { showValue } from "../../core/errors.js";
import type { CodeTest } from "../trajectory.js";

/** The request body a Sandbox Fusion `run_code` route takes. */
export interface ExecutorRequest {
  code: string;
  language: string;
  stdin: string;
  run_timeout: number;
  compile_timeout: number;
  memory_limit_MB: number;
  files: Record<string, string>;
  fetch_files: string[];
}

interface RunResult {
  status?: string;
  stdout?: string;
  stderr?: string;
  return_code?: number | null;
}

/** A test's outcome; `infra` when the executor, not the answer, failed. */
export interface TestOutcome {
  passed: boolean;
  reason: string;
  infra?: boolean;
}

/** Why a test that gives `expected` stdout failed on `stdout`, or null when they agree (both trimmed). */
export function outputMismatch(stdout: string, expected: string | undefined): string | null {
  if (expected === undefined || stdout.trim() === expected.trim()) return null;
  return `printed ${showValue(stdout.trim())}, expected ${showValue(expected.trim())}`;
}

export const ExecutorOptions = z
  .object({
    url: z.url().describe("the executor's run route, e.g. http://127.0.0.1:8080/run_code"),
    language: z.string().min(1).default("nodejs").describe("the executor's language name (Sandbox Fusion: nodejs, python, typescript, cpp, …)"),
    compileTimeout: z.number().positive().default(10_000).describe("ms, sent as compile_timeout in seconds"),
    requestTimeout: z.number().int().positive().default(60_000).describe("ms to wait for one HTTP response"),
    retries: z.number().int().min(0).max(10).default(2).describe("more tries after a network error, a timeout, HTTP 408/429/5xx or a SandboxError"),
  })
  .strict();
export type ExecutorOptions = z.output<typeof ExecutorOptions>;

const clip = (s: string, n = 120) => {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 3)}...` : one;
};

async function callExecutor(ex: ExecutorOptions, body: ExecutorRequest, signal: AbortSignal | undefined): Promise<{ ok: true; json: Record<string, unknown> } | { ok: false; why: string }> {
  let why = "";
  for (let attempt = 0; attempt <= ex.retries; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** (attempt - 1))));
    if (signal?.aborted) return { ok: false, why: "cancelled" };
    let response: Response;
    try {
      response = await fetch(ex.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(ex.requestTimeout)]) : AbortSignal.timeout(ex.requestTimeout) });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      why = e.name === "TimeoutError" ? `no response within ${ex.requestTimeout} ms` : (e.cause?.code ?? (e.cause?.message ? `${e.message} (${e.cause.message})` : e.message));
      continue;
    }
    const text = await response.text().catch(() => "");
    if (!response.ok) {
      why = `HTTP ${response.status}${text ? ` ${clip(text, 80)}` : ""}`;
      if (response.status === 408 || response.status === 429 || response.status >= 500) continue;
      return { ok: false, why };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, why: `expected a JSON response, got ${showValue(text)}` };
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) return { ok: false, why: `expected a JSON object, got ${showValue(json)}` };
    const o = json as Record<string, unknown>;
    if (o.status === "SandboxError") {
      why = `SandboxError${typeof o.message === "string" && o.message ? ` (${clip(o.message, 80)})` : ""}`;
      continue;
    }
    return { ok: true, json: o };
  }
  return { ok: false, why };
}

export async function executorTest(ex: ExecutorOptions, code: string, test: CodeTest, timeout: number, memoryLimit: number, signal?: AbortSignal): Promise<TestOutcome> {
  const body: ExecutorRequest = {
    code,
    language: ex.language,
    stdin: test.input,
    run_timeout: timeout / 1000,
    compile_timeout: ex.compileTimeout / 1000,
    memory_limit_MB: memoryLimit,
    files: {},
    fetch_files: [],
  };
  const reply = await callExecutor(ex, body, signal);
  if (!reply.ok) return { passed: false, infra: true, reason: `executor: ${reply.why}` };
  const run = reply.json.run_result as RunResult | null | undefined;
  if (run === null || run === undefined || typeof run !== "object") {
    const compile = reply.json.compile_result as RunResult | null | undefined;
    if (compile && typeof compile === "object") return { passed: false, reason: `did not compile (${compile.status ?? "?"}${compile.stderr ? `: ${clip(compile.stderr)}` : ""})` };
    return { passed: false, infra: true, reason: "executor: expected run_result in the response" };
  }
  if (run.status !== "Finished") return { passed: false, reason: `run status ${run.status ?? "missing"}${run.stderr ? `: ${clip(run.stderr)}` : ""}` };
  if (run.return_code !== 0) return { passed: false, reason: `exit code ${showValue(run.return_code)}${run.stderr ? `: ${clip(run.stderr)}` : ""}` };
  const mismatch = outputMismatch(run.stdout ?? "", test.expected);
  return mismatch ? { passed: false, reason: mismatch } : { passed: true, reason: "passed" };
}
