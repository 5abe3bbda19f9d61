/**
 * A real Redis for tests: `REWARDLAB_TEST_REDIS` (a URL; .ci/run starts one
 * on 127.0.0.1) when set, else a `redis-server` of Debian's started here on
 * a free loopback port without persistence, stopped when the tests are
 * done. Without either, `redisAvailable` is false and the tests that need
 * it say so in their name.
 */
import { spawn, spawnSync } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "./ports.js";

const binary = (): string | undefined => {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
  return found || undefined;
};

export const redisAvailable = Boolean(process.env.REWARDLAB_TEST_REDIS) || binary() !== undefined;


export interface TestRedis {
  url: string;
  /** Empties it (a test's queue starts clean). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const given = process.env.REWARDLAB_TEST_REDIS;
  let stop = async () => {};
  let url = given ?? "";
  if (!given) {
    const port = await freePort();
    const server = spawn(binary()!, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const onExit = () => server.kill("SIGKILL");
    process.once("exit", onExit);
    url = `redis://127.0.0.1:${port}`;
    stop = async () => {
      process.off("exit", onExit);
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    };
  }
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 50 ? null : 100) });
  client.on("error", () => {});
  for (let tries = 0; ; tries++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (e) {
      if (tries > 50) throw new Error(`Redis did not start: ${(e as Error).message}`);
      client.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    flush: async () => void (await client.flushdb()),
    stop: async () => {
      client.disconnect();
      await stop();
    },
  };
}
