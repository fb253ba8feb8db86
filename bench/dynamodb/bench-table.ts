/**
 * The benchmark's contents: sessions written in bulk with the adapter's own
 * item mapping, so what the measured calls read, count and list is what the
 * service itself would have stored. (The table is provisioned as the tests
 * provision theirs: provisionLocalTable, what `npm run table:create` does.)
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { randomUUID } from "node:crypto";
import { toEpochSeconds, toItem } from "../../src/store/dynamodb/session-item.js";
import type { NewSession, Session, SessionStatus } from "../../src/store/session-store.js";
import { typicalSession } from "../lib/typical-session.js";
import type { RawTable } from "./raw-requests.js";

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;
/** Batches in flight while seeding: enough to keep dynalite busy, few enough not to queue for long. */
const SEEDING_IN_FLIGHT = 4;

let drafted = 0;

/** The next typical checkout (every benchmark part's: three tickets, four metadata entries) under a new UUID. */
export function draftSession(): NewSession {
  return typicalSession(drafted++);
}

/** The session the adapter's create makes of `draft` at `now`, or, with a later status, what an update made of it. */
export function sessionAt(draft: NewSession, now: number, ttlMs: number, status: SessionStatus = "PENDING"): Session {
  return {
    ...draft,
    status,
    createdAt: now,
    updatedAt: now,
    expiresAt: toEpochSeconds(now + ttlMs) * 1000,
    version: status === "PENDING" ? 1 : 2,
  };
}

/** `count` new sessions with `status`, written in bulk; returns their ids. */
export async function seedSessions(
  client: DynamoDBClient,
  table: RawTable,
  ttlMs: number,
  count: number,
  status: SessionStatus = "PENDING",
): Promise<string[]> {
  const now = Date.now();
  const sessions = Array.from({ length: count }, () => sessionAt(draftSession(), now, ttlMs, status));
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < sessions.length; i += BATCH_WRITE_LIMIT) {
    batches.push(sessions.slice(i, i + BATCH_WRITE_LIMIT).map((session) => ({ PutRequest: { Item: toItem(session, table.statusShards, randomUUID()) } })));
  }
  let next = 0;
  const writer = async () => {
    for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
      await writeBatch(client, table.tableName, batch);
    }
  };
  await Promise.all(Array.from({ length: SEEDING_IN_FLIGHT }, writer));
  return sessions.map((session) => session.id);
}

async function writeBatch(client: DynamoDBClient, tableName: string, requests: WriteRequest[]): Promise<void> {
  // A local server leaves nothing unprocessed in practice; a few rounds cover it if it does.
  let pending = requests;
  for (let round = 0; pending.length > 0; round++) {
    if (round === 5) {
      throw new Error(`BatchWriteItem left ${pending.length} writes unprocessed five times`);
    }
    const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
    pending = UnprocessedItems?.[tableName] ?? [];
  }
}
