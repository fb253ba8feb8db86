import { describe, expect, it } from "vitest";
import { InvalidCursorError } from "../../../../src/errors.js";
import { decodeCursor, encodeCursor } from "../../../../src/store/dynamodb/list-cursor.js";

describe("list cursors", () => {
  it("round-trip a position per shard read so far", () => {
    const cursor = new Map([
      [0, { expiresAt: 1_768_478_400, id: "4f1c2a9e-0d3b-4c55-9a8e-2b7f6d1e0c3a" }],
      [13, { expiresAt: 1_768_478_461, id: "x".repeat(64) }],
    ]);
    expect(decodeCursor(encodeCursor(cursor), 16)).toEqual(cursor);
    expect(decodeCursor(encodeCursor(new Map()), 16)).toEqual(new Map());
  });

  it.each([
    ["another store's cursor", "42"],
    ["a shard beyond the table's count", encodeCursor(new Map([[16, { expiresAt: 1, id: "a" }]]))],
    ["a shard named twice", `${encodeCursor(new Map([[1, { expiresAt: 1, id: "a" }]]))},1.2.b`],
    ["an id the API cannot have", encodeCursor(new Map([[1, { expiresAt: 1, id: "a" }]])).replace(".a", ".a!")],
    ["a position without an id", encodeCursor(new Map([[1, { expiresAt: 1, id: "a" }]])).replace(".a", ".")],
  ])("refuse %s with InvalidCursorError", (_, text) => {
    expect(() => decodeCursor(text, 16)).toThrow(InvalidCursorError);
  });
});
