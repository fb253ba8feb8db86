import { loadConfig, type Env } from "../../src/config.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { SessionStoreServer } from "../../src/server.js";
import { MemorySessionStore } from "../../src/store/memory/memory-session-store.js";
import type { SessionStore } from "../../src/store/session-store.js";
import { ManualClock } from "./manual-clock.js";

export interface TestServer {
  readonly server: SessionStoreServer;
  readonly clock: ManualClock;
  readonly store: SessionStore;
  /** host:port of the gRPC port. */
  readonly address: string;
  stop(): Promise<void>;
}

/** A real server on an ephemeral loopback port, with a memory store on a manual clock unless given a store. */
export async function startTestServer(
  env: Env = {},
  store?: SessionStore,
  clock = new ManualClock(),
  logger: Logger = createLogger("silent"),
): Promise<TestServer> {
  const config = loadConfig({ HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", SHUTDOWN_GRACE_SECONDS: "5", ...env });
  const sessionStore = store ?? new MemorySessionStore({ clock, ttlMs: config.sessionTtlMs, sweepIntervalMs: 0 });
  const server = new SessionStoreServer({ config, store: sessionStore, logger });
  await server.start();
  return {
    server,
    clock,
    store: sessionStore,
    address: `127.0.0.1:${server.grpcPort}`,
    stop: () => server.stop(),
  };
}
