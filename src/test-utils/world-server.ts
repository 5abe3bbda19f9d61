/** The reward server on a loopback port, for tests of its text worlds (and the system's python3 that plays them). */
import { existsSync } from "node:fs";
import { RewardPipeline } from "../agentic/pipeline.js";
import { SCORERS } from "../agentic/scorers/registry.js";
import { parseAgenticSpec } from "../agentic/spec.js";
import { buildServer } from "../server/app.js";

export const PYTHON = process.env.REWARDLAB_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

export async function startWorldServer(): Promise<{ url: string; close(): Promise<void> }> {
  const app = buildServer(new RewardPipeline(parseAgenticSpec({ aspects: [{ name: "format", kind: "tags", tags: ["think"] }] }, SCORERS), { baseDir: ".", env: {} }));
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { url, close: () => app.close() };
}
