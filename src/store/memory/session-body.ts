/**
 * The part of a session that never changes after creation (event, tickets,
 * metadata), kept by the in-memory store as one JSON string.
 *
 * Why: held as objects, a typical session (3 tickets, 4 metadata entries)
 * costs ~860 bytes of heap, most of it object headers and one string object
 * per field; the benchmarks' target is at most 600. One string costs its
 * characters plus one header, which brings the whole stored session to about
 * half. The price is paid on reads: each returned Session parses its body
 * again (about a microsecond for a typical session), and updates share the
 * string, so they pay nothing.
 *
 * Tickets are flattened to their four fields in a row, because an array of
 * objects would repeat every field name in every ticket. Metadata stays a JSON
 * object: JSON.parse defines each key as an own property (even "__proto__"),
 * which assigning keys one by one would not. JSON round-trips every string,
 * lone surrogates included, and every integer the API allows as a price.
 */
import type { NewSession, Ticket } from "../session-store.js";

export type SessionBody = Pick<NewSession, "eventId" | "tickets" | "metadata">;

/** [eventId, [ticketId, quantity, unitPriceMinor, currencyCode, ...], metadata] */
type EncodedBody = [string, (string | number)[], Record<string, string>];

const FIELDS_PER_TICKET = 4;

export function encodeSessionBody(body: SessionBody): string {
  const tickets: (string | number)[] = [];
  for (const ticket of body.tickets) {
    tickets.push(ticket.ticketId, ticket.quantity, ticket.unitPriceMinor, ticket.currencyCode);
  }
  const encoded: EncodedBody = [body.eventId, tickets, body.metadata];
  return JSON.stringify(encoded);
}

/** Only for strings encodeSessionBody made; anything else is a bug, not input. */
export function decodeSessionBody(encoded: string): SessionBody {
  const [eventId, fields, metadata] = JSON.parse(encoded) as EncodedBody;
  const tickets: Ticket[] = [];
  for (let i = 0; i < fields.length; i += FIELDS_PER_TICKET) {
    tickets.push({
      ticketId: fields[i] as string,
      quantity: fields[i + 1] as number,
      unitPriceMinor: fields[i + 2] as number,
      currencyCode: fields[i + 3] as string,
    });
  }
  return { eventId, tickets, metadata };
}
