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
 * Why a separate process: isolated-vm on Node 20 must run with
 * `--no-node-snapshot` (V8's shared read-only heap can crash a process whose
 * isolates come from different snapshots), a flag that cannot be set from
 * inside a running process, nor through NODE_OPTIONS; and one allocation far
 * beyond the heap limit (`new Array(2 ** 27).fill(0)`) aborts the whole
 * process rather than throwing. So the isolates live in child processes
 * started with that flag (`JsSandbox`), one test at a time each, whatever
 * runs the scorer (the CLI, a test runner, a server). A child that crashes
 * or stops answering (`timeout` + 5 s) is killed, the test it was running
 * fails with the reason, and a new child takes the next test.
 *
 * With `executor: {url}`, tests go instead to a Sandbox Fusion style HTTP
 * executor, one request per test:
 *
 * ```json
 * POST <url>
 * {"code": "<the answer's code>", "language": "nodejs", "stdin": "<tests[i].input>",
 *  "run_timeout": 2, "compile_timeout": 10, "memory_limit_MB": 64, "files": {}, "fetch_files": []}
 * ```
 *
 * (timeouts in seconds). The response's `run_result` decides: the test
 * passes iff its `status` is "Finished", its `return_code` 0, and its
 * `stdout` equals `expected` (both trimmed) when the test gives one. An
 * executor that cannot be reached, answers with an HTTP error or
 * `"status": "SandboxError"`, or sends a malformed response, after
 * `retries` more tries, makes the trajectory's value null (the answer is
 * not at fault) with the reason.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { z } from "zod";
import { showValue } from "../../core/errors.js";
import { defineScorer, type Score, type ScorerDefinition } from "../scorer.js";
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

// ---------------------------------------------------------------------------
// The sandbox: isolated-vm in child processes

export interface SandboxJob {
  /** The program (the answer's code). */
  code: string;
  /** A second script run after it in the same context (a test); none for a whole program. */
  after?: string;
  /** The `stdin` string the scripts see. */
  stdin?: string;
  /** Milliseconds for both scripts together. */
  timeout: number;
  /** Heap limit of the isolate, MB (at least 8). */
  memoryLimit: number;
  /** Freeze the built-ins before the code runs (default true). */
  freeze?: boolean;
}

export type SandboxStatus = "Finished" | "Error" | "TimeLimitExceeded" | "MemoryLimitExceeded" | "Crashed";

export interface SandboxResult {
  /** Finished: both scripts ran without throwing. Error: one threw (or did not compile). */
  status: SandboxStatus;
  /** What console.log/info/debug printed (at most 64 KiB). */
  stdout: string;
  /** What console.warn/error printed (at most 64 KiB). */
  stderr: string;
  /** Why it did not finish, one line: `AssertionError: expected 3, got 4 (test.js:1:1)`. */
  error?: string;
  /** Wall-clock milliseconds in the isolate. */
  ms: number;
}

/** Milliseconds a child may take beyond a job's timeout (start-up, isolate creation) before it is killed. */
const GRACE_MS = 5000;

/**
 * The child process's program (CommonJS, run with `node --no-node-snapshot -e`).
 * argv[1] is isolated-vm's resolved path. It answers one job per IPC message.
 */
