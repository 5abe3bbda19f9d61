/**
 * `rewardlab serve --spec SPEC [--port 8000] [--workers N]`: the HTTP reward
 * server (src/server/app.ts) for an agentic reward spec; with --workers,
 * N processes share the port (src/server/cluster.ts).
 */
import cluster from "node:cluster";
import { loadAgenticSpec, loadPipeline } from "../../agentic/load.js";
import { TemplateOption } from "../../agentic/templates.js";
import { parseConfig } from "../../core/config.js";
import { ReportedError, reviveError, serializeError, UserError } from "../../core/errors.js";
import { freePort, PORT_ENV, runPrimary, workerChannel } from "../../server/cluster.js";
import type { FastifyInstance } from "fastify";
import { metricsSnapshot } from "../../server/app.js";
import { EMPTY_SNAPSHOT } from "../../server/metrics.js";
import { closeOnSignals, startServer } from "../../server/serve.js";
import { intOption } from "../args.js";

export interface ServeOptions {
  spec?: string;
  port?: string;
  host?: string;
  workers?: string;
  tokenEnv?: string;
  bodyLimit?: string;
  maxInFlight?: string;
  maxQueue?: string;
  failedReward?: string;
  template?: string;
  log?: boolean;
}

/** A failure to listen on `host` as the one-line error a single process gives (src/server/serve.ts). */
function listenError(e: unknown, host: string, port: number): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return new UserError("--host", `cannot listen on ${JSON.stringify(host)} (${code})`);
  if (code === "EADDRINUSE") return new UserError("--port", `${port} is already in use on ${host}; pick another or stop what listens there`);
  return e;
}

/** `--failed-reward null|<number>`. */
export function failedRewardOption(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === "null") return null;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x)) throw new UserError("--failed-reward", `expected null or a finite number (0, a penalty such as -1), got ${JSON.stringify(value)}`);
  return x;
}

export async function serve(opts: ServeOptions): Promise<void> {
  if (!opts.spec) throw new UserError("--spec", "missing; expected an agentic reward spec (YAML or JSON), e.g. examples/agentic/math.yaml");
  let port = intOption(opts.port ?? "8000", "--port", 0);
  if (port > 65535) throw new UserError("--port", `expected a port 0–65535, got ${port}`);
  const host = opts.host ?? "127.0.0.1";
  const workers = intOption(opts.workers ?? "1", "--workers", 1);
  const tokenEnv = opts.tokenEnv ?? "REWARDLAB_TOKEN";
  const token = process.env[tokenEnv] || undefined;
  const limits = {
    bodyLimit: intOption(opts.bodyLimit ?? String(16 * 1024 * 1024), "--body-limit", 1024),
    maxInFlight: intOption(opts.maxInFlight ?? "64", "--max-in-flight", 1),
    maxQueue: intOption(opts.maxQueue ?? "1024", "--max-queue", 0),
    logger: !!opts.log,
    failedReward: failedRewardOption(opts.failedReward),
  };
  const banner = (url: string, aspects: string[]) => {
    console.log(`rewardlab reward server on ${url} (aspects: ${aspects.join(", ")}; ${workers} process${workers > 1 ? "es" : ""}; auth: ${token ? `bearer token from $${tokenEnv}` : "none"})`);
    console.log(`  POST ${url}/v1/score  /v1/score/batch  /v1/advantages  /get_reward (OpenRLHF)  /compute_score (verl)   GET /health  /metrics`);
  };

  if (workers > 1 && cluster.isPrimary) {
    const spec = loadAgenticSpec(opts.spec); // a bad spec (or --template) fails here, once, not in every worker
    if (opts.template !== undefined) parseConfig(TemplateOption, opts.template, "--template");
    if (port === 0) port = await freePort(host).catch((e) => Promise.reject(listenError(e, host, port)));
    // A worker that cannot start sends its UserError here; it is printed once, as this process's own.
    const workerErrors: unknown[] = [];
    const onMessage = (_worker: unknown, message: { rewardlab?: unknown; error?: unknown }) => {
      if (message?.rewardlab === "error") workerErrors.push(reviveError(message.error));
    };
    cluster.on("message", onMessage);
    try {
      const { url, stopped } = await runPrimary(workers, port);
      banner(url, spec.aspects.map((a) => a.name));
      return await stopped;
    } catch (e) {
      // The worker's message may trail its exit by a turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw workerErrors.find((w) => w instanceof UserError) ?? e;
    } finally {
      cluster.off("message", onMessage);
    }
  }

  const pipeline = loadPipeline(opts.spec, process.env, { template: opts.template });
  // A worker of `--workers` listens on the port its primary chose and reports to it.
  let app: FastifyInstance | undefined;
  const worker = cluster.isWorker ? workerChannel(() => (app ? metricsSnapshot(app) : EMPTY_SNAPSHOT)) : undefined;
  try {
    const started = await startServer(pipeline, { host, port: worker ? Number(process.env[PORT_ENV]) : port, token, ...limits, gatherMetrics: worker?.gatherMetrics });
    app = started.app;
    if (worker) worker.listening(started.url);
    else banner(started.url, pipeline.aspectNames);
    await new Promise<void>((resolve) => {
      closeOnSignals(started.app, resolve);
      worker?.onOrphaned(() => void started.app.close().then(resolve));
    });
  } catch (e) {
    // A worker's user error (the port taken, say) is printed by the primary, once, not by every worker.
    if (!worker || !(e instanceof UserError) || !process.connected) throw e;
    await new Promise<void>((resolve) => process.send!({ rewardlab: "error", error: serializeError(e) }, () => resolve()));
    throw new ReportedError(2, e);
  } finally {
    worker?.disconnect();
  }
}
