/**
 * Prometheus metrics of the reward server (`GET /metrics`, text exposition
 * format 0.0.4). Requests are tallied in plain numbers and typed arrays and
 * rendered only when scraped: a labelled metrics library costs about 11 µs
 * per request here, a sixth of a request's whole budget at 10,000 req/s.
 */
import { ABSTAINED, FAILED, type BatchScores } from "../agentic/pipeline.js";

/** Latency histogram bucket bounds, in seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30];

interface RouteTally {
  /** Requests by status code. */
  byStatus: Map<number, number>;
  /** Cumulative-ready bucket counts (per bucket, not cumulative), +Inf last. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export class ServerMetrics {
  private readonly routes = new Map<string, RouteTally>();
  private readonly aspects = new Map<string, AspectTally>();
  private trajectories = 0;
  /** Rewards that failed, and that no aspect applied to. */
  private failed = 0;
  private abstained = 0;
  rejected = 0;

  constructor(private readonly gauges: () => { inFlight: number; queued: number }) {}

  observeRequest(route: string, status: number, seconds: number): void {
    let t = this.routes.get(route);
    if (!t) this.routes.set(route, (t = { byStatus: new Map(), buckets: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 }));
    t.byStatus.set(status, (t.byStatus.get(status) ?? 0) + 1);
    let b = 0;
    while (b < BUCKETS.length && seconds > BUCKETS[b]!) b++;
    t.buckets[b]!++;
    t.sum += seconds;
    t.count++;
  }

  observeScores(scores: BatchScores): void {
    this.trajectories += scores.rewards.length;
    for (const c of scores.status) {
      if (c === FAILED) this.failed++;
      else if (c === ABSTAINED) this.abstained++;
    }
    for (const a of scores.aspects) {
      let tally = this.aspects.get(a.name);
      if (!tally) this.aspects.set(a.name, (tally = { sum: 0, count: 0, failed: 0, abstained: 0 }));
      for (let i = 0; i < a.values.length; i++) {
        const v = a.values[i]!;
        if (v === v) {
          tally.sum += v;
          tally.count++;
        } else if (a.status[i] === FAILED) tally.failed++;
        else tally.abstained++;
      }
    }
  }

  /** The tallies as plain data, to be summed with other processes' (`--workers`). */
  snapshot(): MetricsSnapshot {
    return {
      routes: [...this.routes].map(([route, t]) => [route, { byStatus: [...t.byStatus], buckets: Array.from(t.buckets), sum: t.sum, count: t.count }]),
      aspects: [...this.aspects].map(([name, a]) => [name, { ...a }]),
      trajectories: this.trajectories,
      failed: this.failed,
      abstained: this.abstained,
      rejected: this.rejected,
      ...this.gauges(),
    };
  }
}

/** What a process that has served nothing yet reports. */
export const EMPTY_SNAPSHOT: MetricsSnapshot = { routes: [], aspects: [], trajectories: 0, failed: 0, abstained: 0, rejected: 0, inFlight: 0, queued: 0 };

interface AspectTally {
  sum: number;
  count: number;
  failed: number;
  abstained: number;
}

export interface MetricsSnapshot {
  routes: [string, { byStatus: [number, number][]; buckets: number[]; sum: number; count: number }][];
  aspects: [string, AspectTally][];
  trajectories: number;
  failed: number;
  abstained: number;
  rejected: number;
  inFlight: number;
  queued: number;
}

