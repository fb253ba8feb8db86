/**
 * The one mapping between a Session and its DynamoDB item. Reading checks
 * every attribute, so an item written by something else (or damaged) is an
 * error with its id, never a half-filled Session.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { isSessionStatus } from "../session-rules.js";
import type { Session, Ticket } from "../session-store.js";
import { ATTRIBUTES as A } from "./table-definition.js";
import { shardOf, statusShardKey } from "./status-shard.js";

export type Item = Record<string, AttributeValue>;

/** Epoch seconds, as the TTL attribute holds them; rounded up, so a session never lives less than its TTL. */
export function toEpochSeconds(epochMs: number): number {
  return Math.ceil(epochMs / 1000);
}

/** The item of a new session; `createToken` is the create call's, kept across its retries. */
export function toItem(session: Session, shardCount: number, createToken: string): Item {
  return {
    [A.id]: { S: session.id },
    [A.eventId]: { S: session.eventId },
    [A.status]: { S: session.status },
    [A.tickets]: {
      L: session.tickets.map((ticket) => ({
        M: {
          ticketId: { S: ticket.ticketId },
          quantity: { N: String(ticket.quantity) },
          unitPriceMinor: { N: String(ticket.unitPriceMinor) },
          currencyCode: { S: ticket.currencyCode },
        },
      })),
    },
    [A.metadata]: { M: Object.fromEntries(Object.entries(session.metadata).map(([key, value]) => [key, { S: value }])) },
    [A.createdAt]: { S: new Date(session.createdAt).toISOString() },
    [A.updatedAt]: { S: new Date(session.updatedAt).toISOString() },
    [A.expiresAt]: { N: String(toEpochSeconds(session.expiresAt)) },
    [A.version]: { N: String(session.version) },
    [A.statusShard]: { S: statusShardKey(session.status, shardOf(session.id, shardCount)) },
    [A.createToken]: { S: createToken },
  };
}

export class CorruptItemError extends Error {
  override readonly name = "CorruptItemError";
}

export function fromItem(item: Item): Session {
  const id = item[A.id]?.S ?? "(no id)";
  const fail = (what: string): never => {
    throw new CorruptItemError(`item ${JSON.stringify(id)} in the sessions table: ${what}`);
  };
  const string = (value: AttributeValue | undefined, name: string): string => value?.S ?? fail(`${name} is not a string`);
  const number = (value: AttributeValue | undefined, name: string): number => {
    const parsed = value?.N === undefined ? NaN : Number(value.N);
    return Number.isSafeInteger(parsed) ? parsed : fail(`${name} is not an integer`);
  };
  const instant = (value: AttributeValue | undefined, name: string): number => {
    const parsed = Date.parse(string(value, name));
    return Number.isNaN(parsed) ? fail(`${name} is not an ISO-8601 instant`) : parsed;
  };

  const status = string(item[A.status], A.status);
  if (!isSessionStatus(status)) {
    return fail(`status ${JSON.stringify(status)} is not a session status`);
  }
  const tickets: Ticket[] = (item[A.tickets]?.L ?? fail("tickets is not a list")).map((entry, i) => {
    const ticket = entry.M ?? fail(`tickets[${i}] is not a map`);
    return {
      ticketId: string(ticket.ticketId, `tickets[${i}].ticketId`),
      quantity: number(ticket.quantity, `tickets[${i}].quantity`),
      unitPriceMinor: number(ticket.unitPriceMinor, `tickets[${i}].unitPriceMinor`),
      currencyCode: string(ticket.currencyCode, `tickets[${i}].currencyCode`),
    };
  });
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(item[A.metadata]?.M ?? fail("metadata is not a map"))) {
    metadata[key] = string(value, `metadata[${JSON.stringify(key)}]`);
  }
  return {
    id: string(item[A.id], A.id),
    eventId: string(item[A.eventId], A.eventId),
    status,
    tickets,
    metadata,
    createdAt: instant(item[A.createdAt], A.createdAt),
    updatedAt: instant(item[A.updatedAt], A.updatedAt),
    expiresAt: number(item[A.expiresAt], A.expiresAt) * 1000,
    version: number(item[A.version], A.version),
  };
}

/**
 * The tokens of the calls that wrote an item: a retry whose condition fails
 * finds its own token there when an earlier attempt of the same call landed.
 * Create and update have one each, so a create's retry still recognises its
 * item after someone else's update.
 */
export function writeTokensOf(item: Item): { readonly create: string | undefined; readonly update: string | undefined } {
  return { create: item[A.createToken]?.S, update: item[A.updateToken]?.S };
}

/** Whether an item is still a live session at `now` (epoch ms). */
export function isLiveItem(item: Item, now: number): boolean {
  const expiresAt = Number(item[A.expiresAt]?.N);
  return Number.isFinite(expiresAt) && expiresAt * 1000 > now;
}
