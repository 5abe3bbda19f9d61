/**
 * `rewardlab serve --workers 2` as users run it: the built command in a
 * child process (cluster workers re-run the command, so it cannot run
 * inside the test process). `npm test` builds dist/ first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { packageFile } from "../core/paths.js";

const MAIN = packageFile("dist/src/cli/main.js");
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

function serve(args: string[]): Promise<{ url: string; output: () => string; exit: Promise<number | null> }> {
  child = spawn(process.execPath, [MAIN, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
  const exit = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /server on (http:\/\/\S+) /.exec(text);
      if (m) {
        clearInterval(timer);
        resolve({ url: m[1]!, output: () => text, exit });
      }
    }, 20);
    void exit.then((code) => {
      clearInterval(timer);
      reject(new Error(`serve exited with ${code}: ${text}`));
    });
  });
}

/** One request on a connection of its own (so the primary may hand it to any worker). */
function fresh(method: string, url: string, body?: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: body === undefined ? {} : { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve(JSON.parse(text)));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

it("two worker processes share the port, /metrics sums both, and SIGTERM stops them all", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-cluster-"));
  const spec = join(dir, "spec.json");
  writeFileSync(spec, JSON.stringify({ aspects: [{ kind: "exact" }] }));
  const { url, output, exit } = await serve(["--spec", spec, "--port", "0", "--workers", "2"]);
  expect(output()).toMatch(/2 processes/);
  // Enough requests on fresh connections that both workers answer some.
  const pids = new Set<number>();
  for (let i = 0; i < 40; i++) expect((await fresh("POST", `${url}/v1/score`, { answer: "a", reference: { answer: "a" } })).reward).toBe(1);
  for (let i = 0; i < 10; i++) pids.add((await fresh("GET", `${url}/health`)).pid);
  expect(pids.size).toBe(2);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toMatch(/^rewardlab_processes 2$/m);
  expect(metrics).toMatch(/^rewardlab_trajectories_scored_total 40$/m);
  child!.kill("SIGTERM");
  expect(await exit).toBe(0);
  expect(output()).toMatch(/workers finish their requests in flight/);
}, 30_000);

it("workers stop when their primary is killed outright, instead of holding the port", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-cluster-"));
  const spec = join(dir, "spec.json");
  writeFileSync(spec, JSON.stringify({ aspects: [{ kind: "exact" }] }));
  const { url } = await serve(["--spec", spec, "--port", "0", "--workers", "2"]);
  const pids = new Set<number>();
  for (let i = 0; i < 6; i++) pids.add((await fresh("GET", `${url}/health`)).pid);
  expect(pids.size).toBe(2);
  child!.kill("SIGKILL");
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 5000;
  while ([...pids].some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect([...pids].filter(alive)).toEqual([]);
}, 30_000);

it("a port in use is one clear error, from one process or from workers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rewardlab-cluster-"));
  const spec = join(dir, "spec.json");
  writeFileSync(spec, JSON.stringify({ aspects: [{ kind: "exact" }] }));
  const first = await serve(["--spec", spec, "--port", "0"]);
  const port = new URL(first.url).port;
  const holder = child!;
  for (const extra of [[], ["--workers", "2"]]) {
    const second = spawn(process.execPath, [MAIN, "serve", "--spec", spec, "--port", port, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    second.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`error: --port: ${port} is already in use on 127\\.0\\.0\\.1`));
    expect(err).not.toMatch(/ at .*\.js:\d+/);
  }
  holder.kill("SIGTERM");
}, 30_000);
