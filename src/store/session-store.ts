/**
 * The store port: what the RPC layer needs from a place that keeps sessions.
 *
 * Every adapter (memory, DynamoDB) implements SessionStore and passes the one
 * contract suite in test/contract. Adapters raise the domain errors of
 * src/errors.ts; only the RPC layer turns them into gRPC statuses.
 */

export const SESSION_STATUSES = ["PENDING", "COMPLETED", "EXPIRED"] as const;

/** Where a checkout is. EXPIRED is a business status, not the time to live. */
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface Ticket {
  readonly ticketId: string;
  readonly quantity: number;
  /** Price of one ticket in minor units of currencyCode. */
  readonly unitPriceMinor: number;
  readonly currencyCode: string;
}

export interface Session {
  readonly id: string;
  readonly eventId: string;
  readonly status: SessionStatus;
  readonly tickets: readonly Ticket[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Milliseconds since the Unix epoch, as are the other instants. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** From this instant on the session no longer exists for any caller. */
  readonly expiresAt: number;
  /** 1 on create, plus 1 on every change. */
  readonly version: number;
}

/** What a caller decides about a new session; the store decides the rest. */
export interface NewSession {
  readonly id: string;
  readonly eventId: string;
  readonly tickets: readonly Ticket[];
  readonly metadata: Readonly<Record<string, string>>;
}

export interface StatusUpdate {
  readonly id: string;
  readonly status: SessionStatus;
  /** When set, the update applies only to this version (else SessionVersionMismatchError). */
  readonly expectedVersion?: number | undefined;
}

export interface SessionPage {
  readonly sessions: readonly Session[];
  /** Where the next page starts; undefined when this page is the last. */
  readonly cursor: string | undefined;
}

export interface ListQuery {
  readonly status: SessionStatus;
  readonly pageSize: number;
  /** The cursor of the previous page of the same query, as the store returned it. */
  readonly cursor: string | undefined;
}

/**
 * What each call carries from the RPC: the signal aborts when the caller
 * cancels or its deadline passes, and adapters pass it to their I/O.
 */
export interface StoreCallOptions {
  readonly signal: AbortSignal;
}

export interface SessionStore {
  /**
   * Stores a new PENDING session, version 1, expiring one TTL from now.
   * @throws SessionAlreadyExistsError when an unexpired session has the id.
   */
  create(session: NewSession, options: StoreCallOptions): Promise<Session>;

  /** @throws SessionNotFoundError when missing or expired. */
  get(id: string, options: StoreCallOptions): Promise<Session>;

  /**
   * Applies a legal status change, or returns the session unchanged when it
   * already has the status.
   * @throws SessionNotFoundError, SessionVersionMismatchError, IllegalStatusTransitionError
   */
  updateStatus(update: StatusUpdate, options: StoreCallOptions): Promise<Session>;

  /**
   * Deletes a session. Returns false when there was nothing (missing or
   * expired) to delete; the caller decides whether that is an error.
   */
  delete(id: string, options: StoreCallOptions): Promise<boolean>;

  /** Counts the unexpired sessions that have the status. */
  countByStatus(status: SessionStatus, options: StoreCallOptions): Promise<number>;

  /**
   * One page of unexpired sessions with the status. Walking every page
   * returns once each session that had the status throughout the walk.
   * @throws InvalidCursorError when the cursor was not made by this store for this status.
   */
  list(query: ListQuery, options: StoreCallOptions): Promise<SessionPage>;

  /** Resolves when the store can serve; rejects with the reason when it cannot. */
  checkHealth(options: StoreCallOptions): Promise<void>;

  /** Releases timers and connections. */
  close(): Promise<void>;
}
