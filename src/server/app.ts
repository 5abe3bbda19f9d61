/**
 * The HTTP reward server (Fastify). Routes:
 *
 * | route | body | reply |
 * |---|---|---|
 * | `POST /v1/score` | a trajectory | `{reward, aspects, reasons}` |
 * | `POST /v1/score/batch` | `{trajectories: [...]}` | `{results: [...]}` |
 * | `POST /v1/advantages` | `{groups: [[trajectory, ...], ...]}` or `{rewards: [[n, ...], ...]}` | `{rewards, advantages}` (grouped) |
 * | `POST /v1/trl` | TRL's reward-function kwargs `{prompts, completions, <column>...}` | `{rewards}` (null: TRL's None) |
 * | `POST /get_reward` | OpenRLHF `{query, prompts, labels}` | `{rewards, scores, extra_logs}` |
 * | `POST /compute_score` | verl `{data_source, solution_str, ground_truth, extra_info}` or the batch form | `{score, <aspect>: value}` (or a list) |
 * | `POST /v1/worlds`, `POST /v1/worlds/:id/step`, `DELETE /v1/worlds/:id` | `{world, seed}`, `{message}` | a text world's episode over HTTP (worlds.ts) |
 * | `GET /health` | | `{status: "ok", aspects}` |
 * | `GET /metrics` | | Prometheus text |
 *
 * Bodies are validated by JSON Schema (generated from the zod schemas); a
 * bad body is a 400 with one line naming the path, and a trajectory with no
 * response (no `answer` and no assistant turn) is one too. Optional
 * bearer-token auth; a body-size limit (413); bounded concurrency (429
 * beyond the queue); `close()` finishes in-flight requests before it
 * resolves.
 *
 * Connections are bounded in time: headers must arrive within
 * `headersTimeout`, the whole request within `requestTimeout`, and an idle
 * keep-alive connection is closed after `keepAliveTimeout` (Node's HTTP
 * server enforces all three, checked every `connectionsCheckingInterval`),
 * so idle or byte-by-byte clients cannot hold sockets. A request whose
 * client goes away is cancelled: the pipeline gets the request's
 * AbortSignal and the sandboxed scorers stop its work.
 */
import { timingSafeEqual } from "node:crypto";
import type { Socket } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { fromOpenRlhf, fromTrl, fromVerlScore } from "../agentic/import.js";
import { FAILED, RewardPipeline, SCORED, type BatchScores } from "../agentic/pipeline.js";
import { completeTrajectory, Trajectory } from "../agentic/trajectory.js";
import { UserError } from "../core/errors.js";
import { errorHandler } from "./errors.js";
import { Limiter, Overloaded } from "../core/limiter.js";
import { CONTENT_TYPE as METRICS_CONTENT_TYPE, renderMetrics, ServerMetrics, type MetricsSnapshot } from "./metrics.js";
import { worldRoutes } from "./worlds.js";
import { advantagesRoute } from "./advantages.js";
import { clientGone, jsonSchema, listAt, parseJsonBody, requireResponses } from "./requests.js";

export interface ServerOptions {
  /** When set, every route but /health needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest body accepted, in bytes (default 16 MiB). */
  bodyLimit?: number;
  /** Requests scoring at once (default 64). */
  maxInFlight?: number;
  /** Requests waiting beyond those (default 1024); more are refused with 429. */
  maxQueue?: number;
  /** Most trajectories in one request (default 10,000). */
  maxBatch?: number;
  /** What a trainer receives for a failed reward (default: the spec's `failedReward`, null unless set). */
  failedReward?: number | null;
  /** Milliseconds a client has to send a request's headers, from its first byte or from connecting (default 10 s). */
  headersTimeout?: number;
  /** Milliseconds a client has to send a whole request, body included (default 60 s; at least `headersTimeout`). */
  requestTimeout?: number;
  /** Milliseconds an idle keep-alive connection stays open after a response (default 30 s). */
  keepAliveTimeout?: number;
  /** Fastify's request log (default off: it costs throughput). */
  logger?: boolean;
  /**
   * The metrics of every process serving this port, this one's included
   * (`--workers`); by default this process's alone.
   */
  gatherMetrics?: (own: MetricsSnapshot) => Promise<MetricsSnapshot[]>;
}

