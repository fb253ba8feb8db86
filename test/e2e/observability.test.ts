/**
 * What an operator sees: a real scrape of /metrics after real calls, the
 * log lines calls leave, the limits a caller runs into, and health following
 * the store.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { SessionStatus, SessionStoreService } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { MemorySessionStore } from "../../src/store/memory/memory-session-store.js";
import type { SessionStore, StoreCallOptions } from "../../src/store/session-store.js";
import { captureLogs } from "../helpers/captured-logger.js";
import { GatedStore } from "../helpers/gated-store.js";
import { callUnary, createGrpcJsClient, grpcError } from "../helpers/grpc-js-client.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { newSession, noSignal } from "../helpers/sessions.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const M = SessionStoreService.method;
const TICKETS = [{ ticketId: "GA", quantity: 1, unitPriceMinor: 100n, currencyCode: "EUR" }];

describe("operations", () => {
  const running: Array<{ server: TestServer; client: grpc.Client }> = [];

  afterEach(async () => {
    for (const { server, client } of running.splice(0)) {
      client.close();
      await server.stop();
    }
  });

  async function start(...args: Parameters<typeof startTestServer>) {
    const server = await startTestServer(...args);
    const client = createGrpcJsClient(server.address);
    running.push({ server, client });
    return { server, client };
  }

  it("exposes call, latency, in-flight and session metrics on /metrics", async () => {
    const { server, client } = await start({ METRICS_PORT: "0" });
    const { session } = await callUnary(client, M.createSession, { eventId: "evt-metrics", tickets: TICKETS });
    await callUnary(client, M.getSession, { id: session?.id ?? "" });
    await grpcError(callUnary(client, M.getSession, { id: "missing" }));

    const response = await fetch(`http://127.0.0.1:${server.server.metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const body = await response.text();
    expect(body).toContain('sessionstore_rpc_calls_total{method="CreateSession",code="OK"} 1');
    expect(body).toContain('sessionstore_rpc_calls_total{method="GetSession",code="OK"} 1');
    expect(body).toContain('sessionstore_rpc_calls_total{method="GetSession",code="NOT_FOUND"} 1');
    expect(body).toContain('sessionstore_rpc_duration_seconds_count{method="GetSession"} 2');
    expect(body).toContain('sessionstore_rpc_in_flight{method="GetSession"} 0');
    expect(body).toMatch(/sessionstore_process_resident_memory_bytes \d+/);
    expect((await fetch(`http://127.0.0.1:${server.server.metricsPort}/other`)).status).toBe(404);
  });

  it("reports the memory store's sessions by status", async () => {
    const { Metrics } = await import("../../src/observability/metrics.js");
    const metrics = new Metrics();
    const store = new MemorySessionStore({ clock: new ManualClock(), ttlMs: 3_600_000, sweepIntervalMs: 0 });
    metrics.trackSessions((status) => store.countByStatus(status));
    const { id } = await store.create(newSession(), noSignal);
    await store.create(newSession(), noSignal);
    await store.updateStatus({ id, status: "COMPLETED" }, noSignal);
    const body = await metrics.registry.metrics();
    expect(body).toContain('sessionstore_sessions{status="PENDING"} 1');
    expect(body).toContain('sessionstore_sessions{status="COMPLETED"} 1');
  });

  it("logs one line per failed call with method, code, duration and request id, and never session contents", async () => {
    const logs = captureLogs("info");
    const { client } = await start({}, undefined, new ManualClock(), logs.logger);
    await callUnary(client, M.createSession, { id: "logged-1", eventId: "evt-log", tickets: TICKETS, metadata: { secret: "card-4242" } });
    await callUnary(client, M.getSession, { id: "logged-1" });
    const metadata = new grpc.Metadata();
    metadata.set("x-request-id", "req-123");
    await grpcError(callUnary(client, M.createSession, { id: "logged-1", eventId: "evt-log", tickets: TICKETS, metadata: { secret: "card-4242" } }, {}, metadata));

    const lines = logs.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, method: "CreateSession", code: "ALREADY_EXISTS", requestId: "req-123" });
    expect(typeof lines[0]?.durationMs).toBe("number");
    expect(logs.text()).not.toContain("card-4242");
    expect(logs.text()).not.toContain("GA");
  });

  it("logs successful calls at debug", async () => {
    const logs = captureLogs("debug");
    const { client } = await start({}, undefined, new ManualClock(), logs.logger);
    await callUnary(client, M.countByStatus, { status: SessionStatus.PENDING });
    expect(logs.lines()).toEqual([expect.objectContaining({ level: 20, method: "CountByStatus", code: "OK" })]);
  });

  it("answers RESOURCE_EXHAUSTED to a request over MAX_REQUEST_BYTES and stores nothing", async () => {
    const { client } = await start({ MAX_REQUEST_BYTES: "2048" });
    const error = await grpcError(
      callUnary(client, M.createSession, { eventId: "evt-big", tickets: TICKETS, metadata: { big: "x".repeat(200), other: "y".repeat(3000) } }),
    );
    expect(error.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await callUnary(client, M.countByStatus, { status: SessionStatus.PENDING })).count).toBe(0n);
  });

  it("applies DEFAULT_DEADLINE_SECONDS to a call that came without a deadline", async () => {
    const clock = new ManualClock();
    const inner = new MemorySessionStore({ clock, ttlMs: 3_600_000, sweepIntervalMs: 0 });
    const { id } = await inner.create(newSession(), noSignal);
    const gated = new GatedStore(inner);
    const { client } = await start({ DEFAULT_DEADLINE_SECONDS: "0.2" }, gated, clock);
    const error = await grpcError(callUnary(client, M.getSession, { id }));
    expect(error.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect((gated.signals[0]?.reason as Error).name).toBe("TimeoutError");
  });

  it("turns health NOT_SERVING after consecutive failed store checks and SERVING again on recovery", async () => {
    const store = new SwitchableHealthStore(new MemorySessionStore({ clock: new ManualClock(), ttlMs: 3_600_000, sweepIntervalMs: 0 }));
    const { server } = await start({ HEALTH_CHECK_INTERVAL_SECONDS: "0.05", HEALTH_CHECK_FAILURE_THRESHOLD: "2" }, store);
    expect(server.server.health.status).toBe("SERVING");
    store.healthy = false;
    await expect.poll(() => server.server.health.status).toBe("NOT_SERVING");
    store.healthy = true;
    await expect.poll(() => server.server.health.status).toBe("SERVING");
  });
});

/** A real store whose health check the test can fail, standing in for an outage of the backend. */
class SwitchableHealthStore implements SessionStore {
  healthy = true;
  constructor(private readonly inner: SessionStore) {}
  checkHealth = async (options: StoreCallOptions) => {
    if (!this.healthy) throw new Error("backend unreachable");
    return this.inner.checkHealth(options);
  };
  create: SessionStore["create"] = (s, o) => this.inner.create(s, o);
  get: SessionStore["get"] = (id, o) => this.inner.get(id, o);
  updateStatus: SessionStore["updateStatus"] = (u, o) => this.inner.updateStatus(u, o);
  delete: SessionStore["delete"] = (id, o) => this.inner.delete(id, o);
  countByStatus: SessionStore["countByStatus"] = (s, o) => this.inner.countByStatus(s, o);
  list: SessionStore["list"] = (q, o) => this.inner.list(q, o);
  close: SessionStore["close"] = () => this.inner.close();
}
