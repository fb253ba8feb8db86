/**
 * A mixed workload of concurrent clients, each keeping a ledger of what the
 * service acknowledged, and the check of that ledger against the store once
 * the load is over. A call that failed in a way that leaves its outcome open
 * (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, INTERNAL) makes the session's
 * state "unknown": either outcome is then acceptable, nothing else is.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { expect } from "vitest";
import type { SessionStoreClient } from "../../src/client.js";
import { SessionStatus, type Session } from "../../src/gen/sessionstore/v1/session_store_pb.js";

const OPEN_OUTCOME = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.Canceled, Code.Internal, Code.Unknown]);
const STATUSES = [SessionStatus.PENDING, SessionStatus.COMPLETED, SessionStatus.EXPIRED] as const;

interface Entry {
  /** What the client was told; `unknown` after a call whose outcome is open. */
  state: "live" | "deleted" | "unknown-create" | "unknown";
  eventId: string;
  status: SessionStatus;
  /** Highest version acknowledged. */
  version: bigint;
  /** Statuses the session may have when unknown. */
  possibleStatuses: Set<SessionStatus>;
}

export interface LedgerStats {
  calls: number;
  acknowledged: number;
  openOutcomes: number;
  refused: Record<string, number>;
  /** Longest time any call took, in ms (calls must fail fast, never hang). */
  slowestCallMs: number;
}

export class Ledger {
  readonly entries = new Map<string, Entry>();
  readonly stats: LedgerStats = { calls: 0, acknowledged: 0, openOutcomes: 0, refused: {}, slowestCallMs: 0 };
}

export interface WorkloadOptions {
  readonly client: SessionStoreClient;
  readonly workers: number;
  readonly durationMs: number;
  /** Per-call deadline. */
  readonly timeoutMs: number;
  readonly prefix: string;
}

/** Runs the workload until durationMs has passed; every worker owns its own ids. */
export async function runWorkload(options: WorkloadOptions): Promise<Ledger> {
  const ledger = new Ledger();
  const end = Date.now() + options.durationMs;
  await Promise.all(Array.from({ length: options.workers }, (_, worker) => runWorker(worker, end, ledger, options)));
  return ledger;
}

async function runWorker(worker: number, end: number, ledger: Ledger, options: WorkloadOptions): Promise<void> {
  const { client } = options;
  const mine: string[] = [];
  let next = 0;
  const call = async <T>(action: () => Promise<T>): Promise<{ ok: T } | { error: ConnectError }> => {
    const started = Date.now();
    ledger.stats.calls += 1;
    try {
      const ok = await action();
      ledger.stats.acknowledged += 1;
      return { ok };
    } catch (error) {
      const connectError = ConnectError.from(error);
      const name = Code[connectError.code];
      ledger.stats.refused[name] = (ledger.stats.refused[name] ?? 0) + 1;
      if (OPEN_OUTCOME.has(connectError.code)) {
        ledger.stats.openOutcomes += 1;
      }
      return { error: connectError };
    } finally {
      ledger.stats.slowestCallMs = Math.max(ledger.stats.slowestCallMs, Date.now() - started);
    }
  };
  const callOptions = { timeoutMs: options.timeoutMs };

  while (Date.now() < end) {
    const dice = Math.random();
    const id = mine[Math.floor(Math.random() * mine.length)];
    const entry = id === undefined ? undefined : ledger.entries.get(id);
    if (dice < 0.3 || id === undefined || entry === undefined) {
      const newId = `${options.prefix}-${worker}-${next++}`;
      const eventId = `evt-${worker}`;
      mine.push(newId);
      const result = await call(() =>
        client.createSession(
          { id: newId, eventId, tickets: [{ ticketId: "GA", quantity: 1 + (next % 5), unitPriceMinor: 1000n, currencyCode: "EUR" }] },
          callOptions,
        ),
      );
      if ("ok" in result) {
        ledger.entries.set(newId, { state: "live", eventId, status: SessionStatus.PENDING, version: 1n, possibleStatuses: new Set([SessionStatus.PENDING]) });
      } else if (OPEN_OUTCOME.has(result.error.code)) {
        ledger.entries.set(newId, { state: "unknown-create", eventId, status: SessionStatus.PENDING, version: 0n, possibleStatuses: new Set([SessionStatus.PENDING]) });
      } else {
        throw new Error(`create ${newId} refused unexpectedly: ${result.error.message}`);
      }
    } else if (dice < 0.55) {
      const result = await call(() => client.getSession({ id }, callOptions));
      if ("ok" in result && entry.state === "live") {
        expect(result.ok.session?.status).toBe(entry.status);
        expect(result.ok.session?.version).toBeGreaterThanOrEqual(entry.version);
      } else if ("error" in result && entry.state === "live") {
        expect(OPEN_OUTCOME.has(result.error.code), `get ${id}: ${result.error.message}`).toBe(true);
      }
    } else if (dice < 0.8) {
      const status = Math.random() < 0.5 ? SessionStatus.COMPLETED : SessionStatus.EXPIRED;
      const expectedVersion = entry.state === "live" && Math.random() < 0.5 ? entry.version : undefined;
      const result = await call(() => client.updateSessionStatus({ id, status, expectedVersion }, callOptions));
      if ("ok" in result) {
        const session = result.ok.session;
        expect(session?.version).toBeGreaterThanOrEqual(entry.version);
        entry.state = "live";
        entry.status = session?.status ?? status;
        entry.version = session?.version ?? entry.version;
        entry.possibleStatuses = new Set([entry.status]);
      } else if (OPEN_OUTCOME.has(result.error.code)) {
        entry.state = entry.state === "deleted" ? "deleted" : "unknown";
        entry.possibleStatuses.add(status);
      } else if (entry.state === "live") {
        // A live PENDING session can be moved; a settled one refuses other moves; a stale version is ABORTED.
        expect([Code.FailedPrecondition, Code.Aborted, Code.NotFound]).toContain(result.error.code);
        if (result.error.code === Code.NotFound) {
          throw new Error(`update ${id}: NOT_FOUND for a session the ledger holds live`);
        }
      }
    } else if (dice < 0.9) {
      const result = await call(() => client.deleteSession({ id, allowMissing: true }, callOptions));
      if ("ok" in result) {
        entry.state = "deleted";
      } else if (OPEN_OUTCOME.has(result.error.code)) {
        entry.state = "unknown";
      }
    } else if (dice < 0.95) {
      await call(() => client.countByStatus({ status: STATUSES[Math.floor(Math.random() * 3)] ?? SessionStatus.PENDING }, callOptions));
    } else {
      await call(() => client.listSessions({ status: SessionStatus.PENDING, pageSize: 20 }, callOptions));
    }
  }
}

