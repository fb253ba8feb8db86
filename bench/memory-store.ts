/**
 * Benchmark part 3: the in-memory store. Prints one markdown section to
 * stdout and progress to stderr:
 *
 *   node --expose-gc --import tsx bench/memory-store.ts
 *
 * Each measurement runs in a fresh child process (this script again, named
 * by its arguments), so no measurement pays for another's garbage. Every
 * figure is printed beside a baseline measured in the same run, as a ratio.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { formatCount, formatMs, formatRatio, markdownTable, median, percentile, progress, verdict } from "./lib/report.js";
import {
  measureHeap,
  measureQueries,
  measureSweep,
  type HeapResult,
  type QueryResult,
  type SweepResult,
} from "./memory-store/measurements.js";

const HEAP_TARGET_BYTES = 600;
/** "The same time" on a shared, noisy machine: the 1M median within this factor of the 1k one. */
const SAME_TIME_FACTOR = 1.5;
const SWEEP_ROUNDS = 3;

/** Runs one measurement in the child process and prints its result as JSON. */
async function runChild(args: readonly string[]): Promise<unknown> {
  const [name, a = "0", b = "0"] = args;
  switch (name) {
    case "heap":
      return measureHeap(Number(a));
    case "sweep":
      return measureSweep(Number(a), Number(b), SWEEP_ROUNDS);
    case "queries":
      return measureQueries(Number(a));
    default:
      throw new Error(`unknown measurement ${String(name)}`);
  }
}

/** Starts this script again with the same node flags, and parses what the measurement printed. */
function inChild<T>(label: string, args: readonly string[]): Promise<T> {
  progress(`${label}...`);
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`measurement "${args.join(" ")}" exited with ${String(code)}`));
        return;
      }
      progress(`${label}: done in ${formatMs(performance.now() - began)}`);
      resolve(JSON.parse(output) as T);
    });
  });
}

function heapSection(results: readonly HeapResult[]): string[] {
  const rows = results.map((r) => [
    formatCount(r.sessions),
    formatCount(r.bytesPerSession),
    formatCount(r.wireBytes),
    formatRatio(r.bytesPerSession / r.wireBytes),
  ]);
  const atMillion = results[results.length - 1] as HeapResult;
  return [
    "Heap (plus ArrayBuffers) per typical session: 36-character id, 3 tickets, 4 metadata entries, " +
      "decoded from request bytes as the server receives them. Baseline: the session's encoded CreateSessionRequest.",
    "",
    markdownTable(["sessions", "bytes per session", "baseline: request bytes", "ratio"], rows),
    "",
    verdict(
      `at most ${HEAP_TARGET_BYTES} bytes of heap per typical session at 1M sessions`,
      `${formatCount(atMillion.bytesPerSession)} B`,
      atMillion.bytesPerSession <= HEAP_TARGET_BYTES,
    ),
  ];
}

function sweepSection(baseline: SweepResult, manyLive: SweepResult, fewExpired: SweepResult): string[] {
  const base = median(baseline.samples);
  const row = (r: SweepResult) => {
    const ms = median(r.samples);
    return [formatCount(r.expired), formatCount(r.live), formatMs(ms), formatMs(Math.max(...r.samples)), formatRatio(ms / base)];
  };
  const liveRatio = median(manyLive.samples) / base;
  return [
    `Time of one sweep, median and slowest of ${SWEEP_ROUNDS}. Baseline: ${formatCount(baseline.expired)} expired beside ${formatCount(baseline.live)} live.`,
    "",
    markdownTable(["expired", "live", "median", "slowest", "ratio to baseline"], [row(baseline), row(manyLive), row(fewExpired)]),
    "",
    verdict(
      "the expiry sweep's cost grows with what expired, not with what is stored " +
        `(${formatCount(manyLive.live)} live within ${SAME_TIME_FACTOR}x of ${formatCount(baseline.live)} live)`,
      `${formatRatio(liveRatio)}x with ${formatCount(manyLive.live / baseline.live)}x the live sessions; ` +
        `${formatRatio(median(fewExpired.samples) / base)}x with ${formatRatio(fewExpired.expired / baseline.expired)}x the expired`,
      liveRatio <= SAME_TIME_FACTOR,
    ),
  ];
}

function querySection(small: QueryResult, large: QueryResult): string[] {
  const operations = [
    ["CountByStatus", (r: QueryResult) => r.count],
    ["ListSessions, first page", (r: QueryResult) => r.list],
    ["get() (GetSession's store call)", (r: QueryResult) => r.get],
  ] as const;
  const rows = operations.map(([name, samples]) => [
    name,
    formatMs(median(samples(small))),
    formatMs(percentile(samples(small), 0.99)),
    formatMs(median(samples(large))),
    formatMs(percentile(samples(large), 0.99)),
    formatRatio(median(samples(large)) / median(samples(small))),
  ]);
  const countRatio = median(large.count) / median(small.count);
  const [s, l] = [formatCount(small.sessions), formatCount(large.sessions)];
  return [
    `Time per store call. Baseline: the same call at ${s} sessions.`,
    "",
    markdownTable(["call", `${s}: median`, `${s}: p99`, `${l}: median`, `${l}: p99`, `ratio ${l}/${s} (median)`], rows),
    "",
    verdict(
      `CountByStatus takes the same time at ${s} and ${l} sessions (within ${SAME_TIME_FACTOR}x)`,
      `${formatMs(median(small.count))} and ${formatMs(median(large.count))}, ${formatRatio(countRatio)}x`,
      countRatio <= SAME_TIME_FACTOR,
    ),
  ];
}

async function main(): Promise<void> {
  const heap = [
    await inChild<HeapResult>("heap per session, 100k sessions", ["heap", "100000"]),
    await inChild<HeapResult>("heap per session, 1M sessions", ["heap", "1000000"]),
  ];
  const sweeps = [
    await inChild<SweepResult>("sweep 100k expired beside 10k live", ["sweep", "100000", "10000"]),
    await inChild<SweepResult>("sweep 100k expired beside 1M live", ["sweep", "100000", "1000000"]),
    await inChild<SweepResult>("sweep 10k expired beside 10k live", ["sweep", "10000", "10000"]),
  ] as const;
  const queries = [
    await inChild<QueryResult>("calls at 1k sessions", ["queries", "1000"]),
    await inChild<QueryResult>("calls at 1M sessions", ["queries", "1000000"]),
  ] as const;

  const section = [
    "## In-memory store",
    "",
    "### Heap per session",
    "",
    ...heapSection(heap),
    "",
    "### Expiry sweep",
    "",
    ...sweepSection(...sweeps),
    "",
    "### CountByStatus, ListSessions and get",
    "",
    ...querySection(...queries),
  ];
  process.stdout.write(`${section.join("\n")}\n`);
}

const childArgs = process.argv.slice(2);
const run = childArgs.length > 0 ? runChild(childArgs).then((result) => process.stdout.write(JSON.stringify(result))) : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
