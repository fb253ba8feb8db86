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

/** The port in the server's "serving" log line; rejects as soon as the server exits instead. */
export async function servingPort(server: StartedProcess): Promise<number> {
  return (await servingLine(server)).port;
}

/**
 * The server's "serving" log line, parsed (every server here, the service and
 * the benchmarks' bare servers, writes one with its port once it serves);
 * rejects as soon as the server exits instead.
 */
export function servingLine(server: StartedProcess): Promise<{ port: number } & Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const check = () => {
      // Whole lines only: a chunk can end in the middle of one.
      const lines = server.output().stdout.split("\n").slice(0, -1);
      const line = lines.find((candidate) => candidate.includes('"msg":"serving"'));
      if (line !== undefined) {
        server.child.stdout.off("data", check);
        resolve(JSON.parse(line) as { port: number } & Record<string, unknown>);
      }
    };
    server.child.stdout.on("data", check);
    check();
    void server.exited.then((code) => reject(new Error(`the server exited (${code}) before serving:\n${server.output().stderr}`)));
  });
}
