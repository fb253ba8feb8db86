/**
 * Where a benchmark's processes run. They are started with the tests' own
 * helper (test/helpers/child-process.ts); a server and its load generator get
 * cores of their own when the machine lets us (taskset, two cores or more).
 */
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { killAll, onCpus } from "../../test/helpers/child-process.js";

/** However the benchmark ends (done, failed, interrupted), no server or load generator it started outlives it. */
export function stopChildrenOnExit(): void {
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => process.exit(130));
  }
}

let tasksetWorks: boolean | undefined;

/** Whether processes can be given cores of their own: taskset present and at least two cores. */
export function canPin(): boolean {
  if (tasksetWorks === undefined) {
    try {
      execFileSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
      tasksetWorks = availableParallelism() >= 2;
    } catch {
      tasksetWorks = false;
    }
  }
  return tasksetWorks;
}

/** `program args` on `core` when pinning works, else unpinned. */
export function pinned(core: number, program: string, args: readonly string[]): [string, string[]] {
  return onCpus(canPin() ? String(core) : undefined, program, args);
}

/** SIGTERM, then the exit code. */
export async function stopProcess(started: { child: { kill(signal: NodeJS.Signals): boolean }; exited: Promise<number | null> }): Promise<number | null> {
  started.child.kill("SIGTERM");
  return started.exited;
}
