/**
 * The sandbox process's program (CommonJS, run as `node --no-node-snapshot
 * --no-expose-wasm -e CHILD_SOURCE <isolated-vm path>`). It answers one job
 * per IPC message `{id, job}` with `{id, result}`, first telling the host
 * `{id, started}` once the isolate is ready (the host's watchdog then gives
 * the job its time limit plus one second, not the start-up grace), and
 * stops a job on `{cancel: id}`.
 *
 * Each job gets a fresh isolate with the job's heap limit (ArrayBuffers
 * count toward it; WebAssembly does not exist in this process). The answer
 * and the test are checked to compile, each on its own, here; then the
 * prelude's `run` (src/agentic/sandbox/prelude.ts) runs them inside the
 * isolate and hands back only strings. A job that outlives its time limit,
 * prints past the output limit or is cancelled has its isolate disposed at
 * once.
 */
import { PRELUDE_SOURCE } from "./prelude.js";

export const CHILD_SOURCE = String.raw`
"use strict";
const ivm = require(process.argv[1]);
const PRELUDE = process.argv[2];

class Stop extends Error {
  constructor(status, error) { super(error); this.status = status; }
}

function oneLine(text) {
  const s = String(text).replace(/\s+/g, " ").trim();
  return s.length > 300 ? s.slice(0, 297) + "..." : s;
}

// Errors made by V8's compiler or by isolated-vm in this process (never by the answer): their message is a string.
function hostError(e) {
  const message = e && typeof e.message === "string" ? e.message : "failed";
  const name = e && typeof e.name === "string" && e.name ? e.name : "Error";
  const at = e && typeof e.stack === "string" ? /((?:answer|test)\.js:\d+:\d+)/.exec(e.stack) : null;
  const text = oneLine(name + ": " + message);
  return at && text.indexOf(at[1]) < 0 ? text + " (" + at[1] + ")" : text;
}

let current = null;

function stop(job, status, error) {
  if (job.stop) return;
  job.stop = new Stop(status, error);
  try { if (job.isolate && !job.isolate.isDisposed) job.isolate.dispose(); } catch (e) {}
}

async function runJob(id, job) {
  const started = Date.now();
  const deadline = started + job.timeout;
  const left = () => Math.max(1, deadline - Date.now());
  const state = { id: id, isolate: null, stop: null, out: ["", ""] };
  current = state;
  const result = (status, error, out) => {
    const r = { status: status, stdout: out ? out[0] : "", stderr: out ? out[1] : "", ms: Date.now() - started };
    if (error !== undefined) r.error = error;
    return r;
  };
  let timer;
  try {
    const isolate = new ivm.Isolate({ memoryLimit: job.memoryLimit });
    state.isolate = isolate;
    const context = await isolate.createContext();
    const jail = context.global;
    await jail.set("$stdin", String(job.stdin || ""));
    await jail.set("$freeze", job.freeze !== false);
    await jail.set("$maxOutput", job.maxOutput);
    await jail.set("$overflow", new ivm.Callback(function (stdout, stderr) {
      state.out = [String(stdout), String(stderr)];
      stop(state, "OutputLimitExceeded", "output limit of " + job.maxOutput + " bytes exceeded");
    }, { ignored: true }));
    const prelude = await isolate.compileScript(PRELUDE, { filename: "prelude.js" });
    const run = await prelude.run(context, { reference: true, timeout: 5000 });
    try {
      await isolate.compileScript(job.code, { filename: "answer.js" });
      if (typeof job.after === "string") await isolate.compileScript(job.after, { filename: "test.js" });
    } catch (e) {
      return result("Error", hostError(e));
    }
    if (state.stop) throw state.stop;
    process.send({ id: id, started: true });
    const ms = left();
    timer = setTimeout(() => stop(state, "TimeLimitExceeded", "time limit of " + job.timeout + " ms exceeded"), ms + 20);
    const text = await run.apply(undefined, [job.code, typeof job.after === "string" ? job.after : null], { timeout: ms, result: { promise: true } });
    if (state.stop) throw state.stop;
    const [error, stdout, stderr] = JSON.parse(text);
    return error === "" ? result("Finished", undefined, [stdout, stderr]) : result("Error", error, [stdout, stderr]);
  } catch (e) {
    if (state.stop) return result(state.stop.status, state.stop.message, state.out);
    if (state.isolate && state.isolate.isDisposed) return result("MemoryLimitExceeded", "memory limit of " + job.memoryLimit + " MB exceeded");
    if (e && e.message === "Script execution timed out.") return result("TimeLimitExceeded", "time limit of " + job.timeout + " ms exceeded");
    if (e && typeof e.message === "string" && /memory limit/i.test(e.message)) return result("MemoryLimitExceeded", "memory limit of " + job.memoryLimit + " MB exceeded");
    return result("Crashed", "the sandbox failed: " + hostError(e));
  } finally {
    clearTimeout(timer);
    if (current === state) current = null;
    try { if (state.isolate && !state.isolate.isDisposed) state.isolate.dispose(); } catch (e) {}
  }
}

process.on("message", (message) => {
  if (message.cancel !== undefined) {
    if (current && current.id === message.cancel) stop(current, "Cancelled", "cancelled");
    return;
  }
  runJob(message.id, message.job).then((result) => {
    if (process.connected) process.send({ id: message.id, result: result });
  });
});
process.on("disconnect", () => process.exit(0));
`;

/** The arguments after `-e CHILD_SOURCE`: isolated-vm's path, then the prelude. */
export const childArgs = (isolatedVmPath: string): string[] => [isolatedVmPath, PRELUDE_SOURCE];
