import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import { MemorySessionStore } from "./memory/memory-session-store.js";
import type { SessionStore } from "./session-store.js";

/** The adapter the configuration names. */
export async function createStore(config: Config, clock: Clock): Promise<SessionStore> {
  switch (config.store) {
    case "memory":
      return new MemorySessionStore({ clock, ttlMs: config.sessionTtlMs });
    case "dynamodb":
      throw new Error("the DynamoDB store is not built yet");
  }
}