export interface VerifyOptions {
  /**
   * Whether CountByStatus must equal the number listed. True for the memory
   * store. Not for DynamoDB after a crash of dynalite: it writes an item and
   * its index entries as separate LevelDB writes, so a SIGKILL between them
   * can leave an index entry stale for good (DynamoDB's own GSIs converge).
   * Counts are still held to the ledger's bounds.
   */
  readonly countEqualsListing: boolean;
}

/** Checks the store, with faults off, against everything the ledger was told. */
export async function verifyLedger(
  client: SessionStoreClient,
  ledger: Ledger,
  prefix: string,
  options: VerifyOptions,
): Promise<{ checked: number; lost: number }> {
  let lost = 0;
  for (const [id, entry] of ledger.entries) {
    let session: Session | undefined;
    try {
      session = (await client.getSession({ id })).session;
    } catch (error) {
      expect(ConnectError.from(error).code, `get ${id}`).toBe(Code.NotFound);
    }
    switch (entry.state) {
      case "live":
        if (!session) lost += 1;
        expect(session, `acknowledged session ${id} is missing`).toBeDefined();
        expect(session?.eventId).toBe(entry.eventId);
        expect(session?.status).toBe(entry.status);
        expect(session?.version).toBe(entry.version);
        break;
      case "deleted":
        expect(session, `deleted session ${id} is back`).toBeUndefined();
        break;
      case "unknown":
      case "unknown-create":
        if (session) {
          expect(session.eventId).toBe(entry.eventId);
          expect(entry.possibleStatuses.has(session.status) || session.status === entry.status).toBe(true);
          expect(session.version).toBeGreaterThanOrEqual(entry.version);
        }
        break;
    }
  }

  // Nothing exists that nobody created, and counts and listings agree with the ledger.
  for (const status of STATUSES) {
    const listed: string[] = [];
    let pageToken = "";
    do {
      const page = await client.listSessions({ status, pageSize: 500, pageToken });
      listed.push(...page.sessions.filter((s) => s.id.startsWith(`${prefix}-`)).map((s) => s.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== "");
    expect(new Set(listed).size).toBe(listed.length);
    for (const id of listed) {
      const entry = ledger.entries.get(id);
      expect(entry, `session ${id} exists but no client created it`).toBeDefined();
      expect(entry?.state).not.toBe("deleted");
    }
    const certain = [...ledger.entries].filter(([, e]) => e.state === "live" && e.status === status).map(([id]) => id);
    for (const id of certain) {
      expect(listed, `acknowledged ${SessionStatus[status]} session ${id} is not listed`).toContain(id);
    }
    const possible = [...ledger.entries].filter(([, e]) => e.state.startsWith("unknown") && e.possibleStatuses.has(status)).length;
    const { count } = await client.countByStatus({ status });
    expect(Number(count)).toBeGreaterThanOrEqual(certain.length);
    expect(Number(count)).toBeLessThanOrEqual(certain.length + possible);
    if (options.countEqualsListing) {
      expect(Number(count)).toBe(listed.length);
    }
  }
  return { checked: ledger.entries.size, lost };
}
