/**
 * A property over the store contract: random sequences of operations and
 * clock moves, run against a store and against a plain model of the rules,
 * must give the same answers. fast-check shrinks any difference to a
 * smallest sequence that shows it.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { isLegalTransition } from "../../src/store/session-rules.js";
import type { Session, SessionStatus, SessionStore } from "../../src/store/session-store.js";
import type { ContractSetup } from "../contract/session-store-contract.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { newSession, noSignal } from "../helpers/sessions.js";

const TTL = 3_600_000;
const IDS = ["a", "b", "c", "d"];
const STATUSES: SessionStatus[] = ["PENDING", "COMPLETED", "EXPIRED"];

type Operation =
  | { readonly kind: "create"; readonly id: string }
  | { readonly kind: "get"; readonly id: string }
  | { readonly kind: "update"; readonly id: string; readonly status: SessionStatus; readonly expectedVersion: number | undefined }
  | { readonly kind: "delete"; readonly id: string }
  | { readonly kind: "count"; readonly status: SessionStatus }
  | { readonly kind: "list"; readonly status: SessionStatus; readonly pageSize: number }
  | { readonly kind: "advance"; readonly ms: number };

const id = fc.constantFrom(...IDS);
const status = fc.constantFrom(...STATUSES);
export const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), id }),
  fc.record({ kind: fc.constant("get" as const), id }),
  fc.record({ kind: fc.constant("update" as const), id, status, expectedVersion: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant("delete" as const), id }),
  fc.record({ kind: fc.constant("count" as const), status }),
  fc.record({ kind: fc.constant("list" as const), status, pageSize: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.constantFrom(1, 1000, TTL / 2, TTL - 1000, TTL) }),
);

interface ModelSession {
  readonly status: SessionStatus;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number;
}

/** The rules of the API, written as plainly as possible. */
class Model {
  private readonly sessions = new Map<string, ModelSession>();
  constructor(
    private readonly clock: ManualClock,
    /** The store keeps expiry to this many ms, rounding up (DynamoDB: whole seconds). */
    private readonly expiryResolutionMs: number,
  ) {}

  private live(id: string): ModelSession | undefined {
    const session = this.sessions.get(id);
    return session && session.expiresAt > this.clock.now() ? session : undefined;
  }

  apply(op: Operation): unknown {
    const now = this.clock.now();
    switch (op.kind) {
      case "create": {
        if (this.live(op.id)) return "SessionAlreadyExistsError";
        const expiresAt = Math.ceil((now + TTL) / this.expiryResolutionMs) * this.expiryResolutionMs;
        const created = { status: "PENDING" as const, version: 1, createdAt: now, updatedAt: now, expiresAt };
        this.sessions.set(op.id, created);
        return view(op.id, created);
      }
      case "get": {
        const session = this.live(op.id);
        return session ? view(op.id, session) : "SessionNotFoundError";
      }
      case "update": {
        const session = this.live(op.id);
        if (!session) return "SessionNotFoundError";
        if (op.expectedVersion !== undefined && op.expectedVersion !== session.version) return "SessionVersionMismatchError";
        if (session.status === op.status) return view(op.id, session);
        if (!isLegalTransition(session.status, op.status)) return "IllegalStatusTransitionError";
        const updated = { ...session, status: op.status, version: session.version + 1, updatedAt: now };
        this.sessions.set(op.id, updated);
        return view(op.id, updated);
      }
      case "delete": {
        const existed = this.live(op.id) !== undefined;
        this.sessions.delete(op.id);
        return existed;
      }
      case "count":
        return [...this.sessions.keys()].filter((key) => this.live(key)?.status === op.status).length;
      case "list":
        return [...this.sessions.keys()].filter((key) => this.live(key)?.status === op.status).sort();
      case "advance":
        this.clock.advance(op.ms);
        return null;
    }
  }
}

function view(id: string, s: ModelSession): unknown {
  return { id, status: s.status, version: s.version, createdAt: s.createdAt, updatedAt: s.updatedAt, expiresAt: s.expiresAt };
}

async function applyToStore(store: SessionStore, clock: ManualClock, op: Operation): Promise<unknown> {
  const outcome = async (): Promise<unknown> => {
    switch (op.kind) {
      case "create":
        return sessionView(await store.create(newSession({ id: op.id }), noSignal));
      case "get":
        return sessionView(await store.get(op.id, noSignal));
      case "update":
        return sessionView(await store.updateStatus({ id: op.id, status: op.status, expectedVersion: op.expectedVersion }, noSignal));
      case "delete":
        return store.delete(op.id, noSignal);
      case "count":
        return store.countByStatus(op.status, noSignal);
      case "list": {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({ status: op.status, pageSize: op.pageSize, cursor }, noSignal);
          ids.push(...page.sessions.map((s) => s.id));
          cursor = page.cursor;
        } while (cursor !== undefined);
        return ids.sort();
      }
      case "advance":
        clock.advance(op.ms);
        return null;
    }
  };
  try {
    return await outcome();
  } catch (error) {
    return (error as Error).name;
  }
}

function sessionView(s: Session): unknown {
  return { id: s.id, status: s.status, version: s.version, createdAt: s.createdAt, updatedAt: s.updatedAt, expiresAt: s.expiresAt };
}

/** Runs the property against the store `setup` makes (a fresh one per sequence). */
export async function checkAgainstModel(
  setup: (clock: ManualClock, ttlMs: number) => Promise<ContractSetup>,
  options: { numRuns: number; maxOperations: number; expiryResolutionMs: number },
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: options.maxOperations }), async (operations) => {
      const storeClock = new ManualClock();
      const { store, teardown } = await setup(storeClock, TTL);
      const model = new Model(new ManualClock(), options.expiryResolutionMs);
      try {
        for (const [index, op] of operations.entries()) {
          const expected = model.apply(op);
          const actual = await applyToStore(store, storeClock, op);
          expect(actual, `operation ${index}: ${JSON.stringify(op)}`).toEqual(expected);
        }
      } finally {
        await teardown();
      }
    }),
    { numRuns: options.numRuns },
  );
}
