/**
 * Typical sessions made the way the server receives them: the bytes of a
 * CreateSessionRequest are decoded and validated into the store's NewSession
 * by the RPC layer's own functions. So every string is a fresh decoded string,
 * as in production, and none is a literal shared by all sessions, which would
 * make the heap per session look smaller than it is.
 */
import { randomUUID } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { CreateSessionRequestSchema, type CreateSessionRequest } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { validateCreate } from "../../src/rpc/request-validation.js";
import type { NewSession } from "../../src/store/session-store.js";

const TICKET_KINDS = ["GA-STANDING", "GA-FLOOR", "VIP-ROW-A", "SEATED-B12", "BALCONY-C", "PARKING-P2", "ACCESSIBLE-01"];
const CHANNELS = ["web", "ios", "android", "box-office", "partner"];
const LOCALES = ["es-ES", "en-GB", "de-DE", "fr-FR", "it-IT", "pt-PT", "nl-NL"];
const AGENT_FAMILIES = ["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"];
const CAMPAIGNS = ["spring-sale", "newsletter-0412", "early-bird", "none", "retargeting-q2", "affiliate-77"];
const CITIES = ["madrid", "lisboa", "berlin"];

/**
 * Encoding with protobuf-es's reflection costs ~20 µs a message, too slow for
 * a million per run, so the varied part of the requests is encoded once into
 * a pool, and each session's bytes are a fresh id field followed by a pool
 * entry: protobuf decodes concatenated fields as one message.
 */
const POOL_SIZE = 4096;
const ID_FIELD = CreateSessionRequestSchema.field["id"]?.number ?? 4;

function pick<T>(values: readonly T[], n: number): T {
  return values[n % values.length] as T;
}

/** The n-th typical CreateSessionRequest; without an id, the server makes one (a 36-character UUID). */
export function typicalCreateRequest(n: number, id?: string): CreateSessionRequest {
  return create(CreateSessionRequestSchema, {
    ...(id !== undefined && { id }),
    eventId: `evt-2026-${(n % 500).toString().padStart(4, "0")}-${pick(CITIES, n)}`,
    tickets: [0, 1, 2].map((t) => ({
      ticketId: `${pick(TICKET_KINDS, n + t)}-${(n * 7 + t) % 90}`,
      quantity: 1 + ((n + t) % 6),
      unitPriceMinor: BigInt(1500 + ((n * 13 + t * 2500) % 20000)),
      currencyCode: "EUR",
    })),
    metadata: {
      channel: pick(CHANNELS, n),
      locale: pick(LOCALES, n >> 1),
      userAgentFamily: pick(AGENT_FAMILIES, n >> 2),
      campaign: pick(CAMPAIGNS, n >> 3),
    },
  });
}

function encodeVariant(n: number): Uint8Array {
  return toBinary(CreateSessionRequestSchema, typicalCreateRequest(n));
}

let pool: Uint8Array[] | undefined;

/** The encoded request of the n-th typical session: 36-character id, 3 tickets, 4 metadata entries. */
export function typicalRequestBytes(n: number): Uint8Array {
  pool ??= Array.from({ length: POOL_SIZE }, (_, i) => encodeVariant(i));
  const variant = pool[n % POOL_SIZE] as Uint8Array;
  const id = new BinaryWriter().tag(ID_FIELD, WireType.LengthDelimited).string(randomUUID()).finish();
  const bytes = new Uint8Array(id.length + variant.length);
  bytes.set(id);
  bytes.set(variant, id.length);
  return bytes;
}

/** What the store receives for the n-th typical session, after decoding and validation. */
export function typicalSession(n: number): NewSession {
  return validateCreate(fromBinary(CreateSessionRequestSchema, typicalRequestBytes(n)), randomUUID);
}
