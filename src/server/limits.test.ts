/**
 * The server under clients that misbehave, over real sockets on 127.0.0.1:
 * idle and byte-by-byte connections are closed on time while other
 * requests are served; a trajectory with no response is a 400 on every
 * route that takes trajectories; a client that goes away cancels its work.
 */
import { connect, type Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { RewardPipeline } from "../agentic/pipeline.js";
import { defineScorer, ruleScorer, type ScorerDefinition } from "../agentic/scorer.js";
import { codeScorer } from "../agentic/scorers/code.js";
import { parseAgenticSpec } from "../agentic/spec.js";
import { buildServer, type ServerOptions } from "./app.js";

const length = defineScorer({
  kind: "length",
  description: "test scorer",
  options: z.object({}).strict(),
  make: (_o, name) => ruleScorer(name, (t) => ({ value: t.answer.length, reason: "chars" })),
});

/** `waits`: never answers on its own; records each batch's signal and when it aborted. */
const signals: { signal?: AbortSignal; abortedAt?: number }[] = [];
const waits = defineScorer({
  kind: "waits",
  description: "test scorer",
  options: z.object({}).strict(),
  make: (_o, name) => ({
    name,
    scoreBatch: (batch, options) =>
      new Promise((resolve) => {
        const entry: { signal?: AbortSignal; abortedAt?: number } = { signal: options?.signal };
        signals.push(entry);
        options?.signal?.addEventListener("abort", () => {
          entry.abortedAt = performance.now();
          resolve(batch.map(() => ({ value: null, reason: "stopped" })));
        });
      }),
  }),
});
const DEFS = new Map<string, ScorerDefinition>([length, waits, codeScorer].map((d) => [d.kind, d as ScorerDefinition]));

let app: FastifyInstance | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await app?.close();
  app = undefined;
});

async function start(spec: unknown, options: ServerOptions = {}): Promise<{ url: string; port: number }> {
  app = buildServer(new RewardPipeline(parseAgenticSpec(spec, DEFS), { baseDir: ".", env: {} }), options);
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { url, port: Number(new URL(url).port) };
}

const LENGTH = { aspects: [{ kind: "length" }] };

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** A raw connection; resolves once connected. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.on("error", () => {}); // a reset while closing is what the server does to slow clients
    s.once("error", reject);
    sockets.push(s);
  });
}

/** Resolves with the time the socket closed. */
const closedAt = (s: Socket): Promise<number> => new Promise((resolve) => (s.closed ? resolve(performance.now()) : s.once("close", () => resolve(performance.now()))));

describe("a trajectory without a response", () => {
  it("is a 400 naming the field on /v1/score, /v1/score/batch and /v1/advantages", async () => {
    const { url } = await start(LENGTH);
    const one = await post(`${url}/v1/score`, {});
    expect(one.status).toBe(400);
    expect(one.json.error).toBe("body.answer: missing; a trajectory needs its response: `answer`, or an assistant message in `turns`");
    const batch = await post(`${url}/v1/score/batch`, { trajectories: [{ answer: "x" }, { prompt: "p", turns: [{ role: "user", content: "hi" }] }] });
    expect(batch.status).toBe(400);
    expect(batch.json.error).toMatch(/^body\.trajectories\[1\]\.answer: missing; /);
    const groups = await post(`${url}/v1/advantages`, { groups: [[{ answer: "a" }], [{ answer: "b" }, { reference: { answer: "b" } }]] });
    expect(groups.status).toBe(400);
    expect(groups.json.error).toMatch(/^body\.groups\[1\]\[1\]\.answer: missing; /);
  });

  it("an empty answer, or an assistant turn with only tool calls, is a response", async () => {
    const { url } = await start(LENGTH);
    expect((await post(`${url}/v1/score`, { answer: "" })).json.reward).toBe(0);
    const calls = await post(`${url}/v1/score`, { turns: [{ role: "assistant", toolCalls: [{ name: "search" }] }] });
    expect(calls.status).toBe(200);
    expect(calls.json.reward).toBe(0);
    // A body that is not a trajectory at all keeps the schema's error.
    expect((await post(`${url}/v1/score/batch`, { trajectories: "x" })).json.error).toBe("body.trajectories: expected array");
  });
});

