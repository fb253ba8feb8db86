/**
 * The DynamoDB adapter. Each RPC is one or a few requests, every one of them
 * through the retry policy and the caller's AbortSignal:
 *
 * - create: one conditional PutItem (no live item with the id).
 * - get: one strongly consistent GetItem.
 * - updateStatus: one conditional UpdateItem (live, legal "from" status,
 *   expected version) that returns the new item; a failed condition is told
 *   apart from the item DynamoDB returns with the failure (or a consistent
 *   read where the server returns none).
 * - delete: one DeleteItem conditional on a live session.
 * - countByStatus: one Select=COUNT query per status shard, in parallel.
 * - list: one KEYS_ONLY query per shard, merged, then a consistent
 *   BatchGetItem of the page (so a page never shows a session whose status
 *   changed after the eventually consistent index saw it).
 *
 * Expiry is judged here, not by DynamoDB's TTL, which deletes late: an item
 * whose expiresAt has passed is treated as absent everywhere. expiresAt is
 * in whole seconds (the TTL attribute's unit).
 *
 * Writes carry a token unique to the RPC and kept across its retries. When
 * a retry's condition fails and the item holds our token, the earlier
 * attempt landed and only its response was lost: that is a success.
 */
import { randomUUID } from "node:crypto";
import { getMaxListeners, setMaxListeners } from "node:events";
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import type { Clock } from "../../clock.js";
import {
  IllegalStatusTransitionError,
  SessionAlreadyExistsError,
  SessionNotFoundError,
  SessionVersionMismatchError,
} from "../../errors.js";
import type { RetryPolicy } from "../../retry.js";
import { isLegalTransition } from "../session-rules.js";
import {
  SESSION_STATUSES,
  type ListQuery,
  type NewSession,
  type Session,
  type SessionPage,
  type SessionStatus,
  type SessionStore,
  type StatusUpdate,
  type StoreCallOptions,
} from "../session-store.js";
import { decodeCursor, encodeCursor, type IndexPosition } from "./list-cursor.js";
import { fromItem, isLiveItem, toEpochSeconds, toItem, writeTokensOf, type Item } from "./session-item.js";
import { allShardKeys, shardOf, statusShardKey } from "./status-shard.js";
import { ATTRIBUTES as A, STATUS_INDEX } from "./table-definition.js";
import { readShardCount, ShardCountMismatchError } from "./table-settings.js";

export interface DynamoDbSessionStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly statusShards: number;
  readonly clock: Clock;
  readonly ttlMs: number;
  readonly retry: RetryPolicy;
}

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_LIMIT = 100;

const NAMES = {
  "#id": A.id,
  "#status": A.status,
  "#expiresAt": A.expiresAt,
  "#version": A.version,
} as const;

