/**
 * A process started by a test, with its output kept for assertions and its
 * exit code as a promise; killAll() ends whatever a failed test left running.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import type { Readable } from "node:stream";

export interface StartedProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

const running = new Set<StartedProcess["child"]>();

export function startProcess(program: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): StartedProcess {
  const child = spawn(program, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  running.add(child);
  const exited = once(child, "exit").then(([code]) => {
    running.delete(child);
    return code as number | null;
  });
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** The service's own entry point, run from source as `npm start` runs it built. */
export function startMain(env: Record<string, string>): StartedProcess {
  return startProcess(process.execPath, ["--import", "tsx", "src/main.ts"], { env: { PATH: process.env.PATH ?? "", ...env } });
}

export function killAll(): void {
  for (const child of running) {
    child.kill("SIGKILL");
  }
}

/** `program args` on the given CPUs (taskset's list form, "0" or "0,1") when some are given; taskset execs it, so the pid stays the program's. */
export function onCpus(cpus: string | undefined, program: string, args: readonly string[]): [string, string[]] {
  return cpus === undefined ? [program, [...args]] : ["taskset", ["--cpu-list", cpus, program, ...args]];
}

/** The port in the server's "serving" log line; rejects as soon as the server exits instead. */
export async function servingPort(server: StartedProcess): Promise<number> {
  return (await servingLine(server)).port;
}

/**
 * The server's "serving" log line, parsed (every server here, the service and
 * the benchmarks' bare servers, writes one with its port once it serves);
 * rejects as soon as the server exits instead.
 */
export async function servingLine(server: StartedProcess): Promise<{ port: number } & Record<string, unknown>> {
  return JSON.parse(await outputLine(server, '"msg":"serving"')) as { port: number } & Record<string, unknown>;
}

/** The first whole stdout line that contains `text`; rejects as soon as the process exits instead. */
export function outputLine(started: StartedProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      // Whole lines only: a chunk can end in the middle of one.
      const line = started.output().stdout.split("\n").slice(0, -1).find((candidate) => candidate.includes(text));
      if (line !== undefined) {
        started.child.stdout.off("data", check);
        resolve(line);
      }
    };
    started.child.stdout.on("data", check);
    check();
    void started.exited.then((code) => reject(new Error(`${started.child.spawnfile} exited (${code}) before writing "${text}":\n${started.output().stderr}`)));
  });
}
