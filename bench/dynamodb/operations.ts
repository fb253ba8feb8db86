/**
 * Each operation the adapter performs, three ways:
 *
 * - raw: the DynamoDB requests the adapter sends (raw-requests.ts), through
 *   the same client, with their inputs built before the clock starts, so the
 *   time is the SDK's and dynalite's alone;
 * - adapter: the DynamoDbSessionStore method, in this process, with its retry
 *   policy, metrics, mapping and checks;
 * - service: the RPC through the built server, from a grpc-js client.
 *
 * prepare() does everything a call needs but the call itself (sessions to
 * update or delete, request objects) so that only the call is timed. Every
 * call checks its answer, so a way that quietly did less work fails the run.
 */
import { setMaxListeners } from "node:events";
import { randomUUID } from "node:crypto";
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import type * as grpc from "@grpc/grpc-js";
import { SessionStoreService } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { toProtoStatus } from "../../src/rpc/session-mapping.js";
import type { DynamoDbSessionStore } from "../../src/store/dynamodb/dynamodb-session-store.js";
import type { Item } from "../../src/store/dynamodb/session-item.js";
import { allShardKeys } from "../../src/store/dynamodb/status-shard.js";
import type { SessionStatus } from "../../src/store/session-store.js";
import { callUnary } from "../../test/helpers/grpc-js-client.js";
import { draftSession, sessionAt } from "./bench-table.js";
import {
  countShardInput,
  deleteSessionInput,
  getSessionInput,
  listShardInput,
  putSessionInput,
  readPageInput,
  updateStatusInput,
  type RawTable,
} from "./raw-requests.js";

export const WAYS = ["raw", "adapter", "service"] as const;
export type Way = (typeof WAYS)[number];

export type Call = () => Promise<void>;

export interface BenchContext {
  readonly table: RawTable;
  readonly ttlMs: number;
  /** The one client of the raw way and the adapter, configured as the service's. */
  readonly client: DynamoDBClient;
  readonly store: DynamoDbSessionStore;
  readonly service: grpc.Client;
  /** Sessions the gets read, in turn. */
  readonly readIds: readonly string[];
  /** The status counted and listed, which nothing changes while the benchmark runs. */
  readonly listed: {
    readonly status: SessionStatus;
    readonly count: number;
    readonly pageSize: number;
    /** The ids of its first page, in the page's order: the keys the adapter's BatchGetItem asks for. */
    readonly firstPage: readonly string[];
  };
  /** Writes `count` new PENDING sessions (version 1) for updates and deletes to consume. */
  readonly seed: (count: number) => Promise<string[]>;
}

export interface Operation {
  /** The RPC. */
  readonly name: string;
  /** What it sends to DynamoDB. */
  readonly requests: string;
  /** Whether one call sends a request per status shard at once (and so costs far more than the others). */
  readonly fansOut: boolean;
  /** `count` calls of `way`, ready to time. */
  prepare(way: Way, count: number): Promise<Call[]>;
}

const M = SessionStoreService.method;
/** Updates move PENDING to EXPIRED, so the listed status (COMPLETED) keeps its size. */
const UPDATE_TO: SessionStatus = "EXPIRED";
const RPC_DEADLINE_MS = 10_000;

/** A fresh signal per call, as the service gives the store one per RPC; nothing fires it. */
const callSignal = () => new AbortController().signal;
const rpcOptions = (): grpc.CallOptions => ({ deadline: Date.now() + RPC_DEADLINE_MS });

export function operations(ctx: BenchContext): Operation[] {
  return [createSession(ctx), getSession(ctx), updateSessionStatus(ctx), deleteSession(ctx), countByStatus(ctx), listSessions(ctx)];
}

