/**
 * The settings a table is created with and must keep: the number of status
 * shards. They live in one item whose id ("#settings") no session can have,
 * and which has no index or TTL attributes, so nothing lists, counts or
 * expires it. The first server (or table:create) to find none writes it.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";

export const SETTINGS_ITEM_ID = "#settings";

/** Records the shard count if the table has none yet; throws if the table has another. */
export async function ensureShardCount(client: DynamoDBClient, tableName: string, statusShards: number, signal: AbortSignal): Promise<void> {
  const recorded = await readShardCount(client, tableName, signal);
  if (recorded === undefined) {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { id: { S: SETTINGS_ITEM_ID }, statusShards: { N: String(statusShards) } },
          ConditionExpression: "attribute_not_exists(id)",
        }),
        { abortSignal: signal },
      );
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw error;
      }
      // Another server wrote it first: check what it wrote.
      return ensureShardCount(client, tableName, statusShards, signal);
    }
  }
  if (recorded !== statusShards) {
    throw new Error(
      `table ${tableName} was created with ${recorded} status shards, but DYNAMODB_STATUS_SHARDS is ${statusShards}; the shard count is fixed for a table's life`,
    );
  }
}

async function readShardCount(client: DynamoDBClient, tableName: string, signal: AbortSignal): Promise<number | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { id: { S: SETTINGS_ITEM_ID } }, ConsistentRead: true }),
    { abortSignal: signal },
  );
  if (!Item) {
    return undefined;
  }
  const count = Number(Item.statusShards?.N);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new Error(`table ${tableName} has a settings item without a valid statusShards`);
  }
  return count;
}
