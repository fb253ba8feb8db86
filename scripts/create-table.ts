/**
 * npm run table:create — creates the sessions table, status index and TTL
 * from the same environment the service reads (AWS_REGION,
 * DYNAMODB_CHECKOUT_SESSIONS_TABLE, DYNAMODB_ENDPOINT, DYNAMODB_STATUS_SHARDS).
 */
import { ConfigError, dynamodb, readEnv } from "../src/config.js";
import { createDynamoDbClient } from "../src/store/dynamodb/dynamodb-client.js";
import { provisionTable } from "../src/store/dynamodb/provision-table.js";

let settings;
try {
  settings = dynamodb(readEnv());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`table:create: invalid configuration: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
const client = createDynamoDbClient(settings);
try {
  const report = await provisionTable(client, settings.tableName, settings.statusShards, (message) => {
    process.stderr.write(`table:create: warning: ${message}\n`);
  });
  process.stdout.write(
    `table:create: ${settings.tableName} ${report.created ? "created" : "already exists"}; ` +
      `index and keys as expected; TTL on expiresAt: ${report.ttl}; ${settings.statusShards} status shards\n`,
  );
} catch (error) {
  process.stderr.write(`table:create: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
