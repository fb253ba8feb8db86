/**
 * Two ways to time prepared calls: one at a time (each call's latency), the
 * ways taking turns call by call, and a fixed number of one way in flight
 * (the rate they sustain together).
 */
import { performance } from "node:perf_hooks";
import type { Call } from "./operations.js";

/**
 * Milliseconds each call took, one call at a time, the ways taking turns
 * call by call: a burst of noise from a neighbour then lands on every way
 * alike instead of on one way's block. Each turn goes in a random order,
 * because a call can leave work behind (the service process finishing its
 * reply on the shared CPU, garbage to collect) that slows the next one: a
 * fixed rotation would make some ways follow the service more often.
 */
export async function timeInTurns<K extends string>(calls: ReadonlyMap<K, readonly Call[]>): Promise<Map<K, number[]>> {
  const ways = [...calls.keys()];
  const turns = Math.min(...[...calls.values()].map((list) => list.length));
  const samples = new Map(ways.map((way) => [way, [] as number[]]));
  for (let turn = 0; turn < turns; turn++) {
    for (const way of shuffled(ways)) {
      const call = calls.get(way)?.[turn] as Call;
      const started = performance.now();
      await call();
      samples.get(way)?.push(performance.now() - started);
    }
  }
  return samples;
}

/** Fisher-Yates. */
function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

/** Milliseconds for all calls, `inFlight` at a time (each finished call starts the next). */
export async function timeAll(calls: readonly Call[], inFlight: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    for (let call = calls[next++]; call !== undefined; call = calls[next++]) {
      await call();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return performance.now() - started;
}
