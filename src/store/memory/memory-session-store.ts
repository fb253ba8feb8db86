/**
 * The in-memory adapter: the local default, and the reference the DynamoDB
 * adapter is tested against. One process, no persistence.
 *
 * Layout, chosen for O(1) operations and a small footprint per session:
 * - `sessions` maps id to an immutable StoredSession: the fields that change
 *   or decide expiry as they are, the rest as one encoded string (see
 *   session-body.ts for why), and no expiry instant, since every session's is
 *   its creation plus the store's one time to live. A Map iterates in
 *   insertion order and every session has the same time to live, so the
 *   oldest entries are the first to expire: the sweep walks from the front
 *   and stops at the first live one, costing only what expired. Updates
 *   replace the record with Map.set, which keeps its place. The sweep keeps
 *   one iterator from call to call (see `expiryOrder`).
 * - `lists` keeps, per status, the records in the order they entered it
 *   (pagination), and `counts` the live ones (CountByStatus with no scan).
 */
import type { Clock } from "../../clock.js";
import {
  IllegalStatusTransitionError,
  InvalidCursorError,
  SessionAlreadyExistsError,
  SessionNotFoundError,
  SessionVersionMismatchError,
} from "../../errors.js";
import { isExpired, isLegalTransition } from "../session-rules.js";
import type {
  ListQuery,
  NewSession,
  Session,
  SessionPage,
  SessionStatus,
  SessionStore,
  StatusUpdate,
  StoreCallOptions,
} from "../session-store.js";
import { decodeSessionBody, encodeSessionBody } from "./session-body.js";
import { StatusList } from "./status-list.js";

export interface MemorySessionStoreOptions {
  readonly clock: Clock;
  /** How long a session lives after creation. */
  readonly ttlMs: number;
  /** How often expired sessions are reclaimed in the background; 0 turns it off. */
  readonly sweepIntervalMs?: number;
}

const CURSOR_PATTERN = /^[0-9]{1,15}$/;

/** What the store keeps of a session; a Session is rebuilt from it on every read. */
interface StoredSession {
  readonly id: string;
  readonly status: SessionStatus;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** eventId, tickets and metadata, by encodeSessionBody. */
  readonly body: string;
}

