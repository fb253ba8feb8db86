/**
 * Creates the sessions table, its status index and its TTL setting, and
 * records the shard count; safe to run again on a table that exists. Used by
 * `npm run table:create` and `npm run dev:dynamodb`.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { createTableInput, tableProblems, TTL_ATTRIBUTE } from "./table-definition.js";
import { ensureShardCount } from "./table-settings.js";

export interface ProvisionReport {
  readonly created: boolean;
  /** "enabled", "already enabled", or why it could not be set. */
  readonly ttl: string;
}

export async function provisionTable(
  client: DynamoDBClient,
  tableName: string,
  statusShards: number,
  warn: (message: string) => void,
): Promise<ProvisionReport> {
  let created = true;
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) {
      throw error;
    }
    created = false;
  }
  await waitUntilTableExists({ client, maxWaitTime: 300, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const problems = Table ? tableProblems(Table) : ["DescribeTable returned nothing"];
  if (problems.length > 0) {
    throw new Error(`table ${tableName} exists with another shape: ${problems.join("; ")}`);
  }
  const ttl = await enableTtl(client, tableName, warn);
  await ensureShardCount(client, tableName, statusShards, AbortSignal.timeout(30_000));
  return { created, ttl };
}

async function enableTtl(client: DynamoDBClient, tableName: string, warn: (message: string) => void): Promise<string> {
  const { TimeToLiveDescription: current } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (current?.TimeToLiveStatus === "ENABLED" || current?.TimeToLiveStatus === "ENABLING") {
    if (current.AttributeName !== TTL_ATTRIBUTE) {
      throw new Error(`table ${tableName} has TTL on ${current.AttributeName ?? "?"}, not ${TTL_ATTRIBUTE}`);
    }
    return "already enabled";
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
    );
    return "enabled";
  } catch (error) {
    // Local servers such as dynalite do not implement UpdateTimeToLive. The
    // service never relies on TTL deletion for correctness, only for cleanup.
    const reason = `UpdateTimeToLive failed (${(error as Error).name}: ${(error as Error).message})`;
    warn(`${reason}; expired sessions will not be deleted by this server, only hidden by the service`);
    return reason;
  }
}
