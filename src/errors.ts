/**
 * Domain errors, and the one mapping from any failure to the gRPC status a
 * caller sees. Stores and validation raise the classes below; the RPC layer
 * calls toConnectError once per failed call; the gRPC and Connect transports
 * only copy its result onto the wire.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "./gen/google/rpc/error_details_pb.js";

/** ErrorInfo.domain of every error this service raises. */
export const ERROR_DOMAIN = "sessionstore";

export class SessionNotFoundError extends Error {
  override readonly name = "SessionNotFoundError";
  constructor(readonly sessionId: string) {
    super(`session ${JSON.stringify(sessionId)} does not exist or has expired`);
  }
}

export class SessionAlreadyExistsError extends Error {
  override readonly name = "SessionAlreadyExistsError";
  constructor(readonly sessionId: string) {
    super(`session ${JSON.stringify(sessionId)} already exists`);
  }
}

export class SessionVersionMismatchError extends Error {
  override readonly name = "SessionVersionMismatchError";
  constructor(
    readonly sessionId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `session ${JSON.stringify(sessionId)} is at version ${currentVersion}, not the expected ${expectedVersion}; read it again and retry`,
    );
  }
}

export class IllegalStatusTransitionError extends Error {
  override readonly name = "IllegalStatusTransitionError";
  constructor(
    readonly sessionId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`session ${JSON.stringify(sessionId)} cannot move from ${from} to ${to}`);
  }
}

export interface FieldViolation {
  /** The request field, in the proto's snake_case path form (tickets[2].quantity). */
  readonly field: string;
  readonly description: string;
}

export class InvalidArgumentError extends Error {
  override readonly name = "InvalidArgumentError";
  constructor(
    readonly violations: readonly FieldViolation[],
    readonly reason = "INVALID_REQUEST",
  ) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join("; "));
  }
}

/** A list cursor this store did not make, or made for another query. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
  constructor(readonly detail: string) {
    super(`page_token: ${detail}`);
  }
}

/** The call carries no credentials, or ones this server does not accept. */
export class UnauthenticatedError extends Error {
  override readonly name = "UnauthenticatedError";
}

/** Request bytes that are not a valid message of the method's request type. */
export class MalformedRequestError extends Error {
  override readonly name = "MalformedRequestError";
  constructor(cause: unknown) {
    super("the request is not a valid protobuf message of the method's request type", { cause });
  }
}

/** The backing store could not be reached after every retry the policy allowed. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Turns any failure into the error sent to the caller: a status code, a
 * message safe to show, and a google.rpc.ErrorInfo (plus google.rpc.BadRequest
 * for INVALID_ARGUMENT) so callers branch on a reason, not on text. Anything
 * unexpected becomes INTERNAL with a generic message: the caller never sees
 * internals, and the call boundary logs the original.
 */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) {
    return error;
  }
  if (error instanceof SessionNotFoundError) {
    return withInfo(error.message, Code.NotFound, "SESSION_NOT_FOUND", { session_id: error.sessionId });
  }
  if (error instanceof SessionAlreadyExistsError) {
    return withInfo(error.message, Code.AlreadyExists, "SESSION_ALREADY_EXISTS", { session_id: error.sessionId });
  }
  if (error instanceof SessionVersionMismatchError) {
    return withInfo(error.message, Code.Aborted, "SESSION_VERSION_MISMATCH", {
      session_id: error.sessionId,
      expected_version: String(error.expectedVersion),
      current_version: String(error.currentVersion),
    });
  }
  if (error instanceof IllegalStatusTransitionError) {
    return withInfo(error.message, Code.FailedPrecondition, "ILLEGAL_STATUS_TRANSITION", {
      session_id: error.sessionId,
      from_status: error.from,
      to_status: error.to,
    });
  }
  if (error instanceof InvalidArgumentError) {
    return invalidArgument(error.message, error.reason, error.violations);
  }
  if (error instanceof InvalidCursorError) {
    return invalidArgument(error.message, "INVALID_PAGE_TOKEN", [{ field: "page_token", description: error.detail }]);
  }
  if (error instanceof UnauthenticatedError) {
    return withInfo(error.message, Code.Unauthenticated, "UNAUTHENTICATED", {});
  }
  if (error instanceof MalformedRequestError) {
    return withInfo(error.message, Code.InvalidArgument, "MALFORMED_REQUEST", {});
  }
  if (error instanceof StoreUnavailableError) {
    return withInfo(error.message, Code.Unavailable, "STORE_UNAVAILABLE", {});
  }
  if (isAbort(error, "TimeoutError")) {
    return withInfo("the call's deadline passed before it finished", Code.DeadlineExceeded, "DEADLINE_EXCEEDED", {});
  }
  if (isAbort(error, "AbortError")) {
    return withInfo("the call was cancelled", Code.Canceled, "CANCELLED", {});
  }
  return withInfo("internal error", Code.Internal, "INTERNAL", {});
}

function isAbort(error: unknown, name: "AbortError" | "TimeoutError"): boolean {
  return error instanceof Error && error.name === name;
}

function withInfo(message: string, code: Code, reason: string, metadata: Record<string, string>): ConnectError {
  return new ConnectError(message, code, undefined, [
    { desc: ErrorInfoSchema, value: { reason, domain: ERROR_DOMAIN, metadata } },
  ]);
}

function invalidArgument(message: string, reason: string, violations: readonly FieldViolation[]): ConnectError {
  return new ConnectError(message, Code.InvalidArgument, undefined, [
    { desc: ErrorInfoSchema, value: { reason, domain: ERROR_DOMAIN, metadata: {} } },
    { desc: BadRequestSchema, value: { fieldViolations: violations.map((v) => ({ ...v })) } },
  ]);
}

const GRPC_CODE_NAMES: Readonly<Record<Code, string>> = {
  [Code.Canceled]: "CANCELLED",
  [Code.Unknown]: "UNKNOWN",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.DeadlineExceeded]: "DEADLINE_EXCEEDED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.Aborted]: "ABORTED",
  [Code.OutOfRange]: "OUT_OF_RANGE",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Internal]: "INTERNAL",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.DataLoss]: "DATA_LOSS",
  [Code.Unauthenticated]: "UNAUTHENTICATED",
};

/** The canonical gRPC name of a code (NOT_FOUND), as logs and metrics label it. */
export function grpcCodeName(code: Code): string {
  return GRPC_CODE_NAMES[code];
}
