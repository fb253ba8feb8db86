import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  IllegalStatusTransitionError,
  InvalidArgumentError,
  InvalidCursorError,
  MalformedRequestError,
  SessionAlreadyExistsError,
  SessionNotFoundError,
  SessionVersionMismatchError,
  StoreUnavailableError,
  toConnectError,
} from "../../src/errors.js";
import { BadRequestSchema, ErrorInfoSchema } from "../../src/gen/google/rpc/error_details_pb.js";

describe("toConnectError", () => {
  it.each([
    [new SessionNotFoundError("a"), Code.NotFound, "SESSION_NOT_FOUND"],
    [new SessionAlreadyExistsError("a"), Code.AlreadyExists, "SESSION_ALREADY_EXISTS"],
    [new SessionVersionMismatchError("a", 1, 2), Code.Aborted, "SESSION_VERSION_MISMATCH"],
    [new IllegalStatusTransitionError("a", "COMPLETED", "PENDING"), Code.FailedPrecondition, "ILLEGAL_STATUS_TRANSITION"],
    [new InvalidArgumentError([{ field: "id", description: "is required" }]), Code.InvalidArgument, "INVALID_REQUEST"],
    [new InvalidCursorError("bad"), Code.InvalidArgument, "INVALID_PAGE_TOKEN"],
    [new MalformedRequestError(new Error("x")), Code.InvalidArgument, "MALFORMED_REQUEST"],
    [new StoreUnavailableError("DynamoDB did not answer"), Code.Unavailable, "STORE_UNAVAILABLE"],
    [new DOMException("late", "TimeoutError"), Code.DeadlineExceeded, "DEADLINE_EXCEEDED"],
    [new DOMException("gone", "AbortError"), Code.Canceled, "CANCELLED"],
  ])("maps %s to its code with an ErrorInfo reason", (error, code, reason) => {
    const mapped = toConnectError(error);
    expect(mapped.code).toBe(code);
    expect(mapped.findDetails(ErrorInfoSchema)).toEqual([expect.objectContaining({ reason, domain: "sessionstore" })]);
  });

  it("lists field violations in a BadRequest", () => {
    const mapped = toConnectError(
      new InvalidArgumentError([
        { field: "id", description: "is required" },
        { field: "tickets", description: "must have at least one ticket" },
      ]),
    );
    expect(mapped.rawMessage).toBe("id: is required; tickets: must have at least one ticket");
    expect(mapped.findDetails(BadRequestSchema)[0]?.fieldViolations.map((v) => v.field)).toEqual(["id", "tickets"]);
  });

  it("hides anything unexpected behind INTERNAL", () => {
    const mapped = toConnectError(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(mapped.code).toBe(Code.Internal);
    expect(mapped.rawMessage).toBe("internal error");
    expect(mapped.stack).not.toContain("secret");
  });

  it("passes a ConnectError through unchanged", () => {
    const error = new ConnectError("x", Code.PermissionDenied);
    expect(toConnectError(error)).toBe(error);
  });
});