function createSession({ table, ttlMs, client, store, service }: BenchContext): Operation {
  return {
    name: "CreateSession",
    fansOut: false,
    requests: "1 conditional PutItem",
    prepare: async (way, count) => {
      const drafts = Array.from({ length: count }, draftSession);
      switch (way) {
        case "raw":
          return drafts.map((draft) => {
            const input = putSessionInput(table, sessionAt(draft, Date.now(), ttlMs), randomUUID());
            return async () => {
              await client.send(new PutItemCommand(input), { abortSignal: callSignal() });
            };
          });
        case "adapter":
          return drafts.map((draft) => async () => {
            await store.create(draft, { signal: callSignal() });
          });
        case "service":
          return drafts.map(({ tickets, ...draft }) => {
            const request = { ...draft, tickets: tickets.map((ticket) => ({ ...ticket, unitPriceMinor: BigInt(ticket.unitPriceMinor) })) };
            return async () => {
              await callUnary(service, M.createSession, request, rpcOptions());
            };
          });
      }
    },
  };
}

function getSession({ table, client, store, service, readIds }: BenchContext): Operation {
  let next = 0;
  const ids = (count: number) => Array.from({ length: count }, () => readIds[next++ % readIds.length] ?? "");
  return {
    name: "GetSession",
    fansOut: false,
    requests: "1 consistent GetItem",
    prepare: async (way, count) => {
      switch (way) {
        case "raw":
          return ids(count).map((id) => {
            const input = getSessionInput(table, id);
            return async () => {
              const { Item } = await client.send(new GetItemCommand(input), { abortSignal: callSignal() });
              if (Item === undefined) {
                throw new Error(`GetItem found no session ${id}`);
              }
            };
          });
        case "adapter":
          return ids(count).map((id) => async () => {
            await store.get(id, { signal: callSignal() });
          });
        case "service":
          return ids(count).map((id) => async () => {
            await callUnary(service, M.getSession, { id }, rpcOptions());
          });
      }
    },
  };
}

function updateSessionStatus({ table, client, store, service, seed }: BenchContext): Operation {
  return {
    name: "UpdateSessionStatus",
    fansOut: false,
    requests: "1 conditional UpdateItem returning the new item",
    prepare: async (way, count) => {
      const updates = (await seed(count)).map((id) => ({ id, status: UPDATE_TO, expectedVersion: 1 }));
      switch (way) {
        case "raw":
          return updates.map((update) => {
            const input = updateStatusInput(table, update, randomUUID(), Date.now());
            return async () => {
              const { Attributes } = await client.send(new UpdateItemCommand(input), { abortSignal: callSignal() });
              if (Attributes === undefined) {
                throw new Error(`UpdateItem of ${update.id} returned no item`);
              }
            };
          });
        case "adapter":
          return updates.map((update) => async () => {
            await store.updateStatus(update, { signal: callSignal() });
          });
        case "service":
          return updates.map(({ id, status, expectedVersion }) => async () => {
            await callUnary(service, M.updateSessionStatus, { id, status: toProtoStatus(status), expectedVersion: BigInt(expectedVersion) }, rpcOptions());
          });
      }
    },
  };
}

function deleteSession({ table, client, store, service, seed }: BenchContext): Operation {
  return {
    name: "DeleteSession",
    fansOut: false,
    requests: "1 conditional DeleteItem",
    prepare: async (way, count) => {
      const ids = await seed(count);
      switch (way) {
        case "raw":
          return ids.map((id) => {
            const input = deleteSessionInput(table, id, Date.now());
            return async () => {
              await client.send(new DeleteItemCommand(input), { abortSignal: callSignal() });
            };
          });
        case "adapter":
          return ids.map((id) => async () => {
            if (!(await store.delete(id, { signal: callSignal() }))) {
              throw new Error(`the adapter found no session ${id} to delete`);
            }
          });
        case "service":
          return ids.map((id) => async () => {
            await callUnary(service, M.deleteSession, { id }, rpcOptions());
          });
      }
    },
  };
}