const CHILD_SOURCE = String.raw`
"use strict";
const ivm = require(process.argv[1]);
const MAX_OUT = 65536;

// Runs inside the isolate, before the answer: installs assert, console and
// stdin as fixed globals, freezes the built-ins if asked, and returns the
// function that awaits a script's completion value.
function prelude() {
  "use strict";
  const g = globalThis;
  const write = g.$write, stdin = g.$stdin, freeze = g.$freeze;
  delete g.$write; delete g.$stdin; delete g.$freeze;
  const is = Object.is, keys = Object.keys, getProto = Object.getPrototypeOf, define = Object.defineProperty;
  const hasOwn = Object.prototype.hasOwnProperty, isArray = Array.isArray, stringify = JSON.stringify;
  const objFreeze = Object.freeze, Str = String, call = Function.prototype.call;
  const own = (o, k) => call.call(hasOwn, o, k);
  function show(v) {
    if (typeof v === "string") return v;
    try { const s = stringify(v); if (s !== undefined) return s; } catch (e) {}
    try { return Str(v); } catch (e) { return "a value"; }
  }
  const quote = (v) => (typeof v === "string" ? stringify(v) : show(v));
  class AssertionError extends Error {}
  define(AssertionError.prototype, "name", { value: "AssertionError" });
  function fail(message, otherwise) { throw new AssertionError(message === undefined ? otherwise : Str(message)); }
  function deepEqual(a, b, depth) {
    if (is(a, b)) return true;
    if (depth > 100 || typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (getProto(a) !== getProto(b) || isArray(a) !== isArray(b)) return false;
    const ka = keys(a), kb = keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!own(b, k) || !deepEqual(a[k], b[k], depth + 1)) return false;
    return true;
  }
  function assert(value, message) { if (!value) fail(message, "assertion failed"); }
  assert.ok = assert;
  assert.equal = assert.strictEqual = function (actual, expected, message) {
    if (!is(actual, expected)) fail(message, "expected " + quote(expected) + ", got " + quote(actual));
  };
  assert.notEqual = assert.notStrictEqual = function (actual, other, message) {
    if (is(actual, other)) fail(message, "expected something other than " + quote(other));
  };
  assert.deepEqual = assert.deepStrictEqual = function (actual, expected, message) {
    if (!deepEqual(actual, expected, 0)) fail(message, "expected " + quote(expected) + ", got " + quote(actual));
  };
  assert.throws = function (fn, message) {
    let threw = false;
    try { fn(); } catch (e) { threw = true; }
    if (!threw) fail(message, "expected the function to throw");
  };
  assert.fail = function (message) { fail(message, "failed"); };
  objFreeze(assert);
  const printer = (fd) => function () {
    let line = "";
    for (let i = 0; i < arguments.length; i++) line += (i ? " " : "") + show(arguments[i]);
    write(fd, line + "\n");
  };
  const con = objFreeze({ log: printer(1), info: printer(1), debug: printer(1), warn: printer(2), error: printer(2) });
  const fix = (name, value) => define(g, name, { value: value, writable: false, configurable: false, enumerable: false });
  fix("assert", assert);
  fix("AssertionError", AssertionError);
  fix("console", con);
  fix("stdin", stdin);
  if (freeze) {
    const names = ["Object", "Function", "Array", "String", "Number", "Boolean", "Symbol", "BigInt", "Math", "JSON", "Reflect",
      "Promise", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "RegExp", "Date", "Error", "TypeError", "RangeError", "SyntaxError",
      "ReferenceError", "EvalError", "URIError", "AggregateError", "ArrayBuffer", "DataView", "Int8Array", "Uint8Array",
      "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array",
      "BigInt64Array", "BigUint64Array", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent"];
    const hidden = [getProto(Int8Array), getProto(function* () {}), getProto(async function () {}), getProto(async function* () {}),
      getProto([][Symbol.iterator]()), getProto(getProto([][Symbol.iterator]())), getProto(new Map().entries()),
      getProto(new Set().values()), getProto(""[Symbol.iterator]())];
    const harden = (o) => {
      if (o === null || (typeof o !== "object" && typeof o !== "function")) return;
      objFreeze(o);
      if (typeof o === "function" && o.prototype) objFreeze(o.prototype);
    };
    for (const o of hidden) harden(o);
    for (const name of names) {
      if (!own(g, name)) continue;
      harden(g[name]);
      fix(name, g[name]);
    }
  }
  return async function settle(value) { await value; };
}

class Overtime extends Error {}

function settleWithin(settle, value, ms) {
  let timer;
  const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Overtime()), ms + 50); });
  const done = settle.apply(undefined, [value.derefInto()], { timeout: ms, result: { promise: true } });
  return Promise.race([done, limit]).finally(() => clearTimeout(timer));
}

function oneLine(text) {
  const s = String(text).replace(/\s+/g, " ").trim();
  return s.length > 300 ? s.slice(0, 297) + "..." : s;
}

function describe(e) {
  if (e && typeof e === "object" && typeof e.message === "string") {
    const name = typeof e.name === "string" && e.name ? e.name : "Error";
    const at = typeof e.stack === "string" ? /((?:answer|test)\.js:\d+:\d+)/.exec(e.stack) : null;
    const text = oneLine(name + ": " + e.message);
    return at && text.indexOf(at[1]) < 0 ? text + " (" + at[1] + ")" : text;
  }
  try { return oneLine("threw " + String(e)); } catch (x) { return "threw a value"; }
}

async function runJob(job) {
  const started = Date.now();
  const deadline = started + job.timeout;
  const left = () => Math.max(1, deadline - Date.now());
  const out = ["", ""];
  let isolate;
  const result = (status, error) => {
    const r = { status: status, stdout: out[0], stderr: out[1], ms: Date.now() - started };
    if (error !== undefined) r.error = error;
    return r;
  };
  try {
    isolate = new ivm.Isolate({ memoryLimit: job.memoryLimit });
    const context = await isolate.createContext();
    const jail = context.global;
    await jail.set("$write", new ivm.Callback(function (fd, text) {
      const i = fd === 2 ? 1 : 0;
      const room = MAX_OUT - out[i].length;
      if (room > 0) out[i] += String(text).slice(0, room);
    }));
    await jail.set("$stdin", String(job.stdin || ""));
    await jail.set("$freeze", job.freeze !== false);
    const setup = await isolate.compileScript("(" + prelude.toString() + ")()", { filename: "prelude.js" });
    const settle = await setup.run(context, { reference: true, timeout: 5000 });
    const scripts = [[job.code, "answer.js"]];
    if (typeof job.after === "string") scripts.push([job.after, "test.js"]);
    for (const [source, filename] of scripts) {
      const script = await isolate.compileScript(source, { filename: filename });
      const value = await script.run(context, { reference: true, timeout: left() });
      if (value && value.typeof === "object") await settleWithin(settle, value, left());
    }
    return result("Finished");
  } catch (e) {
    if (isolate && isolate.isDisposed) return result("MemoryLimitExceeded", "memory limit of " + job.memoryLimit + " MB exceeded");
    if (e instanceof Overtime || (e && e.message === "Script execution timed out.")) return result("TimeLimitExceeded", "time limit of " + job.timeout + " ms exceeded");
    if (e && typeof e.message === "string" && /memory limit/i.test(e.message)) return result("MemoryLimitExceeded", "memory limit of " + job.memoryLimit + " MB exceeded");
    return result("Error", describe(e));
  } finally {
    try { if (isolate && !isolate.isDisposed) isolate.dispose(); } catch (e) {}
  }
}

process.on("message", (message) => {
  runJob(message.job).then((result) => {
    if (process.connected) process.send({ id: message.id, result: result });
  });
});
process.on("disconnect", () => process.exit(0));
`;