describe("connection timeouts", () => {
  it("closes 300 idle connections after headersTimeout while /health is served", async () => {
    const { url, port } = await start(LENGTH, { headersTimeout: 400 });
    const t0 = performance.now();
    const idle = await Promise.all(Array.from({ length: 300 }, () => open(port)));
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const closed = await Promise.all(idle.map(closedAt));
    const last = Math.max(...closed) - t0;
    // 400 ms, checked every 200 ms: all gone well within a second and a half (Node's defaults: 60 s + 30 s).
    expect(last).toBeLessThan(1500);
  });

  it("closes 300 connections that send their headers a byte at a time", async () => {
    const { port } = await start(LENGTH, { headersTimeout: 400 });
    const t0 = performance.now();
    const slow = await Promise.all(Array.from({ length: 300 }, () => open(port)));
    const head = "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    let k = 0;
    const drip = setInterval(() => {
      for (const s of slow) if (!s.destroyed) s.write(head[k % head.length]!);
      k++;
    }, 20);
    try {
      const closed = await Promise.all(slow.map(closedAt));
      expect(Math.max(...closed) - t0).toBeLessThan(1500);
      expect(k).toBeGreaterThan(5); // they were sending all along
    } finally {
      clearInterval(drip);
    }
  });

  it("closes a connection whose body trickles in after requestTimeout, and one left idle after a response after keepAliveTimeout", async () => {
    const { port } = await start(LENGTH, { headersTimeout: 300, requestTimeout: 600, keepAliveTimeout: 300 });
    const trickle = await open(port);
    const t0 = performance.now();
    trickle.write("POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
    const drip = setInterval(() => !trickle.destroyed && trickle.write(" "), 20);
    try {
      const at = await closedAt(trickle);
      expect(at - t0).toBeGreaterThanOrEqual(550);
      expect(at - t0).toBeLessThan(1600);
    } finally {
      clearInterval(drip);
    }
    const kept = await open(port);
    const reply = new Promise<string>((resolve) => kept.once("data", (d) => resolve(d.toString())));
    const body = '{"answer":"abc"}';
    kept.write(`POST /v1/score HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(await reply).toMatch(/^HTTP\/1\.1 200/);
    const t1 = performance.now();
    const at = await closedAt(kept);
    // Node keeps an idle keep-alive socket keepAliveTimeout + 1 s (its buffer against races with clients reusing it).
    expect(at - t1).toBeGreaterThanOrEqual(250);
    expect(at - t1).toBeLessThan(2000);
  });
});

describe("a client that goes away", () => {
  it("aborts its request's signal, and the next request does not wait for it", async () => {
    signals.length = 0;
    const { url, port } = await start({ aspects: [{ kind: "waits" }, { kind: "length" }] });
    const s = await open(port);
    const body = '{"answer":"abc"}';
    s.write(`POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    while (signals.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(signals[0]!.signal?.aborted).toBe(false);
    const gone = performance.now();
    s.destroy();
    while (signals[0]!.abortedAt === undefined) await new Promise((r) => setTimeout(r, 5));
    expect(signals[0]!.abortedAt! - gone).toBeLessThan(200);
    // The server still answers, and a request that completes normally never sees its signal abort while scoring.
    const health = await fetch(`${url}/health`);
    expect(((await health.json()) as { inFlight: number }).inFlight).toBe(0);
  });

  it("frees the code sandbox: a request after a disconnected batch of 40 endless loops is answered at once", async () => {
    const { url, port } = await start({ aspects: [{ kind: "code", timeout: 1000, concurrency: 2 }] });
    const tests = { tests: [{ input: "assert(f() === 1)" }] };
    const loops = JSON.stringify({ trajectories: Array.from({ length: 40 }, () => ({ answer: "function f() { for (;;); }", reference: tests })) });
    const s = await open(port);
    s.write(`POST /v1/score/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(loops)}\r\n\r\n${loops}`);
    await new Promise((r) => setTimeout(r, 300));
    s.destroy();
    const t0 = performance.now();
    const r = await post(`${url}/v1/score`, { answer: "function f() { return 1; }", reference: tests });
    // Without the cancel: 2 processes × 20 s of loops ahead of it.
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(r.json.reward).toBe(1);
  });
});
