import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/metrics.js";
import { MemorySessionStore } from "./memory/memory-session-store.js";
import type { SessionStore } from "./session-store.js";

export interface StoreDependencies {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The adapter the configuration names, checked ready to serve. */
export async function createStore(config: Config, dependencies: StoreDependencies): Promise<SessionStore> {
  if (config.store === "memory" || !config.dynamodb) {
    const store = new MemorySessionStore({ clock: dependencies.clock, ttlMs: config.sessionTtlMs });
    dependencies.metrics.trackSessions((status) => store.countByStatus(status));
    return store;
  }
  // Loaded only when chosen: the AWS SDK is most of the service's start-up
  // time (bench/startup.ts), which the memory store has no use for.
  const { openDynamoDbStore } = await import("./dynamodb/open-dynamodb-store.js");
  return openDynamoDbStore(config.dynamodb, config.sessionTtlMs, dependencies);
}