let isolatedVmPath: string | undefined;
function resolveIsolatedVm(): string {
  isolatedVmPath ??= createRequire(import.meta.url).resolve("isolated-vm");
  return isolatedVmPath;
}

interface Pending {
  job: SandboxJob;
  resolve: (result: SandboxResult) => void;
}

interface Slot {
  child?: ChildProcess;
  stderr: string;
  current?: Pending & { id: number; timer: NodeJS.Timeout; started: number; overtime: boolean };
}

/**
 * Runs JavaScript in isolated-vm isolates inside `concurrency` child
 * processes (started on demand with `--no-node-snapshot`), one job per
 * child at a time. `run` never rejects: a crash, a hang or a refusal is a
 * result with a status and a reason. Idle children do not keep the host
 * process alive; `close` ends them.
 */
export class JsSandbox {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private seq = 0;

  constructor(readonly concurrency = 2) {
    this.slots = Array.from({ length: Math.max(1, concurrency) }, () => ({ stderr: "" }));
  }

  run(job: SandboxJob): Promise<SandboxResult> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
  }

  /** Child processes alive now (for tests). */
  get processes(): number {
    return this.slots.filter((s) => s.child).length;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.current) continue;
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawnChild(slot: Slot): ChildProcess {
    const child = spawn(process.execPath, ["--no-node-snapshot", "-e", CHILD_SOURCE, resolveIsolatedVm()], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: {},
      windowsHide: true,
    });
    slot.child = child;
    slot.stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      slot.stderr = (slot.stderr + chunk.toString()).slice(-4000);
    });
    // Only a running job keeps the host alive (the process and its channel are ref'd in `start`).
    (child.stderr as Socket | null)?.unref();
    child.on("message", (message: { id: number; result: SandboxResult }) => {
      if (slot.child === child && slot.current?.id === message.id) this.finish(slot, message.result);
    });
    const gone = (why: string) => {
      if (slot.child !== child) return;
      slot.child = undefined;
      const current = slot.current;
      if (!current) return;
      const ms = Math.round(performance.now() - current.started);
      const oom = /out of memory|Last few GCs|allocation failed/i.test(slot.stderr);
      if (current.overtime) this.finish(slot, { status: "TimeLimitExceeded", stdout: "", stderr: "", error: `the sandbox stopped answering (${ms} ms) and was restarted`, ms });
      else if (oom) this.finish(slot, { status: "MemoryLimitExceeded", stdout: "", stderr: "", error: `memory limit of ${current.job.memoryLimit} MB exceeded (the sandbox process ran out of memory and was restarted)`, ms });
      else this.finish(slot, { status: "Crashed", stdout: "", stderr: "", error: `the sandbox process ${why} and was restarted`, ms });
    };
    child.on("exit", (code, signal) => gone(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.on("error", (error) => {
      gone(`failed (${error.message})`);
      child.kill("SIGKILL");
    });
    return child;
  }

  private start(slot: Slot, pending: Pending): void {
    const child = slot.child ?? this.spawnChild(slot);
    const id = ++this.seq;
    const timer = setTimeout(() => {
      if (slot.current?.id !== id) return;
      slot.current.overtime = true;
      child.kill("SIGKILL");
    }, pending.job.timeout + GRACE_MS);
    slot.current = { ...pending, id, timer, started: performance.now(), overtime: false };
    child.ref();
    child.channel?.ref();
    child.send({ id, job: pending.job }, (error) => {
      if (error && slot.current?.id === id) child.kill("SIGKILL");
    });
  }

  private finish(slot: Slot, result: SandboxResult): void {
    const current = slot.current!;
    clearTimeout(current.timer);
    slot.current = undefined;
    if (slot.child) {
      slot.child.unref();
      slot.child.channel?.unref();
    }
    current.resolve(result);
    this.pump();
  }

  /** Ends the child processes; jobs still queued finish as "Crashed". */
  async close(): Promise<void> {
    for (const pending of this.queue.splice(0)) pending.resolve({ status: "Crashed", stdout: "", stderr: "", error: "the sandbox was closed", ms: 0 });
    await Promise.all(
      this.slots.map(async (slot) => {
        const child = slot.child;
        if (!child) return;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        // An idle child is unref'd; ref it while we wait, or a caller awaiting close() at top level finds the loop empty.
        child.ref();
        child.kill("SIGKILL");
        await exited;
      }),
    );
  }
}