/** The exposition text of the sum of some processes' snapshots. */
export function renderMetrics(snapshots: readonly MetricsSnapshot[]): string {
  const routes = new Map<string, { byStatus: Map<number, number>; buckets: number[]; sum: number; count: number }>();
  const aspects = new Map<string, AspectTally>();
  let trajectories = 0;
  let failed = 0;
  let abstained = 0;
  let rejected = 0;
  let inFlight = 0;
  let queued = 0;
  for (const snap of snapshots) {
    for (const [route, t] of snap.routes) {
      let r = routes.get(route);
      if (!r) routes.set(route, (r = { byStatus: new Map(), buckets: new Array<number>(BUCKETS.length + 1).fill(0), sum: 0, count: 0 }));
      for (const [status, n] of t.byStatus) r.byStatus.set(status, (r.byStatus.get(status) ?? 0) + n);
      t.buckets.forEach((n, b) => (r.buckets[b]! += n));
      r.sum += t.sum;
      r.count += t.count;
    }
    for (const [name, a] of snap.aspects) {
      const x = aspects.get(name) ?? { sum: 0, count: 0, failed: 0, abstained: 0 };
      aspects.set(name, { sum: x.sum + a.sum, count: x.count + a.count, failed: x.failed + a.failed, abstained: x.abstained + a.abstained });
    }
    trajectories += snap.trajectories;
    failed += snap.failed;
    abstained += snap.abstained;
    rejected += snap.rejected;
    inFlight += snap.inFlight;
    queued += snap.queued;
  }

  const lines: string[] = [];
  const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const label = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

  family("rewardlab_requests_total", "counter", "HTTP requests by route and status");
  for (const [route, t] of routes) for (const [status, n] of t.byStatus) lines.push(`rewardlab_requests_total{route="${label(route)}",status="${status}"} ${n}`);

  family("rewardlab_request_duration_seconds", "histogram", "request latency by route");
  for (const [route, t] of routes) {
    let cumulative = 0;
    for (let b = 0; b <= BUCKETS.length; b++) {
      cumulative += t.buckets[b]!;
      lines.push(`rewardlab_request_duration_seconds_bucket{route="${label(route)}",le="${b < BUCKETS.length ? BUCKETS[b] : "+Inf"}"} ${cumulative}`);
    }
    lines.push(`rewardlab_request_duration_seconds_sum{route="${label(route)}"} ${t.sum}`, `rewardlab_request_duration_seconds_count{route="${label(route)}"} ${t.count}`);
  }

  family("rewardlab_trajectories_scored_total", "counter", "trajectories scored");
  lines.push(`rewardlab_trajectories_scored_total ${trajectories}`);
  family("rewardlab_rewards_total", "counter", "rewards by status: scored, abstained (no aspect applied) or failed (sent as null unless --failed-reward)");
  lines.push(`rewardlab_rewards_total{status="scored"} ${trajectories - failed - abstained}`);
  lines.push(`rewardlab_rewards_total{status="abstained"} ${abstained}`);
  lines.push(`rewardlab_rewards_total{status="failed"} ${failed}`);
  // A gauge, not a counter: aspect values may be negative (penalties).
  family("rewardlab_aspect_value_sum", "gauge", "sum of each aspect's values (divide by rewardlab_aspect_value_count for the mean)");
  for (const [name, a] of aspects) lines.push(`rewardlab_aspect_value_sum{aspect="${label(name)}"} ${a.sum}`);
  family("rewardlab_aspect_value_count", "counter", "aspect values that applied (not null)");
  for (const [name, a] of aspects) lines.push(`rewardlab_aspect_value_count{aspect="${label(name)}"} ${a.count}`);
  family("rewardlab_aspect_failed_total", "counter", "aspect scores that failed (a scorer threw, timed out or could not read its input)");
  for (const [name, a] of aspects) lines.push(`rewardlab_aspect_failed_total{aspect="${label(name)}"} ${a.failed}`);
  family("rewardlab_aspect_abstained_total", "counter", "aspect scores that did not apply (null)");
  for (const [name, a] of aspects) lines.push(`rewardlab_aspect_abstained_total{aspect="${label(name)}"} ${a.abstained}`);
  family("rewardlab_in_flight", "gauge", "requests scoring now");
  lines.push(`rewardlab_in_flight ${inFlight}`);
  family("rewardlab_queued", "gauge", "requests waiting to be scored");
  lines.push(`rewardlab_queued ${queued}`);
  family("rewardlab_rejected_total", "counter", "requests refused because the server was at capacity");
  lines.push(`rewardlab_rejected_total ${rejected}`);
  family("rewardlab_processes", "gauge", "server processes whose tallies are summed here");
  lines.push(`rewardlab_processes ${snapshots.length}`);
  return lines.join("\n") + "\n";
}
