/**
 * dynalite as a child process keeping its data on disk (LevelDB), so a test
 * can kill it outright and start it again on the same port and data, as an
 * outage of the real service would look from the adapter.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { createServer } from "node:net";

const dynaliteCli = createRequire(import.meta.url).resolve("dynalite/cli.js");

export class DynaliteProcess {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dataDir: string,
  ) {}

  static async start(dataDir: string): Promise<DynaliteProcess> {
    const process = new DynaliteProcess(await freePort(), dataDir);
    await process.restart();
    return process;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const child = spawn(
      process.execPath,
      [dynaliteCli, "--host", "127.0.0.1", "--port", String(this.port), "--path", this.dataDir, "--createTableMs", "0", "--deleteTableMs", "0"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    this.child = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Dynalite listening")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`dynalite exited with ${code} before listening`)));
    });
  }

  /** SIGKILL: no chance to flush or answer what is in flight. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
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
