/**
 * Benchmark, DynamoDB store: what the adapter adds to the DynamoDB requests
 * it makes, and what the whole service adds, against one dynalite in one run.
 *
 *   npm run build && node --import tsx bench/dynamodb-store.ts
 *
 * Prints one markdown section on stdout, progress on stderr; exits non-zero
 * if any call fails. Each operation is measured three ways (operations.ts) in
 * rounds. Single calls take turns way by way, call by call, in a random
 * order each turn; throughput blocks take turns in an order that rotates
 * from round to round. A noisy
 * neighbour then slows all three alike, and the ratios hold even when the
 * absolute figures do not.
 */
import { cpus as cpuInfo } from "node:os";
import { createRequire } from "node:module";
import { pino } from "pino";
import { systemClock } from "../src/clock.js";
import { loadConfig } from "../src/config.js";
import type { Metrics } from "../src/observability/metrics.js";
import { DynaliteProcess } from "../test/helpers/dynalite-process.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClient, localSettings, provisionLocalTable } from "../test/helpers/dynalite.js";
import { stopChildrenOnExit } from "./lib/processes.js";
import { formatCount, progress } from "./lib/report.js";
import { seedSessions } from "./dynamodb/bench-table.js";
import { loadBuiltService } from "./dynamodb/built-service.js";
import { pinThisProcess, type CpuPlan } from "./dynamodb/cpu-plan.js";
import { checkFidelity } from "./dynamodb/fidelity.js";
import { timeAll, timeInTurns } from "./dynamodb/measure.js";
import { operations, WAYS, type BenchContext, type Call, type Operation, type Way } from "./dynamodb/operations.js";
import { Results } from "./dynamodb/results.js";
import { renderSection } from "./dynamodb/section.js";
import { startService, type RunningService } from "./dynamodb/service-process.js";

/**
 * Measured rounds, after a warm-up round of the same size (dynalite's own
 * JIT takes that long to settle: its counts get faster for the first few
 * hundred calls); a multiple of the three ways, so each throughput block
 * goes first equally often.
 */
const ROUNDS = 6;
/**
 * Calls per way per round: one at a time (latency), then `inFlight` at a
 * time (throughput). A count or a list is already 16 requests at once, so 2
 * of them keep dynalite's one CPU saturated; 8 would queue 128 requests on
 * it, each waiting long enough to near the client's 3 s request timeout,
 * which the raw way has no retry to absorb.
 */
const CALLS = {
  single: { latency: 150, throughput: 200, inFlight: 8 },
  fanOut: { latency: 60, throughput: 12, inFlight: 2 },
} as const;
/** Sessions of the counted and listed status: a table of realistic size, and a count of real cost. */
const LISTED_SESSIONS = 3000;
const PAGE_SIZE = 50;
const READ_POOL = 500;

async function run(): Promise<{ markdown: string; failed: boolean }> {
  const started = Date.now();
  const { DynamoDbSessionStore, RetryPolicy, Metrics } = await loadBuiltService();
  const cpus = pinThisProcess();
  progress(cpus ? `dynalite on CPU ${cpus.dynalite}; this process and the service on CPU ${cpus.measuring}` : "not pinning CPUs (no taskset, or one CPU)");

  const dynalite = await DynaliteProcess.start(cpus === undefined ? {} : { cpus: cpus.dynalite });
  let service: RunningService | undefined;
  const settings = localSettings(dynalite.endpoint, { tableName: "bench-sessions" });
  const client = localClient(dynalite.endpoint);
  try {
    const table = { tableName: settings.tableName, statusShards: settings.statusShards };
    const ttlMs = loadConfig({}).sessionTtlMs;
    await provisionLocalTable(client, table.tableName, table.statusShards);
    progress(`seeding ${formatCount(LISTED_SESSIONS)} COMPLETED and ${READ_POOL} PENDING sessions`);
    await seedSessions(client, table, ttlMs, LISTED_SESSIONS, "COMPLETED");
    const readIds = await seedSessions(client, table, ttlMs, READ_POOL);

    // The adapter as the service builds it: its client settings, retry policy and metrics.
    // Its log goes to stderr, so that stdout holds the section alone.
    const logger = pino({ level: "info", base: { service: "sessionstore" } }, pino.destination(2));
    const metrics = new Metrics();
    const retry = new RetryPolicy({ ...settings.retry, logger, metrics });
    const store = new DynamoDbSessionStore({ ...table, client, clock: systemClock, ttlMs, retry });
    const listed = { status: "COMPLETED", count: LISTED_SESSIONS, pageSize: PAGE_SIZE } as const;
    const firstPage = (await store.list({ ...listed, cursor: undefined }, { signal: new AbortController().signal })).sessions.map((s) => s.id);

    const recorder = localClient(dynalite.endpoint);
    try {
      await checkFidelity({ DynamoDbSessionStore, table, ttlMs, retry, client: recorder, listed: { ...listed, firstPage } });
    } finally {
      recorder.destroy();
    }
    progress("the raw requests equal the adapter's, operation by operation");

    service = await startService({
      dynamoEndpoint: dynalite.endpoint,
      ...table,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      cpus: cpus?.measuring,
    });
    const ctx: BenchContext = {
      table,
      ttlMs,
      client,
      store,
      service: service.client,
      readIds,
      listed: { ...listed, firstPage },
      seed: (count) => seedSessions(client, table, ttlMs, count),
    };
    const ops = operations(ctx);
    const results = await measureInRounds(ops, started);

    const retries = await retriesByOperation(metrics);
    const warnings = service.warnings();
    const exitCode = await service.stop();
    service = undefined;
    const markdown = renderSection({
      operations: ops,
      results,
      rounds: ROUNDS,
      setup: setupLines(cpus, table.statusShards),
      notes: [
        `Requests the adapter retried: ${retries}; warnings the service logged: ${warnings.length} (on stderr); the service exited ${exitCode} on SIGTERM.`,
      ],
    });
    for (const line of warnings) {
      process.stderr.write(`[service] ${line}\n`);
    }
    progress(`finished in ${Math.round((Date.now() - started) / 1000)} s`);
    return { markdown, failed: exitCode !== 0 };
  } finally {
    await service?.stop();
    client.destroy();
    await dynalite.kill();
  }
}

