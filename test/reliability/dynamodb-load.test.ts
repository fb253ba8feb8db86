/**
 * About a minute of mixed load from concurrent clients against the service
 * on DynamoDB, with a proxy injecting throttles, 500s, delays, resets and
 * lost responses at random, and the DynamoDB-compatible server (a child
 * process with its data on disk) killed and restarted in the middle. Then,
 * with faults off, the store must hold exactly what the clients were told.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import { createSessionStoreClient } from "../../src/client.js";
import { systemClock } from "../../src/clock.js";
import { createLogger } from "../../src/logger.js";
import { RetryPolicy } from "../../src/retry.js";
import { DynamoDbSessionStore } from "../../src/store/dynamodb/dynamodb-session-store.js";
import { localClient, provisionLocalTable } from "../helpers/dynalite.js";
import { DynaliteProcess } from "../helpers/dynalite-process.js";
import { FaultProxy, type Fault } from "../helpers/fault-proxy.js";
import { startTestServer } from "../helpers/test-server.js";
import { runWorkload, verifyLedger } from "./ledger.js";

const LOAD_MS = 45_000;
const OUTAGE_STARTS_MS = 15_000;
const OUTAGE_MS = 8_000;
const CALL_TIMEOUT_MS = 1500;

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Roughly one request in eight meets a fault. */
function randomFault(): Fault | undefined {
  const dice = Math.random();
  if (dice < 0.04) return { kind: "throttle" };
  if (dice < 0.07) return { kind: "server-error" };
  if (dice < 0.09) return { kind: "delay", ms: 300 };
  if (dice < 0.115) return { kind: "lose-response" };
  if (dice < 0.125) return { kind: "reset" };
  return undefined;
}

it(
  "loses no acknowledged write under faults and a DynamoDB restart, fails fast while it is down, and recovers",
  async () => {
    const dynalite = await DynaliteProcess.start({ dataDir: mkdtempSync(join(tmpdir(), "sessionstore-dynalite-")) });
    const setupClient = localClient(dynalite.endpoint);
    await provisionLocalTable(setupClient, "load", 8);
    setupClient.destroy();
    const proxy = await FaultProxy.start(dynalite.endpoint);

    const store = new DynamoDbSessionStore({
      client: localClient(proxy.endpoint),
      tableName: "load",
      statusShards: 8,
      clock: systemClock,
      ttlMs: 3_600_000,
      retry: new RetryPolicy({ maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, logger: createLogger("silent") }),
    });
    const server = await startTestServer({ HEALTH_CHECK_INTERVAL_SECONDS: "0.5", HEALTH_CHECK_FAILURE_THRESHOLD: "2" }, store);
    const client = createSessionStoreClient(server.address);
    const heapBefore = heapAfterGc();
    const handlesBefore = process.getActiveResourcesInfo().length;

    try {
      proxy.setPlan(randomFault);
      const outage = (async () => {
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_STARTS_MS));
        await dynalite.kill();
        const healthDuringOutage = new Promise<string>((resolve) => setTimeout(() => resolve(server.server.health.status), OUTAGE_MS - 500));
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
        await dynalite.restart();
        return healthDuringOutage;
      })();
      const ledger = await runWorkload({ client, workers: 24, durationMs: LOAD_MS, timeoutMs: CALL_TIMEOUT_MS, prefix: "dyn" });
      const healthDuringOutage = await outage;

      const faults: Record<string, number> = {};
      for (const request of proxy.requests) {
        faults[request.fault] = (faults[request.fault] ?? 0) + 1;
      }
      proxy.clear();
      await expect.poll(() => server.server.health.status, { timeout: 10_000 }).toBe("SERVING");
      const { checked, lost } = await verifyLedger(client, ledger, "dyn", { countEqualsListing: false });
      const { stats } = ledger;
      console.info(
        `dynamodb load: ${stats.calls} calls, ${stats.acknowledged} acknowledged, ${stats.openOutcomes} open outcomes, ` +
          `DynamoDB requests by fault ${JSON.stringify(faults)}, ` +
          `refused ${JSON.stringify(stats.refused)}, slowest call ${stats.slowestCallMs} ms, ${checked} sessions checked, ${lost} lost, ` +
          `health during outage ${healthDuringOutage}`,
      );
      expect(lost).toBe(0);
      expect(healthDuringOutage).toBe("NOT_SERVING");
      expect(stats.refused.Unavailable ?? 0).toBeGreaterThan(0);
      // Calls fail at their deadline at the latest, never hang (the margin is for a starved CPU, not for speed).
      expect(stats.slowestCallMs).toBeLessThan(CALL_TIMEOUT_MS + 3000);
    } finally {
      await server.stop();
      await proxy.close();
      await dynalite.kill();
    }
    const heapAfter = heapAfterGc();
    console.info(`heap before ${Math.round(heapBefore / 1e6)} MB, after ${Math.round(heapAfter / 1e6)} MB`);
    expect(heapAfter).toBeLessThan(heapBefore * 1.5 + 20e6);
    // Sockets and pipes finish closing a moment after the last close() resolves.
    await expect.poll(() => process.getActiveResourcesInfo().length, { timeout: 10_000 }).toBeLessThanOrEqual(handlesBefore);
  },
  120_000,
);
