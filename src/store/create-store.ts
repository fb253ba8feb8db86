import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/metrics.js";
import { RetryPolicy } from "../retry.js";
import { createDynamoDbClient } from "./dynamodb/dynamodb-client.js";
import { DynamoDbSessionStore } from "./dynamodb/dynamodb-session-store.js";
import { verifyTable } from "./dynamodb/verify-table.js";
import { MemorySessionStore } from "./memory/memory-session-store.js";
import type { SessionStore } from "./session-store.js";

export interface StoreDependencies {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const START_CHECK_TIMEOUT_MS = 15_000;

/** The adapter the configuration names, checked ready to serve. */
export async function createStore(config: Config, dependencies: StoreDependencies): Promise<SessionStore> {
  const { clock, logger, metrics } = dependencies;
  if (config.store === "memory" || !config.dynamodb) {
    const store = new MemorySessionStore({ clock, ttlMs: config.sessionTtlMs });
    metrics.trackSessions((status) => store.countByStatus(status));
    return store;
  }
  const settings = config.dynamodb;
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
    ttlMs: config.sessionTtlMs,
    retry,
  });
}