/** Operations are synchronous under their promises, so none needs the call's signal. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  private readonly lists: Record<SessionStatus, StatusList<StoredSession>>;
  private readonly counts: Record<SessionStatus, number> = { PENDING: 0, COMPLETED: 0, EXPIRED: 0 };
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly sweepTimer: NodeJS.Timeout | undefined;
  private nextListSeq = 1;
  /**
   * Where the sweep resumes. A Map iterator visits entries added after it
   * was made and skips removed ones, so one iterator serves every sweep. A
   * fresh iterator per sweep would walk every removed entry that V8 has not
   * yet compacted out of the table, up to as many as are stored: at 1M
   * sessions, a CountByStatus after a sweep of 300k measured ~2 ms instead of
   * under a microsecond. The price: while the iterator stands still, it keeps
   * the Map's outgrown tables alive, together at most the size of the current one.
   */
  private expiryOrder: Iterator<StoredSession> | undefined;
  /** The entry the iterator stopped at: the oldest, unexpired at the last sweep. */
  private oldest: StoredSession | undefined;
  /** Creation instants never go backwards, so insertion order stays expiry order. */
  private lastCreatedAt = 0;

  constructor(options: MemorySessionStoreOptions) {
    this.clock = options.clock;
    this.ttlMs = options.ttlMs;
    const isLive = (entry: StoredSession) => this.sessions.get(entry.id) === entry;
    this.lists = { PENDING: new StatusList(isLive), COMPLETED: new StatusList(isLive), EXPIRED: new StatusList(isLive) };
    const interval = options.sweepIntervalMs ?? 1000;
    if (interval > 0) {
      this.sweepTimer = setInterval(() => this.sweep(), interval);
      this.sweepTimer.unref();
    }
  }

  async create(draft: NewSession, _options?: StoreCallOptions): Promise<Session> {
    const now = this.clock.now();
    const existing = this.sessions.get(draft.id);
    if (existing) {
      if (!this.isExpired(existing, now)) {
        throw new SessionAlreadyExistsError(draft.id);
      }
      this.remove(existing);
    }
    const createdAt = Math.max(now, this.lastCreatedAt);
    this.lastCreatedAt = createdAt;
    const stored: StoredSession = {
      id: draft.id,
      status: "PENDING",
      version: 1,
      createdAt,
      updatedAt: createdAt,
      body: encodeSessionBody(draft),
    };
    this.insert(stored);
    return this.toSession(stored);
  }

  async get(id: string, _options?: StoreCallOptions): Promise<Session> {
    return this.toSession(this.live(id, this.clock.now()));
  }

  async updateStatus(update: StatusUpdate, _options?: StoreCallOptions): Promise<Session> {
    const now = this.clock.now();
    const current = this.live(update.id, now);
    if (update.expectedVersion !== undefined && update.expectedVersion !== current.version) {
      throw new SessionVersionMismatchError(update.id, update.expectedVersion, current.version);
    }
    if (current.status === update.status) {
      return this.toSession(current);
    }
    if (!isLegalTransition(current.status, update.status)) {
      throw new IllegalStatusTransitionError(update.id, current.status, update.status);
    }
    const next: StoredSession = {
      ...current,
      status: update.status,
      updatedAt: Math.max(now, current.updatedAt),
      version: current.version + 1,
    };
    this.replace(current, next);
    return this.toSession(next);
  }

  async delete(id: string, _options?: StoreCallOptions): Promise<boolean> {
    const existing = this.sessions.get(id);
    if (!existing) {
      return false;
    }
    this.remove(existing);
    return !this.isExpired(existing, this.clock.now());
  }

  async countByStatus(status: SessionStatus, _options?: StoreCallOptions): Promise<number> {
    this.sweep();
    return this.counts[status];
  }

  async list(query: ListQuery, _options?: StoreCallOptions): Promise<SessionPage> {
    const afterSeq = this.parseCursor(query.cursor);
    const now = this.clock.now();
    const page = this.lists[query.status].page(afterSeq, query.pageSize, (stored) => !this.isExpired(stored, now));
    return { sessions: page.items.map((stored) => this.toSession(stored)), cursor: page.more ? String(page.lastSeq) : undefined };
  }

  async checkHealth(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
  }

  /** Number of sessions held, expired or not; for metrics and benchmarks. */
  get size(): number {
    return this.sessions.size;
  }

  /** Reclaims every expired session; costs what expired, not what is stored. */
  sweep(): void {
    if (this.reclaimExpired(this.clock.now()) > 0) {
      for (const list of Object.values(this.lists)) {
        list.dropDeadFront();
      }
    }
  }

  /** Removes the expired sessions, oldest first; returns how many. */
  private reclaimExpired(now: number): number {
    for (let removed = 0; ; removed++) {
      if (this.oldest === undefined) {
        this.expiryOrder ??= this.sessions.values();
        const next = this.expiryOrder.next();
        if (next.done === true) {
          // A finished iterator never sees later entries; the next sweep starts a new one.
          this.expiryOrder = undefined;
          return removed;
        }
        this.oldest = next.value;
      }
      if (!this.isExpired(this.oldest, now)) {
        return removed;
      }
      this.remove(this.oldest);
    }
  }

  private live(id: string, now: number): StoredSession {
    const stored = this.sessions.get(id);
    if (!stored || this.isExpired(stored, now)) {
      throw new SessionNotFoundError(id);
    }
    return stored;
  }

  private isExpired(stored: StoredSession, now: number): boolean {
    return isExpired(stored.createdAt + this.ttlMs, now);
  }

  private toSession(stored: StoredSession): Session {
    const { eventId, tickets, metadata } = decodeSessionBody(stored.body);
    return {
      id: stored.id,
      eventId,
      status: stored.status,
      tickets,
      metadata,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      expiresAt: stored.createdAt + this.ttlMs,
      version: stored.version,
    };
  }

  private insert(stored: StoredSession): void {
    this.sessions.set(stored.id, stored);
    this.lists[stored.status].append(stored, this.nextListSeq++);
    this.counts[stored.status] += 1;
  }

  /** Map.set on a present key keeps its place, so the sweep order is unchanged. */
  private replace(current: StoredSession, next: StoredSession): void {
    this.insert(next);
    this.forget(current);
    if (this.oldest === current) {
      this.oldest = next;
    }
  }

  private remove(stored: StoredSession): void {
    this.sessions.delete(stored.id);
    this.forget(stored);
    if (this.oldest === stored) {
      // The iterator is already past it, so the sweep goes on with the entry after.
      this.oldest = undefined;
    }
  }

  /** Called once the record is no longer the map's, so its list sees it as dead. */
  private forget(stored: StoredSession): void {
    this.counts[stored.status] -= 1;
    this.lists[stored.status].markDead();
  }

  private parseCursor(cursor: string | undefined): number {
    if (cursor === undefined) {
      return 0;
    }
    if (!CURSOR_PATTERN.test(cursor)) {
      throw new InvalidCursorError("not a page token of this server");
    }
    return Number(cursor);
  }
}
