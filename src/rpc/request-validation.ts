/**
 * Checks every request against the limits documented in the proto, and turns
 * it into the store's input. All violations of a request are collected, so a
 * caller fixes them in one round; any violation is INVALID_ARGUMENT and
 * nothing reaches the store.
 */
import type {
  CountByStatusRequest,
  CreateSessionRequest,
  DeleteSessionRequest,
  GetSessionRequest,
  ListSessionsRequest,
  UpdateSessionStatusRequest,
} from "../gen/sessionstore/v1/session_store_pb.js";
import { InvalidArgumentError, type FieldViolation } from "../errors.js";
import type { NewSession, SessionStatus, StatusUpdate } from "../store/session-store.js";
import { fromProtoStatus, fromTicketMessage } from "./session-mapping.js";

/** The limits the proto comments promise; change both together. */
export const LIMITS = {
  idPattern: /^[A-Za-z0-9_-]{1,64}$/,
  referencePattern: /^[A-Za-z0-9._:-]{1,128}$/,
  maxTickets: 50,
  minQuantity: 1,
  maxQuantity: 100,
  maxUnitPriceMinor: 1_000_000_000_000n,
  currencyPattern: /^[A-Z]{3}$/,
  maxMetadataEntries: 16,
  metadataKeyPattern: /^[A-Za-z0-9._-]{1,64}$/,
  maxMetadataValueChars: 256,
  defaultPageSize: 50,
  maxPageSize: 500,
} as const;

/** Collects the violations of one request, then throws them all at once. */
class Violations {
  private readonly found: FieldViolation[] = [];

  add(field: string, description: string): void {
    this.found.push({ field, description });
  }

  matches(field: string, value: string, pattern: RegExp, rule: string): void {
    if (value === "") {
      this.add(field, "is required");
    } else if (!pattern.test(value)) {
      this.add(field, `must be ${rule}`);
    }
  }

  status(field: string, value: number): SessionStatus {
    const status = fromProtoStatus(value);
    if (status === undefined) {
      this.add(field, "must be PENDING, COMPLETED or EXPIRED");
    }
    return status ?? "PENDING";
  }

  throwIfAny(): void {
    if (this.found.length > 0) {
      throw new InvalidArgumentError(this.found);
    }
  }
}

const ID_RULE = "1 to 64 characters from [A-Za-z0-9_-]";
const REFERENCE_RULE = "1 to 128 characters from [A-Za-z0-9._:-]";

export function validateId(request: GetSessionRequest | DeleteSessionRequest): string {
  const violations = new Violations();
  violations.matches("id", request.id, LIMITS.idPattern, ID_RULE);
  violations.throwIfAny();
  return request.id;
}

/** @param generateId makes the id when the request names none. */
export function validateCreate(request: CreateSessionRequest, generateId: () => string): NewSession {
  const violations = new Violations();
  if (request.id !== undefined) {
    violations.matches("id", request.id, LIMITS.idPattern, ID_RULE);
  }
  violations.matches("event_id", request.eventId, LIMITS.referencePattern, REFERENCE_RULE);

  if (request.tickets.length === 0) {
    violations.add("tickets", "must have at least one ticket");
  } else if (request.tickets.length > LIMITS.maxTickets) {
    violations.add("tickets", `must have at most ${LIMITS.maxTickets} tickets`);
  }
  request.tickets.slice(0, LIMITS.maxTickets).forEach((ticket, i) => {
    const at = `tickets[${i}]`;
    violations.matches(`${at}.ticket_id`, ticket.ticketId, LIMITS.referencePattern, REFERENCE_RULE);
    if (ticket.quantity < LIMITS.minQuantity || ticket.quantity > LIMITS.maxQuantity) {
      violations.add(`${at}.quantity`, `must be from ${LIMITS.minQuantity} to ${LIMITS.maxQuantity}`);
    }
    if (ticket.unitPriceMinor < 0n || ticket.unitPriceMinor > LIMITS.maxUnitPriceMinor) {
      violations.add(`${at}.unit_price_minor`, `must be from 0 to ${LIMITS.maxUnitPriceMinor}`);
    }
    violations.matches(`${at}.currency_code`, ticket.currencyCode, LIMITS.currencyPattern, "three upper-case letters (ISO 4217)");
  });

  const entries = Object.entries(request.metadata);
  if (entries.length > LIMITS.maxMetadataEntries) {
    violations.add("metadata", `must have at most ${LIMITS.maxMetadataEntries} entries`);
  }
  for (const [key, value] of entries.slice(0, LIMITS.maxMetadataEntries)) {
    if (!LIMITS.metadataKeyPattern.test(key)) {
      violations.add(`metadata[${JSON.stringify(key.slice(0, 80))}]`, "key must be 1 to 64 characters from [A-Za-z0-9._-]");
    } else if (codePoints(value) > LIMITS.maxMetadataValueChars) {
      violations.add(`metadata[${JSON.stringify(key)}]`, `value must be at most ${LIMITS.maxMetadataValueChars} characters`);
    }
  }
  violations.throwIfAny();

  return {
    id: request.id ?? generateId(),
    eventId: request.eventId,
    tickets: request.tickets.map(fromTicketMessage),
    metadata: { ...request.metadata },
  };
}

export function validateStatusUpdate(request: UpdateSessionStatusRequest): StatusUpdate {
  const violations = new Violations();
  violations.matches("id", request.id, LIMITS.idPattern, ID_RULE);
  const status = violations.status("status", request.status);
  if (request.expectedVersion !== undefined && request.expectedVersion < 1n) {
    violations.add("expected_version", "must be at least 1 when set");
  }
  violations.throwIfAny();
  return {
    id: request.id,
    status,
    // A version beyond 2^53 matches no session; Number() keeps that true.
    expectedVersion: request.expectedVersion === undefined ? undefined : Number(request.expectedVersion),
  };
}

export function validateCount(request: CountByStatusRequest): SessionStatus {
  const violations = new Violations();
  const status = violations.status("status", request.status);
  violations.throwIfAny();
  return status;
}

export interface ValidListRequest {
  readonly status: SessionStatus;
  readonly pageSize: number;
  readonly pageToken: string;
}

export function validateList(request: ListSessionsRequest): ValidListRequest {
  const violations = new Violations();
  const status = violations.status("status", request.status);
  if (request.pageSize < 0) {
    violations.add("page_size", "must not be negative");
  }
  violations.throwIfAny();
  const pageSize = request.pageSize === 0 ? LIMITS.defaultPageSize : Math.min(request.pageSize, LIMITS.maxPageSize);
  return { status, pageSize, pageToken: request.pageToken };
}

function codePoints(value: string): number {
  // Fast path: a string no longer in UTF-16 units than the limit cannot have more code points.
  if (value.length <= LIMITS.maxMetadataValueChars) {
    return value.length;
  }
  let count = 0;
  for (const _ of value) {
    count += 1;
  }
  return count;
}
