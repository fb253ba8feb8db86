import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/errors.js";
import {
  CreateSessionRequestSchema,
  ListSessionsRequestSchema,
  SessionStatus,
  UpdateSessionStatusRequestSchema,
  type CreateSessionRequest,
} from "../../../src/gen/sessionstore/v1/session_store_pb.js";
import { LIMITS, validateCreate, validateList, validateStatusUpdate } from "../../../src/rpc/request-validation.js";

const ticket = { ticketId: "GA", quantity: 1, unitPriceMinor: 100n, currencyCode: "EUR" };

function createRequest(init: MessageInitShape<typeof CreateSessionRequestSchema> = {}): CreateSessionRequest {
  return create(CreateSessionRequestSchema, { eventId: "evt-1", tickets: [ticket], ...init });
}

function violationsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      return error.violations.map((v) => v.field);
    }
    throw error;
  }
  return [];
}

const makeId = () => "generated-id";

describe("validateCreate", () => {
  it("accepts a request at every limit and makes an id when none is given", () => {
    const request = createRequest({
      eventId: "e".repeat(128),
      tickets: Array.from({ length: LIMITS.maxTickets }, () => ({ ...ticket, quantity: 100, unitPriceMinor: LIMITS.maxUnitPriceMinor })),
      metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`.padEnd(64, "x"), "€".repeat(256)])),
    });
    const session = validateCreate(request, makeId);
    expect(session.id).toBe("generated-id");
    expect(session.tickets[0]).toEqual({ ticketId: "GA", quantity: 100, unitPriceMinor: 1e12, currencyCode: "EUR" });
    expect(validateCreate(createRequest({ id: "a".repeat(64) }), makeId).id).toBe("a".repeat(64));
  });

  it("refuses every field one past its limit", () => {
    expect(violationsOf(() => validateCreate(createRequest({ id: "a".repeat(65) }), makeId))).toEqual(["id"]);
    expect(violationsOf(() => validateCreate(createRequest({ id: "" }), makeId))).toEqual(["id"]);
    expect(violationsOf(() => validateCreate(createRequest({ eventId: "e".repeat(129) }), makeId))).toEqual(["event_id"]);
    expect(violationsOf(() => validateCreate(createRequest({ tickets: Array.from({ length: 51 }, () => ticket) }), makeId))).toEqual([
      "tickets",
    ]);
    expect(violationsOf(() => validateCreate(createRequest({ tickets: [{ ...ticket, quantity: 101 }] }), makeId))).toEqual([
      "tickets[0].quantity",
    ]);
    expect(
      violationsOf(() => validateCreate(createRequest({ tickets: [{ ...ticket, unitPriceMinor: LIMITS.maxUnitPriceMinor + 1n }] }), makeId)),
    ).toEqual(["tickets[0].unit_price_minor"]);
    expect(violationsOf(() => validateCreate(createRequest({ tickets: [{ ...ticket, currencyCode: "EURO" }] }), makeId))).toEqual([
      "tickets[0].currency_code",
    ]);
    const seventeen = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]));
    expect(violationsOf(() => validateCreate(createRequest({ metadata: seventeen }), makeId))).toEqual(["metadata"]);
    expect(violationsOf(() => validateCreate(createRequest({ metadata: { k: "€".repeat(257) } }), makeId))).toEqual(['metadata["k"]']);
    expect(violationsOf(() => validateCreate(createRequest({ metadata: { ["k".repeat(65)]: "v" } }), makeId))).toHaveLength(1);
  });

  it("counts metadata values in characters, not UTF-16 units", () => {
    expect(violationsOf(() => validateCreate(createRequest({ metadata: { k: "😀".repeat(256) } }), makeId))).toEqual([]);
    expect(violationsOf(() => validateCreate(createRequest({ metadata: { k: "😀".repeat(257) } }), makeId))).toEqual(['metadata["k"]']);
  });
});

describe("validateStatusUpdate", () => {
  it("refuses an unknown enum value", () => {
    const request = create(UpdateSessionStatusRequestSchema, { id: "a", status: 42 as SessionStatus });
    expect(violationsOf(() => validateStatusUpdate(request))).toEqual(["status"]);
  });

  it("carries expected_version only when set", () => {
    expect(validateStatusUpdate(create(UpdateSessionStatusRequestSchema, { id: "a", status: SessionStatus.COMPLETED })).expectedVersion).toBe(
      undefined,
    );
    expect(
      validateStatusUpdate(create(UpdateSessionStatusRequestSchema, { id: "a", status: SessionStatus.COMPLETED, expectedVersion: 3n }))
        .expectedVersion,
    ).toBe(3);
  });
});

describe("validateList", () => {
  it("uses 50 for a page size of 0 and lowers anything above 500 to 500", () => {
    const list = (pageSize: number) => validateList(create(ListSessionsRequestSchema, { status: SessionStatus.PENDING, pageSize })).pageSize;
    expect(list(0)).toBe(50);
    expect(list(1)).toBe(1);
    expect(list(500)).toBe(500);
    expect(list(501)).toBe(500);
  });
});