export class DynamoDbSessionStore implements SessionStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly shards: number;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly retry: RetryPolicy;

  constructor(options: DynamoDbSessionStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.shards = options.statusShards;
    this.clock = options.clock;
    this.ttlMs = options.ttlMs;
    this.retry = options.retry;
  }

  async create(draft: NewSession, { signal }: StoreCallOptions): Promise<Session> {
    const now = this.clock.now();
    const session: Session = {
      ...draft,
      status: "PENDING",
      createdAt: now,
      updatedAt: now,
      expiresAt: toEpochSeconds(now + this.ttlMs) * 1000,
      version: 1,
    };
    const token = randomUUID();
    try {
      await this.retry.run("PutItem", signal, () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: toItem(session, this.shards, token),
            ConditionExpression: "attribute_not_exists(#id) OR #expiresAt <= :nowSeconds",
            ExpressionAttributeNames: { "#id": A.id, "#expiresAt": A.expiresAt },
            ExpressionAttributeValues: { ":nowSeconds": { N: String(Math.floor(now / 1000)) } },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
          { abortSignal: signal },
        ),
      );
      return session;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw error;
      }
      const existing = error.Item ?? (await this.read(draft.id, signal));
      if (existing && writeTokensOf(existing).create === token) {
        // An earlier attempt of this call wrote `session`; whatever changed it since came after.
        return session;
      }
      throw new SessionAlreadyExistsError(draft.id);
    }
  }

  async get(id: string, { signal }: StoreCallOptions): Promise<Session> {
    const item = await this.read(id, signal);
    if (!item || !isLiveItem(item, this.clock.now())) {
      throw new SessionNotFoundError(id);
    }
    return fromItem(item);
  }

  async updateStatus(update: StatusUpdate, { signal }: StoreCallOptions): Promise<Session> {
    const legalFrom = SESSION_STATUSES.filter((from) => isLegalTransition(from, update.status));
    const token = randomUUID();
    // Loops only when the item changed between a failed condition and the
    // read that explains it (a server that returns no item with the failure);
    // every status change is final, so that can happen only a few times.
    for (let round = 0; round < 5; round++) {
      const now = this.clock.now();
      if (legalFrom.length > 0) {
        try {
          return await this.conditionalUpdate(update, legalFrom, token, now, signal);
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) {
            throw error;
          }
          const current = error.Item ?? (await this.read(update.id, signal));
          if (current && writeTokensOf(current).update === token) {
            return fromItem(current);
          }
          const verdict = this.judge(update, current, now);
          if (verdict) {
            return verdict;
          }
        }
      } else {
        const verdict = this.judge(update, await this.read(update.id, signal), now);
        if (verdict) {
          return verdict;
        }
      }
    }
    throw new Error(`session ${update.id} kept changing during an update`);
  }

  async delete(id: string, { signal }: StoreCallOptions): Promise<boolean> {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    return this.retry.run("DeleteItem", signal, async (attempt) => {
      try {
        await this.client.send(
          new DeleteItemCommand({
            TableName: this.table,
            Key: { [A.id]: { S: id } },
            // Only a live session: an expired one is already gone for callers (TTL removes it),
            // and an item without expiresAt (the settings item) is not a session.
            ConditionExpression: "#expiresAt > :nowSeconds",
            ExpressionAttributeNames: { "#expiresAt": A.expiresAt },
            ExpressionAttributeValues: { ":nowSeconds": { N: String(nowSeconds) } },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
          { abortSignal: signal },
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          throw error;
        }
        // An item came back with the refusal (real DynamoDB): it is there and not live, so nothing
        // was deleted. None came back: either nothing is there, or (a server that never returns
        // the item) something expired is. A deletion cannot carry a token, so when an earlier
        // attempt may have applied, that attempt is taken to have deleted the session.
        return error.Item === undefined && attempt.earlierMayHaveApplied;
      }
    });
  }

  async countByStatus(status: SessionStatus, { signal }: StoreCallOptions): Promise<number> {
    allowFanOut(signal, this.shards);
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const counts = await Promise.all(allShardKeys(status, this.shards).map((shardKey) => this.countShard(shardKey, nowSeconds, signal)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async list(query: ListQuery, { signal }: StoreCallOptions): Promise<SessionPage> {
    const after = query.cursor === undefined ? new Map<number, IndexPosition>() : decodeCursor(query.cursor, this.shards);
    const now = this.clock.now();
    const nowSeconds = Math.floor(now / 1000);
    const shardKeys = allShardKeys(query.status, this.shards);
    allowFanOut(signal, this.shards);
    const fetched = await Promise.all(
      shardKeys.map((shardKey, shard) => this.queryShard(shardKey, after.get(shard), nowSeconds, query.pageSize + 1, signal)),
    );

    // Take the page from the shards' heads, earliest expiry first; each shard
    // gives a prefix of what it returned, so the cursor can resume each exactly.
    const heads = fetched.map(() => 0);
    const page: Array<{ shard: number; position: IndexPosition }> = [];
    while (page.length < query.pageSize) {
      let next: number | undefined;
      fetched.forEach((shard, i) => {
        const candidate = shard.positions[heads[i] ?? 0];
        const best = next === undefined ? undefined : fetched[next]?.positions[heads[next] ?? 0];
        if (candidate && (!best || candidate.expiresAt < best.expiresAt)) {
          next = i;
        }
      });
      const position = next === undefined ? undefined : fetched[next]?.positions[heads[next] ?? 0];
      if (next === undefined || !position) {
        break;
      }
      page.push({ shard: next, position });
      heads[next] = (heads[next] ?? 0) + 1;
    }
    const more = fetched.some((shard, i) => (heads[i] ?? 0) < shard.positions.length || shard.truncated);

    const items = await this.readMany(
      page.map(({ position }) => position.id),
      signal,
    );
    const sessions = page
      .map(({ position }) => items.get(position.id))
      .filter((item): item is Item => item !== undefined && item[A.status]?.S === query.status && isLiveItem(item, now))
      .map(fromItem);
    if (!more) {
      return { sessions, cursor: undefined };
    }
    const cursor = new Map(after);
    for (const { shard, position } of page) {
      cursor.set(shard, position);
    }
    return { sessions, cursor: encodeCursor(cursor) };
  }

  /**
   * One consistent GetItem of the table's settings item: proves the data path
   * (network, credentials, table, read capacity) and that the shard count
   * still matches, without polling DynamoDB's control plane.
   */
  async checkHealth({ signal }: StoreCallOptions): Promise<void> {
    const recorded = await readShardCount({ client: this.client, tableName: this.table, retry: this.retry, signal });
    if (recorded === undefined) {
      throw new Error(`table ${this.table} has no settings item; the start-up check writes it`);
    }
    if (recorded !== this.shards) {
      throw new ShardCountMismatchError(this.table, recorded, this.shards);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private conditionalUpdate(
    update: StatusUpdate,
    legalFrom: readonly SessionStatus[],
    token: string,
    now: number,
    signal: AbortSignal,
  ): Promise<Session> {
    const fromValues = Object.fromEntries(legalFrom.map((status, i) => [`:from${i}`, { S: status }]));
    const conditions = [
      "attribute_exists(#id)",
      "#expiresAt > :nowSeconds",
      `#status IN (${Object.keys(fromValues).join(", ")})`,
      ...(update.expectedVersion === undefined ? [] : ["#version = :expected"]),
    ];
    return this.retry.run("UpdateItem", signal, async () => {
      const output = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { [A.id]: { S: update.id } },
          UpdateExpression: "SET #status = :to, #version = #version + :one, #updatedAt = :now, #statusShard = :shard, #updateToken = :token",
          ConditionExpression: conditions.join(" AND "),
          ExpressionAttributeNames: { ...NAMES, "#updatedAt": A.updatedAt, "#statusShard": A.statusShard, "#updateToken": A.updateToken },
          ExpressionAttributeValues: {
            ...fromValues,
            ":to": { S: update.status },
            ":one": { N: "1" },
            ":now": { S: new Date(now).toISOString() },
            ":nowSeconds": { N: String(Math.floor(now / 1000)) },
            ":shard": { S: statusShardKey(update.status, shardOf(update.id, this.shards)) },
            ":token": { S: token },
            ...(update.expectedVersion !== undefined && { ":expected": { N: String(update.expectedVersion) } }),
          },
          ReturnValues: "ALL_NEW",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
        { abortSignal: signal },
      );
      if (!output.Attributes) {
        throw new Error("UpdateItem returned no attributes although ALL_NEW was asked for");
      }
      return fromItem(output.Attributes);
    });
  }

  /**
   * Why an update cannot apply to `current`, as the error to throw, or the
   * unchanged session for a no-op; undefined when it could apply after all.
   */
  private judge(update: StatusUpdate, current: Item | undefined, now: number): Session | undefined {
    if (!current || !isLiveItem(current, now)) {
      throw new SessionNotFoundError(update.id);
    }
    const session = fromItem(current);
    if (update.expectedVersion !== undefined && update.expectedVersion !== session.version) {
      throw new SessionVersionMismatchError(update.id, update.expectedVersion, session.version);
    }
    if (session.status === update.status) {
      return session;
    }
    if (!isLegalTransition(session.status, update.status)) {
      throw new IllegalStatusTransitionError(update.id, session.status, update.status);
    }
    return undefined;
  }

  private async read(id: string, signal: AbortSignal): Promise<Item | undefined> {
    const { Item } = await this.retry.run("GetItem", signal, () =>
      this.client.send(new GetItemCommand({ TableName: this.table, Key: { [A.id]: { S: id } }, ConsistentRead: true }), {
        abortSignal: signal,
      }),
    );
    return Item;
  }

  private async countShard(shardKey: string, nowSeconds: number, signal: AbortSignal): Promise<number> {
    let count = 0;
    let startKey: Item | undefined;
    do {
      const output = await this.retry.run("Query", signal, () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: STATUS_INDEX,
            Select: "COUNT",
            KeyConditionExpression: "#statusShard = :shard AND #expiresAt > :nowSeconds",
            ExpressionAttributeNames: { "#statusShard": A.statusShard, "#expiresAt": A.expiresAt },
            ExpressionAttributeValues: { ":shard": { S: shardKey }, ":nowSeconds": { N: String(nowSeconds) } },
            ExclusiveStartKey: startKey,
          }),
          { abortSignal: signal },
        ),
      );
      count += output.Count ?? 0;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  /** Up to `limit` index positions of one shard after `after`, in the index's order. */
  private async queryShard(
    shardKey: string,
    after: IndexPosition | undefined,
    nowSeconds: number,
    limit: number,
    signal: AbortSignal,
  ): Promise<{ positions: IndexPosition[]; truncated: boolean }> {
    // A start key must lie inside the key condition; once the cursor's
    // session has expired, everything still live comes after it anyway.
    let next: Item | undefined =
      after && after.expiresAt > nowSeconds
        ? { [A.statusShard]: { S: shardKey }, [A.expiresAt]: { N: String(after.expiresAt) }, [A.id]: { S: after.id } }
        : undefined;
    const positions: IndexPosition[] = [];
    do {
      const startKey = next;
      const output = await this.retry.run("Query", signal, () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: STATUS_INDEX,
            KeyConditionExpression: "#statusShard = :shard AND #expiresAt > :nowSeconds",
            ExpressionAttributeNames: { "#statusShard": A.statusShard, "#expiresAt": A.expiresAt },
            ExpressionAttributeValues: { ":shard": { S: shardKey }, ":nowSeconds": { N: String(nowSeconds) } },
            ExclusiveStartKey: startKey,
            Limit: limit - positions.length,
          }),
          { abortSignal: signal },
        ),
      );
      for (const item of output.Items ?? []) {
        positions.push({ expiresAt: Number(item[A.expiresAt]?.N), id: item[A.id]?.S ?? "" });
      }
      next = output.LastEvaluatedKey;
    } while (next && positions.length < limit);
    return { positions, truncated: next !== undefined };
  }

  /** The items with these ids, read consistently, in batches of 100; unprocessed keys are retried with backoff. */
  private async readMany(ids: readonly string[], signal: AbortSignal): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) {
      batches.push(ids.slice(i, i + BATCH_GET_LIMIT));
    }
    await Promise.all(
      batches.map((batch) => {
        let remaining: Item[] = batch.map((id) => ({ [A.id]: { S: id } }));
        return this.retry.run("BatchGetItem", signal, async () => {
          const output = await this.client.send(
            new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: remaining, ConsistentRead: true } } }),
            { abortSignal: signal },
          );
          for (const item of output.Responses?.[this.table] ?? []) {
            found.set(item[A.id]?.S ?? "", item);
          }
          remaining = output.UnprocessedKeys?.[this.table]?.Keys ?? [];
          if (remaining.length > 0) {
            throw new UnprocessedKeysError(remaining.length);
          }
        });
      }),
    );
    return found;
  }
}

/**
 * A count or a list sends one request per shard at once, each listening to
 * the call's signal (the SDK and the retry policy both do): raise Node's
 * leak warning threshold for that signal to what the fan-out really needs.
 */
function allowFanOut(signal: AbortSignal, requests: number): void {
  const needed = requests * 2 + 10;
  if (getMaxListeners(signal) < needed) {
    setMaxListeners(needed, signal);
  }
}

/** DynamoDB left part of a batch unread for lack of capacity: retried like a throttle. */
class UnprocessedKeysError extends Error {
  override readonly name = "UnprocessedKeysError";
  readonly $retryable = { throttling: true };
  constructor(count: number) {
    super(`${count} keys were left unprocessed`);
  }
}
