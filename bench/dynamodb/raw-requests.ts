/**
 * The DynamoDB requests the adapter (src/store/dynamodb/dynamodb-session-store.ts)
 * sends for each call, written out a second time so the benchmark can send
 * them bare: same expressions, names, values, consistency and return options.
 * Written out rather than taken from the adapter because the adapter builds
 * them inside its methods; fidelity.ts checks, each run, that these equal
 * what the adapter really sends, so a change there cannot silently make the
 * comparison unfair.
 */
import type {
  BatchGetItemCommandInput,
  DeleteItemCommandInput,
  GetItemCommandInput,
  PutItemCommandInput,
  QueryCommandInput,
  UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { isLegalTransition } from "../../src/store/session-rules.js";
import { SESSION_STATUSES, type Session, type StatusUpdate } from "../../src/store/session-store.js";
import { toItem, type Item } from "../../src/store/dynamodb/session-item.js";
import { shardOf, statusShardKey } from "../../src/store/dynamodb/status-shard.js";
import { ATTRIBUTES as A, STATUS_INDEX } from "../../src/store/dynamodb/table-definition.js";

export interface RawTable {
  readonly tableName: string;
  readonly statusShards: number;
}

const seconds = (epochMs: number) => String(Math.floor(epochMs / 1000));

/** CreateSession: the new session's item, unless a live one has the id. */
export function putSessionInput(table: RawTable, session: Session, createToken: string): PutItemCommandInput {
  return {
    TableName: table.tableName,
    Item: toItem(session, table.statusShards, createToken),
    ConditionExpression: "attribute_not_exists(#id) OR #expiresAt <= :nowSeconds",
    ExpressionAttributeNames: { "#id": A.id, "#expiresAt": A.expiresAt },
    ExpressionAttributeValues: { ":nowSeconds": { N: seconds(session.createdAt) } },
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  };
}

/** GetSession, and the adapter's every consistent read of one session. */
export function getSessionInput(table: RawTable, id: string): GetItemCommandInput {
  return { TableName: table.tableName, Key: { [A.id]: { S: id } }, ConsistentRead: true };
}

/** UpdateSessionStatus: the status change, conditional on a live session in a legal "from" status (and the version). */
export function updateStatusInput(table: RawTable, update: StatusUpdate, updateToken: string, now: number): UpdateItemCommandInput {
  const legalFrom = SESSION_STATUSES.filter((from) => isLegalTransition(from, update.status));
  const fromValues = Object.fromEntries(legalFrom.map((status, i) => [`:from${i}`, { S: status }]));
  const versioned = update.expectedVersion !== undefined;
  return {
    TableName: table.tableName,
    Key: { [A.id]: { S: update.id } },
    UpdateExpression: "SET #status = :to, #version = #version + :one, #updatedAt = :now, #statusShard = :shard, #updateToken = :token",
    ConditionExpression: [
      "attribute_exists(#id)",
      "#expiresAt > :nowSeconds",
      `#status IN (${Object.keys(fromValues).join(", ")})`,
      ...(versioned ? ["#version = :expected"] : []),
    ].join(" AND "),
    ExpressionAttributeNames: {
      "#id": A.id,
      "#status": A.status,
      "#expiresAt": A.expiresAt,
      "#version": A.version,
      "#updatedAt": A.updatedAt,
      "#statusShard": A.statusShard,
      "#updateToken": A.updateToken,
    },
    ExpressionAttributeValues: {
      ...fromValues,
      ":to": { S: update.status },
      ":one": { N: "1" },
      ":now": { S: new Date(now).toISOString() },
      ":nowSeconds": { N: seconds(now) },
      ":shard": { S: statusShardKey(update.status, shardOf(update.id, table.statusShards)) },
      ":token": { S: updateToken },
      ...(versioned && { ":expected": { N: String(update.expectedVersion) } }),
    },
    ReturnValues: "ALL_NEW",
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  };
}

/** DeleteSession: only a live session. */
export function deleteSessionInput(table: RawTable, id: string, now: number): DeleteItemCommandInput {
  return {
    TableName: table.tableName,
    Key: { [A.id]: { S: id } },
    ConditionExpression: "#expiresAt > :nowSeconds",
    ExpressionAttributeNames: { "#expiresAt": A.expiresAt },
    ExpressionAttributeValues: { ":nowSeconds": { N: seconds(now) } },
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  };
}

/** CountByStatus: one shard's live entries, counted; `startKey` continues a truncated count. */
export function countShardInput(table: RawTable, shardKey: string, now: number, startKey: Item | undefined): QueryCommandInput {
  return {
    TableName: table.tableName,
    IndexName: STATUS_INDEX,
    Select: "COUNT",
    KeyConditionExpression: "#statusShard = :shard AND #expiresAt > :nowSeconds",
    ExpressionAttributeNames: { "#statusShard": A.statusShard, "#expiresAt": A.expiresAt },
    ExpressionAttributeValues: { ":shard": { S: shardKey }, ":nowSeconds": { N: seconds(now) } },
    ExclusiveStartKey: startKey,
  };
}

/** ListSessions, first page: up to `limit` index keys of one shard, from its start. */
export function listShardInput(table: RawTable, shardKey: string, now: number, limit: number): QueryCommandInput {
  return {
    TableName: table.tableName,
    IndexName: STATUS_INDEX,
    KeyConditionExpression: "#statusShard = :shard AND #expiresAt > :nowSeconds",
    ExpressionAttributeNames: { "#statusShard": A.statusShard, "#expiresAt": A.expiresAt },
    ExpressionAttributeValues: { ":shard": { S: shardKey }, ":nowSeconds": { N: seconds(now) } },
    ExclusiveStartKey: undefined,
    Limit: limit,
  };
}

/** ListSessions: the page's items, read back from the table consistently (at most 100 ids). */
export function readPageInput(table: RawTable, ids: readonly string[]): BatchGetItemCommandInput {
  return { RequestItems: { [table.tableName]: { Keys: ids.map((id) => ({ [A.id]: { S: id } })), ConsistentRead: true } } };
}
