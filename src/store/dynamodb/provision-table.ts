/**
 * Creates the sessions table, its status index and its TTL setting, and
 * records the shard count; safe to run again on a table that exists. Used by
 * `npm run table:create` and `npm run dev:dynamodb` (and the tests).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { createTableInput, tableProblems, TTL_ATTRIBUTE } from "./table-definition.js";
import { ensureShardCount, type TableAccess } from "./table-settings.js";

export interface ProvisionOptions extends TableAccess {
  readonly statusShards: number;
  /** Told what could not be set up and why, when the table still works without it. */
  readonly warn: (message: string) => void;
}

export interface ProvisionReport {
  readonly created: boolean;
  /** "enabled", "already enabled", or why it could not be set. */
  readonly ttl: string;
}

/** How long table:create waits for a new table to become ACTIVE. */
const ACTIVE_WAIT_SECONDS = 300;

export async function provisionTable(options: ProvisionOptions): Promise<ProvisionReport> {
  const { client, tableName, retry, signal } = options;
  let created = true;
  try {
    await retry.run("CreateTable", signal, () => client.send(new CreateTableCommand(createTableInput(tableName)), { abortSignal: signal }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) {
      throw error;
    }
    created = false;
  }
  await waitUntilTableExists({ client, maxWaitTime: ACTIVE_WAIT_SECONDS, minDelay: 1, maxDelay: 5, abortSignal: signal }, { TableName: tableName });
  const { Table } = await retry.run("DescribeTable", signal, () =>
    client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: signal }),
  );
  const problems = Table ? tableProblems(Table) : ["DescribeTable returned nothing"];
  if (problems.length > 0) {
    throw new Error(`table ${tableName} exists with another shape: ${problems.join("; ")}`);
  }
  const ttl = await enableTtl(options);
  await ensureShardCount(options);
  return { created, ttl };
}

async function enableTtl({ client, tableName, retry, signal, warn }: ProvisionOptions): Promise<string> {
  const { TimeToLiveDescription: current } = await retry.run("DescribeTimeToLive", signal, () =>
    client.send(new DescribeTimeToLiveCommand({ TableName: tableName }), { abortSignal: signal }),
  );
  if (current?.TimeToLiveStatus === "ENABLED" || current?.TimeToLiveStatus === "ENABLING") {
    if (current.AttributeName !== TTL_ATTRIBUTE) {
      throw new Error(`table ${tableName} has TTL on ${current.AttributeName ?? "?"}, not ${TTL_ATTRIBUTE}`);
    }
    return "already enabled";
  }
  try {
    await retry.run("UpdateTimeToLive", signal, () =>
      client.send(
        new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
        { abortSignal: signal },
      ),
    );
    return "enabled";
  } catch (error) {
    // Local servers such as dynalite do not implement UpdateTimeToLive. The
    // service never relies on TTL deletion for correctness, only for cleanup.
    if (error instanceof Error && error.name === "UnknownOperationException") {
      const reason = "this server does not implement UpdateTimeToLive";
      warn(`${reason}; expired sessions will not be deleted here, only hidden by the service`);
      return reason;
    }
    throw error;
  }
}
