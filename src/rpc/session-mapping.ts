/**
 * Translation between the wire messages and the store's domain types, in one
 * place. Messages are built as plain objects: protobuf-es messages are plain
 * objects with a $typeName, and literals skip create()'s reflection on the
 * hot path.
 */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  SessionStatus as ProtoStatus,
  type Session as SessionMessage,
  type Ticket as TicketMessage,
} from "../gen/sessionstore/v1/session_store_pb.js";
import type { Session, SessionStatus, Ticket } from "../store/session-store.js";

const TO_PROTO_STATUS: Record<SessionStatus, ProtoStatus> = {
  PENDING: ProtoStatus.PENDING,
  COMPLETED: ProtoStatus.COMPLETED,
  EXPIRED: ProtoStatus.EXPIRED,
};

/** The domain status of a wire status; undefined for UNSPECIFIED and unknown values. */
export function fromProtoStatus(status: ProtoStatus): SessionStatus | undefined {
  switch (status) {
    case ProtoStatus.PENDING:
      return "PENDING";
    case ProtoStatus.COMPLETED:
      return "COMPLETED";
    case ProtoStatus.EXPIRED:
      return "EXPIRED";
    default:
      return undefined;
  }
}

export function toProtoStatus(status: SessionStatus): ProtoStatus {
  return TO_PROTO_STATUS[status];
}

export function toSessionMessage(session: Session): SessionMessage {
  return {
    $typeName: "sessionstore.v1.Session",
    id: session.id,
    eventId: session.eventId,
    status: TO_PROTO_STATUS[session.status],
    tickets: session.tickets.map(toTicketMessage),
    metadata: { ...session.metadata },
    createdAt: toTimestamp(session.createdAt),
    updatedAt: toTimestamp(session.updatedAt),
    expiresAt: toTimestamp(session.expiresAt),
    version: BigInt(session.version),
  };
}

/** Callers validate the message first (validateCreate), so the price fits a number. */
export function fromTicketMessage(ticket: TicketMessage): Ticket {
  return {
    ticketId: ticket.ticketId,
    quantity: ticket.quantity,
    unitPriceMinor: Number(ticket.unitPriceMinor),
    currencyCode: ticket.currencyCode,
  };
}

function toTicketMessage(ticket: Ticket): TicketMessage {
  return {
    $typeName: "sessionstore.v1.Ticket",
    ticketId: ticket.ticketId,
    quantity: ticket.quantity,
    unitPriceMinor: BigInt(ticket.unitPriceMinor),
    currencyCode: ticket.currencyCode,
  };
}

function toTimestamp(epochMs: number): Timestamp {
  const seconds = Math.floor(epochMs / 1000);
  return {
    $typeName: "google.protobuf.Timestamp",
    seconds: BigInt(seconds),
    nanos: (epochMs - seconds * 1000) * 1_000_000,
  };
}
