/** Prometheus metrics of the reward server (`GET /metrics`), on a registry of its own. */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { BatchScores } from "../agentic/pipeline.js";

type Child<T extends { labels(...v: string[]): unknown }> = ReturnType<T["labels"]>;

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: "rewardlab_requests_total", help: "HTTP requests by route and status", labelNames: ["route", "status"], registers: [this.registry] });
  readonly latency = new Histogram({
    name: "rewardlab_request_duration_seconds",
    help: "request latency by route",
    labelNames: ["route"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
    registers: [this.registry],
  });
  readonly trajectories = new Counter({ name: "rewardlab_trajectories_scored_total", help: "trajectories scored", registers: [this.registry] });
  // A gauge, not a counter: aspect values may be negative (penalties).
  readonly aspectSum = new Gauge({ name: "rewardlab_aspect_value_sum", help: "sum of each aspect's values (divide by rewardlab_aspect_value_count for the mean)", labelNames: ["aspect"], registers: [this.registry] });
  readonly aspectCount = new Counter({ name: "rewardlab_aspect_value_count", help: "aspect values that applied (not null)", labelNames: ["aspect"], registers: [this.registry] });
  readonly inFlight = new Gauge({ name: "rewardlab_in_flight", help: "requests scoring now", registers: [this.registry] });
  readonly rejected = new Counter({ name: "rewardlab_rejected_total", help: "requests refused because the server was at capacity", registers: [this.registry] });

  // Label lookups hash their labels; on the hot path each series' child is looked up once and kept.
  private readonly requestChildren = new Map<string, { count: Child<Counter>; latency: Child<Histogram> }>();
  private readonly aspectChildren = new Map<string, { sum: Child<Gauge>; count: Child<Counter> }>();

  observeRequest(route: string, status: number, seconds: number): void {
    const key = `${route} ${status}`;
    let c = this.requestChildren.get(key);
    if (!c) this.requestChildren.set(key, (c = { count: this.requests.labels(route, String(status)), latency: this.latency.labels(route) }));
    c.count.inc();
    c.latency.observe(seconds);
  }

  observeScores(scores: BatchScores): void {
    this.trajectories.inc(scores.rewards.length);
    for (const a of scores.aspects) {
      let sum = 0;
      let count = 0;
      for (const v of a.values) if (v === v) (sum += v), count++;
      if (count === 0) continue;
      let c = this.aspectChildren.get(a.name);
      if (!c) this.aspectChildren.set(a.name, (c = { sum: this.aspectSum.labels(a.name), count: this.aspectCount.labels(a.name) }));
      c.sum.inc(sum);
      c.count.inc(count);
    }
  }
}
