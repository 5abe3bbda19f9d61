/**
 * `rewardlab serve --spec SPEC [--port 8000] [--workers N]`: the HTTP reward
 * server (src/server/app.ts) for an agentic reward spec; with --workers,
 * N processes share the port (src/server/cluster.ts).
 */
import cluster from "node:cluster";
import { loadAgenticSpec, loadPipeline } from "../../agentic/load.js";
import { TemplateOption } from "../../agentic/templates.js";
import { parseConfig } from "../../core/config.js";
import { UserError } from "../../core/errors.js";
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
    if (port === 0) port = await freePort(host);
    const { url, stopped } = await runPrimary(workers, port);
    banner(url, spec.aspects.map((a) => a.name));
    return stopped;
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
  } finally {
    worker?.disconnect();
  }
}
