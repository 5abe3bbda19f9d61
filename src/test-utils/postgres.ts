/**
 * A real PostgreSQL for tests. `REWARDLAB_TEST_POSTGRES` (a URL whose user
 * may create databases; .ci/run starts one on 127.0.0.1) is used when set;
 * otherwise, when Debian's postgresql binaries are installed, a throwaway
 * cluster is made in a temporary folder, served on a free loopback port
 * with fsync off, and removed when the tests are done. Each caller gets a
 * database of its own. Without either, `available` is false and the tests
 * that need the server say so in their name.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./ports.js";

export interface TestPostgres {
  /** A fresh, empty database's URL. */
  newDatabase(): Promise<string>;
  /** Drops the databases made and stops a cluster started here. */
  stop(): Promise<void>;
}

function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], "bin") : undefined;
}

/** Whether tests can have a PostgreSQL here. */
export const postgresAvailable = Boolean(process.env.REWARDLAB_TEST_POSTGRES) || binDir() !== undefined;


/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user. */
const asServerUser = (argv: string[]): string[] => (process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...argv] : argv);

async function startCluster(): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = binDir();
  if (!bin) throw new Error("no PostgreSQL: set REWARDLAB_TEST_POSTGRES or install Debian's postgresql");
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-pg-"));
  if (process.getuid?.() === 0) chownSync(dir, Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim()), 0);
  const data = join(dir, "data");
  const [cmd, ...args] = asServerUser([join(bin, "initdb"), "-D", data, "-U", "rewardlab", "--auth=trust", "-E", "UTF8", "--no-locale"]);
  const init = spawnSync(cmd, args, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [pcmd, ...pargs] = asServerUser([join(bin, "postgres"), "-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
  // Its own process group, so a signal reaches postgres through runuser.
  const server: ChildProcess = spawn(pcmd, pargs, { stdio: "ignore", detached: true });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, sig);
    } catch {
      // already gone
    }
  };
  // A test process that dies without stopping it takes the cluster down too.
  const onExit = () => signal("SIGQUIT");
  process.once("exit", onExit);
  const url = `postgres://rewardlab@127.0.0.1:${port}/postgres`;
  for (let tries = 0; ; tries++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (e) {
      await client.end().catch(() => {});
      if (tries > 100 || server.exitCode !== null) throw new Error(`PostgreSQL did not start: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    stop: async () => {
      // SIGINT: fast shutdown (disconnect clients, no waiting).
      const exited = new Promise((r) => server.once("exit", r));
      process.off("exit", onExit);
      signal("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (server.exitCode === null) signal("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env.REWARDLAB_TEST_POSTGRES;
  const cluster = given ? undefined : await startCluster();
  const admin = given ?? cluster!.url;
  const made: string[] = [];
  const adminQuery = async (text: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  return {
    async newDatabase() {
      const name = `rewardlab_test_${process.pid}_${made.length}_${Math.random().toString(36).slice(2, 8)}`;
      await adminQuery(`create database ${name}`);
      made.push(name);
      const u = new URL(admin);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async stop() {
      if (cluster) return cluster.stop();
      for (const name of made) await adminQuery(`drop database if exists ${name} with (force)`).catch(() => {});
    },
  };
}

/** Runs one query on a fresh connection: the rows (for tests that read what the store wrote). */
export async function pgQuery<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
