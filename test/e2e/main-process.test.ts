/**
 * The process as `npm start` runs it: configuration errors stop it with one
 * line, and SIGTERM drains it to exit code 0.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { createSessionStoreClient } from "../../src/client.js";
import { SessionStatus } from "../../src/gen/sessionstore/v1/session_store_pb.js";

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe("main process", () => {
  it("exits 2 with one line naming the variable when the configuration is bad", async () => {
    const main = startMain({ CHECKOUT_SESSION_TTL_HOURS: "forever" });
    expect(await main.exited).toBe(2);
    const lines = main.output().stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sessionstore: invalid configuration: CHECKOUT_SESSION_TTL_HOURS must be/);
  });

  it("serves on the configured port, logs JSON, and exits 0 on SIGTERM", async () => {
    const main = startMain({ HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info" });
    await expect.poll(() => main.output().stdout, { timeout: 15_000 }).toContain('"msg":"serving"');
    const line = JSON.parse(main.output().stdout.split("\n")[0] ?? "{}") as { port: number; store: string };
    expect(line.store).toBe("memory");
    const client = createSessionStoreClient(`127.0.0.1:${line.port}`);
    expect((await client.countByStatus({ status: SessionStatus.PENDING })).count).toBe(0n);
    main.child.kill("SIGTERM");
    expect(await main.exited).toBe(0);
    expect(main.output().stdout).toContain('"msg":"shutting down"');
  });
});
