/**
 * Child processes of a benchmark: pinned to a CPU core when the machine lets
 * us (taskset), their output kept, and all of them killed when the run ends,
 * however it ends.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { availableParallelism } from "node:os";
import type { Readable } from "node:stream";

export interface BenchProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly exited: Promise<number | null>;
  output(): string;
  /** Resolves with the first whole stdout line that contains `text`; rejects if the process exits first. */
  lineWith(text: string): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<BenchProcess>();

function stopAllNow(): void {
  for (const process of running) {
    process.child.kill("SIGKILL");
  }
}
process.once("exit", stopAllNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopAllNow();
    process.exit(130);
  });
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
  return canPin() ? ["taskset", ["-c", String(core), program, ...args]] : [program, [...args]];
}

export function startProcess(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchProcess {
  const child = spawn(program, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const started: BenchProcess = {
    child,
    exited,
    output: () => output,
    lineWith: (text) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = output
            .split("\n")
            .slice(0, -1)
            .find((candidate) => candidate.includes(text));
          if (line !== undefined) {
            child.stdout.off("data", check);
            resolve(line);
          }
        };
        child.stdout.on("data", check);
        check();
        void exited.then((code) => reject(new Error(`${program} ${args.join(" ")} exited (${code}) before printing "${text}":\n${output}`)));
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      running.delete(started);
    },
  };
  running.add(started);
  void exited.then(() => running.delete(started));
  return started;
}
