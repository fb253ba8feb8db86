/**
 * Part 1: unary gRPC over the real server (in-memory store) against the
 * transport's ceiling, a bare grpc-js server that answers the same requests
 * with fixed responses (bench/bare-grpc-server.ts). Both run on core 0, h2load
 * on core 1; runs alternate between the two so the machine's noise falls on
 * both alike, and every figure is the median of its rounds.
 *
 *   node --import tsx bench/grpc-unary.ts      (after npm run build)
 *
 * Every call of a run must have ended with grpc-status 0: the service's
 * metrics (calls by method and code) and the bare server's counter are read
 * around each run, and any other code fails the benchmark.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { createSessionStoreClient } from "../src/client.js";
import {
  CountByStatusRequestSchema,
  GetSessionRequestSchema,
  ListSessionsRequestSchema,
  SessionStatus,
  SessionStoreService,
  UpdateSessionStatusRequestSchema,
  CreateSessionRequestSchema,
} from "../src/gen/sessionstore/v1/session_store_pb.js";
import { ensureH2load, runH2load, type H2loadResult } from "./lib/h2load.js";
import { servingLine, startProcess, type StartedProcess } from "../test/helpers/child-process.js";
import { callRawUnary, createGrpcJsClient } from "../test/helpers/grpc-js-client.js";
import { canPin, pinned, stopChildrenOnExit, stopProcess } from "./lib/processes.js";
import { formatCount, formatMs, formatRatio, markdownTable, median, progress, verdict } from "./lib/report.js";
import { typicalCreateRequest } from "./lib/typical-session.js";

const STREAMS = [1, 16, 64] as const;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const WARM_UP_SECONDS = 1;
const PREFILLED_SESSIONS = 1000;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
/** The unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

interface Target {
  /** Reads how many calls the server answered, by gRPC status code. */
  answered(): Promise<Map<string, number>>;
  readonly port: number;
  readonly pid: number;
}

interface RunResult extends H2loadResult {
  /** The server's CPU time per call over the run (warm-up included), when /proc tells it. */
  readonly cpuMicrosPerCall: number | undefined;
}

interface MethodCase {
  readonly method: string;
  readonly request: Uint8Array;
  /** What the fixed request does, for the table. */
  readonly note: string;
}

stopChildrenOnExit();
ensureH2load();
const service = await startService();
const cases = await prepareCases(service.port);
const bare = await startBare(cases);
try {
  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const methodCase of cases) {
    for (const streams of STREAMS) {
      const bareRuns: RunResult[] = [];
      const serviceRuns: RunResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate who goes first, so a slow spell of the machine is shared.
        const order = round % 2 === 0 ? [bare.target, service.target] : [service.target, bare.target];
        for (const target of order) {
          const result = await measure(target, methodCase, streams);
          (target === bare.target ? bareRuns : serviceRuns).push(result);
        }
      }
      // Each round's two runs are minutes apart at most, so their ratio
      // cancels most of the machine's drift; the median of those ratios is the figure.
      const ratio = median(serviceRuns.map((run, i) => run.requestsPerSecond / (bareRuns[i] as RunResult).requestsPerSecond));
      const p99Ratio = median(serviceRuns.map((run, i) => run.p99Ms / (bareRuns[i] as RunResult).p99Ms));
      const b = summarize(bareRuns);
      const s = summarize(serviceRuns);
      progress(`${methodCase.method} x${streams}: service ${formatCount(s.rps)} req/s, bare ${formatCount(b.rps)} req/s, ratio ${formatRatio(ratio)}`);
      rows.push([
        methodCase.method,
        String(streams),
        formatCount(s.rps),
        formatCount(b.rps),
        formatRatio(ratio),
        `${formatMicros(s.cpu)} / ${formatMicros(b.cpu)}`,
        `${formatMs(s.p50)} / ${formatMs(b.p50)}`,
        `${formatMs(s.p99)} / ${formatMs(b.p99)}`,
        formatRatio(p99Ratio),
      ]);
      if (methodCase.method === "GetSession" && streams === 64) {
        verdicts.push(
          verdict("GetSession at 64 streams serves at least 85% of the bare server's requests/s", formatRatio(ratio), ratio >= 0.85),
          verdict("GetSession at 64 streams has a p99 latency at most 1.5x the bare server's", `${formatRatio(p99Ratio)}x`, p99Ratio <= 1.5),
        );
      }
    }
  }
  const placement = canPin()
    ? `Servers pinned to core ${SERVER_CORE}, h2load to core ${LOAD_CORE} (taskset).`
    : "Not pinned: taskset or a second core is missing, so servers and h2load share the CPU.";
  const lines = [
    "## gRPC unary, in-memory store, against a bare grpc-js server",
    "",
    `h2load, 1 connection, 1/16/64 concurrent streams; ${ROUNDS} rounds of ${SECONDS} s (after ${WARM_UP_SECONDS} s warm-up) per server, the two servers taking turns. Rates, CPU and latencies are medians of the rounds; ratios are medians of each round's service/bare ratio. CPU per call is the server process's user+system time over a run divided by the calls it answered (machine noise that steals the core does not count in it). ${placement} Every call in every run ended with grpc-status 0 (checked on the servers' own counters).`,
    "",
    ...cases.map((c) => `- ${c.method}: ${c.note}`),
    "",
    markdownTable(
      ["method", "streams", "service req/s", "bare req/s", "ratio", "CPU per call, service / bare", "p50, service / bare", "p99, service / bare", "p99 ratio"],
      rows,
    ),
    "",
    ...verdicts,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await stopProcess(bare.process);
  await stopProcess(service.process);
}

