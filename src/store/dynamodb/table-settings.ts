/**
 * The settings a table is created with and must keep: the number of status
 * shards. They live in one item whose id ("#settings") no session can have
 * (ids are [A-Za-z0-9_-]), and which has neither the index key nor the TTL
 * attribute, so nothing lists, counts or expires it. The first server (or
 * table:create) to find none writes it; every later start, and every health
 * probe, compares it with DYNAMODB_STATUS_SHARDS.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { RetryPolicy } from "../../retry.js";
import { ATTRIBUTES as A } from "./table-definition.js";

export const SETTINGS_ITEM_ID = "#settings";
const SHARDS = "statusShards";

export interface TableAccess {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly retry: RetryPolicy;
  readonly signal: AbortSignal;
}

/** The table's shard count is not the configured one: entries would be looked for in the wrong partitions. */
export class ShardCountMismatchError extends Error {
  override readonly name = "ShardCountMismatchError";
  constructor(tableName: string, recorded: number, configured: number) {
    super(
      `table ${tableName} was created with ${recorded} status shards, but DYNAMODB_STATUS_SHARDS is ${configured}; ` +
        "the shard count is fixed for a table's life",
    );
  }
}

/** Records the shard count if the table has none yet; throws ShardCountMismatchError if it has another. */
export async function ensureShardCount(access: TableAccess & { readonly statusShards: number }): Promise<void> {
  const { client, tableName, retry, signal, statusShards } = access;
  let recorded = await readShardCount(access);
  if (recorded === undefined) {
    try {
      await retry.run("PutItem", signal, () =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { [A.id]: { S: SETTINGS_ITEM_ID }, [SHARDS]: { N: String(statusShards) } },
            ConditionExpression: "attribute_not_exists(#id)",
            ExpressionAttributeNames: { "#id": A.id },
          }),
          { abortSignal: signal },
        ),
      );
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw error;
      }
      // Another server wrote it first (or our own write's answer was lost): compare with what is there.
      recorded = await readShardCount(access);
    }
  }
  if (recorded !== statusShards) {
    throw new ShardCountMismatchError(tableName, recorded ?? 0, statusShards);
  }
}

/** The recorded shard count, or undefined when the table has no settings item yet. */
export async function readShardCount({ client, tableName, retry, signal }: TableAccess): Promise<number | undefined> {
  const { Item } = await retry.run("GetItem", signal, () =>
    client.send(new GetItemCommand({ TableName: tableName, Key: { [A.id]: { S: SETTINGS_ITEM_ID } }, ConsistentRead: true }), {
      abortSignal: signal,
    }),
  );
  if (!Item) {
    return undefined;
  }
  const count = Number(Item[SHARDS]?.N);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new Error(`table ${tableName} has a settings item (${SETTINGS_ITEM_ID}) without a valid ${SHARDS}`);
  }
  return count;
}
