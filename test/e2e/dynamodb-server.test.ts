/**
 * The service as deployed on the DynamoDB store: the real process
 * (SESSION_STORE=dynamodb) against dynalite, every RPC once through the
 * typed client; a start against a missing table; and health following
 * DynamoDB going away and coming back.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSessionStoreClient } from "../../src/client.js";
import { HealthCheckResponse_ServingStatus as Serving } from "../../src/gen/health/v1/health_pb.js";
import { SessionStatus } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { DynamoDbSessionStore } from "../../src/store/dynamodb/dynamodb-session-store.js";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  provisionLocalTable,
  startDynalite,
  testRetryPolicy,
  type LocalDynamo,
} from "../helpers/dynalite.js";
import { killAll, startMain, type StartedProcess } from "../helpers/child-process.js";
import { watchHealth } from "../helpers/health-watch.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { startTestServer } from "../helpers/test-server.js";

function startService(env: Record<string, string>): StartedProcess {
  return startMain({
    HOST: "127.0.0.1",
    PORT: "0",
    SESSION_STORE: "dynamodb",
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    ...env,
  });
}

describe("the service on DynamoDB", () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
    await provisionLocalTable(dynamo.client, "checkout-sessions", 16);
  });

  afterEach(killAll);

  afterAll(async () => {
    await dynamo.close();
  });

  it("serves every RPC", async () => {
    const service = startService({ DYNAMODB_ENDPOINT: dynamo.endpoint });
    await expect.poll(() => service.output().stdout, { timeout: 20_000 }).toContain('"msg":"serving"');
    // dynalite has no TTL, so a warning about it comes first.
    const lines = service.output().stdout.split("\n");
    expect(lines[0]).toContain('"msg":"TTL on expiresAt is not enabled');
    const { port } = JSON.parse(lines.find((line) => line.includes('"msg":"serving"')) ?? "{}") as { port: number };
    const client = createSessionStoreClient(`127.0.0.1:${port}`);

    const { session } = await client.createSession({
      eventId: "evt-dynamo",
      tickets: [{ ticketId: "GA", quantity: 2, unitPriceMinor: 4500n, currencyCode: "EUR" }],
      metadata: { channel: "web" },
    });
    const id = session?.id ?? "";
    expect((await client.getSession({ id })).session).toEqual(session);
    const updated = await client.updateSessionStatus({ id, status: SessionStatus.COMPLETED, expectedVersion: 1n });
    expect(updated.session).toMatchObject({ status: SessionStatus.COMPLETED, version: 2n });
    expect((await client.countByStatus({ status: SessionStatus.COMPLETED })).count).toBe(1n);
    const listed = await client.listSessions({ status: SessionStatus.COMPLETED });
    expect(listed.sessions.map((s) => s.id)).toEqual([id]);
    expect(listed.nextPageToken).toBe("");
    await client.deleteSession({ id });
    const error = await client.getSession({ id }).catch((e: unknown) => ConnectError.from(e));
    expect((error as ConnectError).code).toBe(Code.NotFound);

    service.child.kill("SIGTERM");
    expect(await service.exited).toBe(0);
  });

  it("refuses to start, with one line, when the table does not exist", async () => {
    const service = startService({ DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_CHECKOUT_SESSIONS_TABLE: "missing-table" });
    expect(await service.exited).toBe(1);
    // On Node 20 the AWS SDK also prints its own deprecation warning; the service's own output is one line.
    const ownLines = service.output().stderr.split("\n").filter((line) => line.startsWith("sessionstore:"));
    expect(ownLines).toEqual([
      "sessionstore: cannot start: DynamoDB table missing-table does not exist; create it with npm run table:create or the template in deploy/",
    ]);
  });

  it("tells a health watcher NOT_SERVING while DynamoDB is down and SERVING when it is back", async () => {
    const own = await startDynalite();
    await provisionLocalTable(own.client, "health", 2);
    const port = Number(new URL(own.endpoint).port);
    const store = new DynamoDbSessionStore({
      client: localClient(own.endpoint),
      tableName: "health",
      statusShards: 2,
      clock: new ManualClock(),
      ttlMs: 3_600_000,
      retry: testRetryPolicy(),
    });
    const server = await startTestServer({ HEALTH_CHECK_INTERVAL_SECONDS: "0.1", HEALTH_CHECK_FAILURE_THRESHOLD: "2" }, store);
    const watch = watchHealth(server.address, "sessionstore.v1.SessionStoreService");
    await watch.next(Serving.SERVING);

    await own.close();
    await watch.next(Serving.NOT_SERVING);

    const back = await startDynalite({ port });
    await provisionLocalTable(back.client, "health", 2);
    await watch.next(Serving.SERVING);
    expect(watch.statuses).toEqual([Serving.SERVING, Serving.NOT_SERVING, Serving.SERVING]);

    watch.close();
    await server.stop();
    await back.close();
  });
});