async function startService(): Promise<{ process: StartedProcess; port: number; target: Target }> {
  const [program, args] = pinned(SERVER_CORE, process.execPath, ["dist/main.js"]);
  const started = startProcess(program, args, { env: { PATH: process.env.PATH ?? "", PORT: "0", METRICS_PORT: "0" } });
  const serving = (await servingLine(started)) as { port: number; metricsPort: number };
  const target: Target = {
    port: serving.port,
    pid: started.child.pid as number,
    answered: async () => {
      const text = await (await fetch(`http://127.0.0.1:${serving.metricsPort}/metrics`)).text();
      const counts = new Map<string, number>();
      for (const match of text.matchAll(/^sessionstore_rpc_calls_total\{method="(\w+)",code="(\w+)"\} (\d+)$/gm)) {
        counts.set(`${match[1]} ${match[2]}`, Number(match[3]));
      }
      return counts;
    },
  };
  return { process: started, port: serving.port, target };
}

async function startBare(cases: readonly MethodCase[]): Promise<{ process: StartedProcess; target: Target }> {
  // The bare server answers each request with what the service answered it once.
  const client = createGrpcJsClient(`127.0.0.1:${service.port}`);
  const responses: Record<string, string> = {};
  for (const { method, request } of cases) {
    const path = `/${SessionStoreService.typeName}/${method}`;
    responses[method] = (await callRawUnary(client, path, Buffer.from(request))).toString("base64");
  }
  client.close();
  const file = join(tmpdir(), `sessionstore-bare-responses-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(responses));
  const [program, args] = pinned(SERVER_CORE, process.execPath, ["--import", "tsx", "bench/bare-grpc-server.ts", file]);
  const started = startProcess(program, args, { env: process.env });
  const listening = (await servingLine(started)) as { port: number; counterPort: number };
  const target: Target = {
    port: listening.port,
    pid: started.child.pid as number,
    answered: async () => {
      const { answered } = (await (await fetch(`http://127.0.0.1:${listening.counterPort}/`)).json()) as { answered: Record<string, number> };
      return new Map(Object.entries(answered).map(([method, count]) => [`${method} OK`, count]));
    },
  };
  return { process: started, target };
}

