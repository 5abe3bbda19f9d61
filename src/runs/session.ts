/**
 * A comparison as the command line runs it: its designs checked before
 * anything is stored, the stored comparison its runs are recorded under,
 * and Ctrl-C. The first Ctrl-C asks every run to stop at its next
 * iteration (each saves a checkpoint and is marked interrupted); a second
 * one abandons the runs at once and the session fails with `Interrupted`.
 */
import { ReportedError } from "../core/errors.js";
import { compareDesigns, type CompareOptions, type Design, type DesignSummary } from "./compare.js";
import type { RunConfig } from "./config.js";
import { openStore } from "./store/index.js";
import { validateRun } from "./validate.js";

/** A second Ctrl-C: the runs were abandoned. Nothing more is printed; the exit code is 130 (128 + SIGINT). */
export class Interrupted extends ReportedError {
  constructor() {
    super(130, "interrupted");
  }
}

export interface SessionStore {
  /** Record the runs in the run store at this path; more than one run are recorded under a stored comparison. */
  dbPath?: string;
  /** Continue this stored run (the session's one job). */
  resumeId?: string;
}

export interface SessionRunOptions extends Pick<CompareOptions, "workers" | "record" | "onProgress" | "onRunDone"> {
  /** Called on the first Ctrl-C, once the runs have been asked to stop. */
  onStopping?(): void;
}

export class ComparisonSession {
  private constructor(
    readonly config: RunConfig,
    readonly designs: readonly Design[],
    readonly store: SessionStore,
    /** The stored comparison the runs belong to; null for a single run or when nothing is recorded. */
    readonly comparisonId: string | null,
  ) {}

  /** Checks every design, then records the comparison (when there is one to record). */
  static async open(config: RunConfig, designs: readonly Design[], store: SessionStore = {}): Promise<ComparisonSession> {
    // Errors come here, once, before anything is stored or a worker starts: each design's
    // environment, reward and rollout size, as its training would meet them.
    for (const d of designs) validateRun({ ...config, reward: d.reward, learner: d.learner ?? config.learner });
    let comparisonId: string | null = null;
    if (store.dbPath && !store.resumeId && designs.length * config.seeds.length > 1) {
      const runStore = await openStore(store.dbPath);
      comparisonId = (await runStore.createComparison({ name: config.name ?? designs.map((d) => d.name).join(" vs "), config: { config, designs } })).id;
      await runStore.close();
    }
    return new ComparisonSession(config, designs, store, comparisonId);
  }

  /** Trains every design with every seed until done, or until Ctrl-C. */
  async run(options: SessionRunOptions = {}): Promise<DesignSummary[]> {
    const { onStopping, ...compare } = options;
    const { dbPath, resumeId } = this.store;
    const ctrlC = listenForCtrlC(onStopping);
    try {
      return await compareDesigns(this.config, this.designs, {
        ...compare,
        stop: ctrlC.stop,
        abandon: ctrlC.abandon,
        persist: dbPath ? { dbPath, comparisonId: this.comparisonId, resumeId } : undefined,
      });
    } catch (e) {
      if (ctrlC.abandon.aborted) throw new Interrupted();
      throw e;
    } finally {
      ctrlC.dispose();
    }
  }
}

/**
 * Ctrl-C while runs train: the first sets the shared stop flag the runs
 * poll; a second (or one after a failed run has set the flag) aborts
 * `abandon`, which terminates the runs' threads.
 */
function listenForCtrlC(onStopping?: () => void): { stop: SharedArrayBuffer; abandon: AbortSignal; dispose(): void } {
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const abandon = new AbortController();
  const onSigint = () => {
    if (Atomics.load(flag, 0) !== 0) return abandon.abort(new Interrupted());
    Atomics.store(flag, 0, 1);
    onStopping?.();
  };
  process.on("SIGINT", onSigint);
  return { stop, abandon: abandon.signal, dispose: () => process.off("SIGINT", onSigint) };
}
