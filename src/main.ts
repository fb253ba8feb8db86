/**
 * The process: read the configuration, build the store and the server,
 * serve until SIGTERM or SIGINT, then drain and exit 0. A bad configuration
 * (exit 2) or a server that cannot start (exit 1) stops it at once with one line.
 */
import { systemClock } from "./clock.js";
import { ConfigError, loadConfig, readEnv, type Config } from "./config.js";
import { createLogger } from "./logger.js";
import { Metrics } from "./observability/metrics.js";
import { SessionStoreServer } from "./server.js";
import { createStore } from "./store/create-store.js";
import type { SessionStore } from "./store/session-store.js";

function readConfig(): Config {
  try {
    return loadConfig(readEnv());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sessionstore: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const metrics = new Metrics();
  let store: SessionStore | undefined;
  let server: SessionStoreServer;
  try {
    store = await createStore(config, { clock: systemClock, logger, metrics });
    server = new SessionStoreServer({ config, store, logger, metrics });
    await server.start();
  } catch (error) {
    process.stderr.write(`sessionstore: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    await store?.close();
    process.exit(1);
  }
  logger.info(
    {
      host: config.host,
      port: server.grpcPort,
      connectPort: server.connectPort,
      metricsPort: server.metricsPort,
      tls: config.tls === undefined ? "off" : config.tls.clientCaFile === undefined ? "on" : "mutual",
      store: config.store,
      environment: config.environment,
    },
    "serving",
  );

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

await main();
