/** Prometheus metrics of the reward server (`GET /metrics`), on a registry of its own. */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

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
  readonly aspectSum = new Counter({ name: "rewardlab_aspect_value_sum", help: "sum of each aspect's values (divide by rewardlab_aspect_value_count for the mean)", labelNames: ["aspect"], registers: [this.registry] });
  readonly aspectCount = new Counter({ name: "rewardlab_aspect_value_count", help: "aspect values that applied (not null)", labelNames: ["aspect"], registers: [this.registry] });
  readonly inFlight = new Gauge({ name: "rewardlab_in_flight", help: "requests scoring now", registers: [this.registry] });
  readonly rejected = new Counter({ name: "rewardlab_rejected_total", help: "requests refused because the server was at capacity", registers: [this.registry] });
}
