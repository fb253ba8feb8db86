/**
 * The DynamoDB adapter between a fault-injecting proxy and dynalite:
 * which faults are retried and how, where retrying stops, and that a write
 * whose response was lost is reported as the success it was, stored once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SessionAlreadyExistsError, StoreUnavailableError } from "../../../src/errors.js";
import { RetryPolicy } from "../../../src/retry.js";
import { DynamoDbSessionStore } from "../../../src/store/dynamodb/dynamodb-session-store.js";
import { captureLogs } from "../../helpers/captured-logger.js";
import { createTestTable, localClient, startDynalite, type LocalDynamo } from "../../helpers/dynalite.js";
import { FaultProxy } from "../../helpers/fault-proxy.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { newSession, noSignal } from "../../helpers/sessions.js";

const BASE_DELAY_MS = 40;
const MAX_ATTEMPTS = 4;

describe("DynamoDB store under faults", () => {
  let dynamo: LocalDynamo;
  let proxy: FaultProxy;
  let store: DynamoDbSessionStore;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    dynamo = await startDynalite();
    proxy = await FaultProxy.start(dynamo.endpoint);
  });

  beforeEach(async () => {
    const tableName = await createTestTable(dynamo.client, 2);
    logs = captureLogs("debug");
    store = new DynamoDbSessionStore({
      client: localClient(proxy.endpoint),
      tableName,
      statusShards: 2,
      clock: new ManualClock(),
      ttlMs: 3_600_000,
      retry: new RetryPolicy({ maxAttempts: MAX_ATTEMPTS, baseDelayMs: BASE_DELAY_MS, maxDelayMs: 2000, logger: logs.logger }),
    });
    proxy.clear();
  });

  afterEach(async () => {
    await store.close();
  });

  afterAll(async () => {
    await proxy.close();
    await dynamo.close();
  });

  it("retries throttling with growing delays, then succeeds", async () => {
    proxy.inject("PutItem", { kind: "throttle" }, { kind: "throttle" }, { kind: "throttle" });
    const created = await store.create(newSession(), noSignal);
    const attempts = proxy.of("PutItem").map((r) => r.at);
    expect(attempts).toHaveLength(4);
    // Each wait is at least the backoff's floor for its retry: base, 2 x base, 4 x base.
    const gaps = attempts.slice(1).map((at, i) => at - (attempts[i] ?? 0));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(BASE_DELAY_MS * 2 ** i - 2));
    expect((await store.get(created.id, noSignal)).id).toBe(created.id);
    expect(logs.lines().filter((l) => l.msg === "DynamoDB request failed; retrying")).toHaveLength(3);
  });

  it("retries 500s and connection resets", async () => {
    proxy.inject("GetItem", { kind: "server-error" }, { kind: "reset" });
    const created = await store.create(newSession(), noSignal);
    expect((await store.get(created.id, noSignal)).version).toBe(1);
    expect(proxy.of("GetItem").map((r) => r.fault)).toEqual(["server-error", "reset", "none"]);
  });

  it("gives up after the configured attempts with StoreUnavailableError, and logs the last error", async () => {
    proxy.setPlan((operation) => (operation === "GetItem" ? { kind: "throttle" } : undefined));
    const error = await store.get("any", noSignal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe("the session store is over its capacity (refused 4 attempts); retry with backoff");
    expect(proxy.of("GetItem")).toHaveLength(MAX_ATTEMPTS);
    expect(logs.lines().find((l) => l.msg === "DynamoDB request failed on every attempt")).toMatchObject({ operation: "GetItem", attempts: 4 });
  });

  it("never retries a failed condition or a request DynamoDB refuses as invalid", async () => {
    const created = await store.create(newSession(), noSignal);
    proxy.clear();
    await expect(store.create(newSession({ id: created.id }), noSignal)).rejects.toThrow(SessionAlreadyExistsError);
    expect(proxy.of("PutItem")).toHaveLength(1);

    const missingTable = new DynamoDbSessionStore({
      client: localClient(proxy.endpoint),
      tableName: "no-such-table",
      statusShards: 2,
      clock: new ManualClock(),
      ttlMs: 3_600_000,
      retry: new RetryPolicy({ maxAttempts: MAX_ATTEMPTS, baseDelayMs: BASE_DELAY_MS, maxDelayMs: 2000, logger: logs.logger }),
    });
    proxy.clear();
    await expect(missingTable.get("any", noSignal)).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    expect(proxy.of("GetItem")).toHaveLength(1);
    await missingTable.close();
  });

  it("stops at the call's deadline, also while waiting to retry", async () => {
    proxy.setPlan(() => ({ kind: "delay", ms: 400 }));
    const slow = await store.get("any", { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
    expect((slow as Error).name).toBe("TimeoutError");

    proxy.clear();
    proxy.setPlan(() => ({ kind: "throttle" }));
    const backingOff = await store.get("any", { signal: AbortSignal.timeout(BASE_DELAY_MS * 3) }).catch((e: unknown) => e);
    expect((backingOff as Error).name).toBe("TimeoutError");
    const sent = proxy.requests.length;
    await new Promise((resolve) => setTimeout(resolve, BASE_DELAY_MS * 8));
    expect(proxy.requests.length).toBe(sent);
    expect(sent).toBeLessThan(MAX_ATTEMPTS);
  });

  it("reports a create whose response was lost as created, and stores it once", async () => {
    proxy.inject("PutItem", { kind: "lose-response" });
    const created = await store.create(newSession(), noSignal);
    expect(proxy.of("PutItem")).toHaveLength(2);
    expect(await store.get(created.id, noSignal)).toEqual(created);
    expect(await store.countByStatus("PENDING", noSignal)).toBe(1);
  });

  it("reports an update whose response was lost as applied, once", async () => {
    const created = await store.create(newSession(), noSignal);
    proxy.inject("UpdateItem", { kind: "lose-response" });
    const updated = await store.updateStatus({ id: created.id, status: "COMPLETED", expectedVersion: 1 }, noSignal);
    expect(updated).toMatchObject({ status: "COMPLETED", version: 2 });
    expect(proxy.of("UpdateItem")).toHaveLength(2);
    expect(await store.get(created.id, noSignal)).toMatchObject({ status: "COMPLETED", version: 2 });
  });

  it("reports a delete whose response was lost as a delete", async () => {
    const created = await store.create(newSession(), noSignal);
    proxy.inject("DeleteItem", { kind: "lose-response" });
    expect(await store.delete(created.id, noSignal)).toBe(true);
    await expect(store.get(created.id, noSignal)).rejects.toThrow();
  });

  it("still tells a real conflict from its own lost write", async () => {
    const created = await store.create(newSession(), noSignal);
    await store.updateStatus({ id: created.id, status: "EXPIRED" }, noSignal);
    proxy.inject("UpdateItem", { kind: "reset" });
    await expect(store.updateStatus({ id: created.id, status: "COMPLETED", expectedVersion: 1 }, noSignal)).rejects.toMatchObject({
      name: "SessionVersionMismatchError",
    });
  });

  it("retries the keys a batch read leaves unprocessed, and throttled queries of a listing", async () => {
    for (let i = 0; i < 6; i++) {
      await store.create(newSession(), noSignal);
    }
    proxy.inject("Query", { kind: "throttle" });
    proxy.inject("BatchGetItem", { kind: "server-error" });
    const page = await store.list({ status: "PENDING", pageSize: 10, cursor: undefined }, noSignal);
    expect(page.sessions).toHaveLength(6);
    expect(await store.countByStatus("PENDING", noSignal)).toBe(6);
  });
});
