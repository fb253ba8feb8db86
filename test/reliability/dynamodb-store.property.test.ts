import { afterAll, beforeAll, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { RetryPolicy } from "../../src/retry.js";
import { DynamoDbSessionStore } from "../../src/store/dynamodb/dynamodb-session-store.js";
import { createTestTable, localClient, startDynalite, type LocalDynamo } from "../helpers/dynalite.js";
import { checkAgainstModel } from "./store-model.js";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.close();
});

it("the DynamoDB store agrees with the model on random operation sequences", async () => {
  await checkAgainstModel(
    async (clock, ttlMs) => {
      const store = new DynamoDbSessionStore({
        client: localClient(dynamo.endpoint),
        tableName: await createTestTable(dynamo.client, 3),
        statusShards: 3,
        clock,
        ttlMs,
        retry: new RetryPolicy({ maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, logger: createLogger("silent") }),
      });
      return { store, teardown: () => store.close() };
    },
    { numRuns: 60, maxOperations: 30, expiryResolutionMs: 1000 },
  );
}, 120_000);
