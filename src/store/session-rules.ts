import { SESSION_STATUSES, type SessionStatus } from "./session-store.js";

/** The only status changes a session may make: a checkout ends once. */
const LEGAL_TRANSITIONS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = {
  PENDING: ["COMPLETED", "EXPIRED"],
  COMPLETED: [],
  EXPIRED: [],
};

export function isLegalTransition(from: SessionStatus, to: SessionStatus): boolean {
  return LEGAL_TRANSITIONS[from].includes(to);
}

/** A session exists for callers strictly before its expiry instant. */
export function isExpired(expiresAt: number, now: number): boolean {
  return expiresAt <= now;
}

export function isSessionStatus(value: unknown): value is SessionStatus {
  return typeof value === "string" && (SESSION_STATUSES as readonly string[]).includes(value);
}
