/**
 * dynalite, a DynamoDB-compatible server, started in this process on an
 * ephemeral loopback port: the real DynamoDB API (validation, conditions,
 * GSIs) with nothing to install or run beforehand.
 */
import type { AddressInfo } from "node:net";
import { CreateTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { loadDynamoDbConfig, type DynamoDbConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { RetryPolicy } from "../../src/retry.js";
import { createDynamoDbClient } from "../../src/store/dynamodb/dynamodb-client.js";
import { provisionTable, type ProvisionReport } from "../../src/store/dynamodb/provision-table.js";
import { createTableInput } from "../../src/store/dynamodb/table-definition.js";
import { ensureShardCount } from "../../src/store/dynamodb/table-settings.js";

export interface LocalDynamo {
  readonly endpoint: string;
  /** A client for the tests' own setup, configured as the service's. */
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/** Fixed credentials: dynalite checks a signature is there, not whose it is. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "local-1";

export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path && { path: options.path }) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = localClient(endpoint);
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The service's DynamoDB settings, pointed at a local endpoint. */
export function localSettings(endpoint: string, overrides: Partial<DynamoDbConfig> = {}): DynamoDbConfig {
  return { ...loadDynamoDbConfig({ AWS_REGION: LOCAL_REGION, DYNAMODB_ENDPOINT: endpoint }), ...overrides };
}

/** A client built as the service builds its own (no SDK retries, its timeouts), with the local credentials. */
export function localClient(endpoint: string, overrides: Partial<DynamoDbConfig> = {}): DynamoDBClient {
  return createDynamoDbClient(localSettings(endpoint, overrides), { credentials: LOCAL_CREDENTIALS });
}

/** A quick policy for tests that do not study retrying. */
export function testRetryPolicy(): RetryPolicy {
  return new RetryPolicy({ maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50, logger: createLogger("silent") });
}

let tables = 0;

/** A new table with the service's shape, a unique name, and its shard count recorded. */
export async function createTestTable(client: DynamoDBClient, statusShards: number): Promise<string> {
  const name = `sessions-test-${process.pid}-${++tables}`;
  await client.send(new CreateTableCommand(createTableInput(name)));
  await ensureShardCount({ client, tableName: name, statusShards, retry: testRetryPolicy(), signal: AbortSignal.timeout(10_000) });
  return name;
}

/** What npm run table:create does, on a local server (whose missing UpdateTimeToLive is expected, so not reported). */
export function provisionLocalTable(client: DynamoDBClient, tableName: string, statusShards: number): Promise<ProvisionReport> {
  return provisionTable({
    client,
    tableName,
    statusShards,
    retry: testRetryPolicy(),
    signal: AbortSignal.timeout(30_000),
    warn: () => undefined,
  });
}
