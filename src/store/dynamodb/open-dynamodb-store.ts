/**
 * The DynamoDB adapter as the service starts it: one client, one retry
 * policy, and the table checked to have the keys and index this code expects
 * before a single call is served.
 */
import type { DynamoDbConfig } from "../../config.js";
import { RetryPolicy } from "../../retry.js";
import type { StoreDependencies } from "../create-store.js";
import { createDynamoDbClient } from "./dynamodb-client.js";
import { DynamoDbSessionStore } from "./dynamodb-session-store.js";
import { verifyTable } from "./verify-table.js";

const START_CHECK_TIMEOUT_MS = 15_000;

export async function openDynamoDbStore(settings: DynamoDbConfig, ttlMs: number, dependencies: StoreDependencies): Promise<DynamoDbSessionStore> {
  const { clock, logger, metrics } = dependencies;
  const client = createDynamoDbClient(settings);
  const retry = new RetryPolicy({ ...settings.retry, logger, metrics });
  try {
    await verifyTable({
      client,
      tableName: settings.tableName,
      statusShards: settings.statusShards,
      retry,
      logger,
      signal: AbortSignal.timeout(START_CHECK_TIMEOUT_MS),
    });
  } catch (error) {
    client.destroy();
    throw error;
  }
  // No sessions gauge here: counting reads the whole status index, too dear for every scrape.
  return new DynamoDbSessionStore({
    client,
    tableName: settings.tableName,
    statusShards: settings.statusShards,
    clock,
    ttlMs,
    retry,
  });
}
