import { MemorySessionStore } from "../../src/store/memory/memory-session-store.js";
import { describeSessionStoreContract } from "./session-store-contract.js";

describeSessionStoreContract("memory", async (clock, ttlMs) => {
  const store = new MemorySessionStore({ clock, ttlMs, sweepIntervalMs: 0 });
  return { store, teardown: () => store.close() };
});
