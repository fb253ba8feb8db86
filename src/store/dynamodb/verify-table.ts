import { DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { tableProblems } from "./table-definition.js";
import { ensureShardCount } from "./table-settings.js";

/**
 * Checks at start that the table exists with the keys, index and shard count
 * the code expects, so a wrong deployment stops the process with one line
 * instead of failing calls later.
 */
export async function verifyTable(client: DynamoDBClient, tableName: string, statusShards: number, signal: AbortSignal): Promise<void> {
  let description;
  try {
    description = await client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: signal });
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new Error(`DynamoDB table ${tableName} does not exist; create it with npm run table:create or the template in deploy/`, {
        cause: error,
      });
    }
    throw new Error(`cannot describe DynamoDB table ${tableName}: ${(error as Error).message}`, { cause: error });
  }
  const problems = description.Table ? tableProblems(description.Table) : ["DescribeTable returned no table"];
  if (problems.length > 0) {
    throw new Error(`DynamoDB table ${tableName} does not have the expected shape: ${problems.join("; ")}`);
  }
  await ensureShardCount(client, tableName, statusShards, signal);
}
