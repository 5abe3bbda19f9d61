/**
 * Starting the reward server and stopping it gracefully: on SIGINT or
 * SIGTERM it stops accepting connections, finishes the requests in flight,
 * closes the scorers and exits.
 */
import type { FastifyInstance } from "fastify";
import { UserError } from "../core/errors.js";
import type { RewardPipeline } from "../agentic/pipeline.js";
import { buildServer, type ServerOptions } from "./app.js";

export interface ListenOptions extends ServerOptions {
  host?: string;
  port?: number;
}

export async function startServer(pipeline: RewardPipeline, options: ListenOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildServer(pipeline, options);
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8000;
  try {
    return { app, url: await app.listen({ host, port }) };
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UserError("--port", `${port} is already in use on ${host}; pick another or stop what listens there`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UserError("--host", `cannot listen on ${JSON.stringify(host)} (${code})`);
    if (code === "EACCES") throw new UserError("--port", `not allowed to listen on port ${port} (ports below 1024 need privileges)`);
    throw e;
  }
}

/** Closes `app` on the first SIGINT/SIGTERM (a second one exits at once). */
export function closeOnSignals(app: FastifyInstance, onClosed: () => void): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130);
    closing = true;
    process.stderr.write(`${signal}: finishing requests in flight, then stopping\n`);
    void app.close().then(onClosed);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
