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

/** The adapter the configuration names. */
export async function createStore(config: Config, dependencies: StoreDependencies): Promise<SessionStore> {
  switch (config.store) {
    case "memory": {
      const store = new MemorySessionStore({ clock: dependencies.clock, ttlMs: config.sessionTtlMs });
      dependencies.metrics.trackSessions((status) => store.countByStatus(status));
      return store;
    }
    case "dynamodb":
      throw new Error("the DynamoDB store is not built yet");
  }
}
