/**
 * Deadlines and cancellation reach the store as an aborted signal, and a
 * stop lets the calls in flight finish while refusing new ones.
 */
import { status as Status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { SessionStoreService } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { MemorySessionStore } from "../../src/store/memory/memory-session-store.js";
import { GatedStore } from "../helpers/gated-store.js";
import { callUnary, createGrpcJsClient, grpcError } from "../helpers/grpc-js-client.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { newSession, noSignal } from "../helpers/sessions.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const M = SessionStoreService.method;

describe("call lifecycle", () => {
  let server: TestServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function gatedServer(): Promise<{ gated: GatedStore; id: string }> {
    const clock = new ManualClock();
    const inner = new MemorySessionStore({ clock, ttlMs: 3_600_000, sweepIntervalMs: 0 });
    const { id } = await inner.create(newSession(), noSignal);
    const gated = new GatedStore(inner);
    server = await startTestServer({}, gated, clock);
    return { gated, id };
  }

  it("aborts the store's signal with a TimeoutError when the deadline passes", async () => {
    const { gated, id } = await gatedServer();
    const client = createGrpcJsClient(server?.address ?? "");
    const error = await grpcError(callUnary(client, M.getSession, { id }, { deadline: Date.now() + 150 }));
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    await expect.poll(() => gated.signals[0]?.aborted).toBe(true);
    expect((gated.signals[0]?.reason as Error).name).toBe("TimeoutError");
    client.close();
  });

  it("aborts the store's signal with an AbortError when the caller cancels", async () => {
    const { gated, id } = await gatedServer();
    const client = createGrpcJsClient(server?.address ?? "");
    const call = client.makeUnaryRequest(
      `/${SessionStoreService.typeName}/GetSession`,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      Buffer.from([0x0a, id.length, ...Buffer.from(id)]),
      () => undefined,
    );
    await gated.waiting;
    call.cancel();
    await expect.poll(() => gated.signals[0]?.aborted).toBe(true);
    expect((gated.signals[0]?.reason as Error).name).toBe("AbortError");
    client.close();
  });

  it("lets an in-flight call finish on stop, and refuses calls after it", async () => {
    const { gated, id } = await gatedServer();
    const running = server as TestServer;
    const client = createGrpcJsClient(running.address);
    const inFlight = callUnary(client, M.getSession, { id });
    await gated.waiting;

    const stopped = running.stop();
    const late = await grpcError(callUnary(client, M.getSession, { id }, { deadline: Date.now() + 2000 }));
    expect(late.code).toBe(Status.UNAVAILABLE);

    gated.release();
    expect((await inFlight).session?.id).toBe(id);
    await stopped;
    expect(running.server.health.status).toBe("NOT_SERVING");
    client.close();
  });
});
