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
  measureSweeps,
  type CallTimes,
  type HeapResult,
  type QueryResult,
  type SweepResult,
} from "./memory-store/measurements.js";

const HEAP_TARGET_BYTES = 600;
/** "The same time" on a shared, noisy machine: the 1M median within this factor of the 1k one. */
const SAME_TIME_FACTOR = 1.5;
const SWEEP_ROUNDS = 3;
/** [expired, live]: the baseline, 100x the live sessions, a tenth of the expired. */
const SWEEP_SHAPES = [
  [100_000, 10_000],
  [100_000, 1_000_000],
  [10_000, 10_000],
] as const;
const QUERY_SIZES = { small: 1_000, large: 1_000_000, swept: 100_000 } as const;

/** Runs one measurement in the child process and prints its result as JSON. */
async function runChild(args: readonly string[]): Promise<unknown> {
  const [name, sessions = "0"] = args;
  switch (name) {
    case "heap":
      return measureHeap(Number(sessions));
    case "sweeps":
      return measureSweeps(SWEEP_SHAPES, SWEEP_ROUNDS);
    case "queries":
      return measureQueries(QUERY_SIZES.small, QUERY_SIZES.large, QUERY_SIZES.swept);
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

const OPERATIONS = [
  ["CountByStatus", (r: CallTimes) => r.count],
  ["ListSessions, first page", (r: CallTimes) => r.list],
  ["get() (GetSession's store call)", (r: CallTimes) => r.get],
] as const;

function callRows(baseline: CallTimes, other: CallTimes): string[][] {
  return OPERATIONS.map(([name, samples]) => [
    name,
    formatMs(median(samples(baseline))),
    formatMs(percentile(samples(baseline), 0.99)),
    formatMs(median(samples(other))),
    formatMs(percentile(samples(other), 0.99)),
    formatRatio(median(samples(other)) / median(samples(baseline))),
  ]);
}

function querySection({ small, large, afterSweep, smallAgain, swept }: QueryResult): string[] {
  const [s, l, a] = [formatCount(small.sessions), formatCount(large.sessions), formatCount(afterSweep.sessions)];
  const header = (n: string) => ["call", `${s}: median`, `${s}: p99`, `${n}: median`, `${n}: p99`, `ratio ${n}/${s} (median)`];
  const countRatio = median(large.count) / median(small.count);
  const sweptRatio = median(afterSweep.count) / median(smallAgain.count);
  return [
    `Time per store call, calls timed one by one, taking turns between the stores. Baseline: the same call at ${s} sessions.`,
    "",
    markdownTable(header(l), callRows(small, large)),
    "",
    `The same store right after a sweep reclaimed its oldest ${formatCount(swept)} sessions, as in a server that has run a day:`,
    "",
    markdownTable(header(a), callRows(smallAgain, afterSweep)),
    "",
    verdict(
      `CountByStatus takes the same time at ${s} and ${l} sessions (within ${SAME_TIME_FACTOR}x, also after a sweep)`,
      `${formatMs(median(small.count))}, ${formatMs(median(large.count))} (${formatRatio(countRatio)}x), ` +
        `${formatMs(median(afterSweep.count))} after the sweep (${formatRatio(sweptRatio)}x its baseline)`,
      Math.max(countRatio, sweptRatio) <= SAME_TIME_FACTOR,
    ),
  ];
}

async function main(): Promise<void> {
  const heap = [
    await inChild<HeapResult>("heap per session, 100k sessions", ["heap", "100000"]),
    await inChild<HeapResult>("heap per session, 1M sessions", ["heap", "1000000"]),
  ];
  const [baseline, manyLive, fewExpired] = await inChild<SweepResult[]>("sweeps (100k beside 10k, 100k beside 1M, 10k beside 10k)", [
    "sweeps",
  ]);
  const queries = await inChild<QueryResult>("calls at 1k and 1M sessions, and after a sweep", ["queries"]);
  if (!baseline || !manyLive || !fewExpired) {
    throw new Error("the sweep measurement returned too few results");
  }

  const section = [
    "## In-memory store",
    "",
    "### Heap per session",
    "",
    ...heapSection(heap),
    "",
    "### Expiry sweep",
    "",
    ...sweepSection(baseline, manyLive, fewExpired),
    "",
    "### CountByStatus, ListSessions and get",
    "",
    ...querySection(queries),
  ];
  process.stdout.write(`${section.join("\n")}\n`);
}

const childArgs = process.argv.slice(2);
const run = childArgs.length > 0 ? runChild(childArgs).then((result) => process.stdout.write(JSON.stringify(result))) : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
