/**
 * The two programs behind a sandboxed term, as source text (they run from
 * sources and from the build alike).
 *
 * HOST_SOURCE is the sandbox process (CommonJS, run as `node
 * --no-node-snapshot --no-expose-wasm -e HOST_SOURCE <isolated-vm path>`;
 * isolated-vm on Node 20 needs the first flag, which a running process
 * cannot set). It makes one isolate with the term's heap limit, compiles
 * the term's function there with a prelude that gives it the same view of
 * a transition as a TypeScript `code` term (`t.next(name)`, `t.prev(name)`,
 * `t.event(name)`, `t.action`, `t.taskReward`, `t.terminated`,
 * `t.truncated`, `t.env`), and answers each batch (a vector step, packed
 * row by row) with one value per row. The isolate has no Node APIs: no
 * files, network, processes or timers. A batch that outlives the time limit
 * or the heap limit ends the isolate; the host answers with the reason.
 *
 * BRIDGE_SOURCE is a worker thread between the training thread and that
 * process: the training thread waits on shared memory (`Atomics.wait`) for
 * the answer, so a reward stays a synchronous step; the bridge talks to the
 * process asynchronously.
 */

/** Rows are [next features (F), prev features (F), events, action, task reward, terminated, truncated]. */
export const ROW_EXTRA = 5;

/** Control words in shared memory: state, rows, error length. */
export const STATE = { starting: 0, idle: 1, request: 2, done: 3, failed: 4 } as const;

export const HOST_SOURCE = String.raw`
"use strict";
const ivm = require(process.argv[1]);
let isolate = null;
let batch = null;
let timeout = 100;
let dead = null;

function oneLine(text) {
  const s = String(text).replace(/\s+/g, " ").trim();
  return s.length > 300 ? s.slice(0, 297) + "..." : s;
}
let memoryMb = 0;
function reason(e) {
  const message = e && typeof e.message === "string" ? e.message : String(e);
  if (/timed out/i.test(message)) return "stopped: it ran past its time limit of " + timeout + " ms";
  if (/memory limit/i.test(message) || (isolate && isolate.isDisposed)) return "stopped: it ran past its memory limit of " + memoryMb + " MB";
  const name = e && typeof e.name === "string" && e.name ? e.name : "Error";
  const at = e && typeof e.stack === "string" ? /(term\.js:\d+:\d+)/.exec(e.stack) : null;
  return oneLine(name + ": " + message + (at ? " (" + at[1] + ")" : ""));
}
function prelude(features, events) {
  return "const __features = new Map(" + JSON.stringify(features.map((f, j) => [f, j])) + ");\n" +
    "const __events = new Map(" + JSON.stringify(events) + ");\n" +
    "const __F = " + features.length + ";\n" +
    "let __x = null, __row = 0, __base = 0;\n" +
    "function __column(name) { const j = __features.get(name); if (j === undefined) throw new Error('unknown feature ' + JSON.stringify(name)); return j; }\n" +
    "const __t = Object.freeze({\n" +
    "  get env() { return __row; },\n" +
    "  next(name) { return __x[__base + __column(name)]; },\n" +
    "  prev(name) { return __x[__base + __F + __column(name)]; },\n" +
    "  event(name) { const bit = __events.get(name); if (bit === undefined) throw new Error('unknown event ' + JSON.stringify(name)); return (__x[__base + 2 * __F] & bit) !== 0; },\n" +
    "  get action() { return __x[__base + 2 * __F + 1]; },\n" +
    "  get taskReward() { return __x[__base + 2 * __F + 2]; },\n" +
    "  get terminated() { return __x[__base + 2 * __F + 3] !== 0; },\n" +
    "  get truncated() { return __x[__base + 2 * __F + 4] !== 0; },\n" +
    "});\n" +
    "function __batch(x, n) {\n" +
    "  __x = x; const width = x.length / n; const out = new Float64Array(n);\n" +
    "  for (__row = 0; __row < n; __row++) { __base = __row * width; const v = __fn(__t);\n" +
    "    if (typeof v !== 'number') throw new TypeError('the function returned ' + (v === null ? 'null' : typeof v) + ', expected a number');\n" +
    "    out[__row] = v; }\n" +
    "  return out;\n" +
    "}\n";
}
process.on("disconnect", () => process.exit(0));
process.on("message", (m) => {
  if (m.init) {
    try {
      timeout = m.init.timeoutMs;
      memoryMb = m.init.memoryMb;
      isolate = new ivm.Isolate({ memoryLimit: m.init.memoryMb });
      const context = isolate.createContextSync();
      isolate.compileScriptSync(prelude(m.init.features, m.init.events), { filename: "prelude.js" }).runSync(context, { timeout: 1000 });
      const script = isolate.compileScriptSync("const __fn = (\n" + m.init.code + "\n);\nif (typeof __fn !== 'function') throw new TypeError('the code is a ' + typeof __fn + ', expected a function of one transition, (t) => number');", { filename: "term.js", lineOffset: -1 });
      script.runSync(context, { timeout: timeout });
      batch = context.global.getSync("__batch", { reference: true });
      process.send({ ready: true });
    } catch (e) {
      process.send({ error: reason(e) });
    }
    return;
  }
  if (dead) return process.send({ error: dead });
  try {
    const input = new ivm.ExternalCopy(m.input).copyInto({ release: true });
    const out = batch.applySync(undefined, [input, m.n], { timeout: timeout, result: { copy: true } });
    process.send({ values: out });
  } catch (e) {
    dead = reason(e);
    process.send({ error: dead });
  }
});
`;

