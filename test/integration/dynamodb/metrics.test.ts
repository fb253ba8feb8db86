/** The DynamoDB adapter's attempts, retries, throttles and latency reach /metrics's registry. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLogger } from "../../../src/logger.js";
import { Metrics } from "../../../src/observability/metrics.js";
import { RetryPolicy } from "../../../src/retry.js";
import { DynamoDbSessionStore } from "../../../src/store/dynamodb/dynamodb-session-store.js";
import { createTestTable, localClient, startDynalite, type LocalDynamo } from "../../helpers/dynalite.js";
import { FaultProxy } from "../../helpers/fault-proxy.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { newSession, noSignal } from "../../helpers/sessions.js";

let dynamo: LocalDynamo;
let proxy: FaultProxy;

beforeAll(async () => {
  dynamo = await startDynalite();
  proxy = await FaultProxy.start(dynamo.endpoint);
});

afterAll(async () => {
  await proxy.close();
  await dynamo.close();
});

it("counts DynamoDB attempts by outcome, retries and throttles, and times them", async () => {
  const metrics = new Metrics();
  const store = new DynamoDbSessionStore({
    client: localClient(proxy.endpoint),
    tableName: await createTestTable(dynamo.client, 2),
    statusShards: 2,
    clock: new ManualClock(),
    ttlMs: 3_600_000,
    retry: new RetryPolicy({ maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, logger: createLogger("silent"), metrics }),
  });
  proxy.inject("PutItem", { kind: "throttle" }, { kind: "server-error" });
  await store.create(newSession(), noSignal);
  await store.close();

  const body = await metrics.registry.metrics();
  expect(body).toContain('sessionstore_dynamodb_attempts_total{operation="PutItem",outcome="throttled"} 1');
  expect(body).toContain('sessionstore_dynamodb_attempts_total{operation="PutItem",outcome="transient"} 1');
  expect(body).toContain('sessionstore_dynamodb_attempts_total{operation="PutItem",outcome="success"} 1');
  expect(body).toContain('sessionstore_dynamodb_retries_total{operation="PutItem"} 2');
  expect(body).toContain('sessionstore_dynamodb_throttles_total{operation="PutItem"} 1');
  expect(body).toContain('sessionstore_dynamodb_attempt_duration_seconds_count{operation="PutItem"} 3');
});
