/**
 * A trainer stand-in for store tests: `node --import ./ts-loader.mjs
 * writer-child.mjs DB MODE`. Creates a run and writes one episode and one
 * metric ("time", the wall clock) per step through a RunWriter, printing a
 * JSON line per event on stdout:
 *   kill:   a synchronous loop that never yields (like a training loop),
 *           flushing every 200 ms; prints {committed, time} after each flush.
 *   sigint: an asynchronous loop with `signals: true`; prints {added} per step.
 *   exit:   writes 50 steps, then `process.exit(3)` without closing the writer.
 */
import { writeSync } from "node:fs";

const { openStore, RunWriter } = await import(new URL("../index.ts", import.meta.url).href);
const [db, mode] = process.argv.slice(2);
const say = (o) => writeSync(1, `${JSON.stringify(o)}\n`);

const store = await openStore(db);
const writer = await RunWriter.start(
  store,
  { name: `child-${mode}`, config: { mode }, seed: 0, envId: "Test-v0", reward: { terms: [{ kind: "task" }] }, learner: "none" },
  { intervalMs: 200, maxRows: 100_000, signals: mode === "sigint" },
);
say({ ready: writer.runId, pid: process.pid });

let step = 0;
function addStep() {
  step++;
  writer.episode({ step, env: 0, length: 1, return: step, primary: step / 2, success: step % 2, terms: { task: step / 2 } });
  writer.metric(step, "time", Date.now());
}

if (mode === "kill") {
  let written = 0;
  for (;;) {
    addStep();
    if (writer.written !== written) {
      written = writer.written;
      say({ committed: step, time: Date.now() });
    }
    const until = Date.now() + 2;
    while (Date.now() < until); // a little "training"
  }
} else if (mode === "sigint") {
  setInterval(() => {
    addStep();
    say({ added: step });
  }, 5);
} else if (mode === "exit") {
  for (let i = 0; i < 50; i++) addStep();
  process.exit(3);
}
