/**
 * `rewardlab ui`: the run store in a browser, served on 127.0.0.1 by
 * Fastify. Pages:
 *
 * - `/`: runs (filter by status, environment, comparison; grouped by
 *   comparison, i.e. by design) and sweeps.
 * - `/runs/:id`, `/comparisons/:id`: the report page `rewardlab report`
 *   writes (the same page, rendered from the same components), live: while
 *   a run trains, `/api/reports/:id/events` sends its data again each
 *   second it was written to (server-sent events) and the page redraws its curves and term
 *   charts and replaces its summary table.
 * - `/sweeps/:id`: a sweep's trials, its configurations by final return,
 *   and parallel coordinates of parameters against the return.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { UserError } from "../../core/errors.js";
import { storedSelection } from "../../runs/from-store.js";
import { reportData } from "../../runs/report/data.js";
import { renderReport } from "../../runs/report/page.js";
import { summaryTable } from "../../runs/report/table.js";
import type { AnyStore } from "../../runs/store/index.js";
import { SweepTables } from "../../runs/store/sweeps.js";
import { findRun } from "../../runs/store/index.js";
import { findingsSections } from "./findings.js";
import { indexPage, notFoundPage, sweepPage } from "./pages.js";

export interface UiOptions {
  /** Milliseconds between live updates (default 1000). */
  intervalMs?: number;
}

export function buildUi(store: AnyStore, options: UiOptions = {}): FastifyInstance {
  const app = Fastify({ logger: false });
  const intervalMs = options.intervalMs ?? 1000;

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof UserError) return reply.code(404).type("text/html; charset=utf-8").send(notFoundPage(error.message));
    return reply.code(500).type("text/plain; charset=utf-8").send(`error: ${error instanceof Error ? error.message : String(error)}`);
  });

  // Browsers ask for it on every page; there is none.
  app.get("/favicon.ico", async (_request, reply) => reply.code(204).send());

  app.get("/", async (request, reply) => {
    const q = request.query as { status?: string; env?: string; comparison?: string; group?: string };
    const runs = await store.listRuns({ ...(q.status ? { status: q.status as never } : {}), ...(q.env ? { envId: q.env } : {}), ...(q.comparison ? { comparisonId: q.comparison } : {}), limit: 500 });
    const comparisons = await store.listComparisons();
    const sweeps = await new SweepTables(store).list();
    return reply.type("text/html; charset=utf-8").send(indexPage(store.where, runs, comparisons, sweeps, q));
  });

  const reportPage = async (id: string, extraSections?: string) => {
    const s = await storedSelection(store, id);
    return renderReport(s.designs, { title: s.title, config: s.config, rewards: s.rewards, liveEvents: `/api/reports/${encodeURIComponent(id)}/events`, ...(extraSections ? { extraSections } : {}) });
  };
  app.get("/runs/:id", async (request, reply) => {
    const run = await findRun(store, (request.params as { id: string }).id, "run");
    return reply.type("text/html; charset=utf-8").send(await reportPage(run.id, await findingsSections(store, run)));
  });
  app.get("/comparisons/:id", async (request, reply) => reply.type("text/html; charset=utf-8").send(await reportPage((request.params as { id: string }).id)));

  app.get("/sweeps/:id", async (request, reply) => {
    const tables = new SweepTables(store);
    const sweep = await tables.find((request.params as { id: string }).id);
    return reply.type("text/html; charset=utf-8").send(sweepPage(sweep, await tables.trials(sweep.id)));
  });

  /** The report's data while its runs train: an event when it changed, "end" once none is running. */
  app.get("/api/reports/:id/events", async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const comparison = await store.getComparison(id);
    const runIds = comparison ? (await store.listRuns({ comparisonId: id })).map((r) => r.id) : [id];
    reply.raw.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    let seen = "";
    let closed = false;
    request.raw.on("close", () => (closed = true));
    const send = (event: string, data: unknown) => reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    while (!closed) {
      const runs = await Promise.all(runIds.map((r) => store.getRun(r)));
      const running = runs.some((r) => r?.status === "running");
      // Every write to a run moves its updated_at: the report is rebuilt (all its episodes read) only after one.
      const stamp = runs.map((r) => `${r?.status}@${r?.updatedAt}`).join(",");
      if (stamp !== seen) {
        seen = stamp;
        const s = await storedSelection(store, id);
        const data = reportData(s.designs, s.config.window);
        const step = Math.max(0, ...s.designs.flatMap((d) => d.runs.map((r) => r.steps)));
        send("report", { data, summary: summaryTable(s.designs, data, s.config.successThreshold), status: running ? "training" : "ended", step });
      }
      if (!running) {
        send("end", { status: runs.map((r) => r?.status ?? "deleted").join(", ") });
        break;
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    reply.raw.end();
    return reply;
  });

  return app;
}
