import { afterAll, beforeAll } from "vitest";
import { DynamoDbSessionStore } from "../../src/store/dynamodb/dynamodb-session-store.js";
import { createTestTable, localClient, startDynalite, testRetryPolicy, type LocalDynamo } from "../helpers/dynalite.js";
import { describeSessionStoreContract } from "./session-store-contract.js";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

/** Few shards, so the walks in the suite cross shards with pages smaller than a shard. */
const STATUS_SHARDS = 4;

describeSessionStoreContract("dynamodb (dynalite)", async (clock, ttlMs) => {
  const tableName = await createTestTable(dynamo.client, STATUS_SHARDS);
  const store = new DynamoDbSessionStore({
    client: localClient(dynamo.endpoint),
    tableName,
    statusShards: STATUS_SHARDS,
    clock,
    ttlMs,
    retry: testRetryPolicy(),
  });
  return { store, teardown: () => store.close() };
});
