/**
 * `rewardlab serve --workers N`: N processes serve one port (node:cluster;
 * the primary hands each connection to a worker). One Node process scores
 * on one core; under a trainer's load the other cores would idle.
 *
 * The primary only starts the workers, forwards SIGINT/SIGTERM to them
 * (each finishes its requests in flight), restarts a worker that dies, and
 * sums the workers' metrics when one is asked for /metrics.
 */
import cluster, { type Worker } from "node:cluster";
import { createServer } from "node:net";
import { UserError } from "../core/errors.js";
import type { MetricsSnapshot } from "./metrics.js";

type Message =
  | { rewardlab: "listening"; url: string }
  | { rewardlab: "metrics?"; id: number }
  | { rewardlab: "snapshot?"; id: number }
  | { rewardlab: "snapshot"; id: number; data: MetricsSnapshot }
  | { rewardlab: "metrics"; id: number; snapshots: MetricsSnapshot[] };

export const PORT_ENV = "REWARDLAB_SERVE_PORT";

/** A free port on `host`, for workers that must all listen on the same one. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Runs the primary: forks `workers` copies of this command, resolves with
 * the URL once all listen; `stopped` resolves when all have exited after a
 * signal.
 */
export async function runPrimary(workers: number, port: number): Promise<{ url: string; stopped: Promise<void> }> {
  const live = new Set<Worker>();
  let stopping = false;
  // Gatherings in progress, by the primary's id; replyId is the asking worker's own id for it.
  const pending = new Map<number, { requester: Worker; replyId: number; snapshots: MetricsSnapshot[]; expected: number; timer: NodeJS.Timeout }>();
  let nextId = 0;

  const finish = (id: number) => {
    const p = pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(id);
    if (p.requester.isConnected()) p.requester.send({ rewardlab: "metrics", id: p.replyId, snapshots: p.snapshots } satisfies Message);
  };

  const onMessage = (worker: Worker, message: Message) => {
    if (message?.rewardlab === "metrics?") {
      // Ask every worker (the requester too) for its tallies; answer with what came within a second.
      const id = nextId++;
      const others = [...live].filter((w) => w.isConnected());
      pending.set(id, { requester: worker, replyId: message.id, snapshots: [], expected: others.length, timer: setTimeout(() => finish(id), 1000) });
      for (const w of others) w.send({ rewardlab: "snapshot?", id } satisfies Message);
    } else if (message?.rewardlab === "snapshot") {
      const p = pending.get(message.id);
      if (!p) return;
      p.snapshots.push(message.data);
      if (p.snapshots.length === p.expected) finish(message.id);
    }
  };

  const fork = (): Worker => {
    const worker = cluster.fork({ [PORT_ENV]: String(port) });
    live.add(worker);
    worker.on("message", (m: Message) => onMessage(worker, m));
    worker.on("exit", (code, signal) => {
      live.delete(worker);
      if (!stopping && listening) {
        process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another\n`);
        fork();
      }
    });
    return worker;
  };

  let listening = false;
  const url = await new Promise<string>((resolve, reject) => {
    let ready = 0;
    for (let i = 0; i < workers; i++) {
      const w = fork();
      w.on("message", (m: Message) => {
        if (m?.rewardlab === "listening" && ++ready === workers) {
          listening = true;
          resolve(m.url);
        }
      });
      w.once("exit", (code) => {
        if (listening) return;
        stopping = true;
        for (const other of live) other.process.kill("SIGTERM");
        reject(new UserError("--workers", `a worker exited with code ${code} before it could listen (its error is above)`));
      });
    }
  });

  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write(`${signal}: workers finish their requests in flight, then stop\n`);
      if (live.size === 0) resolve();
      for (const w of live) {
        w.once("exit", () => live.size === 0 && resolve());
        w.process.kill("SIGTERM");
      }
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return { url, stopped };
}

/**
 * A worker's side of the channel to the primary: say it listens, answer the
 * primary's snapshot requests, gather every worker's metrics, hear when the
 * primary is gone, and let go of the channel so the worker can exit.
 */
export interface WorkerChannel {
  listening(url: string): void;
  gatherMetrics(own: MetricsSnapshot): Promise<MetricsSnapshot[]>;
  /** `stop` runs if the primary dies (killed, crashed): no one would forward signals any more. */
  onOrphaned(stop: () => void): void;
  disconnect(): void;
}

export function workerChannel(snapshot: () => MetricsSnapshot): WorkerChannel {
  const waiting = new Map<number, (s: MetricsSnapshot[]) => void>();
  let nextId = 0;
  let orphaned = () => {};
  const onDisconnect = () => orphaned();
  process.once("disconnect", onDisconnect);
  process.on("message", (m: Message) => {
    if (m?.rewardlab === "snapshot?") process.send!({ rewardlab: "snapshot", id: m.id, data: snapshot() } satisfies Message);
    else if (m?.rewardlab === "metrics") {
      waiting.get(m.id)?.(m.snapshots);
      waiting.delete(m.id);
    }
  });
  return {
    listening: (url) => {
      process.send!({ rewardlab: "listening", url } satisfies Message);
      // Listening went through the channel; from now on it must not keep the worker alive once its server has closed.
      process.channel?.unref();
    },
    gatherMetrics: (own) =>
      new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve([own]);
        }, 2000);
        waiting.set(id, (s) => {
          clearTimeout(timer);
          resolve(s.length > 0 ? s : [own]);
        });
        process.send!({ rewardlab: "metrics?", id } satisfies Message);
      }),
    onOrphaned: (stop) => {
      orphaned = stop;
    },
    disconnect: () => {
      process.off("disconnect", onDisconnect);
      if (process.connected) process.disconnect();
    },
  };
}
