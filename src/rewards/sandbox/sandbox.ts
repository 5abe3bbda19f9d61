/**
 * A function of one transition, written as text (by a model, say), run in
 * a sandbox: an isolated-vm isolate with its own heap limit, in a process
 * of its own, so nothing it does reaches the training process: no files,
 * no network, and a runaway loop or allocation ends only the sandbox. A
 * reward is computed in a synchronous step, so the training thread hands
 * each vector step to the sandbox as one batch and waits for it on shared
 * memory (programs.ts).
 *
 * Sandboxes are kept per process and per (code, features, events, limits):
 * the environments a run evaluates on reuse the training's. The function
 * must be pure (the same transition, the same value); state it keeps in the
 * isolate's globals is its own business and not checkpointed.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { BRIDGE_SOURCE, HOST_SOURCE, ROW_EXTRA, STATE } from "./programs.js";

export interface SandboxSpec {
  /** A JavaScript function of one transition, `(t) => number`. */
  code: string;
  /** The features `t.next` and `t.prev` read, in the order rows pack them. */
  features: readonly string[];
  /** Event names and their bits, as `t.event` reads them. */
  events: readonly (readonly [string, number])[];
  /** Milliseconds per batch (a vector step). */
  timeoutMs: number;
  /** Heap limit of the isolate, MB. */
  memoryMb: number;
}

/** Why a sandboxed function could not give a value. */
export class SandboxFailure extends Error {}

/** Rows a batch may hold. */
const MAX_ROWS = 4096;
/** Milliseconds a sandbox may take to start (a process, an isolate, a compile). */
const START_MS = 15_000;
/** Milliseconds past a batch's limit before the training thread stops waiting. */
const GRACE_MS = 2000;

export class Sandbox {
  /** The rows of the next batch: fill `rowWidth` values per row, then `run(n)`. */
  readonly input: Float64Array;
  readonly rowWidth: number;
  private readonly ctrl: Int32Array;
  private readonly errorBytes: Uint8Array;
  private worker: Worker | undefined;
  private failure: string | undefined;
  private readonly workerData: Record<string, unknown>;

  constructor(private readonly spec: SandboxSpec) {
    this.rowWidth = 2 * spec.features.length + ROW_EXTRA;
    const ctrlBuffer = new SharedArrayBuffer(3 * 4);
    const dataBuffer = new SharedArrayBuffer(MAX_ROWS * this.rowWidth * 8);
    const errorBuffer = new SharedArrayBuffer(1024);
    this.ctrl = new Int32Array(ctrlBuffer);
    this.input = new Float64Array(dataBuffer);
    this.errorBytes = new Uint8Array(errorBuffer);
    const init = { code: spec.code, features: [...spec.features], events: spec.events.map(([e, bit]) => [e, bit]), timeoutMs: spec.timeoutMs, memoryMb: spec.memoryMb };
    const isolatedVm = createRequire(import.meta.url).resolve("isolated-vm");
    this.workerData = { ctrlBuffer, dataBuffer, errorBuffer, init, isolatedVm, host: HOST_SOURCE };
    this.start();
  }

  /** Starts the bridge and its sandbox process (again, after `close`: the function is pure, so nothing is lost). */
  private start(): void {
    Atomics.store(this.ctrl, 0, STATE.starting);
    this.worker = new Worker(BRIDGE_SOURCE, { eval: true, workerData: this.workerData });
    // Neither the bridge nor its process keeps a finished program alive.
    this.worker.unref();
    if (Atomics.wait(this.ctrl, 0, STATE.starting, START_MS) === "timed-out") this.fail(`did not start within ${START_MS / 1000} s`);
    if (Atomics.load(this.ctrl, 0) === STATE.failed) this.fail(this.errorText());
  }

  /** The function's value for rows 0 … n−1 of `input` (the first n entries of the returned array). */
  run(n: number): Float64Array {
    if (this.failure !== undefined) throw new SandboxFailure(this.failure);
    if (!this.worker) this.start();
    if (n > MAX_ROWS) this.fail(`a batch of ${n} rows; at most ${MAX_ROWS}`);
    Atomics.store(this.ctrl, 1, n);
    Atomics.store(this.ctrl, 0, STATE.request);
    Atomics.notify(this.ctrl, 0);
    if (Atomics.wait(this.ctrl, 0, STATE.request, this.spec.timeoutMs + GRACE_MS) === "timed-out") this.fail(`no answer within ${this.spec.timeoutMs + GRACE_MS} ms`);
    const state = Atomics.load(this.ctrl, 0);
    if (state === STATE.failed) this.fail(this.errorText());
    Atomics.store(this.ctrl, 0, STATE.idle);
    return this.input;
  }

  /** Stops the bridge and its process; a later `run` starts them again. */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private errorText(): string {
    return Buffer.from(this.errorBytes.subarray(0, Atomics.load(this.ctrl, 2))).toString();
  }

  private fail(reason: string): never {
    this.failure = reason;
    // A failed sandbox is not reused: the next run starts its own, so a run never fails for an earlier one.
    if (open.get(keyOf(this.spec)) === this) open.delete(keyOf(this.spec));
    this.close();
    throw new SandboxFailure(reason);
  }
}

/** Sandboxes open in this process, by their spec. */
const open = new Map<string, Sandbox>();

const keyOf = (spec: SandboxSpec) => JSON.stringify([spec.code, spec.features, spec.events, spec.timeoutMs, spec.memoryMb]);

/** Sandboxes kept open at most (a design trying many functions would otherwise keep a process for each). */
export const MAX_OPEN_SANDBOXES = 8;

/** The process's sandbox for `spec`, started on first use; the least recently used is closed past `MAX_OPEN_SANDBOXES`. */
export function sandboxFor(spec: SandboxSpec): Sandbox {
  const key = keyOf(spec);
  let sandbox = open.get(key);
  if (sandbox) open.delete(key);
  else {
    sandbox = new Sandbox(spec);
    if (open.size >= MAX_OPEN_SANDBOXES) {
      const [oldest, first] = open.entries().next().value!;
      open.delete(oldest);
      first.close();
    }
  }
  // Map order is use order: the most recent last.
  open.set(key, sandbox);
  return sandbox;
}
