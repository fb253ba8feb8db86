/**
 * The raw way is only a fair baseline if it sends what the adapter sends.
 * Before measuring, each adapter operation runs once on a client that records
 * every command it is given, and the record must equal, command for command,
 * the inputs raw-requests.ts builds for the same call (random write tokens
 * aside). A difference stops the run: the ratios would compare different work.
 */
import { isDeepStrictEqual } from "node:util";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { RetryPolicy } from "../../src/retry.js";
import { allShardKeys } from "../../src/store/dynamodb/status-shard.js";
import { ATTRIBUTES as A } from "../../src/store/dynamodb/table-definition.js";
import type { SessionStatus } from "../../src/store/session-store.js";
import { draftSession, sessionAt } from "./bench-table.js";
import type { BuiltService } from "./built-service.js";
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

interface SentCommand {
  readonly name: string;
  readonly input: unknown;
}

export interface FidelityCheckOptions {
  /** The adapter class measured. */
  readonly DynamoDbSessionStore: BuiltService["DynamoDbSessionStore"];
  readonly table: RawTable;
  readonly ttlMs: number;
  readonly retry: RetryPolicy;
  /** A client of its own (it is instrumented), configured as the measured one. */
  readonly client: DynamoDBClient;
  readonly listed: { readonly status: SessionStatus; readonly pageSize: number; readonly firstPage: readonly string[] };
}

const TOKEN = "<write token>";

/** Throws, naming the operation and both inputs, when the adapter sends anything the raw way does not. */
export async function checkFidelity({ DynamoDbSessionStore, table, ttlMs, retry, client, listed }: FidelityCheckOptions): Promise<void> {
  const sent = recordCommands(client);
  // A fixed clock, so the instants in the adapter's inputs are known.
  const now = Date.now();
  const store = new DynamoDbSessionStore({ ...table, client, clock: { now: () => now }, ttlMs, retry });
  const options = { signal: new AbortController().signal };
  const draft = draftSession();
  const update = { id: draft.id, status: "EXPIRED", expectedVersion: 1 } as const;
  const steps: Array<[string, () => Promise<unknown>, SentCommand[]]> = [
    ["CreateSession", () => store.create(draft, options), [{ name: "PutItemCommand", input: putSessionInput(table, sessionAt(draft, now, ttlMs), TOKEN) }]],
    ["GetSession", () => store.get(draft.id, options), [{ name: "GetItemCommand", input: getSessionInput(table, draft.id) }]],
    ["UpdateSessionStatus", () => store.updateStatus(update, options), [{ name: "UpdateItemCommand", input: updateStatusInput(table, update, TOKEN, now) }]],
    ["DeleteSession", () => store.delete(draft.id, options), [{ name: "DeleteItemCommand", input: deleteSessionInput(table, draft.id, now) }]],
    [
      "CountByStatus",
      () => store.countByStatus(listed.status, options),
      allShardKeys(listed.status, table.statusShards).map((key) => ({ name: "QueryCommand", input: countShardInput(table, key, now, undefined) })),
    ],
    [
      "ListSessions",
      () => store.list({ status: listed.status, pageSize: listed.pageSize, cursor: undefined }, options),
      [
        ...allShardKeys(listed.status, table.statusShards).map((key) => ({ name: "QueryCommand", input: listShardInput(table, key, now, listed.pageSize + 1) })),
        { name: "BatchGetItemCommand", input: readPageInput(table, listed.firstPage) },
      ],
    ],
  ];
  for (const [operation, run, expected] of steps) {
    sent.length = 0;
    await run();
    const actual = sent.map(withoutTokens);
    if (!isDeepStrictEqual(actual, expected.map(withoutTokens))) {
      throw new Error(
        `the raw ${operation} requests differ from the adapter's:\n adapter sent ${JSON.stringify(actual)}\n raw sends   ${JSON.stringify(expected)}`,
      );
    }
  }
}

/** Every command `client` sends from now on, by name and input, as given to it. */
function recordCommands(client: DynamoDBClient): SentCommand[] {
  const sent: SentCommand[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push({ name: context.commandName ?? "(unnamed)", input: structuredClone(args.input) });
      return next(args);
    },
    { step: "initialize", name: "benchRecordCommands" },
  );
  return sent;
}

/** The command with its random write token (create's or update's) replaced by a fixed one. */
function withoutTokens(command: SentCommand): SentCommand {
  const input = structuredClone(command.input) as {
    Item?: Record<string, unknown>;
    ExpressionAttributeValues?: Record<string, unknown>;
  };
  if (input.Item?.[A.createToken] !== undefined) {
    input.Item[A.createToken] = { S: TOKEN };
  }
  if (input.ExpressionAttributeValues?.[":token"] !== undefined) {
    input.ExpressionAttributeValues[":token"] = { S: TOKEN };
  }
  return { name: command.name, input };
}
