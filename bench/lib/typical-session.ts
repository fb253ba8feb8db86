/**
 * The "typical session" every benchmark part uses, as the issue defines it:
 * three tickets, four metadata entries and a 36-character id. Values vary
 * with n so no two sessions share their strings, as in production.
 */
import { create } from "@bufbuild/protobuf";
import { CreateSessionRequestSchema, type CreateSessionRequest } from "../../src/gen/sessionstore/v1/session_store_pb.js";

const CHANNELS = ["web", "ios", "android", "box-office"];
const LOCALES = ["es-ES", "en-GB", "ca-ES", "fr-FR", "de-DE"];

/** A CreateSessionRequest for typical session n; without an id, the server makes one (a 36-character UUID). */
export function typicalCreateRequest(n: number, id?: string): CreateSessionRequest {
  return create(CreateSessionRequestSchema, {
    ...(id !== undefined && { id }),
    eventId: `evt-2026-${(n % 997).toString().padStart(4, "0")}`,
    tickets: [
      { ticketId: `GA-FLOOR-${n % 10}`, quantity: 2, unitPriceMinor: 4500n, currencyCode: "EUR" },
      { ticketId: `VIP-ROW-${String.fromCharCode(65 + (n % 26))}`, quantity: 1, unitPriceMinor: 12000n, currencyCode: "EUR" },
      { ticketId: "PARKING-P2", quantity: 1, unitPriceMinor: 1500n, currencyCode: "EUR" },
    ],
    metadata: {
      channel: CHANNELS[n % CHANNELS.length] as string,
      locale: LOCALES[n % LOCALES.length] as string,
      campaign: `winter-${n % 50}`,
      "client.version": `4.${n % 20}.${n % 7}`,
    },
  });
}
