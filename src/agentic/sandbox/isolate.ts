/**
 * JavaScript in isolated-vm isolates, inside child processes: a fresh
 * isolate per job with its own heap, time and output limits. The children
 * are started with `--no-node-snapshot` (isolated-vm on Node 20 needs it,
 * and a running process cannot set it) and `--no-expose-wasm` (WebAssembly
 * memory is not counted by the heap limit, so there is none), and an
 * allocation far beyond an isolate's limit aborts the whole process rather
 * than throwing: only a child dies, its job fails with the reason, and a
 * new child takes the next job. What runs inside the isolate is in
 * prelude.ts, the child's program in child.ts.
 *
 * Limits: the heap limit bounds the isolate's JavaScript heap and its
 * ArrayBuffers; V8's young generation and the growth of one large array
 * can take the process past it for a moment (about 3× at 64 MB, measured in
 * isolate.test.ts), never by gigabytes. Time is wall-clock per job; a job
 * whose process stops answering is killed one second after its limit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { CHILD_SOURCE, childArgs } from "./child.js";

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
  /** Bytes (UTF-8) each of stdout and stderr may hold; printing more stops the job (default 64 KiB). */
  maxOutput?: number;
}

export type SandboxStatus = "Finished" | "Error" | "TimeLimitExceeded" | "MemoryLimitExceeded" | "OutputLimitExceeded" | "Cancelled" | "Crashed";

export interface SandboxResult {
  /** Finished: both scripts ran without throwing. Error: one threw (or did not compile). Cancelled: its signal aborted. */
  status: SandboxStatus;
  /** What console.log/info/debug printed (at most `maxOutput` bytes). */
  stdout: string;
  /** What console.warn/error printed (at most `maxOutput` bytes). */
  stderr: string;
  /** Why it did not finish, one line: `AssertionError: expected 3, got 4 (test.js:1:1)`. */
  error?: string;
  /** Wall-clock milliseconds in the isolate. */
  ms: number;
}

/** Milliseconds a child may take to start and create the isolate before it is killed. */
const START_GRACE_MS = 5000;
/** Milliseconds a started job may run past its time limit before its process is killed (the process disposes it first). */
const RUN_GRACE_MS = 1000;
/** Milliseconds a cancelled job's process has to report back before it is killed. */
const CANCEL_GRACE_MS = 500;

let isolatedVmPath: string | undefined;
function resolveIsolatedVm(): string {
  isolatedVmPath ??= createRequire(import.meta.url).resolve("isolated-vm");
  return isolatedVmPath;
}

interface Pending {
  job: SandboxJob;
  resolve: (result: SandboxResult) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Running extends Pending {
  id: number;
  timer: NodeJS.Timeout;
  started: number;
  /** The watchdog killed the process. */
  overtime: boolean;
  /** The caller already has its result (cancelled); the process is still finishing the job. */
  settled: boolean;
}

interface Slot {
  child?: ChildProcess;
  stderr: string;
  current?: Running;
}

const cancelled = (ms = 0): SandboxResult => ({ status: "Cancelled", stdout: "", stderr: "", error: "cancelled", ms });

/**
 * Runs JavaScript in isolated-vm isolates inside `concurrency` child
 * processes (started on demand), one job per child at a time. `run` never
 * rejects: a crash, a hang or a refusal is a result with a status and a
 * reason. A job whose `signal` aborts is dropped from the queue, or stopped
 * in its process, and resolves as "Cancelled" at once. Idle children do
 * not keep the host process alive; `close` ends them.
 */
export class JsSandbox {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private seq = 0;

  constructor(readonly concurrency = 2) {
    this.slots = Array.from({ length: Math.max(1, concurrency) }, () => ({ stderr: "" }));
  }

  run(job: SandboxJob, options: { signal?: AbortSignal } = {}): Promise<SandboxResult> {
    const { signal } = options;
    if (signal?.aborted) return Promise.resolve(cancelled());
    return new Promise((resolve) => {
      const pending: Pending = { job, resolve, signal };
      if (signal) {
        pending.onAbort = () => this.cancel(pending);
        signal.addEventListener("abort", pending.onAbort, { once: true });
      }
      this.queue.push(pending);
      this.pump();
    });
  }

  /** Child processes alive now (for tests). */
  get processes(): number {
    return this.slots.filter((s) => s.child).length;
  }

  /** Their process ids (for tests that watch their memory). */
  get pids(): number[] {
    return this.slots.flatMap((s) => (s.child?.pid !== undefined ? [s.child.pid] : []));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.current) continue;
      this.start(slot, this.queue.shift()!);
    }
  }

  private cancel(pending: Pending): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.resolve(cancelled());
      return;
    }
    const slot = this.slots.find((s) => s.current?.resolve === pending.resolve);
    const current = slot?.current;
    if (!slot || !current || current.settled) return;
    // The caller stops waiting now; the process disposes the isolate and reports, or is killed.
    current.settled = true;
    current.resolve(cancelled(Math.round(performance.now() - current.started)));
    clearTimeout(current.timer);
    const child = slot.child;
    current.timer = setTimeout(() => child?.kill("SIGKILL"), CANCEL_GRACE_MS);
    child?.send({ cancel: current.id }, () => {});
  }

  private spawnChild(slot: Slot): ChildProcess {
    const child = spawn(process.execPath, ["--no-node-snapshot", "--no-expose-wasm", "-e", CHILD_SOURCE, ...childArgs(resolveIsolatedVm())], {
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
    child.on("message", (message: { id: number; started?: boolean; result?: SandboxResult }) => {
      const current = slot.current;
      if (slot.child !== child || current?.id !== message.id) return;
      if (message.result) this.finish(slot, message.result);
      else if (message.started && !current.settled) {
        // Started: the job's own limit from now on, plus a second for the process to dispose it.
        clearTimeout(current.timer);
        current.timer = this.watchdog(slot, child, current.job.timeout + RUN_GRACE_MS);
      }
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

  private watchdog(slot: Slot, child: ChildProcess, ms: number): NodeJS.Timeout {
    const id = slot.current!.id;
    return setTimeout(() => {
      if (slot.current?.id !== id) return;
      slot.current.overtime = true;
      child.kill("SIGKILL");
    }, ms);
  }

  private start(slot: Slot, pending: Pending): void {
    const child = slot.child ?? this.spawnChild(slot);
    const id = ++this.seq;
    slot.current = { ...pending, id, timer: undefined as unknown as NodeJS.Timeout, started: performance.now(), overtime: false, settled: false };
    // Until the process says the job started: its start-up, isolate creation and compiling, then the job's limit.
    slot.current.timer = this.watchdog(slot, child, pending.job.timeout + START_GRACE_MS);
    child.ref();
    child.channel?.ref();
    const job = { ...pending.job, maxOutput: pending.job.maxOutput ?? 65536 };
    child.send({ id, job }, (error) => {
      if (error && slot.current?.id === id) child.kill("SIGKILL");
    });
  }

  private finish(slot: Slot, result: SandboxResult): void {
    const current = slot.current!;
    clearTimeout(current.timer);
    slot.current = undefined;
    if (current.onAbort) current.signal?.removeEventListener("abort", current.onAbort);
    if (slot.child) {
      slot.child.unref();
      slot.child.channel?.unref();
    }
    if (!current.settled) current.resolve(result);
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
