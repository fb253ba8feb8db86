import type { NewSession, StoreCallOptions } from "../../src/store/session-store.js";

let counter = 0;

/** A unique id per call, valid for the API. */
export function uniqueId(prefix = "s"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A typical session: three tickets, four metadata entries. */
export function newSession(overrides: Partial<NewSession> = {}): NewSession {
  return {
    id: uniqueId(),
    eventId: "evt-2026-final",
    tickets: [
      { ticketId: "GA-FLOOR", quantity: 2, unitPriceMinor: 4500, currencyCode: "EUR" },
      { ticketId: "VIP-ROW-A", quantity: 1, unitPriceMinor: 12000, currencyCode: "EUR" },
      { ticketId: "PARKING", quantity: 1, unitPriceMinor: 0, currencyCode: "EUR" },
    ],
    metadata: { channel: "web", locale: "es-ES", campaign: "spring", "user.agent": "Mozilla/5.0" },
    ...overrides,
  };
}

/** Call options with a signal that never fires. */
export const noSignal: StoreCallOptions = { signal: new AbortController().signal };