/** Every operation, every way, round after round; the warm-up round (0) is measured and dropped. */
async function measureInRounds(ops: readonly Operation[], started: number): Promise<Results> {
  const results = new Results();
  for (let round = 0; round <= ROUNDS; round++) {
    // Rotating the order spreads whatever favours going first or last over all ways.
    const order: Way[] = WAYS.map((_, i) => WAYS[(i + round) % WAYS.length] as Way);
    for (const op of ops) {
      const calls = op.fansOut ? CALLS.fanOut : CALLS.single;
      const single = new Map<Way, Call[]>();
      for (const way of order) {
        single.set(way, await op.prepare(way, calls.latency));
      }
      for (const [way, samples] of await timeInTurns(single)) {
        if (round > 0) results.addLatencies(op.name, way, samples);
      }
      for (const way of order) {
        const batch = await op.prepare(way, calls.throughput);
        const ms = await timeAll(batch, calls.inFlight);
        if (round > 0) results.addThroughput(op.name, way, calls.inFlight, batch.length, ms);
      }
    }
    progress(`${round === 0 ? "warm-up round" : `round ${round}/${ROUNDS}`} done, ${Math.round((Date.now() - started) / 1000)} s in`);
  }
  return results;
}

function setupLines(cpus: CpuPlan | undefined, statusShards: number): string[] {
  const cpu = cpuInfo();
  return [
    `One run on ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}, dynalite ${dynaliteVersion()} (in memory, its own process).`,
    cpus === undefined
      ? "CPUs not pinned (taskset missing or a single CPU): dynalite competes with the measuring side, so the ratios understate the adapter's share."
      : `Pinned with taskset: dynalite alone on CPU ${cpus.dynalite}; this process (raw SDK, adapter, gRPC client) and the service on CPU ${cpus.measuring}.`,
    "Three ways per operation: **raw SDK**, the adapter's DynamoDB requests sent bare through one DynamoDBClient configured as the service's (inputs built before timing, and checked equal to the adapter's before the run); **adapter**, the built DynamoDbSessionStore (dist/) in this process on that same client, with the service's retry policy, metrics and mapping; **service**, the RPC through the built server (dist/main.js, SESSION_STORE=dynamodb) from a grpc-js client.",
    `${ROUNDS} rounds after a warm-up. In each, every operation makes ${CALLS.single.latency} single calls per way, the ways taking turns call by call in a random order each turn, then ${CALLS.single.throughput} calls per way at ${CALLS.single.inFlight} in flight, way after way in an order rotated each round (CountByStatus and ListSessions, ${statusShards} requests each: ${CALLS.fanOut.latency} single calls, then ${CALLS.fanOut.throughput} at ${CALLS.fanOut.inFlight} in flight). p50/p99 pool every round's samples.`,
    `Table with the service's ${statusShards} status shards: ${formatCount(LISTED_SESSIONS)} live COMPLETED sessions (counted and listed, page size ${PAGE_SIZE}), gets from ${READ_POOL} PENDING ones, fresh ids for creates, and fresh PENDING sessions written before each update (to EXPIRED, with expected_version) and delete block.`,
    "The target compares medians of single calls (1 in flight), adapter over raw SDK, for each operation; throughput ratios are for information, as is the service.",
  ];
}

/** "0", or "3 (Query 2, PutItem 1)": what the adapter's retry policy sent again, from its metrics. */
async function retriesByOperation(metrics: Metrics): Promise<string> {
  const metric = await metrics.registry.getSingleMetric("sessionstore_dynamodb_retries_total")?.get();
  const counted = (metric?.values ?? []).filter(({ value }) => value > 0);
  const total = counted.reduce((sum, { value }) => sum + value, 0);
  return total === 0 ? "0" : `${total} (${counted.map(({ labels, value }) => `${String(labels.operation)} ${value}`).join(", ")}; their log lines are on stderr)`;
}

function dynaliteVersion(): string {
  return (createRequire(import.meta.url)("dynalite/package.json") as { version: string }).version;
}

// Whatever happens, no dynalite or service outlives the run.
stopChildrenOnExit();

try {
  const { markdown, failed } = await run();
  process.stdout.write(markdown);
  process.exitCode = failed ? 1 : 0;
} catch (error) {
  process.stderr.write(`[bench] DynamoDB store benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
