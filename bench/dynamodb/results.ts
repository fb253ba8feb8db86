/**
 * What the rounds measured, per operation and way: every latency sample
 * (pooled over rounds), each round's median (to show how much the ratio moves
 * between rounds), and the calls and time of the throughput blocks.
 */
import { median, percentile } from "../lib/report.js";
import type { Way } from "./operations.js";

interface Measured {
  readonly samples: number[];
  readonly roundMedians: number[];
  calls: number;
  ms: number;
  inFlight: number;
}

export interface WaySummary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly roundMedians: readonly number[];
  readonly opsPerSecond: number;
  /** Calls in flight while the throughput was measured. */
  readonly inFlight: number;
}

export class Results {
  private readonly measured = new Map<string, Measured>();

  addLatencies(operation: string, way: Way, samples: readonly number[]): void {
    const entry = this.entry(operation, way);
    entry.samples.push(...samples);
    entry.roundMedians.push(median(samples));
  }

  addThroughput(operation: string, way: Way, inFlight: number, calls: number, ms: number): void {
    const entry = this.entry(operation, way);
    entry.inFlight = inFlight;
    entry.calls += calls;
    entry.ms += ms;
  }

  summary(operation: string, way: Way): WaySummary {
    const { samples, roundMedians, calls, ms, inFlight } = this.entry(operation, way);
    return {
      n: samples.length,
      p50: median(samples),
      p99: percentile(samples, 0.99),
      roundMedians,
      opsPerSecond: ms > 0 ? (calls * 1000) / ms : Number.NaN,
      inFlight,
    };
  }

  private entry(operation: string, way: Way): Measured {
    const key = `${operation}\u0000${way}`;
    let entry = this.measured.get(key);
    if (entry === undefined) {
      entry = { samples: [], roundMedians: [], calls: 0, ms: 0, inFlight: 0 };
      this.measured.set(key, entry);
    }
    return entry;
  }
}
