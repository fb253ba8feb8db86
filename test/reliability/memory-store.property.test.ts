import { it } from "vitest";
import { MemorySessionStore } from "../../src/store/memory/memory-session-store.js";
import { checkAgainstModel } from "./store-model.js";

it("the memory store agrees with the model on random operation sequences", async () => {
  await checkAgainstModel(
    async (clock, ttlMs) => {
      const store = new MemorySessionStore({ clock, ttlMs, sweepIntervalMs: 0 });
      return { store, teardown: () => store.close() };
    },
    { numRuns: 300, maxOperations: 40, expiryResolutionMs: 1 },
  );
});