const OpenRlhfBody = z
  .object({
    query: z.array(z.string()).describe("decoded prompt + response, one per sample"),
    prompts: z.array(z.string()).optional(),
    labels: z.array(z.unknown()).optional(),
  })
  .loose();

const TrlBody = z
  .object({
    prompts: z.array(z.unknown()).describe("TRL's prompts: text or message lists"),
    completions: z.array(z.unknown()).describe("TRL's completions: text or message lists"),
  })
  .loose()
  .describe("a TRL reward function's keyword arguments; every other key is a dataset column, one value per completion");

/** Keyword arguments of TRL's reward functions that are not dataset columns. */
const TRL_NOT_COLUMNS = new Set(["prompts", "completions", "completion_ids", "trainer_state", "log_extra", "log_metric", "environments"]);

const VerlItem = z
  .object({
    data_source: z.unknown().optional(),
    solution_str: z.string(),
    ground_truth: z.unknown().optional(),
    extra_info: z.unknown().optional(),
  })
  .loose();

const VerlBatch = z
  .object({
    data_sources: z.array(z.unknown()).optional(),
    solution_strs: z.array(z.string()),
    ground_truths: z.array(z.unknown()).optional(),
    extra_infos: z.array(z.unknown()).optional(),
  })
  .loose();

const metricsOf = new WeakMap<FastifyInstance, ServerMetrics>();

/** A server's metric tallies now (a worker answers the primary with them). */
export function metricsSnapshot(app: FastifyInstance): MetricsSnapshot {
  return metricsOf.get(app)!.snapshot();
}

