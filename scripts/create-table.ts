/**
 * npm run table:create — creates the sessions table, status index and TTL
 * from the same environment the service reads (AWS_REGION,
 * DYNAMODB_CHECKOUT_SESSIONS_TABLE, DYNAMODB_ENDPOINT, DYNAMODB_STATUS_SHARDS),
 * and records the shard count. Safe to run again.
 */
import { ConfigError, loadDynamoDbConfig, readEnv } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { RetryPolicy } from "../src/retry.js";
import { createDynamoDbClient } from "../src/store/dynamodb/dynamodb-client.js";
import { provisionTable } from "../src/store/dynamodb/provision-table.js";

/** CreateTable returns at once; the wait for ACTIVE is the waiter's own (up to 300 s). */
const DEADLINE_MS = 360_000;

let settings;
try {
  settings = loadDynamoDbConfig(readEnv());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`table:create: invalid configuration: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
const client = createDynamoDbClient(settings);
try {
  const report = await provisionTable({
    client,
    tableName: settings.tableName,
    statusShards: settings.statusShards,
    retry: new RetryPolicy({ ...settings.retry, logger: createLogger("silent") }),
    signal: AbortSignal.timeout(DEADLINE_MS),
    warn: (message) => process.stderr.write(`table:create: warning: ${message}\n`),
  });
  process.stdout.write(
    `table:create: ${settings.tableName} ${report.created ? "created" : "already exists"}; ` +
      `index and keys as expected; TTL on expiresAt: ${report.ttl}; ${settings.statusShards} status shards\n`,
  );
} catch (error) {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.name}: ${error.cause.message})` : "";
  process.stderr.write(`table:create: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
