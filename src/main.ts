/**
 * The process: read the configuration, build the store and the server,
 * serve until SIGTERM or SIGINT, then drain and exit 0. A bad configuration
 * or a store that cannot serve stops it at once with one line and a non-zero exit.
 */
import { systemClock } from "./clock.js";
import { ConfigError, loadConfig, readEnv } from "./config.js";
import { createLogger } from "./logger.js";
import { SessionStoreServer } from "./server.js";
import { createStore } from "./store/create-store.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnv());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sessionstore: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const store = await createStore(config, systemClock);
  const server = new SessionStoreServer({ config, store, logger });
  try {
    await server.start();
  } catch (error) {
    process.stderr.write(`sessionstore: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    await store.close();
    process.exit(1);
  }
  logger.info(
    { host: config.host, port: server.grpcPort, connectPort: server.connectPort, store: config.store, environment: config.environment },
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
