/**
 * The behaviour every SessionStore adapter must have, as one suite that any
 * adapter runs by calling describeSessionStoreContract with a setup function.
 * The memory store and the DynamoDB store (against dynalite) both pass it,
 * which is what lets the RPC layer treat them as one.
 */
import { beforeEach, afterEach, describe, expect, it } from "vitest";
import {
  IllegalStatusTransitionError,
  InvalidCursorError,
  SessionAlreadyExistsError,
  SessionNotFoundError,
  SessionVersionMismatchError,
} from "../../src/errors.js";
import type { Session, SessionStatus, SessionStore } from "../../src/store/session-store.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { newSession, noSignal, uniqueId } from "../helpers/sessions.js";

export interface ContractSetup {
  readonly store: SessionStore;
  readonly teardown: () => Promise<void>;
}

const HOUR = 3_600_000;
const TTL = 24 * HOUR;

export function describeSessionStoreContract(
  adapterName: string,
  setup: (clock: ManualClock, ttlMs: number) => Promise<ContractSetup>,
): void {
  describe(`SessionStore contract: ${adapterName}`, () => {
    let clock: ManualClock;
    let store: SessionStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      clock = new ManualClock();
      ({ store, teardown } = await setup(clock, TTL));
    });

    afterEach(async () => {
      await teardown();
    });

    const get = (id: string) => store.get(id, noSignal);
    const update = (id: string, status: SessionStatus, expectedVersion?: number) =>
      store.updateStatus({ id, status, expectedVersion }, noSignal);
    const count = (status: SessionStatus) => store.countByStatus(status, noSignal);

    /** Every session of a status, walking all pages of the given size. */
    async function listAll(status: SessionStatus, pageSize: number): Promise<Session[]> {
      const sessions: Session[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ status, pageSize, cursor }, noSignal);
        expect(page.sessions.length).toBeLessThanOrEqual(pageSize);
        sessions.push(...page.sessions);
        cursor = page.cursor;
      } while (cursor !== undefined);
      return sessions;
    }

    describe("create", () => {
      it("stores a PENDING session at version 1 that expires one TTL after creation", async () => {
        const draft = newSession();
        const created = await store.create(draft, noSignal);
        expect(created).toMatchObject({
          id: draft.id,
          eventId: draft.eventId,
          status: "PENDING",
          tickets: draft.tickets,
          metadata: draft.metadata,
          createdAt: clock.now(),
          updatedAt: clock.now(),
          expiresAt: clock.now() + TTL,
          version: 1,
        });
        expect(await get(draft.id)).toMatchObject({ ...draft, status: "PENDING", version: 1, expiresAt: clock.now() + TTL });
      });

      it("round-trips empty metadata and the largest values the API allows", async () => {
        const empty = newSession({ metadata: {} });
        await store.create(empty, noSignal);
        expect((await get(empty.id)).metadata).toEqual({});

        const largest = newSession({
          id: "x".repeat(64),
          eventId: "e".repeat(128),
          tickets: Array.from({ length: 50 }, (_, i) => ({
            ticketId: `t${i}`.padEnd(128, "."),
            quantity: 100,
            unitPriceMinor: 1_000_000_000_000,
            currencyCode: "JPY",
          })),
          metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`.padEnd(64, "_"), "ñ€😀".repeat(64).slice(0, 256)])),
        });
        await store.create(largest, noSignal);
        const read = await get(largest.id);
        expect(read.tickets).toEqual(largest.tickets);
        expect(read.metadata).toEqual(largest.metadata);
        expect(read.eventId).toBe(largest.eventId);
      });

      it("refuses an id that an unexpired session has, and leaves that session as it was", async () => {
        const first = await store.create(newSession(), noSignal);
        clock.advance(1000);
        await expect(store.create(newSession({ id: first.id, eventId: "other" }), noSignal)).rejects.toThrow(
          SessionAlreadyExistsError,
        );
        expect(await get(first.id)).toEqual(first);
      });

      it("reuses the id of a session that has expired, as a new session", async () => {
        const first = await store.create(newSession(), noSignal);
        await update(first.id, "COMPLETED");
        clock.advance(TTL);
        const second = await store.create(newSession({ id: first.id, eventId: "evt-next" }), noSignal);
        expect(second).toMatchObject({ status: "PENDING", version: 1, eventId: "evt-next", expiresAt: clock.now() + TTL });
        expect(await count("COMPLETED")).toBe(0);
        expect(await count("PENDING")).toBe(1);
      });
    });

    describe("get", () => {
      it("raises SessionNotFoundError for an id never stored", async () => {
        await expect(get("never-stored")).rejects.toThrow(SessionNotFoundError);
      });

      it("returns the session until the instant before expiresAt and never from expiresAt on", async () => {
        const created = await store.create(newSession(), noSignal);
        clock.set(created.expiresAt - 1);
        expect((await get(created.id)).id).toBe(created.id);
        clock.set(created.expiresAt);
        await expect(get(created.id)).rejects.toThrow(SessionNotFoundError);
        clock.set(created.expiresAt + 1000);
        await expect(get(created.id)).rejects.toThrow(SessionNotFoundError);
      });

      it("never extends the time to live", async () => {
        const created = await store.create(newSession(), noSignal);
        clock.advance(TTL / 2);
        await get(created.id);
        await update(created.id, "COMPLETED");
        expect((await get(created.id)).expiresAt).toBe(created.expiresAt);
        clock.set(created.expiresAt);
        await expect(get(created.id)).rejects.toThrow(SessionNotFoundError);
      });
    });

    describe("updateStatus", () => {
      it("moves PENDING to COMPLETED, adding one to the version and keeping expiresAt", async () => {
        const created = await store.create(newSession(), noSignal);
        clock.advance(5000);
        const updated = await update(created.id, "COMPLETED");
        expect(updated).toEqual({ ...created, status: "COMPLETED", version: 2, updatedAt: clock.now() });
        expect(await get(created.id)).toEqual(updated);
      });

      it("moves PENDING to EXPIRED", async () => {
        const created = await store.create(newSession(), noSignal);
        expect(await update(created.id, "EXPIRED")).toMatchObject({ status: "EXPIRED", version: 2 });
      });

      it("treats asking for the current status as a no-op that keeps the version", async () => {
        const created = await store.create(newSession(), noSignal);
        clock.advance(1000);
        expect(await update(created.id, "PENDING")).toEqual(created);
        await update(created.id, "COMPLETED");
        clock.advance(1000);
        const completed = await get(created.id);
        expect(await update(created.id, "COMPLETED", 2)).toEqual(completed);
      });

      it.each([
        ["COMPLETED", "PENDING"],
        ["COMPLETED", "EXPIRED"],
        ["EXPIRED", "PENDING"],
        ["EXPIRED", "COMPLETED"],
      ] as const)("refuses %s to %s and changes nothing", async (from, to) => {
        const created = await store.create(newSession(), noSignal);
        const settled = await update(created.id, from);
        await expect(update(created.id, to)).rejects.toThrow(IllegalStatusTransitionError);
        expect(await get(created.id)).toEqual(settled);
      });

      it("checks expected_version before anything else", async () => {
        const created = await store.create(newSession(), noSignal);
        await expect(update(created.id, "COMPLETED", 7)).rejects.toThrow(SessionVersionMismatchError);
        await expect(update(created.id, "PENDING", 7)).rejects.toThrow(SessionVersionMismatchError);
        await update(created.id, "COMPLETED", 1);
        // An illegal move with a stale version is a version conflict, not a precondition failure.
        await expect(update(created.id, "PENDING", 1)).rejects.toThrow(SessionVersionMismatchError);
        expect(await get(created.id)).toMatchObject({ status: "COMPLETED", version: 2 });
      });

      it("reports the expected and current versions on a mismatch", async () => {
        const created = await store.create(newSession(), noSignal);
        const error = await update(created.id, "COMPLETED", 3).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SessionVersionMismatchError);
        expect(error).toMatchObject({ expectedVersion: 3, currentVersion: 1 });
      });

      it("raises SessionNotFoundError for a missing or expired session, even with the right version", async () => {
        await expect(update("never-stored", "COMPLETED")).rejects.toThrow(SessionNotFoundError);
        const created = await store.create(newSession(), noSignal);
        clock.set(created.expiresAt);
        await expect(update(created.id, "COMPLETED", 1)).rejects.toThrow(SessionNotFoundError);
        await expect(update(created.id, "PENDING")).rejects.toThrow(SessionNotFoundError);
      });

      it("lets exactly one of several concurrent updates with the same expected_version win", async () => {
        const created = await store.create(newSession(), noSignal);
        const targets: SessionStatus[] = ["COMPLETED", "EXPIRED", "COMPLETED", "EXPIRED", "COMPLETED", "EXPIRED"];
        const results = await Promise.allSettled(targets.map((status) => update(created.id, status, 1)));
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
        expect(won).toHaveLength(1);
        for (const loss of lost) {
          expect(loss.reason).toBeInstanceOf(SessionVersionMismatchError);
        }
        expect(await get(created.id)).toMatchObject({ version: 2 });
      });

      it("serialises concurrent updates without expected_version: one change, the rest no-ops or refusals", async () => {
        const created = await store.create(newSession(), noSignal);
        const results = await Promise.allSettled(
          ["COMPLETED", "COMPLETED", "EXPIRED", "COMPLETED"].map((s) => update(created.id, s as SessionStatus)),
        );
        const final = await get(created.id);
        expect(final.version).toBe(2);
        for (const result of results) {
          if (result.status === "fulfilled") {
            expect(result.value).toEqual(final);
          } else {
            expect(result.reason).toBeInstanceOf(IllegalStatusTransitionError);
          }
        }
      });
    });

    describe("delete", () => {
      it("removes a session and reports whether one was there", async () => {
        const created = await store.create(newSession(), noSignal);
        expect(await store.delete(created.id, noSignal)).toBe(true);
        await expect(get(created.id)).rejects.toThrow(SessionNotFoundError);
        expect(await store.delete(created.id, noSignal)).toBe(false);
        expect(await store.delete("never-stored", noSignal)).toBe(false);
        expect(await count("PENDING")).toBe(0);
      });

      it("reports an expired session as not there", async () => {
        const created = await store.create(newSession(), noSignal);
        clock.set(created.expiresAt);
        expect(await store.delete(created.id, noSignal)).toBe(false);
        await expect(get(created.id)).rejects.toThrow(SessionNotFoundError);
      });
    });

    describe("countByStatus", () => {
      it("counts the unexpired sessions of each status", async () => {
        expect(await count("PENDING")).toBe(0);
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          ids.push((await store.create(newSession(), noSignal)).id);
          clock.advance(1000);
        }
        await update(ids[0]!, "COMPLETED");
        await update(ids[1]!, "COMPLETED");
        await update(ids[2]!, "EXPIRED");
        await store.delete(ids[3]!, noSignal);
        expect([await count("PENDING"), await count("COMPLETED"), await count("EXPIRED")]).toEqual([3, 2, 1]);
      });

      it("stops counting a session at the instant it expires", async () => {
        const first = await store.create(newSession(), noSignal);
        clock.advance(1000);
        await store.create(newSession(), noSignal);
        await update(first.id, "COMPLETED");
        clock.set(first.expiresAt - 1);
        expect([await count("PENDING"), await count("COMPLETED")]).toEqual([1, 1]);
        clock.set(first.expiresAt);
        expect([await count("PENDING"), await count("COMPLETED")]).toEqual([1, 0]);
        clock.advance(1000);
        expect(await count("PENDING")).toBe(0);
      });
    });

    describe("list", () => {
      it("returns nothing and no cursor when no session has the status", async () => {
        await store.create(newSession(), noSignal);
        expect(await store.list({ status: "COMPLETED", pageSize: 10, cursor: undefined }, noSignal)).toEqual({
          sessions: [],
          cursor: undefined,
        });
      });

      it("walks every unexpired session of the status once, in pages no larger than asked", async () => {
        const pending = new Set<string>();
        const completed = new Set<string>();
        for (let i = 0; i < 23; i++) {
          const session = await store.create(newSession(), noSignal);
          if (i % 3 === 0) {
            await update(session.id, "COMPLETED");
            completed.add(session.id);
          } else {
            pending.add(session.id);
          }
          clock.advance(1000);
        }
        for (const pageSize of [1, 4, 50]) {
          const pages = await listAll("PENDING", pageSize);
          expect(pages.map((s) => s.id).sort()).toEqual([...pending].sort());
          expect(pages.every((s) => s.status === "PENDING")).toBe(true);
        }
        const listed = await listAll("COMPLETED", 5);
        expect(listed.map((s) => s.id).sort()).toEqual([...completed].sort());
        expect(listed[0]).toEqual(await get(listed[0]!.id));
      });

      it("walks sessions created in the same instant once each", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 30; i++) {
          ids.push((await store.create(newSession(), noSignal)).id);
        }
        const walked = (await listAll("PENDING", 4)).map((s) => s.id);
        expect(walked.sort()).toEqual(ids.sort());
      });

      it("leaves out sessions from the instant they expire", async () => {
        const early = await store.create(newSession(), noSignal);
        clock.advance(60_000);
        const late = await store.create(newSession(), noSignal);
        clock.set(early.expiresAt);
        expect((await listAll("PENDING", 10)).map((s) => s.id)).toEqual([late.id]);
      });

      it("yields once every session that lives through a walk while others are added, changed and expire", async () => {
        const start = clock.now();
        const initial: string[] = [];
        for (let i = 0; i < 40; i++) {
          initial.push((await store.create(newSession(), noSignal)).id);
          clock.advance(60_000);
        }
        // The first ten expire during the walk, every fifth is completed, three are deleted.
        const expiring = new Set(initial.slice(0, 10));
        const completed = new Set(initial.filter((_, i) => i % 5 === 4));
        const deleted = new Set([initial[11]!, initial[22]!, initial[33]!]);
        const survivors = initial.filter((id) => !expiring.has(id) && !completed.has(id) && !deleted.has(id));

        const seen: string[] = [];
        let cursor: string | undefined;
        let pageNumber = 0;
        do {
          const page = await store.list({ status: "PENDING", pageSize: 6, cursor }, noSignal);
          seen.push(...page.sessions.map((s) => s.id));
          cursor = page.cursor;
          pageNumber += 1;
          if (pageNumber === 1) {
            for (const id of completed) await update(id, "COMPLETED");
            for (const id of deleted) await store.delete(id, noSignal);
            await store.create(newSession(), noSignal);
            // The first ten were created a minute apart from `start`: the tenth expires now.
            clock.set(start + TTL + 9 * 60_000);
          } else {
            await store.create(newSession(), noSignal);
          }
        } while (cursor !== undefined);

        expect(new Set(seen).size).toBe(seen.length);
        for (const id of survivors) {
          expect(seen).toContain(id);
        }
        for (const id of [...completed, ...deleted]) {
          const seenAt = seen.indexOf(id);
          // Seen only on the first page, before it changed.
          expect(seenAt === -1 || seenAt < 6).toBe(true);
        }
      });

      it("refuses a cursor it did not make", async () => {
        await store.create(newSession(), noSignal);
        await expect(store.list({ status: "PENDING", pageSize: 10, cursor: "not a cursor!" }, noSignal)).rejects.toThrow(
          InvalidCursorError,
        );
      });
    });

    describe("checkHealth", () => {
      it("resolves when the store can serve", async () => {
        await expect(store.checkHealth(noSignal)).resolves.toBeUndefined();
      });
    });

    it("keeps sessions with different ids apart", async () => {
      const a = await store.create(newSession({ id: uniqueId("a") }), noSignal);
      const b = await store.create(newSession({ id: uniqueId("b"), eventId: "evt-b" }), noSignal);
      await update(a.id, "COMPLETED");
      expect(await get(b.id)).toEqual(b);
    });
  });
}
