/**
 * The process as `npm start` runs it: configuration errors stop it with one
 * line, and SIGTERM drains it to exit code 0.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createSessionStoreClient } from "../../src/client.js";
import { SessionStatus } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { killAll, servingPort, startMain } from "../helpers/child-process.js";

describe("main process", () => {
  afterEach(killAll);

  it("exits 2 with one line naming the variable when the configuration is bad", async () => {
    const main = startMain({ CHECKOUT_SESSION_TTL_HOURS: "forever" });
    expect(await main.exited).toBe(2);
    const lines = main.output().stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sessionstore: invalid configuration: CHECKOUT_SESSION_TTL_HOURS must be/);
  });

  it("serves on the configured port, logs JSON, and exits 0 on SIGTERM", async () => {
    const main = startMain({ HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info" });
    const port = await servingPort(main);
    expect(main.output().stdout).toContain('"store":"memory"');
    const client = createSessionStoreClient(`127.0.0.1:${port}`);
    expect((await client.countByStatus({ status: SessionStatus.PENDING })).count).toBe(0n);
    main.child.kill("SIGTERM");
    expect(await main.exited).toBe(0);
    expect(main.output().stdout).toContain('"msg":"shutting down"');
  });
});
