/**
 * Which CPU each process of the DynamoDB benchmark runs on. dynalite is a
 * single-threaded, CPU-heavy server: left to share a core with the process
 * that measures, it takes time from whichever way is being measured and blurs
 * the ratio. With taskset and two allowed CPUs, dynalite gets one of them and
 * the measuring side (this process and the service it calls) the other.
 */
import { spawnSync } from "node:child_process";

export interface CpuPlan {
  /** taskset CPU lists, "0" and "1". */
  readonly dynalite: string;
  readonly measuring: string;
}

/**
 * Pins every thread of this process to the measuring CPU (threads and
 * children made later inherit it) and returns the plan, or returns undefined,
 * pinning nothing, when taskset is missing or fewer than two CPUs are allowed.
 */
export function pinThisProcess(): CpuPlan | undefined {
  const query = spawnSync("taskset", ["--cpu-list", "--pid", String(process.pid)], { encoding: "utf8" });
  if (query.error !== undefined || query.status !== 0) {
    return undefined;
  }
  // "pid 123's current affinity list: 0,1" (ranges such as 0-3 are possible too).
  const cpus = allowedCpus(query.stdout.split(":").pop() ?? "");
  const [dynalite, measuring] = cpus;
  if (dynalite === undefined || measuring === undefined) {
    return undefined;
  }
  const pin = spawnSync("taskset", ["--all-tasks", "--cpu-list", "--pid", String(measuring), String(process.pid)], { encoding: "utf8" });
  if (pin.error !== undefined || pin.status !== 0) {
    throw new Error(`taskset could not pin the benchmark to CPU ${measuring}: ${pin.stderr || String(pin.error)}`);
  }
  return { dynalite: String(dynalite), measuring: String(measuring) };
}

function allowedCpus(list: string): number[] {
  return list
    .trim()
    .split(",")
    .flatMap((part) => {
      const [from, to = from] = part.split("-").map(Number);
      if (from === undefined || to === undefined || !Number.isInteger(from) || !Number.isInteger(to)) {
        return [];
      }
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    });
}
