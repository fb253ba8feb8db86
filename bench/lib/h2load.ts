/**
 * Drives gRPC unary calls with h2load (Debian's nghttp2-client): one fixed
 * request, sent as gRPC frames it (content-type application/grpc, te:
 * trailers, a length-prefixed body) on as many concurrent streams as asked.
 * h2load is C and far cheaper per call than any Node client, so the server,
 * not the load generator, is what a run measures. h2load sees HTTP statuses
 * only; grpc-status is checked on the server's side by the caller.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { percentile, progress } from "./report.js";
import { startProcess } from "../../test/helpers/child-process.js";
import { pinned } from "./processes.js";

export interface H2loadRun {
  /** http://host:port/package.Service/Method */
  readonly url: string;
  /** The request message, serialized. */
  readonly request: Uint8Array;
  readonly streams: number;
  readonly seconds: number;
  readonly warmUpSeconds: number;
  /** The core h2load runs on, when cores can be pinned. */
  readonly core: number;
}

export interface H2loadResult {
  readonly requestsPerSecond: number;
  /** Requests answered HTTP 200 within the measured time. */
  readonly succeeded: number;
  /** Requests that failed at the HTTP/2 level; the ones cut off by the end of the run are not failures. */
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Installs nghttp2-client from Debian's packages when h2load is missing, as root or through sudo. */
export function ensureH2load(): void {
  if (hasH2load()) {
    return;
  }
  progress("h2load not found: installing Debian's nghttp2-client");
  const asRoot = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const run = (args: string[]) => {
    const [program, ...rest] = [...asRoot, ...args] as [string, ...string[]];
    execFileSync(program, rest, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  };
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nghttp2-client"]);
  if (!hasH2load()) {
    throw new Error("h2load is still missing after installing nghttp2-client");
  }
}

function hasH2load(): boolean {
  try {
    execFileSync("h2load", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A gRPC message frame: uncompressed flag, 4-byte big-endian length, the message. */
function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

export async function runH2load(run: H2loadRun): Promise<H2loadResult> {
  const dir = mkdtempSync(join(tmpdir(), "sessionstore-h2load-"));
  try {
    const bodyFile = join(dir, "request.bin");
    const logFile = join(dir, "requests.log");
    writeFileSync(bodyFile, grpcFrame(run.request));
    const [program, args] = pinned(run.core, "h2load", [
      "--clients=1",
      "--threads=1",
      `--max-concurrent-streams=${run.streams}`,
      `--duration=${run.seconds}`,
      `--warm-up-time=${run.warmUpSeconds}`,
      "--header=content-type: application/grpc",
      "--header=te: trailers",
      `--data=${bodyFile}`,
      `--log-file=${logFile}`,
      run.url,
    ]);
    const h2load = startProcess(program, args, { env: process.env });
    const code = await h2load.exited;
    const output = h2load.output().stdout + h2load.output().stderr;
    if (code !== 0) {
      throw new Error(`h2load exited ${code}:\n${output}`);
    }
    return parseResult(output, readFileSync(logFile, "utf8"), run.streams);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseResult(output: string, log: string, streams: number): H2loadResult {
  const rate = /finished in [\d.]+\w*, ([\d.]+) req\/s/.exec(output);
  const counts = /requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(output);
  if (!rate || !counts) {
    throw new Error(`cannot read h2load's summary:\n${output}`);
  }
  // Columns: start (µs since epoch), HTTP status, µs to the end of the response.
  // Status 0 marks a request still in flight when the duration ended.
  const latenciesMs: number[] = [];
  let cutOff = 0;
  let failed = Number(counts[1]) + Number(counts[2]) + Number(counts[3]);
  for (const row of log.split("\n")) {
    const [, status, micros] = row.split("\t");
    if (status === undefined || micros === undefined) {
      continue;
    }
    if (status === "200") {
      latenciesMs.push(Number(micros) / 1000);
    } else if (status === "0") {
      cutOff += 1;
    } else {
      failed += 1;
    }
  }
  if (cutOff > streams) {
    failed += cutOff - streams;
  }
  return {
    requestsPerSecond: Number(rate[1]),
    succeeded: latenciesMs.length,
    failed,
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
  };
}
