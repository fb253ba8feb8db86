import { describe, expect, it } from "vitest";
import { LIMITS } from "../../../../src/rpc/request-validation.js";
import { decodeSessionBody, encodeSessionBody, type SessionBody } from "../../../../src/store/memory/session-body.js";
import { newSession } from "../../../helpers/sessions.js";

function roundTrip(body: SessionBody): SessionBody {
  return decodeSessionBody(encodeSessionBody(body));
}

describe("session body codec", () => {
  it("round-trips a typical session's event, tickets in order, and metadata", () => {
    const { eventId, tickets, metadata } = newSession();
    expect(roundTrip({ eventId, tickets, metadata })).toEqual({ eventId, tickets, metadata });
  });

  it("round-trips no tickets and no metadata", () => {
    expect(roundTrip({ eventId: "e", tickets: [], metadata: {} })).toEqual({ eventId: "e", tickets: [], metadata: {} });
  });

  it("round-trips the largest values the API allows", () => {
    const body: SessionBody = {
      eventId: "E".repeat(128),
      tickets: Array.from({ length: LIMITS.maxTickets }, (_, i) => ({
        ticketId: `${i}`.padEnd(128, ":"),
        quantity: LIMITS.maxQuantity,
        unitPriceMinor: Number(LIMITS.maxUnitPriceMinor),
        currencyCode: "ZZZ",
      })),
      metadata: Object.fromEntries(
        Array.from({ length: LIMITS.maxMetadataEntries }, (_, i) => [`k${i}`.padEnd(64, "-"), "😀".repeat(LIMITS.maxMetadataValueChars)]),
      ),
    };
    expect(roundTrip(body)).toEqual(body);
  });

  it("round-trips any string a value may hold: quotes, backslashes, control characters, astral and lone surrogates", () => {
    const metadata = { quoted: '"\\/"', control: "\u0000\n\t\u001f", astral: "😀𝄞", lone: "\ud800x\udfff", empty: "" };
    expect(roundTrip({ eventId: "e", tickets: [], metadata }).metadata).toEqual(metadata);
  });

  it("gives every metadata key an own property, __proto__ and integer-like keys included", () => {
    const metadata: Record<string, string> = JSON.parse('{"__proto__":"x","10":"ten","2":"two","constructor":"c"}') as Record<string, string>;
    const decoded = roundTrip({ eventId: "e", tickets: [], metadata }).metadata;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.entries(decoded)).toEqual(Object.entries(metadata));
    expect(Object.hasOwn(decoded, "__proto__")).toBe(true);
  });
});
