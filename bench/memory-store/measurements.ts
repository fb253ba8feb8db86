/**
 * The measurements of the in-memory store benchmark. Each runs in a child
 * process of its own (see bench/memory-store.ts), so the garbage and the JIT
 * state of one never weigh on another, and returns plain numbers as JSON.
 */
import { LIMITS } from "../../src/rpc/request-validation.js";
import { MemorySessionStore } from "../../src/store/memory/memory-session-store.js";
import type { StoreCallOptions } from "../../src/store/session-store.js";
import { ManualClock } from "../../test/helpers/manual-clock.js";
import { typicalRequestBytes, typicalSession } from "../lib/typical-session.js";

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

/** Milliseconds of each call, per operation. */
export interface CallTimes {
  readonly sessions: number;
  readonly count: number[];
  readonly list: number[];
  readonly get: number[];
}

export interface QueryResult {
  readonly small: CallTimes;
  readonly large: CallTimes;
  /** The large store once a sweep has reclaimed its oldest sessions... */
  readonly afterSweep: CallTimes;
  /** ...and the small store, timed in turns with it. */
  readonly smallAgain: CallTimes;
  readonly swept: number;
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

interface SweepScenario {
  readonly store: MemorySessionStore;
  readonly clock: ManualClock;
  readonly start: number;
  readonly expired: number;
  readonly live: number;
  readonly samples: number[];
}

/** `rounds` batches of `expired` sessions, each 1 ms younger than the one before, then `live` sessions. */
async function sweepScenario(expired: number, live: number, rounds: number): Promise<SweepScenario> {
  const clock = new ManualClock();
  const start = clock.now();
  const store = createStore(clock);
  for (let r = 0; r < rounds; r++) {
    await fill(store, clock, expired);
    clock.advance(1);
  }
  await fill(store, clock, live);
  return { store, clock, start, expired, live, samples: [] };
}

/**
 * Times sweeps that each reclaim one batch, taking turns between the
 * scenarios, so that the other load on a shared machine weighs on all alike.
 */
export async function measureSweeps(shapes: readonly (readonly [expired: number, live: number])[], rounds: number): Promise<SweepResult[]> {
  const scenarios: SweepScenario[] = [];
  for (const [expired, live] of shapes) {
    scenarios.push(await sweepScenario(expired, live, rounds));
  }
  for (let r = 0; r < rounds; r++) {
    for (const { store, clock, start, expired, live, samples } of scenarios) {
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
  }
  return scenarios.map(({ expired, live, samples }) => ({ expired, live, samples }));
}

type Call = (i: number) => Promise<unknown>;

/** Times calls one by one, in blocks that take turns between the targets; returns each target's samples. */
async function timeInBlocks(targets: readonly Call[], blocks: number, perBlock: number): Promise<number[][]> {
  const samples = targets.map((): number[] => []);
  for (const call of targets) {
    for (let i = 0; i < perBlock; i++) {
      await call(i); // warm-up, untimed
    }
  }
  for (let b = 0; b < blocks; b++) {
    for (const [t, call] of targets.entries()) {
      const out = samples[t] as number[];
      for (let i = 0; i < perBlock; i++) {
        const began = performance.now();
        await call(b * perBlock + i);
        out.push(performance.now() - began);
      }
    }
  }
  return samples;
}

interface QueryTarget {
  readonly store: MemorySessionStore;
  /** Ids spread over the store, for get(). */
  readonly ids: string[];
}

/** Creates `count` typical sessions, 100 per millisecond, keeping about 1000 ids spread over them. */
async function fillForQueries(store: MemorySessionStore, clock: ManualClock, count: number, ids: string[]): Promise<void> {
  const every = Math.max(1, Math.floor(count / 1000));
  for (let i = 0; i < count; i++) {
    const session = await store.create(typicalSession(i), CALL);
    if (i % every === 0) {
      ids.push(session.id);
    }
    if (i % 100 === 99) {
      clock.advance(1);
    }
  }
}

async function timeQueries(targets: readonly QueryTarget[]): Promise<CallTimes[]> {
  const counts = await Promise.all(targets.map(({ store }) => store.countByStatus("PENDING", CALL)));
  const countCalls = targets.map(({ store }, t): Call => async () => {
    if ((await store.countByStatus("PENDING", CALL)) !== counts[t]) {
      throw new Error("CountByStatus miscounted");
    }
  });
  const listCalls = targets.map(({ store }): Call => async () => {
    const page = await store.list({ status: "PENDING", pageSize: DEFAULT_PAGE_SIZE, cursor: undefined }, CALL);
    if (page.sessions.length !== DEFAULT_PAGE_SIZE) {
      throw new Error("ListSessions returned a short first page");
    }
  });
  const getCalls = targets.map(({ store, ids }): Call => (i) => store.get(ids[(i * 7919) % ids.length] as string, CALL));
  collectGarbage();
  const count = await timeInBlocks(countCalls, 40, 500);
  const list = await timeInBlocks(listCalls, 20, 250);
  const get = await timeInBlocks(getCalls, 40, 500);
  return targets.map((_, t) => ({
    sessions: counts[t] as number,
    count: count[t] as number[],
    list: list[t] as number[],
    get: get[t] as number[],
  }));
}

/**
 * CountByStatus, a first ListSessions page and get() at `small` and `large`
 * sessions, then again once a sweep has reclaimed the large store's oldest
 * `swept`, the state a long-running server is in.
 */
export async function measureQueries(small: number, large: number, swept: number): Promise<QueryResult> {
  const smallClock = new ManualClock();
  const smallTarget: QueryTarget = { store: createStore(smallClock), ids: [] };
  await fillForQueries(smallTarget.store, smallClock, small, smallTarget.ids);

  const clock = new ManualClock();
  const start = clock.now();
  const largeTarget: QueryTarget = { store: createStore(clock), ids: [] };
  await fill(largeTarget.store, clock, swept); // at `start`, so they expire first
  clock.advance(1);
  await fillForQueries(largeTarget.store, clock, large - swept, largeTarget.ids);

  const [smallTimes, largeTimes] = await timeQueries([smallTarget, largeTarget]);
  clock.set(start + TTL_MS);
  largeTarget.store.sweep();
  if (largeTarget.store.size !== large - swept) {
    throw new Error(`the sweep left ${largeTarget.store.size} sessions, not ${large - swept}`);
  }
  const [smallAgain, afterSweep] = await timeQueries([smallTarget, largeTarget]);
  return {
    small: smallTimes as CallTimes,
    large: largeTimes as CallTimes,
    afterSweep: afterSweep as CallTimes,
    smallAgain: smallAgain as CallTimes,
    swept,
  };
}
