import { describe, expect, it } from "vitest";
import { InvalidCursorError } from "../../../src/errors.js";
import { decodePageToken, encodePageToken } from "../../../src/rpc/page-token.js";

describe("page tokens", () => {
  it("carry the store's cursor for the status they were issued for", () => {
    const token = encodePageToken("PENDING", "42");
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, "PENDING")).toBe("42");
  });

  it("are empty at the end, and an empty token starts from the beginning", () => {
    expect(encodePageToken("PENDING", undefined)).toBe("");
    expect(decodePageToken("", "COMPLETED")).toBeUndefined();
  });

  it("are refused with another status", () => {
    expect(() => decodePageToken(encodePageToken("PENDING", "42"), "COMPLETED")).toThrow(
      new InvalidCursorError("was issued for status PENDING, not COMPLETED"),
    );
  });

  it.each(["%%%", "e30", Buffer.from('{"s":"DONE","c":"1"}').toString("base64url"), "A".repeat(5000)])(
    "are refused when malformed: %s",
    (token) => {
      expect(() => decodePageToken(token.slice(0, 5000), "PENDING")).toThrow(InvalidCursorError);
    },
  );
});