// ---------------------------------------------------------------------------
// Sandbox Fusion style executor

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
interface TestOutcome {
  passed: boolean;
  reason: string;
  infra?: boolean;
}

const ExecutorOptions = z
  .object({
    url: z.url().describe("the executor's run route, e.g. http://127.0.0.1:8080/run_code"),
    language: z.string().min(1).default("nodejs").describe("the executor's language name (Sandbox Fusion: nodejs, python, typescript, cpp, …)"),
    compileTimeout: z.number().positive().default(10_000).describe("ms, sent as compile_timeout in seconds"),
    requestTimeout: z.number().int().positive().default(60_000).describe("ms to wait for one HTTP response"),
    retries: z.number().int().min(0).max(10).default(2).describe("more tries after a network error, a timeout, HTTP 408/429/5xx or a SandboxError"),
  })
  .strict();
type ExecutorOptions = z.output<typeof ExecutorOptions>;

const clip = (s: string, n = 120) => {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 3)}...` : one;
};

async function callExecutor(ex: ExecutorOptions, body: ExecutorRequest): Promise<{ ok: true; json: Record<string, unknown> } | { ok: false; why: string }> {
  let why = "";
  for (let attempt = 0; attempt <= ex.retries; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** (attempt - 1))));
    let response: Response;
    try {
      response = await fetch(ex.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(ex.requestTimeout) });
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

async function executorTest(ex: ExecutorOptions, code: string, test: CodeTest, timeout: number, memoryLimit: number): Promise<TestOutcome> {
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
  const reply = await callExecutor(ex, body);
  if (!reply.ok) return { passed: false, infra: true, reason: `executor: ${reply.why}` };
  const run = reply.json.run_result as RunResult | null | undefined;
  if (run === null || run === undefined || typeof run !== "object") {
    const compile = reply.json.compile_result as RunResult | null | undefined;
    if (compile && typeof compile === "object") return { passed: false, reason: `did not compile (${compile.status ?? "?"}${compile.stderr ? `: ${clip(compile.stderr)}` : ""})` };
    return { passed: false, infra: true, reason: "executor: expected run_result in the response" };
  }
  if (run.status !== "Finished") return { passed: false, reason: `run status ${run.status ?? "missing"}${run.stderr ? `: ${clip(run.stderr)}` : ""}` };
  if (run.return_code !== 0) return { passed: false, reason: `exit code ${showValue(run.return_code)}${run.stderr ? `: ${clip(run.stderr)}` : ""}` };
  if (test.expected !== undefined && (run.stdout ?? "").trim() !== test.expected.trim()) {
    return { passed: false, reason: `printed ${showValue((run.stdout ?? "").trim())}, expected ${showValue(test.expected.trim())}` };
  }
  return { passed: true, reason: "passed" };
}

// ---------------------------------------------------------------------------
// The scorer

const CodeOptions = z
  .object({
    mode: z.enum(["fraction", "all"]).default("fraction").describe("fraction: the share of tests passed; all: 1 if every test passes, else 0"),
    timeout: z.number().int().positive().max(600_000).default(2000).describe("ms per test (the code and the test together)"),
    memoryLimit: z.number().int().min(8).max(8192).default(64).describe("MB of heap per test"),
    concurrency: z.number().int().positive().max(64).default(2).describe("tests run at once (sandbox processes, or requests to the executor)"),
    freeze: z.boolean().default(true).describe("freeze the built-ins before the answer runs, so it cannot rewrite what the tests use (local runs)"),
    executor: ExecutorOptions.optional().describe("run the tests on a Sandbox Fusion style HTTP executor instead of locally"),
  })
  .strict();
export type CodeOptions = z.output<typeof CodeOptions>;

async function localTest(sandbox: JsSandbox, code: string, test: CodeTest, options: CodeOptions): Promise<TestOutcome> {
  const r = await sandbox.run({ code, after: test.input, timeout: options.timeout, memoryLimit: options.memoryLimit, freeze: options.freeze });
  if (r.status !== "Finished") return { passed: false, reason: r.error ?? r.status };
  if (test.expected !== undefined && r.stdout.trim() !== test.expected.trim()) return { passed: false, reason: `printed ${showValue(r.stdout.trim())}, expected ${showValue(test.expected.trim())}` };
  return { passed: true, reason: "passed" };
}

/** Runs at most `max` of the tasks at once, in order of arrival. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return (task) =>
    new Promise((resolve, reject) => {
      const go = () => {
        active++;
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            waiting.shift()?.();
          });
      };
      if (active < max) go();
      else waiting.push(go);
    });
}

export const codeScorer = defineScorer({
  kind: "code",
  description: "runs the answer's code against reference.tests in a sandbox (isolated-vm, or a Sandbox Fusion style executor); the share of tests passed",
  options: CodeOptions,
  make(options, name) {
    let sandbox: JsSandbox | undefined;
    const limit = limiter(options.concurrency);
    const language = options.executor ? options.executor.language : "javascript";
    const runTest = (code: string, test: CodeTest): Promise<TestOutcome> => {
      if (options.executor) {
        const ex = options.executor;
        return limit(() => executorTest(ex, code, test, options.timeout, options.memoryLimit));
      }
      sandbox ??= new JsSandbox(options.concurrency);
      return localTest(sandbox, code, test, options);
    };
    const scoreOne = async (t: Trajectory): Promise<Score> => {
      const tests = t.reference.tests ?? [];
      if (tests.length === 0) return { value: null, reason: "no reference.tests" };
      const code = extractCode(t.answer, language);
      if (code === "") return { value: 0, reason: `no code in the answer (0/${tests.length} tests run)` };
      const outcomes = await Promise.all(tests.map((test) => runTest(code, test)));
      const infra = outcomes.findIndex((o) => o.infra);
      if (infra >= 0) return { value: null, reason: `test ${infra + 1}: ${outcomes[infra].reason}` };
      const passed = outcomes.filter((o) => o.passed).length;
      const firstFail = outcomes.findIndex((o) => !o.passed);
      const summary = `${passed}/${tests.length} tests passed`;
      const detail = firstFail >= 0 ? `; test ${firstFail + 1}: ${outcomes[firstFail].reason}` : "";
      const value = options.mode === "all" ? (passed === tests.length ? 1 : 0) : passed / tests.length;
      return { value, reason: summary + detail };
    };
    return {
      name,
      scoreBatch: (batch: readonly Trajectory[]) => Promise.all(batch.map(scoreOne)),
      async close() {
        await sandbox?.close();
        sandbox = undefined;
      },
    };
  },
});

export const codeScorers: ScorerDefinition[] = [codeScorer];
