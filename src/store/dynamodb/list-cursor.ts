/**
 * Where a ListSessions walk is, shard by shard: the index key of the last
 * entry the walk consumed from each shard. Within a shard DynamoDB orders
 * entries by expiresAt and then by an order of its own for equal values, so
 * the only exact way to resume is DynamoDB's: ExclusiveStartKey from that
 * shard's own last entry. Each session that keeps its status is then seen
 * exactly once, whatever else is created, changed or expires meanwhile.
 */
import { InvalidCursorError } from "../../errors.js";

export interface IndexPosition {
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly id: string;
}

/** Shard number → last consumed position in it. Shards absent have not been read from yet. */
export type ListCursor = ReadonlyMap<number, IndexPosition>;

const PREFIX = "d2:";
const ENTRY = /^([0-9]{1,3})\.([0-9]{1,12})\.([A-Za-z0-9_-]{1,64})$/;

export function encodeCursor(cursor: ListCursor): string {
  return PREFIX + [...cursor].map(([shard, p]) => `${shard}.${p.expiresAt}.${p.id}`).join(",");
}

export function decodeCursor(text: string, shardCount: number): ListCursor {
  const invalid = () => new InvalidCursorError("is not a page token of this server");
  if (!text.startsWith(PREFIX)) {
    throw invalid();
  }
  const cursor = new Map<number, IndexPosition>();
  const body = text.slice(PREFIX.length);
  for (const entry of body === "" ? [] : body.split(",")) {
    const match = ENTRY.exec(entry);
    const shard = Number(match?.[1]);
    if (!match?.[2] || !match[3] || shard >= shardCount || cursor.has(shard)) {
      throw invalid();
    }
    cursor.set(shard, { expiresAt: Number(match[2]), id: match[3] });
  }
  return cursor;
}
