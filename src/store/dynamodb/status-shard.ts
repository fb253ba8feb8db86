/**
 * Which shard of the status index a session's entry goes to. The shard is a
 * stable hash of the id (FNV-1a, 32 bits), so it never changes over the
 * session's life and spreads ids evenly; the count is fixed for a table's
 * life because entries are never moved between shards.
 */
import type { SessionStatus } from "../session-store.js";

export function shardOf(id: string, shardCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shardCount;
}

/** The index partition key: "PENDING#07". */
export function statusShardKey(status: SessionStatus, shard: number): string {
  return `${status}#${String(shard).padStart(2, "0")}`;
}

export function allShardKeys(status: SessionStatus, shardCount: number): string[] {
  return Array.from({ length: shardCount }, (_, shard) => statusShardKey(status, shard));
}