export const BRIDGE_SOURCE = String.raw`
"use strict";
const { workerData } = require("node:worker_threads");
const { spawn } = require("node:child_process");
const { ctrlBuffer, dataBuffer, errorBuffer, init, isolatedVm, host } = workerData;
const S = ${JSON.stringify(STATE)};
const ctrl = new Int32Array(ctrlBuffer);
const data = new Float64Array(dataBuffer);
const errorBytes = new Uint8Array(errorBuffer);
let waiting = null;
let ended = null;
let stderr = "";

function answer(state, message) {
  if (message !== undefined) {
    const bytes = Buffer.from(String(message)).subarray(0, errorBytes.length);
    errorBytes.set(bytes);
    Atomics.store(ctrl, 2, bytes.length);
  }
  Atomics.store(ctrl, 0, state);
  Atomics.notify(ctrl, 0);
}

const child = spawn(process.execPath, ["--no-node-snapshot", "--no-expose-wasm", "-e", host, isolatedVm], {
  stdio: ["ignore", "ignore", "pipe", "ipc"],
  serialization: "advanced",
  env: {},
  windowsHide: true,
});
child.stderr.on("data", (chunk) => { stderr = (stderr + chunk.toString()).slice(-2000); });
child.on("message", (m) => { const w = waiting; waiting = null; if (w) w(m); });
child.on("exit", (code, signal) => {
  ended = "the sandbox process ended (" + (signal || "exit " + code) + "): it ran past its memory limit or crashed" + (stderr ? "; " + stderr.split("\n").filter(Boolean).pop() : "");
  const w = waiting; waiting = null;
  if (w) w({ error: ended });
});
const ask = (message) => new Promise((resolve) => {
  if (ended) return resolve({ error: ended });
  waiting = resolve;
  child.send(message);
});

(async () => {
  const ready = await ask({ init });
  if (ready.error) return answer(S.failed, ready.error);
  answer(S.idle);
  for (;;) {
    let state = Atomics.load(ctrl, 0);
    while (state !== S.request) {
      const w = Atomics.waitAsync(ctrl, 0, state);
      if (w.async) await w.value;
      state = Atomics.load(ctrl, 0);
    }
    const n = Atomics.load(ctrl, 1);
    const width = init.features.length * 2 + ${ROW_EXTRA};
    const reply = await ask({ input: data.slice(0, n * width), n });
    if (reply.error) { answer(S.failed, reply.error); continue; }
    data.set(reply.values);
    answer(S.done);
  }
})();
`;
