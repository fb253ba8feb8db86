/**
 * The service's Prometheus metrics, on a registry of its own (so tests and
 * embedders get fresh ones). Every RPC touches three of them, so that path is
 * kept cheap: calls and calls in flight are plain numbers handed to
 * prom-client when it is scraped (its collect hook), and the latency
 * histogram's label children are cached, because looking labels up by object
 * is the expensive part of prom-client per call.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { SessionStatus } from "../store/session-store.js";

/** Seconds; gRPC unary calls here take from tens of microseconds (memory) to tens of milliseconds (DynamoDB). */
const RPC_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the DynamoDB adapter reports about every attempt it makes. */
export interface StoreCallMetrics {
  attempt(operation: string, outcome: "success" | "throttled" | "transient" | "failed", seconds: number): void;
  retry(operation: string): void;
}

export class Metrics implements StoreCallMetrics {
  readonly registry = new Registry();
  private readonly rpcDuration: Histogram<"method">;
  private readonly storeAttempts: Counter<"operation" | "outcome">;
  private readonly storeRetries: Counter<"operation">;
  private readonly storeThrottles: Counter<"operation">;
  private readonly storeDuration: Histogram<"operation">;
  private readonly durationChildren = new Map<string, Histogram.Internal<"method">>();
  /** Calls finished, by "method code"; sessionstore_rpc_calls_total takes what was added since the last scrape. */
  private readonly callCounts = new Map<string, { method: string; code: string; total: number; exported: number }>();
  /** Calls being handled, by method; sessionstore_rpc_in_flight reads them at each scrape. */
  private readonly inFlightCounts = new Map<string, number>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "sessionstore_" });
    // These two need no field: the registry holds them, and they read the counts above when scraped.
    const callCounts = this.callCounts;
    new Counter({
      name: "sessionstore_rpc_calls_total",
      help: "Unary calls handled, by method and gRPC status code.",
      labelNames: ["method", "code"],
      registers,
      collect() {
        for (const count of callCounts.values()) {
          this.labels(count.method, count.code).inc(count.total - count.exported);
          count.exported = count.total;
        }
      },
    });
    this.rpcDuration = new Histogram({
      name: "sessionstore_rpc_duration_seconds",
      help: "Time from a call's arrival in the handler to its answer, by method.",
      labelNames: ["method"],
      buckets: RPC_BUCKETS,
      registers,
    });
    const inFlightCounts = this.inFlightCounts;
    new Gauge({
      name: "sessionstore_rpc_in_flight",
      help: "Calls being handled now, by method.",
      labelNames: ["method"],
      registers,
      collect() {
        for (const [method, count] of inFlightCounts) {
          this.labels(method).set(count);
        }
      },
    });
    this.storeAttempts = new Counter({
      name: "sessionstore_dynamodb_attempts_total",
      help: "DynamoDB requests sent, by operation and outcome (success, throttled, transient, failed).",
      labelNames: ["operation", "outcome"],
      registers,
    });
    this.storeRetries = new Counter({
      name: "sessionstore_dynamodb_retries_total",
      help: "DynamoDB requests sent again after a transient failure, by operation.",
      labelNames: ["operation"],
      registers,
    });
    this.storeThrottles = new Counter({
      name: "sessionstore_dynamodb_throttles_total",
      help: "DynamoDB requests refused for throughput or request rate, by operation.",
      labelNames: ["operation"],
      registers,
    });
    this.storeDuration = new Histogram({
      name: "sessionstore_dynamodb_attempt_duration_seconds",
      help: "Time of each DynamoDB request, by operation.",
      labelNames: ["operation"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }

  callStarted(method: string): void {
    this.inFlightCounts.set(method, (this.inFlightCounts.get(method) ?? 0) + 1);
  }

  callFinished(method: string, code: string, seconds: number): void {
    this.inFlightCounts.set(method, (this.inFlightCounts.get(method) ?? 0) - 1);
    this.child(this.durationChildren, method, () => this.rpcDuration.labels(method)).observe(seconds);
    const key = `${method} ${code}`;
    const count = this.callCounts.get(key);
    if (count === undefined) {
      this.callCounts.set(key, { method, code, total: 1, exported: 0 });
    } else {
      count.total += 1;
    }
  }

  attempt(operation: string, outcome: "success" | "throttled" | "transient" | "failed", seconds: number): void {
    this.storeAttempts.labels(operation, outcome).inc();
    this.storeDuration.labels(operation).observe(seconds);
    if (outcome === "throttled") {
      this.storeThrottles.labels(operation).inc();
    }
  }

  retry(operation: string): void {
    this.storeRetries.labels(operation).inc();
  }

  /** Reports the live sessions per status at every scrape (the memory store counts them in O(1)). */
  trackSessions(count: (status: SessionStatus) => Promise<number>): void {
    new Gauge({
      name: "sessionstore_sessions",
      help: "Unexpired sessions held by the in-memory store, by status.",
      labelNames: ["status"],
      registers: [this.registry],
      async collect() {
        for (const status of ["PENDING", "COMPLETED", "EXPIRED"] as const) {
          this.labels(status).set(await count(status));
        }
      },
    });
  }

  private child<T>(cache: Map<string, T>, key: string, make: () => T): T {
    let child = cache.get(key);
    if (child === undefined) {
      child = make();
      cache.set(key, child);
    }
    return child;
  }
}
