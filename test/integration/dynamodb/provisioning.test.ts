/** npm run table:create's logic, the start-up check and the health probe, against dynalite. */
import { CreateTableCommand, DeleteItemCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionNotFoundError } from "../../../src/errors.js";
import { DynamoDbSessionStore } from "../../../src/store/dynamodb/dynamodb-session-store.js";
import { provisionTable } from "../../../src/store/dynamodb/provision-table.js";
import { createTableInput, STATUS_INDEX } from "../../../src/store/dynamodb/table-definition.js";
import { SETTINGS_ITEM_ID, ShardCountMismatchError } from "../../../src/store/dynamodb/table-settings.js";
import { verifyTable } from "../../../src/store/dynamodb/verify-table.js";
import { captureLogs } from "../../helpers/captured-logger.js";
import { FaultProxy } from "../../helpers/fault-proxy.js";
import { localClient, startDynalite, testRetryPolicy, type LocalDynamo } from "../../helpers/dynalite.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { noSignal } from "../../helpers/sessions.js";

describe("table provisioning, the start-up check and the health probe", () => {
  let dynamo: LocalDynamo;
  const signal = noSignal.signal;
  const access = (tableName: string) => ({ client: dynamo.client, tableName, retry: testRetryPolicy(), signal });
  const provision = (tableName: string, statusShards: number, warn: (message: string) => void = () => undefined) =>
    provisionTable({ ...access(tableName), statusShards, warn });
  const verify = (tableName: string, statusShards: number, logs = captureLogs()) =>
    verifyTable({ ...access(tableName), statusShards, logger: logs.logger });

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo.close();
  });

  it("creates the table and index, warns that dynalite has no UpdateTimeToLive, and is idempotent", async () => {
    const warnings: string[] = [];
    const first = await provision("provisioned", 8, (w) => warnings.push(w));
    expect(first).toEqual({ created: true, ttl: "this server does not implement UpdateTimeToLive" });
    expect(warnings).toEqual([
      "this server does not implement UpdateTimeToLive; expired sessions will not be deleted here, only hidden by the service",
    ]);
    const second = await provision("provisioned", 8);
    expect(second.created).toBe(false);
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: "provisioned" }));
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe(STATUS_INDEX);
    await expect(verify("provisioned", 8)).resolves.toBeUndefined();
  });

  it("starts on a table without TTL, with a warning saying what that costs", async () => {
    await provision("without-ttl", 2);
    const logs = captureLogs();
    await verify("without-ttl", 2, logs);
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 40,
        table: "without-ttl",
        ttlStatus: "DISABLED",
        msg: "TTL on expiresAt is not enabled: expired sessions stay hidden but are never deleted; run npm run table:create",
      }),
    ]);
  });

  it("starts with a warning when it may not read the TTL setting", async () => {
    await provision("ttl-unreadable", 2);
    const proxy = await FaultProxy.start(dynamo.endpoint);
    const client = localClient(proxy.endpoint);
    proxy.inject("DescribeTimeToLive", { kind: "invalid" });
    const logs = captureLogs();
    await verifyTable({ client, tableName: "ttl-unreadable", statusShards: 2, retry: testRetryPolicy(), signal, logger: logs.logger });
    expect(logs.lines()).toEqual([expect.objectContaining({ level: 40, msg: "could not check TTL on expiresAt" })]);
    client.destroy();
    await proxy.close();
  });

  it("refuses to start on a missing table, naming it and how to create it", async () => {
    await expect(verify("absent", 8)).rejects.toThrow(
      "DynamoDB table absent does not exist; create it with npm run table:create or the template in deploy/",
    );
  });

  it("refuses to start on a table without the status index", async () => {
    const { GlobalSecondaryIndexes: _, AttributeDefinitions, ...withoutIndex } = createTableInput("no-index");
    await dynamo.client.send(
      new CreateTableCommand({ ...withoutIndex, AttributeDefinitions: AttributeDefinitions?.filter((a) => a.AttributeName === "id") }),
    );
    await expect(verify("no-index", 8)).rejects.toThrow(/attribute statusShard is not of type S; .*has no global secondary index status-expiry-index/);
  });

  it("records the shard count on a table made without it (CloudFormation), then holds every start to it", async () => {
    await dynamo.client.send(new CreateTableCommand(createTableInput("from-template")));
    await verify("from-template", 4);
    await expect(verify("from-template", 4)).resolves.toBeUndefined();
    const mismatch = await verify("from-template", 16).catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(ShardCountMismatchError);
    expect((mismatch as Error).message).toBe(
      "table from-template was created with 4 status shards, but DYNAMODB_STATUS_SHARDS is 16; the shard count is fixed for a table's life",
    );
  });

  it("probes health with the settings item: fails when it is gone or says another shard count", async () => {
    await provision("probed", 4);
    const store = (statusShards: number) =>
      new DynamoDbSessionStore({
        client: localClient(dynamo.endpoint),
        tableName: "probed",
        statusShards,
        clock: new ManualClock(),
        ttlMs: 3_600_000,
        retry: testRetryPolicy(),
      });
    const right = store(4);
    const wrong = store(8);
    await expect(right.checkHealth(noSignal)).resolves.toBeUndefined();
    await expect(wrong.checkHealth(noSignal)).rejects.toThrow(ShardCountMismatchError);
    // The settings item is no session: the store neither returns nor deletes it.
    await expect(right.get(SETTINGS_ITEM_ID, noSignal)).rejects.toThrow(SessionNotFoundError);
    expect(await right.delete(SETTINGS_ITEM_ID, noSignal)).toBe(false);
    await expect(right.checkHealth(noSignal)).resolves.toBeUndefined();
    await dynamo.client.send(new DeleteItemCommand({ TableName: "probed", Key: { id: { S: SETTINGS_ITEM_ID } } }));
    await expect(right.checkHealth(noSignal)).rejects.toThrow("table probed has no settings item; the start-up check writes it");
    await right.close();
    await wrong.close();
  });
});
