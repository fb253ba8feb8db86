import { DescribeTableCommand, DescribeTimeToLiveCommand, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import type { Logger } from "../../logger.js";
import { tableProblems, TTL_ATTRIBUTE } from "./table-definition.js";
import { ensureShardCount, type TableAccess } from "./table-settings.js";

export interface VerifyTableOptions extends TableAccess {
  readonly statusShards: number;
  readonly logger: Logger;
}

/**
 * Checks at start that the table exists, is active, and has the keys, index
 * and shard count the code expects, so a wrong deployment stops the process
 * with one line instead of failing calls later. These are the only
 * control-plane calls the service makes; health probes read the settings item.
 *
 * TTL that is off is a warning, not a failure: every operation hides expired
 * sessions itself, so TTL only bounds the table's size and cost.
 */
export async function verifyTable(options: VerifyTableOptions): Promise<void> {
  const { client, tableName, retry, signal } = options;
  let description;
  try {
    description = await retry.run("DescribeTable", signal, () =>
      client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: signal }),
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new Error(`DynamoDB table ${tableName} does not exist; create it with npm run table:create or the template in deploy/`, {
        cause: error,
      });
    }
    throw new Error(`cannot describe DynamoDB table ${tableName}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const problems = description.Table ? tableProblems(description.Table) : ["DescribeTable returned no table"];
  if (problems.length > 0) {
    throw new Error(`DynamoDB table ${tableName} does not have the expected shape: ${problems.join("; ")}`);
  }

  await warnUnlessTtlIsOn(options);
  await ensureShardCount(options);
}

async function warnUnlessTtlIsOn({ client, tableName, retry, signal, logger }: VerifyTableOptions): Promise<void> {
  let ttl;
  try {
    ({ TimeToLiveDescription: ttl } = await retry.run("DescribeTimeToLive", signal, () =>
      client.send(new DescribeTimeToLiveCommand({ TableName: tableName }), { abortSignal: signal }),
    ));
  } catch (error) {
    if (signal.aborted) {
      throw error;
    }
    // Advisory only (a role without dynamodb:DescribeTimeToLive can still serve).
    logger.warn({ table: tableName, err: error }, `could not check TTL on ${TTL_ATTRIBUTE}`);
    return;
  }
  const ttlOn = (ttl?.TimeToLiveStatus === "ENABLED" || ttl?.TimeToLiveStatus === "ENABLING") && ttl.AttributeName === TTL_ATTRIBUTE;
  if (!ttlOn) {
    logger.warn(
      { table: tableName, ttlStatus: ttl?.TimeToLiveStatus, ttlAttribute: ttl?.AttributeName },
      `TTL on ${TTL_ATTRIBUTE} is not enabled: expired sessions stay hidden but are never deleted; run npm run table:create`,
    );
  }
}
