/** What the memory store does beyond the contract: reclaiming expired sessions. */
import { describe, expect, it } from "vitest";
import { MemorySessionStore } from "../../../../src/store/memory/memory-session-store.js";
import { ManualClock } from "../../../helpers/manual-clock.js";
import { newSession, noSignal } from "../../../helpers/sessions.js";

const TTL = 3_600_000;

describe("MemorySessionStore", () => {
  it("sweeps exactly the sessions that expired, oldest first, whatever their status", async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore({ clock, ttlMs: TTL, sweepIntervalMs: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push((await store.create(newSession(), noSignal)).id);
      clock.advance(1000);
    }
    await store.updateStatus({ id: ids[0] ?? "", status: "COMPLETED" }, noSignal);
    clock.set(Date.UTC(2026, 0, 15, 12, 0, 0) + TTL + 3500); // the first four have expired
    store.sweep();
    expect(store.size).toBe(6);
    expect(await store.countByStatus("COMPLETED", noSignal)).toBe(0);
    expect(await store.countByStatus("PENDING", noSignal)).toBe(6);
  });

  it("keeps lists right across compactions of many removed sessions", async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore({ clock, ttlMs: TTL, sweepIntervalMs: 0 });
    const kept: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const { id } = await store.create(newSession(), noSignal);
      if (i % 10 === 0) {
        kept.push(id);
      } else {
        await store.delete(id, noSignal);
      }
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ status: "PENDING", pageSize: 37, cursor }, noSignal);
      seen.push(...page.sessions.map((s) => s.id));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(kept);
    expect(await store.countByStatus("PENDING", noSignal)).toBe(500);
  });

  it("sweeps exactly when the session a sweep stopped at was then updated, deleted or re-created", async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore({ clock, ttlMs: TTL, sweepIntervalMs: 0 });
    const first = await store.create(newSession(), noSignal);
    clock.advance(1000);
    const second = await store.create(newSession(), noSignal);
    clock.advance(1000);
    const third = await store.create(newSession(), noSignal);
    store.sweep(); // stops at the first, which has not expired
    await store.updateStatus({ id: first.id, status: "COMPLETED" }, noSignal);
    clock.set(first.expiresAt);
    expect(await store.countByStatus("COMPLETED", noSignal)).toBe(0);
    expect(store.size).toBe(2);

    await store.delete(second.id, noSignal);
    await store.create(newSession({ id: second.id }), noSignal); // now the youngest
    clock.set(third.expiresAt);
    expect(await store.countByStatus("PENDING", noSignal)).toBe(1);
    expect((await store.get(second.id, noSignal)).createdAt).toBe(first.expiresAt);
  });

  it("sweeps sessions created after a sweep emptied the store", async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore({ clock, ttlMs: TTL, sweepIntervalMs: 0 });
    await store.create(newSession(), noSignal);
    clock.advance(TTL);
    store.sweep();
    expect(store.size).toBe(0);
    await store.create(newSession(), noSignal);
    clock.advance(TTL);
    expect(await store.countByStatus("PENDING", noSignal)).toBe(0);
    expect(store.size).toBe(0);
  });

  it("lists every unexpired session once after sweeps released the front of the lists", async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore({ clock, ttlMs: TTL, sweepIntervalMs: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 3000; i++) {
      ids.push((await store.create(newSession(), noSignal)).id);
      clock.advance(1);
    }
    const first = await store.list({ status: "PENDING", pageSize: 100, cursor: undefined }, noSignal);
    clock.set(Date.UTC(2026, 0, 15, 12, 0, 0) + TTL + 2000); // the first 2001 expire
    store.sweep();
    const seen: string[] = [];
    let cursor = first.cursor;
    do {
      const page = await store.list({ status: "PENDING", pageSize: 100, cursor }, noSignal);
      seen.push(...page.sessions.map((s) => s.id));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(ids.slice(2001));
    const restart = await store.list({ status: "PENDING", pageSize: 5, cursor: undefined }, noSignal);
    expect(restart.sessions.map((s) => s.id)).toEqual(ids.slice(2001, 2006));
  });

  it("keeps creation instants in order when the clock steps back, so the sweep stays exact", async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore({ clock, ttlMs: TTL, sweepIntervalMs: 0 });
    const first = await store.create(newSession(), noSignal);
    clock.advance(-5000);
    const second = await store.create(newSession(), noSignal);
    expect(second.createdAt).toBe(first.createdAt);
    clock.set(first.expiresAt);
    expect(await store.countByStatus("PENDING", noSignal)).toBe(0);
  });

  it("sweeps in the background when given an interval, and stops on close", async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore({ clock, ttlMs: TTL, sweepIntervalMs: 5 });
    await store.create(newSession(), noSignal);
    clock.advance(TTL);
    await expect.poll(() => store.size).toBe(0);
    await store.close();
  });
});