/** The requests h2load sends, after creating the sessions they need. */
async function prepareCases(port: number): Promise<MethodCase[]> {
  const client = createSessionStoreClient(`127.0.0.1:${port}`);
  for (let n = 0; n < PREFILLED_SESSIONS; n++) {
    await client.createSession(typicalCreateRequest(n));
  }
  const { session: toRead } = await client.createSession(typicalCreateRequest(PREFILLED_SESSIONS));
  const { session: toUpdate } = await client.createSession(typicalCreateRequest(PREFILLED_SESSIONS + 1));
  if (!toRead || !toUpdate) {
    throw new Error("CreateSession answered without a session");
  }
  await client.updateSessionStatus({ id: toUpdate.id, status: SessionStatus.COMPLETED });
  return [
    {
      method: "GetSession",
      request: toBinary(GetSessionRequestSchema, create(GetSessionRequestSchema, { id: toRead.id })),
      note: "reads one typical session (3 tickets, 4 metadata entries) by id.",
    },
    {
      method: "CreateSession",
      request: toBinary(CreateSessionRequestSchema, typicalCreateRequest(PREFILLED_SESSIONS + 2)),
      note: "creates a typical session with a server-made id; every call adds one to the store.",
    },
    {
      method: "UpdateSessionStatus",
      request: toBinary(UpdateSessionStatusRequestSchema, create(UpdateSessionStatusRequestSchema, { id: toUpdate.id, status: SessionStatus.COMPLETED })),
      note: "h2load repeats one fixed request, so this is the same-status update: the session is read, checked and returned, unchanged.",
    },
    {
      method: "CountByStatus",
      request: toBinary(CountByStatusRequestSchema, create(CountByStatusRequestSchema, { status: SessionStatus.PENDING })),
      note: "counts the PENDING sessions.",
    },
    {
      method: "ListSessions",
      request: toBinary(ListSessionsRequestSchema, create(ListSessionsRequestSchema, { status: SessionStatus.PENDING })),
      note: "first page of PENDING sessions at the default page size (50 typical sessions).",
    },
  ];
}

async function measure(target: Target, methodCase: MethodCase, streams: number): Promise<RunResult> {
  const before = await target.answered();
  const cpuBefore = cpuSeconds(target.pid);
  const result = await runH2load({
    url: `http://127.0.0.1:${target.port}/${SessionStoreService.typeName}/${methodCase.method}`,
    request: methodCase.request,
    streams,
    seconds: SECONDS,
    warmUpSeconds: WARM_UP_SECONDS,
    core: LOAD_CORE,
  });
  const cpuAfter = cpuSeconds(target.pid);
  const after = await target.answered();
  let ok = 0;
  for (const [key, count] of after) {
    const delta = count - (before.get(key) ?? 0);
    if (key === `${methodCase.method} OK`) {
      ok = delta;
    } else if (delta > 0) {
      throw new Error(`${methodCase.method} x${streams}: ${delta} calls ended with ${key}, not OK`);
    }
  }
  if (result.failed > 0 || ok < result.succeeded) {
    throw new Error(`${methodCase.method} x${streams}: h2load counted ${result.succeeded} successes and ${result.failed} failures; the server answered ${ok} OK`);
  }
  const cpuMicrosPerCall = cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / ok;
  return { ...result, cpuMicrosPerCall };
}

/** User plus system CPU seconds a process has used, from /proc; undefined where there is no /proc. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces: state is the first, utime the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function formatMicros(micros: number | undefined): string {
  return micros === undefined || Number.isNaN(micros) ? "n/a" : `${micros.toFixed(1)} µs`;
}

function summarize(runs: readonly RunResult[]): { rps: number; cpu: number | undefined; p50: number; p99: number } {
  const cpu = runs.map((run) => run.cpuMicrosPerCall).filter((micros) => micros !== undefined);
  return {
    rps: median(runs.map((run) => run.requestsPerSecond)),
    cpu: cpu.length === runs.length ? median(cpu) : undefined,
    p50: median(runs.map((run) => run.p50Ms)),
    p99: median(runs.map((run) => run.p99Ms)),
  };
}
