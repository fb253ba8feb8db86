/**
 * The clients other teams use: the exported connect-node gRPC client on the
 * gRPC port, and the Connect protocol (and plain JSON over HTTP) on the
 * second port, all served by the same handlers.
 */
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionStoreClient, type SessionStoreClient } from "../../src/client.js";
import { BadRequestSchema, ErrorInfoSchema } from "../../src/gen/google/rpc/error_details_pb.js";
import { SessionStatus, SessionStoreService } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const TICKETS = [{ ticketId: "GA", quantity: 1, unitPriceMinor: 1000n, currencyCode: "EUR" }];

async function connectError(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call succeeded but was expected to fail");
}

describe("typed clients", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ CONNECT_PORT: "0" });
  });

  afterAll(async () => {
    await server.stop();
  });

  describe("createSessionStoreClient (gRPC)", () => {
    let client: SessionStoreClient;

    beforeAll(() => {
      client = createSessionStoreClient(server.address);
    });

    it("calls every RPC", async () => {
      const { session } = await client.createSession({ eventId: "evt-typed", tickets: TICKETS, metadata: { a: "b" } });
      const id = session?.id ?? "";
      expect((await client.getSession({ id })).session).toEqual(session);
      expect((await client.updateSessionStatus({ id, status: SessionStatus.COMPLETED })).session?.version).toBe(2n);
      expect((await client.countByStatus({ status: SessionStatus.COMPLETED })).count).toBeGreaterThanOrEqual(1n);
      const listed = await client.listSessions({ status: SessionStatus.COMPLETED, pageSize: 500 });
      expect(listed.sessions.map((s) => s.id)).toContain(id);
      await client.deleteSession({ id });
      const error = await connectError(client.getSession({ id }));
      expect(error.code).toBe(Code.NotFound);
      expect(error.findDetails(ErrorInfoSchema)[0]).toMatchObject({ reason: "SESSION_NOT_FOUND", domain: "sessionstore" });
    });

    it("sees field violations as google.rpc.BadRequest", async () => {
      const error = await connectError(client.createSession({ eventId: "evt", tickets: [] }));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.findDetails(BadRequestSchema)[0]?.fieldViolations.map((v) => v.field)).toEqual(["tickets"]);
    });

    it("gets DEADLINE_EXCEEDED rather than waiting past its deadline", async () => {
      const error = await connectError(client.getSession({ id: "any" }, { timeoutMs: 0.0001 }));
      expect(error.code).toBe(Code.DeadlineExceeded);
    });
  });

  describe("Connect protocol on CONNECT_PORT", () => {
    it("serves the same sessions over Connect with HTTP/1.1", async () => {
      const grpcClient = createSessionStoreClient(server.address);
      const { session } = await grpcClient.createSession({ eventId: "evt-connect", tickets: TICKETS });
      const connectClient = createClient(
        SessionStoreService,
        createConnectTransport({ baseUrl: `http://127.0.0.1:${server.server.connectPort}`, httpVersion: "1.1" }),
      );
      expect((await connectClient.getSession({ id: session?.id ?? "" })).session).toEqual(session);
      const error = await connectError(connectClient.updateSessionStatus({ id: session?.id ?? "", status: SessionStatus.COMPLETED, expectedVersion: 9n }));
      expect(error.code).toBe(Code.Aborted);
      expect(error.findDetails(ErrorInfoSchema)[0]?.reason).toBe("SESSION_VERSION_MISMATCH");
    });

    it("answers plain JSON POSTs, as curl would send them", async () => {
      const base = `http://127.0.0.1:${server.server.connectPort}/sessionstore.v1.SessionStoreService`;
      const created = await fetch(`${base}/CreateSession`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ eventId: "evt-json", tickets: [{ ticketId: "GA", quantity: 1, unitPriceMinor: "100", currencyCode: "EUR" }] }),
      });
      expect(created.status).toBe(200);
      const body = (await created.json()) as { session: { id: string; status: string } };
      expect(body.session.status).toBe("SESSION_STATUS_PENDING");

      const missing = await fetch(`${base}/GetSession`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: "missing" }),
      });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: "not_found" });
    });
  });
});
