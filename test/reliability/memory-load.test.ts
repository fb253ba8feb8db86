/**
 * Many concurrent clients on the memory store: everything acknowledged holds
 * afterwards, nothing appears that nobody created.
 */
import { expect, it } from "vitest";
import { createSessionStoreClient } from "../../src/client.js";
import { systemClock } from "../../src/clock.js";
import { MemorySessionStore } from "../../src/store/memory/memory-session-store.js";
import { startTestServer } from "../helpers/test-server.js";
import { runWorkload, verifyLedger } from "./ledger.js";

it("keeps every acknowledged write under concurrent load on the memory store", async () => {
  const store = new MemorySessionStore({ clock: systemClock, ttlMs: 3_600_000 });
  const server = await startTestServer({}, store);
  const client = createSessionStoreClient(server.address);
  const ledger = await runWorkload({ client, workers: 32, durationMs: 5000, timeoutMs: 5000, prefix: "load" });
  const { checked, lost } = await verifyLedger(client, ledger, "load", { countEqualsListing: true });
  console.info(`memory load: ${ledger.stats.calls} calls, ${ledger.stats.acknowledged} acknowledged, ${checked} sessions checked, ${lost} lost`);
  expect(lost).toBe(0);
  expect(ledger.stats.openOutcomes).toBe(0);
  expect(checked).toBeGreaterThan(100);
  await server.stop();
});
