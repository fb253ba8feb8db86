import { describe, expect, it } from "vitest";
import { allShardKeys, shardOf, statusShardKey } from "../../../../src/store/dynamodb/status-shard.js";

describe("status shards", () => {
  it("hash ids with 32-bit FNV-1a, so an id keeps its shard across releases", () => {
    // FNV-1a("a") = 0xe40c292c, the algorithm's published test value.
    expect(shardOf("a", 16)).toBe(0xe40c292c % 16);
    expect(shardOf("a", 64)).toBe(0xe40c292c % 64);
    expect(shardOf("4f1c2a9e-0d3b-4c55-9a8e-2b7f6d1e0c3a", 16)).toBe(15);
    expect(shardOf("anything", 1)).toBe(0);
  });

  it("name index partitions <status>#<two digits>", () => {
    expect(statusShardKey("PENDING", 7)).toBe("PENDING#07");
    expect(allShardKeys("EXPIRED", 3)).toEqual(["EXPIRED#00", "EXPIRED#01", "EXPIRED#02"]);
  });
});
