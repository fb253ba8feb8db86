import { describe, expect, it } from "vitest";
import { CorruptItemError, fromItem, toItem } from "../../../../src/store/dynamodb/session-item.js";
import { shardOf } from "../../../../src/store/dynamodb/status-shard.js";
import type { Session } from "../../../../src/store/session-store.js";

const base: Session = {
  id: "4f1c2a9e-0d3b-4c55-9a8e-2b7f6d1e0c3a",
  eventId: "evt-2026-final",
  status: "COMPLETED",
  tickets: [{ ticketId: "GA", quantity: 2, unitPriceMinor: 4500, currencyCode: "EUR" }],
  metadata: { channel: "web" },
  createdAt: Date.UTC(2026, 0, 15, 12, 0, 0, 123),
  updatedAt: Date.UTC(2026, 0, 15, 12, 5, 0, 456),
  expiresAt: Date.UTC(2026, 0, 16, 12, 0, 1),
  version: 2,
};

describe("session items", () => {
  it("hold the spec's attributes: ISO createdAt, expiresAt in epoch seconds, the index key and the create token", () => {
    const item = toItem(base, 16, "token-1");
    expect(item).toMatchObject({
      id: { S: base.id },
      eventId: { S: "evt-2026-final" },
      status: { S: "COMPLETED" },
      createdAt: { S: "2026-01-15T12:00:00.123Z" },
      updatedAt: { S: "2026-01-15T12:05:00.456Z" },
      expiresAt: { N: String(Date.UTC(2026, 0, 16, 12, 0, 1) / 1000) },
      version: { N: "2" },
      statusShard: { S: `COMPLETED#${String(shardOf(base.id, 16)).padStart(2, "0")}` },
      createToken: { S: "token-1" },
      tickets: { L: [{ M: { ticketId: { S: "GA" }, quantity: { N: "2" }, unitPriceMinor: { N: "4500" }, currencyCode: { S: "EUR" } } }] },
      metadata: { M: { channel: { S: "web" } } },
    });
  });

  it("round-trip empty metadata and the largest values the API allows", () => {
    for (const session of [
      { ...base, metadata: {} },
      {
        ...base,
        id: "x".repeat(64),
        eventId: "e".repeat(128),
        tickets: Array.from({ length: 50 }, (_, i) => ({ ticketId: `t${i}`.padEnd(128, "."), quantity: 100, unitPriceMinor: 1e12, currencyCode: "JPY" })),
        metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`.padEnd(64, "_"), "€😀".repeat(128)])),
      },
    ]) {
      expect(fromItem(toItem(session, 8, "t"))).toEqual(session);
    }
  });

  it("round up a sub-second expiry so a session never lives less than its TTL", () => {
    const item = toItem({ ...base, expiresAt: Date.UTC(2026, 0, 16, 12, 0, 0, 1) }, 4, "t");
    expect(item.expiresAt?.N).toBe(String(Date.UTC(2026, 0, 16, 12, 0, 1) / 1000));
  });

  it("refuse an item that is not a session, naming it", () => {
    const item = toItem(base, 4, "t");
    expect(() => fromItem({ ...item, status: { S: "ARCHIVED" } })).toThrow(CorruptItemError);
    expect(() => fromItem({ ...item, version: { S: "2" } })).toThrow(/^item "4f1c2a9e-[^"]*" in the sessions table: version is not an integer$/);
    expect(() => fromItem({ ...item, createdAt: { S: "yesterday" } })).toThrow(/createdAt is not an ISO-8601 instant/);
    const { tickets: _, ...withoutTickets } = item;
    expect(() => fromItem(withoutTickets)).toThrow(/tickets is not a list/);
  });

  it("spread ids over every shard", () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const shard = shardOf(crypto.randomUUID(), 16);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const count of counts) {
      expect(count).toBeGreaterThan(700);
      expect(count).toBeLessThan(1300);
    }
  });
});
