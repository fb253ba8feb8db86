/**
 * The measurements of the in-memory store benchmark. Each runs in a child
 * process of its own (see bench/memory-store.ts), so the garbage and the JIT
 * state of one never weigh on another, and returns plain numbers as JSON.
 */
import { LIMITS } from "../../src/rpc/request-validation.js";
import { MemorySessionStore } from "../../src/store/memory/memory-session-store.js";
import type { StoreCallOptions } from "../../src/store/session-store.js";
import { ManualClock } from "../../test/helpers/manual-clock.js";
import { typicalRequestBytes, typicalSession } from "./typical-session.js";

const TTL_MS = 24 * 3_600_000;
const CALL: StoreCallOptions = { signal: new AbortController().signal };
/** What ListSessions asks the store for when the request leaves page_size at 0. */
const DEFAULT_PAGE_SIZE = LIMITS.defaultPageSize;

export interface HeapResult {
  readonly sessions: number;
  readonly bytesPerSession: number;
  /** Size of one session's encoded CreateSessionRequest: what the caller sent. */
  readonly wireBytes: number;
}

export interface SweepResult {
  readonly expired: number;
  readonly live: number;
  /** Milliseconds of each sweep that reclaimed `expired` sessions. */
  readonly samples: number[];
}

export interface QueryResult {
  readonly sessions: number;
  /** Milliseconds of each call. */
  readonly count: number[];
  readonly list: number[];
  readonly get: number[];
}

function collectGarbage(): void {
  if (!globalThis.gc) {
    throw new Error("run with node --expose-gc");
  }
  // Several passes: one full GC can leave what only a later one finds dead.
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
  }
}

/** Heap plus the bytes of ArrayBuffers, which live outside the heap but are memory all the same. */
function settledMemory(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function createStore(clock: ManualClock): MemorySessionStore {
  return new MemorySessionStore({ clock, ttlMs: TTL_MS, sweepIntervalMs: 0 });
}

/**
 * Creates `count` typical sessions; with `spreadMs` the
 * clock moves 1 ms every that many sessions, so instants differ as they would.
 */
async function fill(store: MemorySessionStore, clock: ManualClock, count: number, spreadMs = 0): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.create(typicalSession(i), CALL);
    if (spreadMs > 0 && i % spreadMs === spreadMs - 1) {
      clock.advance(1);
    }
  }
}

export async function measureHeap(sessions: number): Promise<HeapResult> {
  const wireBytes = typicalRequestBytes(0).length;
  // Warm up the code paths and the request pool, so compiled code and the pool are in the baseline.
  const warmClock = new ManualClock();
  await fill(createStore(warmClock), warmClock, 20_000, 100);

  const clock = new ManualClock();
  const store = createStore(clock);
  const before = settledMemory();
  await fill(store, clock, sessions, 100);
  const after = settledMemory();
  if (store.size !== sessions) {
    throw new Error(`the store holds ${store.size} sessions, not ${sessions}`);
  }
  return { sessions, bytesPerSession: (after - before) / sessions, wireBytes };
}

/**
 * Fills `rounds` batches of `expired` sessions, each 1 ms younger than the
 * one before, then `live` sessions; then expires one batch per round and
 * times the sweep that reclaims it.
 */
export async function measureSweep(expired: number, live: number, rounds: number): Promise<SweepResult> {
  const clock = new ManualClock();
  const start = clock.now();
  const store = createStore(clock);
  for (let r = 0; r < rounds; r++) {
    await fill(store, clock, expired);
    clock.advance(1);
  }
  await fill(store, clock, live);

  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    clock.set(start + r + TTL_MS);
    collectGarbage();
    const began = performance.now();
    store.sweep();
    samples.push(performance.now() - began);
    const expected = (rounds - r - 1) * expired + live;
    if (store.size !== expected) {
      throw new Error(`after sweep ${r + 1} the store holds ${store.size} sessions, not ${expected}`);
    }
  }
  return { expired, live, samples };
}

/** Times each of `calls` calls after `warmUp` untimed ones. */
async function timeCalls(calls: number, warmUp: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) {
    await call(i);
  }
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const began = performance.now();
    await call(i);
    samples.push(performance.now() - began);
  }
  return samples;
}

export async function measureQueries(sessions: number): Promise<QueryResult> {
  const clock = new ManualClock();
  const store = createStore(clock);
  const ids: string[] = [];
  for (let i = 0; i < sessions; i++) {
    const session = await store.create(typicalSession(i), CALL);
    if (i % Math.max(1, Math.floor(sessions / 1000)) === 0) {
      ids.push(session.id);
    }
    if (i % 100 === 99) {
      clock.advance(1);
    }
  }
  collectGarbage();

  const count = await timeCalls(20_000, 5_000, async () => {
    if ((await store.countByStatus("PENDING", CALL)) !== sessions) {
      throw new Error("CountByStatus miscounted");
    }
  });
  const list = await timeCalls(5_000, 1_000, async () => {
    const page = await store.list({ status: "PENDING", pageSize: DEFAULT_PAGE_SIZE, cursor: undefined }, CALL);
    if (page.sessions.length !== Math.min(sessions, DEFAULT_PAGE_SIZE)) {
      throw new Error("ListSessions returned a short first page");
    }
  });
  const get = await timeCalls(20_000, 5_000, (i) => store.get(ids[(i * 7919) % ids.length] as string, CALL));
  return { sessions, count, list, get };
}
