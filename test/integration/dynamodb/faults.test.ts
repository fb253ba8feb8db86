/**
 * The DynamoDB adapter between a fault-injecting proxy and dynalite:
 * which faults are retried and how, where retrying stops, and that a write
 * whose response was lost is reported as the success it was, stored once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SessionAlreadyExistsError, SessionNotFoundError, SessionVersionMismatchError, StoreUnavailableError } from "../../../src/errors.js";
import { RetryPolicy } from "../../../src/retry.js";
import { DynamoDbSessionStore } from "../../../src/store/dynamodb/dynamodb-session-store.js";
import { captureLogs, type CapturedLogger } from "../../helpers/captured-logger.js";
import { createTestTable, localClient, startDynalite, testRetryPolicy, type LocalDynamo } from "../../helpers/dynalite.js";
import { FaultProxy } from "../../helpers/fault-proxy.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { newSession, noSignal } from "../../helpers/sessions.js";

const BASE_DELAY_MS = 40;
const MAX_ATTEMPTS = 4;
const REQUEST_TIMEOUT_MS = 300;
const SHARDS = 2;

describe("DynamoDB store under faults", () => {
  let dynamo: LocalDynamo;
  let proxy: FaultProxy;
  let tableName: string;
  let clock: ManualClock;
  let store: DynamoDbSessionStore;
  /** The same table without the proxy: another server's view. */
  let direct: DynamoDbSessionStore;
  let logs: CapturedLogger;

  const storeOn = (endpoint: string, retry: RetryPolicy) =>
    new DynamoDbSessionStore({
      client: localClient(endpoint, { requestTimeoutMs: REQUEST_TIMEOUT_MS }),
      tableName,
      statusShards: SHARDS,
      clock,
      ttlMs: 3_600_000,
      retry,
    });

  beforeAll(async () => {
    dynamo = await startDynalite();
    proxy = await FaultProxy.start(dynamo.endpoint);
  });

  beforeEach(async () => {
    tableName = await createTestTable(dynamo.client, SHARDS);
    clock = new ManualClock();
    logs = captureLogs("debug");
    store = storeOn(proxy.endpoint, new RetryPolicy({ maxAttempts: MAX_ATTEMPTS, baseDelayMs: BASE_DELAY_MS, maxDelayMs: 2000, logger: logs.logger }));
    direct = storeOn(dynamo.endpoint, testRetryPolicy());
    proxy.clear();
  });

  afterEach(async () => {
    await store.close();
    await direct.close();
  });

  afterAll(async () => {
    await proxy.close();
    await dynamo.close();
  });

  describe("retrying", () => {
    it("retries both kinds of throttling with growing delays, then succeeds", async () => {
      proxy.inject("PutItem", { kind: "throttle" }, { kind: "throttle", type: "ThrottlingException" }, { kind: "throttle" });
      const created = await store.create(newSession(), noSignal);
      const attempts = proxy.of("PutItem").map((r) => r.at);
      expect(attempts).toHaveLength(4);
      // Each wait is at least the backoff's floor for its retry, which doubles: base, 2 x base, 4 x base.
      const gaps = attempts.slice(1).map((at, i) => at - (attempts[i] ?? 0));
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(BASE_DELAY_MS * 2 ** i - 2));
      expect((await direct.get(created.id, noSignal)).id).toBe(created.id);
      expect(logs.lines().filter((l) => l.msg === "DynamoDB request failed; retrying")).toHaveLength(3);
    });

    it("retries 500s and connection resets", async () => {
      const created = await direct.create(newSession(), noSignal);
      proxy.inject("GetItem", { kind: "server-error" }, { kind: "reset" });
      expect((await store.get(created.id, noSignal)).version).toBe(1);
      expect(proxy.of("GetItem").map((r) => r.fault)).toEqual(["server-error", "reset", "none"]);
    });

    it("gives up on a request that outlives the request timeout and sends it again; the late write lands once", async () => {
      proxy.inject("PutItem", { kind: "delay", ms: REQUEST_TIMEOUT_MS * 3 });
      const created = await store.create(newSession(), noSignal);
      expect(proxy.of("PutItem").map((r) => r.fault)).toEqual(["delay", "none"]);
      // Let the delayed first attempt reach dynalite too: its condition fails there, changing nothing.
      await expect.poll(() => direct.get(created.id, noSignal), { timeout: 5000 }).toEqual(created);
      expect(await direct.countByStatus("PENDING", noSignal)).toBe(1);
    });

    it("gives up after the configured attempts with StoreUnavailableError, and logs the last error", async () => {
      proxy.setPlan((operation) => (operation === "GetItem" ? { kind: "throttle" } : undefined));
      const error = await store.get("any", noSignal).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toBe("the session store is over its capacity (refused 4 attempts); retry with backoff");
      expect(proxy.of("GetItem")).toHaveLength(MAX_ATTEMPTS);
      const logged = logs.lines().find((l) => l.msg === "DynamoDB request failed on every attempt");
      expect(logged).toMatchObject({ level: 50, operation: "GetItem", attempts: 4 });
      expect(logged?.err).toMatchObject({ type: "ProvisionedThroughputExceededException" });
    });

    it("never retries a failed condition, a request DynamoDB refuses as invalid, or a missing table", async () => {
      const created = await direct.create(newSession(), noSignal);
      await expect(store.create(newSession({ id: created.id }), noSignal)).rejects.toThrow(SessionAlreadyExistsError);
      expect(proxy.of("PutItem")).toHaveLength(1);

      proxy.clear();
      proxy.inject("GetItem", { kind: "invalid" });
      await expect(store.get(created.id, noSignal)).rejects.toMatchObject({ name: "ValidationException" });
      expect(proxy.of("GetItem")).toHaveLength(1);

      tableName = "no-such-table";
      const missingTable = storeOn(proxy.endpoint, testRetryPolicy());
      proxy.clear();
      await expect(missingTable.get("any", noSignal)).rejects.toMatchObject({ name: "ResourceNotFoundException" });
      expect(proxy.of("GetItem")).toHaveLength(1);
      await missingTable.close();
    });

    it("stops at the call's deadline, also while waiting to retry", async () => {
      proxy.setPlan(() => ({ kind: "delay", ms: REQUEST_TIMEOUT_MS / 2 }));
      const slow = await store.get("any", { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS / 4) }).catch((e: unknown) => e);
      expect(slow).toMatchObject({ name: "TimeoutError" });
      expect(slow).toBeInstanceOf(DOMException);

      proxy.clear();
      proxy.setPlan(() => ({ kind: "throttle" }));
      const backingOff = await store.get("any", { signal: AbortSignal.timeout(BASE_DELAY_MS * 3) }).catch((e: unknown) => e);
      expect(backingOff).toMatchObject({ name: "TimeoutError" });
      const sent = proxy.requests.length;
      expect(sent).toBeLessThan(MAX_ATTEMPTS);
      // Nothing more is sent once the deadline has passed (the next backoff would have ended by now).
      await new Promise((resolve) => setTimeout(resolve, BASE_DELAY_MS * 8));
      expect(proxy.requests.length).toBe(sent);
    });

    it("passes a cancellation through as the caller's reason, without retrying", async () => {
      const controller = new AbortController();
      proxy.setPlan(() => ({ kind: "delay", ms: 200 }));
      const pending = store.countByStatus("PENDING", { signal: controller.signal });
      await expect.poll(() => proxy.requests.length).toBe(SHARDS);
      controller.abort(new DOMException("the caller cancelled the call", "AbortError"));
      await expect(pending).rejects.toMatchObject({ name: "AbortError", message: "the caller cancelled the call" });
      expect(proxy.requests).toHaveLength(SHARDS);
    });

    it("reads again the keys a batch read leaves unprocessed, and retries throttled queries of a listing", async () => {
      for (let i = 0; i < 6; i++) {
        await direct.create(newSession(), noSignal);
      }
      proxy.inject("Query", { kind: "throttle" });
      proxy.inject("BatchGetItem", { kind: "unprocessed" }, { kind: "unprocessed" });
      const page = await store.list({ status: "PENDING", pageSize: 10, cursor: undefined }, noSignal);
      expect(page.sessions).toHaveLength(6);
      expect(proxy.of("BatchGetItem").map((r) => r.fault)).toEqual(["unprocessed", "unprocessed", "none"]);

      proxy.setPlan((operation) => (operation === "BatchGetItem" ? { kind: "unprocessed" } : undefined));
      const error = await store.list({ status: "PENDING", pageSize: 10, cursor: undefined }, noSignal).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
    });
  });

  describe("lost responses", () => {
    it("reports a create whose response was lost as created, and stores it once", async () => {
      proxy.inject("PutItem", { kind: "lose-response" });
      const created = await store.create(newSession(), noSignal);
      expect(proxy.of("PutItem")).toHaveLength(2);
      expect(await direct.get(created.id, noSignal)).toEqual(created);
      expect(await direct.countByStatus("PENDING", noSignal)).toBe(1);
    });

    it("recognises its own create even after another server changed the session before the retry", async () => {
      const draft = newSession();
      proxy.inject("PutItem", {
        kind: "lose-response",
        afterApplied: async () => {
          await direct.updateStatus({ id: draft.id, status: "COMPLETED" }, noSignal);
        },
      });
      const created = await store.create(draft, noSignal);
      expect(created).toMatchObject({ id: draft.id, status: "PENDING", version: 1 });
      expect(await direct.get(draft.id, noSignal)).toMatchObject({ status: "COMPLETED", version: 2 });
    });

    it("reports an update whose response was lost as applied, once", async () => {
      const created = await direct.create(newSession(), noSignal);
      proxy.inject("UpdateItem", { kind: "lose-response" });
      const updated = await store.updateStatus({ id: created.id, status: "COMPLETED", expectedVersion: 1 }, noSignal);
      expect(updated).toMatchObject({ status: "COMPLETED", version: 2 });
      expect(proxy.of("UpdateItem")).toHaveLength(2);
      expect(await direct.get(created.id, noSignal)).toEqual(updated);
    });

    it("reports a delete whose response was lost as a delete", async () => {
      const created = await direct.create(newSession(), noSignal);
      proxy.inject("DeleteItem", { kind: "lose-response" });
      expect(await store.delete(created.id, noSignal)).toBe(true);
      await expect(direct.get(created.id, noSignal)).rejects.toThrow(SessionNotFoundError);
    });

    it("still tells a real conflict from its own lost write", async () => {
      const created = await direct.create(newSession(), noSignal);
      await direct.updateStatus({ id: created.id, status: "EXPIRED" }, noSignal);
      proxy.inject("UpdateItem", { kind: "reset" });
      await expect(store.updateStatus({ id: created.id, status: "COMPLETED", expectedVersion: 1 }, noSignal)).rejects.toThrow(
        SessionVersionMismatchError,
      );
      expect(proxy.of("UpdateItem")).toHaveLength(2);
    });
  });
});
