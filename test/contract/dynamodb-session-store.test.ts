import { afterAll, beforeAll } from "vitest";
import { createLogger } from "../../src/logger.js";
import { RetryPolicy } from "../../src/retry.js";
import { DynamoDbSessionStore } from "../../src/store/dynamodb/dynamodb-session-store.js";
import { createTestTable, localClient, startDynalite, type LocalDynamo } from "../helpers/dynalite.js";
import { describeSessionStoreContract } from "./session-store-contract.js";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

describeSessionStoreContract("dynamodb (dynalite)", async (clock, ttlMs) => {
  const tableName = await createTestTable(dynamo.client);
  const store = new DynamoDbSessionStore({
    client: localClient(dynamo.endpoint),
    tableName,
    statusShards: 4,
    clock,
    ttlMs,
    retry: new RetryPolicy({ maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50, logger: createLogger("silent") }),
  });
  return { store, teardown: () => store.close() };
});