function countByStatus({ table, client, store, service, listed }: BenchContext): Operation {
  const shardKeys = allShardKeys(listed.status, table.statusShards);
  const check = (count: number | bigint) => {
    if (Number(count) !== listed.count) {
      throw new Error(`counted ${count} ${listed.status} sessions, not ${listed.count}`);
    }
  };
  return {
    name: "CountByStatus",
    fansOut: true,
    requests: `${table.statusShards} Query Select=COUNT in parallel (${listed.count.toLocaleString("en-US")} matching)`,
    prepare: async (way, count) => {
      const calls = Array.from({ length: count });
      switch (way) {
        case "raw":
          return calls.map(() => {
            const now = Date.now();
            const first = shardKeys.map((shardKey) => countShardInput(table, shardKey, now, undefined));
            return async () => {
              const signal = fanOutSignal(shardKeys.length);
              const counts = await Promise.all(first.map((input) => countShard(client, input, signal)));
              check(counts.reduce((sum, n) => sum + n, 0));
            };
          });
        case "adapter":
          return calls.map(() => async () => {
            check(await store.countByStatus(listed.status, { signal: callSignal() }));
          });
        case "service":
          return calls.map(() => async () => {
            check((await callUnary(service, M.countByStatus, { status: toProtoStatus(listed.status) }, rpcOptions())).count);
          });
      }
    },
  };
}

function listSessions({ table, client, store, service, listed }: BenchContext): Operation {
  const shardKeys = allShardKeys(listed.status, table.statusShards);
  const limit = listed.pageSize + 1;
  const check = (returned: number) => {
    if (returned !== listed.firstPage.length) {
      throw new Error(`a first page held ${returned} sessions, not ${listed.firstPage.length}`);
    }
  };
  return {
    name: "ListSessions (first page)",
    fansOut: true,
    requests: `${table.statusShards} Query (Limit ${limit}) in parallel, then 1 consistent BatchGetItem of ${listed.pageSize}`,
    prepare: async (way, count) => {
      const calls = Array.from({ length: count });
      switch (way) {
        case "raw":
          return calls.map(() => {
            const now = Date.now();
            const first = shardKeys.map((shardKey) => listShardInput(table, shardKey, now, limit));
            const readPage = readPageInput(table, listed.firstPage);
            return async () => {
              const signal = fanOutSignal(shardKeys.length);
              await Promise.all(first.map((input) => queryShard(client, input, limit, signal)));
              const output = await client.send(new BatchGetItemCommand(readPage), { abortSignal: signal });
              check(output.Responses?.[table.tableName]?.length ?? 0);
            };
          });
        case "adapter":
          return calls.map(() => async () => {
            const page = await store.list({ status: listed.status, pageSize: listed.pageSize, cursor: undefined }, { signal: callSignal() });
            check(page.sessions.length);
          });
        case "service":
          return calls.map(() => async () => {
            const request = { status: toProtoStatus(listed.status), pageSize: listed.pageSize };
            check((await callUnary(service, M.listSessions, request, rpcOptions())).sessions.length);
          });
      }
    },
  };
}

/** One shard's count, following LastEvaluatedKey to the end as the adapter does. */
async function countShard(client: DynamoDBClient, input: QueryCommandInput, signal: AbortSignal): Promise<number> {
  let count = 0;
  let startKey: Item | undefined;
  do {
    const query: QueryCommandInput = startKey === undefined ? input : { ...input, ExclusiveStartKey: startKey };
    const output = await client.send(new QueryCommand(query), { abortSignal: signal });
    count += output.Count ?? 0;
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** One shard's first `limit` index keys, continuing as the adapter does while the server stops short of them. */
async function queryShard(client: DynamoDBClient, input: QueryCommandInput, limit: number, signal: AbortSignal): Promise<number> {
  let read = 0;
  let startKey: Item | undefined;
  do {
    const query: QueryCommandInput = startKey === undefined ? input : { ...input, ExclusiveStartKey: startKey, Limit: limit - read };
    const output = await client.send(new QueryCommand(query), { abortSignal: signal });
    read += output.Items?.length ?? 0;
    startKey = output.LastEvaluatedKey;
  } while (startKey && read < limit);
  return read;
}

/** One signal shared by a call's parallel requests, with room for their listeners, as the adapter arranges for its own. */
function fanOutSignal(requests: number): AbortSignal {
  const signal = callSignal();
  setMaxListeners(requests * 2 + 10, signal);
  return signal;
}
