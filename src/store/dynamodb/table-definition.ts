/**
 * The table's shape, in one place: `npm run table:create`, the start-up
 * check and the test of the CloudFormation template in deploy/ all read it.
 *
 * - Partition key `id` (S); `expiresAt` (N, epoch seconds) is the TTL attribute.
 * - GSI `status-expiry-index`: partition key `statusShard` ("PENDING#07"),
 *   sort key `expiresAt`, KEYS_ONLY. The shard suffix spreads one status
 *   over many index partitions; the sort key makes "not expired" a key
 *   condition. Only keys are projected: counts need nothing more, and lists
 *   read the page's items from the table itself, consistently.
 */
import type { CreateTableCommandInput, TableDescription } from "@aws-sdk/client-dynamodb";

export const ATTRIBUTES = {
  id: "id",
  eventId: "eventId",
  status: "status",
  tickets: "tickets",
  metadata: "metadata",
  createdAt: "createdAt",
  updatedAt: "updatedAt",
  expiresAt: "expiresAt",
  version: "version",
  statusShard: "statusShard",
  /** The token of the create call that wrote the item; updates never change it. */
  createToken: "createToken",
  /** The token of the call that last changed the status. */
  updateToken: "updateToken",
} as const;

export const STATUS_INDEX = "status-expiry-index";
export const TTL_ATTRIBUTE = ATTRIBUTES.expiresAt;

/** CreateTable input for a table named `tableName`, on-demand billing. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: ATTRIBUTES.id, AttributeType: "S" },
      { AttributeName: ATTRIBUTES.statusShard, AttributeType: "S" },
      { AttributeName: ATTRIBUTES.expiresAt, AttributeType: "N" },
    ],
    KeySchema: [{ AttributeName: ATTRIBUTES.id, KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: STATUS_INDEX,
        KeySchema: [
          { AttributeName: ATTRIBUTES.statusShard, KeyType: "HASH" },
          { AttributeName: ATTRIBUTES.expiresAt, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "KEYS_ONLY" },
      },
    ],
  };
}

/** What is wrong with a described table, or an empty list when it has the shape the code expects. */
export function tableProblems(table: TableDescription): string[] {
  const problems: string[] = [];
  if (table.TableStatus !== "ACTIVE" && table.TableStatus !== "UPDATING") {
    problems.push(`it is ${table.TableStatus ?? "in no known state"}, not ACTIVE`);
  }
  const keys = (table.KeySchema ?? []).map((k) => `${k.AttributeName ?? ""}:${k.KeyType ?? ""}`).join(",");
  if (keys !== `${ATTRIBUTES.id}:HASH`) {
    problems.push(`its key schema is ${keys || "empty"}, not ${ATTRIBUTES.id} (HASH)`);
  }
  const types = new Map((table.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  for (const [name, type] of [
    [ATTRIBUTES.id, "S"],
    [ATTRIBUTES.statusShard, "S"],
    [ATTRIBUTES.expiresAt, "N"],
  ] as const) {
    if (types.get(name) !== type) {
      problems.push(`attribute ${name} is not of type ${type}`);
    }
  }
  const index = (table.GlobalSecondaryIndexes ?? []).find((i) => i.IndexName === STATUS_INDEX);
  if (!index) {
    problems.push(`it has no global secondary index ${STATUS_INDEX}`);
  } else {
    const indexKeys = (index.KeySchema ?? []).map((k) => `${k.AttributeName ?? ""}:${k.KeyType ?? ""}`).join(",");
    if (indexKeys !== `${ATTRIBUTES.statusShard}:HASH,${ATTRIBUTES.expiresAt}:RANGE`) {
      problems.push(`index ${STATUS_INDEX} is keyed ${indexKeys}, not ${ATTRIBUTES.statusShard} (HASH), ${ATTRIBUTES.expiresAt} (RANGE)`);
    }
    if (index.Projection?.ProjectionType !== "KEYS_ONLY") {
      problems.push(`index ${STATUS_INDEX} projects ${index.Projection?.ProjectionType ?? "nothing"}, not KEYS_ONLY`);
    }
    // An index added to an existing table answers queries only once backfilled.
    if ((index.IndexStatus !== "ACTIVE" && index.IndexStatus !== "UPDATING") || index.Backfilling === true) {
      problems.push(`index ${STATUS_INDEX} is ${index.Backfilling === true ? "backfilling" : (index.IndexStatus ?? "in no known state")}, not ACTIVE`);
    }
  }
  return problems;
}
