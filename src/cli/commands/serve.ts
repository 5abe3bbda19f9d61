/**
 * `rewardlab serve --spec SPEC [--port 8000]`: the HTTP reward server
 * (src/server/app.ts) for an agentic reward spec.
 */
import { UserError } from "../../core/errors.js";
import { loadPipeline } from "../../agentic/load.js";
import { closeOnSignals, startServer } from "../../server/serve.js";
import { intOption } from "../args.js";

export interface ServeOptions {
  spec?: string;
  port?: string;
  host?: string;
  tokenEnv?: string;
  bodyLimit?: string;
  maxInFlight?: string;
  maxQueue?: string;
  log?: boolean;
}

export async function serve(opts: ServeOptions): Promise<void> {
  if (!opts.spec) throw new UserError("--spec", "missing; expected an agentic reward spec (YAML or JSON), e.g. examples/agentic/math.yaml");
  const port = intOption(opts.port ?? "8000", "--port", 0);
  if (port > 65535) throw new UserError("--port", `expected a port 0–65535, got ${port}`);
  const tokenEnv = opts.tokenEnv ?? "REWARDLAB_TOKEN";
  const token = process.env[tokenEnv] || undefined;
  const pipeline = loadPipeline(opts.spec);
  const { app, url } = await startServer(pipeline, {
    host: opts.host ?? "127.0.0.1",
    port,
    token,
    bodyLimit: intOption(opts.bodyLimit ?? String(16 * 1024 * 1024), "--body-limit", 1024),
    maxInFlight: intOption(opts.maxInFlight ?? "64", "--max-in-flight", 1),
    maxQueue: intOption(opts.maxQueue ?? "1024", "--max-queue", 0),
    logger: !!opts.log,
  });
  console.log(`rewardlab reward server on ${url} (aspects: ${pipeline.aspectNames.join(", ")}; auth: ${token ? `bearer token from $${tokenEnv}` : "none"})`);
  console.log(`  POST ${url}/v1/score  /v1/score/batch  /v1/advantages  /get_reward (OpenRLHF)  /compute_score (verl)   GET /health  /metrics`);
  await new Promise<void>((resolve) => closeOnSignals(app, resolve));
}
