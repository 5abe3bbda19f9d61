/**
 * JavaScript in isolated-vm isolates, inside child processes: a fresh
 * isolate per job with its own heap and time limits. The children are
 * started with `--no-node-snapshot` (isolated-vm on Node 20 needs it, and a
 * running process cannot set it), and an allocation far beyond an isolate's
 * limit aborts the whole process rather than throwing: only a child dies,
 * its job fails with the reason, and a new child takes the next job.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";

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