export function buildServer(pipeline: RewardPipeline, options: ServerOptions = {}): FastifyInstance {
  const maxBatch = options.maxBatch ?? 10_000;
  const failedReward = options.failedReward !== undefined ? options.failedReward : pipeline.spec.failedReward;
  const headersTimeout = options.headersTimeout ?? 10_000;
  const requestTimeout = Math.max(options.requestTimeout ?? 60_000, headersTimeout);
  const app = Fastify({
    logger: options.logger ?? false,
    // Node's defaults let a client hold a socket for a minute or more with an idle or byte-by-byte request
    // (headers: 60 s, checked every 30 s; keep-alive: Fastify's 72 s). The checks run every second at most.
    http: { headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 2))) },
    requestTimeout,
    keepAliveTimeout: options.keepAliveTimeout ?? 30_000,
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    // Unknown keys are errors, not silently dropped; no type coercion: a reward is computed from what was sent.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false, strict: false } },
    return503OnClosing: true,
  });
  const limiter = new Limiter(options.maxInFlight ?? 64, options.maxQueue ?? 1024);
  const metrics = new ServerMetrics(() => ({ inFlight: limiter.inFlight, queued: limiter.queued }));
  metricsOf.set(app, metrics);
  app.setErrorHandler(errorHandler);
  // Bodies are JSON only (Fastify would also take text/plain).
  app.removeContentTypeParser("text/plain");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(Object.assign(e as Error, { statusCode: 400 }), undefined);
    }
  });
  app.setNotFoundHandler((request, reply) => void reply.code(404).send({ error: `${request.method} ${request.url}: no such route; see GET /health for the API` }));

  if (options.token) {
    const expected = Buffer.from(`Bearer ${options.token}`);
    app.addHook("onRequest", async (request, reply) => {
      if (request.url === "/health") return;
      const given = Buffer.from(request.headers.authorization ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.code(401).header("www-authenticate", "Bearer").send({ error: "authorization: expected `Bearer <token>`" });
      }
    });
  }

  // Hooks on every request are callback-style: an async hook costs a promise per request.
  app.addHook("onResponse", (request, reply, done) => {
    metrics.observeRequest(request.routeOptions.url ?? "unknown", reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  /**
   * Scores under the limiter and records aspect metrics. `signal` is the
   * request's: it aborts when the client goes away, and the pipeline passes
   * it on so sandboxed work for a request nobody waits for stops.
   */
  const score = async (batch: Trajectory[], signal?: AbortSignal): Promise<BatchScores> => {
    if (batch.length > maxBatch) throw Object.assign(new Error(`expected at most ${maxBatch} trajectories per request, got ${batch.length}`), { statusCode: 413 });
    try {
      return await limiter.run(async () => {
        // A request that waited in the queue while its client left is not scored at all.
        if (signal?.aborted) throw Object.assign(new Error("the client closed the connection before scoring began"), { statusCode: 499 });
        const scores = await pipeline.score(batch, { signal });
        metrics.observeScores(scores);
        return scores;
      });
    } catch (e) {
      if (e instanceof Overloaded) metrics.rejected++;
      throw e;
    }
  };
  // Graceful shutdown: idle keep-alive sockets are closed at once; a request
  // in flight finishes and its reply closes its socket, so close() resolves.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (reply.statusCode === 429) void reply.header("retry-after", "1");
    if (closing) void reply.header("connection", "close");
    done(null, payload);
  });

  const trajectorySchema = jsonSchema(Trajectory);

  app.post("/v1/score", { schema: { body: trajectorySchema }, ...requireResponses((body) => [["body", body]]) }, async (request, reply) => {
    // Validated against the JSON Schema with its defaults applied: only what a schema cannot fill is left.
    const t = completeTrajectory(request.body as Trajectory);
    return RewardPipeline.results(await score([t], clientGone(reply)), failedReward)[0];
  });

  app.post(
    "/v1/score/batch",
    {
      schema: { body: { type: "object", properties: { trajectories: { type: "array", items: trajectorySchema } }, required: ["trajectories"], additionalProperties: false } },
      ...requireResponses((body) => listAt(body, "trajectories").map((t, i) => [`body.trajectories[${i}]`, t])),
    },
    async (request, reply) => {
      const body = request.body as { trajectories: unknown[] };
      const batch = body.trajectories.map((t) => completeTrajectory(t as Trajectory));
      return { results: RewardPipeline.results(await score(batch, clientGone(reply)), failedReward) };
    },
  );

  advantagesRoute(app, pipeline, trajectorySchema, score);
  worldRoutes(app);

  // OpenRLHF's remote reward model (`--reward.remote_url http://host:port/get_reward`).
  app.post("/get_reward", { schema: { body: jsonSchema(OpenRlhfBody) } }, async (request, reply) => {
    const body = request.body as z.output<typeof OpenRlhfBody>;
    const n = body.query.length;
    for (const [key, list] of [["prompts", body.prompts], ["labels", body.labels]] as const) {
      if (list && list.length !== n) throw Object.assign(new Error(`expected ${n} ${key} (one per query), got ${list.length}`), { statusCode: 400 });
    }
    const batch = body.query.map((q, i) => fromOpenRlhf(q, body.prompts?.[i], body.labels?.[i], pipeline.template));
    const scores = await score(batch, clientGone(reply));
    const rewards = trainerRewards(scores, failedReward);
    // extra_logs become tensors on the trainer's side: an aspect that did not apply is logged as 0, and
    // `rewardlab_failed` (1 or 0 per sample) makes the failure rate a logged metric.
    const extra_logs: Record<string, number[]> = {};
    for (const a of scores.aspects) extra_logs[a.name] = Array.from(a.values, (v) => (v === v ? v : 0));
    extra_logs.rewardlab_failed = Array.from(scores.status, (c) => (c === FAILED ? 1 : 0));
    return { rewards, scores: rewards, extra_logs };
  });

  // TRL: a reward function POSTs its keyword arguments here and returns the rewards (None where null).
  app.post("/v1/trl", { schema: { body: jsonSchema(TrlBody) } }, async (request, reply) => {
    const body = request.body as Record<string, unknown> & { prompts: unknown[]; completions: unknown[] };
    const n = body.completions.length;
    if (body.prompts.length !== n) throw new UserError("body.prompts", `expected ${n} prompts (one per completion), got ${body.prompts.length}`);
    const columns: [string, unknown[]][] = [];
    for (const [key, value] of Object.entries(body)) {
      // Dataset columns are lists, one value per completion; other keyword arguments a newer TRL may add are not ours.
      if (TRL_NOT_COLUMNS.has(key) || !Array.isArray(value)) continue;
      if (value.length !== n) throw new UserError(`body.${key}`, `expected a dataset column: a list of ${n} values (one per completion), got ${value.length}`);
      columns.push([key, value]);
    }
    const batch = body.completions.map((c, i) =>
      fromTrl(body.prompts[i], c, Object.fromEntries(columns.map(([key, values]) => [key, values[i]])), "", { prompt: `body.prompts[${i}]`, completion: `body.completions[${i}]` }),
    );
    const scores = await score(batch, clientGone(reply));
    // TRL's None: a reward that did not apply, or failed (unless the operator chose a number for failures).
    return { rewards: Array.from(scores.status, (c, i) => (c === SCORED ? scores.rewards[i]! : c === FAILED ? failedReward : null)) };
  });

  // verl: a custom reward function can POST its compute_score arguments here.
  app.post("/compute_score", { schema: { body: { anyOf: [jsonSchema(VerlItem), jsonSchema(VerlBatch)] } } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    if (Array.isArray(body.solution_strs)) {
      const b = body as z.output<typeof VerlBatch>;
      const batch = b.solution_strs.map((s, i) => fromVerlScore({ solution_str: s, data_source: b.data_sources?.[i], ground_truth: b.ground_truths?.[i], extra_info: b.extra_infos?.[i] }));
      return verlResults(await score(batch, clientGone(reply)), failedReward);
    }
    return verlResults(await score([fromVerlScore(body as z.output<typeof VerlItem>)], clientGone(reply)), failedReward)[0];
  });

  app.get("/health", async () => ({ status: "ok", aspects: pipeline.aspectNames, inFlight: limiter.inFlight, queued: limiter.queued, pid: process.pid }));
  app.get("/metrics", async (_request, reply) => {
    void reply.header("content-type", METRICS_CONTENT_TYPE);
    const own = metrics.snapshot();
    return renderMetrics(options.gatherMetrics ? await options.gatherMetrics(own) : [own]);
  });

  // A connection that never sends a byte is not a request yet, so headersTimeout does not apply to it:
  // it gets the same time to start one. The timer is cleared when a request arrives (scoring may be
  // silent for long), and Node sets keepAliveTimeout after each response.
  app.server.on("connection", (socket: Socket) => socket.setTimeout(headersTimeout));
  app.server.on("request", (req: { socket: Socket }) => req.socket.setTimeout(0));

  app.addHook("onClose", async () => pipeline.close());
  return app;
}

/**
 * Rewards for protocols with one number per sample (OpenRLHF, verl): a
 * reward no aspect applied to is 0, as those trainers would count it; a
 * failed one is `failedReward`, null unless the operator chose a number.
 */
function trainerRewards(scores: BatchScores, failedReward: number | null): (number | null)[] {
  return Array.from(scores.status, (c, i) => (c === SCORED ? scores.rewards[i]! : c === FAILED ? failedReward : 0));
}

/** verl's dict shape: `score` plus each aspect (null → 0, since verl logs them as numbers) and `rewardlab_failed`. */
function verlResults(scores: BatchScores, failedReward: number | null): Record<string, number | null>[] {
  const rewards = trainerRewards(scores, failedReward);
  const out: Record<string, number | null>[] = [];
  for (let i = 0; i < rewards.length; i++) {
    const r: Record<string, number | null> = { score: rewards[i]! };
    for (const a of scores.aspects) {
      const v = a.values[i]!;
      r[a.name] = v === v ? v : 0;
    }
    r.rewardlab_failed = scores.status[i] === FAILED ? 1 : 0;
    out.push(r);
  }
  return out;
}
