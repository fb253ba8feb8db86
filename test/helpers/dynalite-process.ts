/**
 * dynalite as a child process. With a data directory (LevelDB) a test can
 * kill it outright and start it again on the same port and data, as an outage
 * of the real service would look from the adapter. A benchmark runs it in
 * memory and on a CPU of its own, so its work does not land on the core that
 * measures. It is started through child-process.ts, so killAll() ends it too.
 */
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { onCpus, outputLine, startProcess, type StartedProcess } from "./child-process.js";

const dynaliteCli = createRequire(import.meta.url).resolve("dynalite/cli.js");

export interface DynaliteProcessOptions {
  /** LevelDB directory that outlives a restart; without one the data live in memory and a restart loses them. */
  readonly dataDir?: string;
  /** CPUs to run on, in taskset's list form ("0"); taskset must then be installed. */
  readonly cpus?: string;
}

export class DynaliteProcess {
  private started: StartedProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly options: DynaliteProcessOptions,
  ) {}

  static async start(options: DynaliteProcessOptions = {}): Promise<DynaliteProcess> {
    const process = new DynaliteProcess(await freePort(), options);
    await process.restart();
    return process;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const { dataDir, cpus } = this.options;
    const [program, args] = onCpus(cpus, process.execPath, [
      dynaliteCli,
      ...["--host", "127.0.0.1", "--port", String(this.port), "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
      ...(dataDir === undefined ? [] : ["--path", dataDir]),
    ]);
    const started = startProcess(program, args, { env: process.env });
    this.started = started;
    await outputLine(started, "Dynalite listening");
  }

  /** SIGKILL: no chance to flush or answer what is in flight. */
  async kill(): Promise<void> {
    const started = this.started;
    this.started = undefined;
    if (started && started.child.exitCode === null && started.child.signalCode === null) {
      started.child.kill("SIGKILL");
      await started.exited;
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}
