/**
 * Every RPC over a real server on a loopback port, called by a plain
 * @grpc/grpc-js client, with the status codes and error details the API
 * promises.
 */
import { status as Status, type Client } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionStatus, SessionStoreService } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { callRawUnary, callUnary, createGrpcJsClient, errorDetails, grpcError } from "../helpers/grpc-js-client.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const M = SessionStoreService.method;
const TICKETS = [{ ticketId: "GA", quantity: 2, unitPriceMinor: 4500n, currencyCode: "EUR" }];

describe("SessionStoreService over grpc-js", () => {
  let server: TestServer;
  let client: Client;

  beforeAll(async () => {
    server = await startTestServer({ CHECKOUT_SESSION_TTL_HOURS: "2" });
    client = createGrpcJsClient(server.address);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
  });

  const createSession = (request: Parameters<typeof callUnary<typeof M.createSession.input, typeof M.createSession.output>>[2]) =>
    callUnary(client, M.createSession, request);

  describe("createSession", () => {
    it("creates a PENDING session with a random UUID that expires CHECKOUT_SESSION_TTL_HOURS later", async () => {
      const { session } = await createSession({ eventId: "evt-1", tickets: TICKETS, metadata: { channel: "web" } });
      expect(session?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(session).toMatchObject({
        eventId: "evt-1",
        status: SessionStatus.PENDING,
        metadata: { channel: "web" },
        version: 1n,
      });
      expect(session?.tickets[0]).toMatchObject({ ticketId: "GA", quantity: 2, unitPriceMinor: 4500n, currencyCode: "EUR" });
      const created = session?.createdAt?.seconds ?? 0n;
      expect(session?.expiresAt?.seconds).toBe(created + 2n * 3600n);
      expect(session?.updatedAt).toEqual(session?.createdAt);
    });

    it("uses a given id, and answers ALREADY_EXISTS when it is taken", async () => {
      await createSession({ id: "fixed-id-1", eventId: "evt-1", tickets: TICKETS });
      const error = await grpcError(createSession({ id: "fixed-id-1", eventId: "evt-2", tickets: TICKETS }));
      expect(error.code).toBe(Status.ALREADY_EXISTS);
      expect(errorDetails(error).errorInfo).toMatchObject({ reason: "SESSION_ALREADY_EXISTS", domain: "sessionstore" });
      const { session } = await callUnary(client, M.getSession, { id: "fixed-id-1" });
      expect(session?.eventId).toBe("evt-1");
    });

    it("answers INVALID_ARGUMENT naming every bad field, and stores nothing", async () => {
      const before = await callUnary(client, M.countByStatus, { status: SessionStatus.PENDING });
      const error = await grpcError(
        createSession({
          id: "bad id!",
          eventId: "",
          tickets: [{ ticketId: "GA", quantity: 0, unitPriceMinor: -1n, currencyCode: "eur" }],
          metadata: { "bad key": "v" },
        }),
      );
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(error.details).toContain("event_id");
      const { errorInfo, badRequest } = errorDetails(error);
      expect(errorInfo).toMatchObject({ reason: "INVALID_REQUEST", domain: "sessionstore" });
      expect(badRequest?.fieldViolations.map((v) => v.field)).toEqual([
        "id",
        "event_id",
        "tickets[0].quantity",
        "tickets[0].unit_price_minor",
        "tickets[0].currency_code",
        'metadata["bad key"]',
      ]);
      expect(await callUnary(client, M.countByStatus, { status: SessionStatus.PENDING })).toEqual(before);
    });

    it("refuses a session without tickets", async () => {
      const error = await grpcError(createSession({ eventId: "evt-1", tickets: [] }));
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(errorDetails(error).badRequest?.fieldViolations[0]).toMatchObject({ field: "tickets" });
    });
  });

  describe("getSession", () => {
    it("returns a stored session", async () => {
      const { session } = await createSession({ eventId: "evt-1", tickets: TICKETS });
      expect((await callUnary(client, M.getSession, { id: session?.id ?? "" })).session).toEqual(session);
    });

    it("answers NOT_FOUND with SESSION_NOT_FOUND for a missing session", async () => {
      const error = await grpcError(callUnary(client, M.getSession, { id: "missing" }));
      expect(error.code).toBe(Status.NOT_FOUND);
      expect(errorDetails(error).errorInfo).toMatchObject({ reason: "SESSION_NOT_FOUND", metadata: { session_id: "missing" } });
    });

    it("answers NOT_FOUND from the instant the session expires", async () => {
      const { session } = await createSession({ eventId: "evt-1", tickets: TICKETS });
      server.clock.advance(2 * 3_600_000);
      const error = await grpcError(callUnary(client, M.getSession, { id: session?.id ?? "" }));
      expect(error.code).toBe(Status.NOT_FOUND);
    });

    it("answers INVALID_ARGUMENT for an empty id", async () => {
      const error = await grpcError(callUnary(client, M.getSession, { id: "" }));
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(errorDetails(error).badRequest?.fieldViolations).toEqual([
        expect.objectContaining({ field: "id", description: "is required" }),
      ]);
    });
  });

  describe("updateSessionStatus", () => {
    it("completes a session and answers the changed session", async () => {
      const { session } = await createSession({ eventId: "evt-1", tickets: TICKETS });
      const { session: updated } = await callUnary(client, M.updateSessionStatus, {
        id: session?.id ?? "",
        status: SessionStatus.COMPLETED,
        expectedVersion: 1n,
      });
      expect(updated).toMatchObject({ status: SessionStatus.COMPLETED, version: 2n, expiresAt: session?.expiresAt });
    });

    it("answers ABORTED on a stale expected_version, FAILED_PRECONDITION on an illegal move", async () => {
      const { session } = await createSession({ eventId: "evt-1", tickets: TICKETS });
      const id = session?.id ?? "";
      const stale = await grpcError(callUnary(client, M.updateSessionStatus, { id, status: SessionStatus.COMPLETED, expectedVersion: 5n }));
      expect(stale.code).toBe(Status.ABORTED);
      expect(errorDetails(stale).errorInfo).toMatchObject({
        reason: "SESSION_VERSION_MISMATCH",
        metadata: { expected_version: "5", current_version: "1" },
      });
      await callUnary(client, M.updateSessionStatus, { id, status: SessionStatus.EXPIRED });
      const illegal = await grpcError(callUnary(client, M.updateSessionStatus, { id, status: SessionStatus.PENDING }));
      expect(illegal.code).toBe(Status.FAILED_PRECONDITION);
      expect(errorDetails(illegal).errorInfo).toMatchObject({
        reason: "ILLEGAL_STATUS_TRANSITION",
        metadata: { from_status: "EXPIRED", to_status: "PENDING" },
      });
    });

    it("answers INVALID_ARGUMENT for an UNSPECIFIED status or a version below 1", async () => {
      const error = await grpcError(
        callUnary(client, M.updateSessionStatus, { id: "x", status: SessionStatus.UNSPECIFIED, expectedVersion: 0n }),
      );
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      expect(errorDetails(error).badRequest?.fieldViolations.map((v) => v.field)).toEqual(["status", "expected_version"]);
    });

    it("answers NOT_FOUND for a missing session", async () => {
      const error = await grpcError(callUnary(client, M.updateSessionStatus, { id: "missing", status: SessionStatus.COMPLETED }));
      expect(error.code).toBe(Status.NOT_FOUND);
    });
  });

  describe("deleteSession", () => {
    it("deletes, then answers NOT_FOUND unless allow_missing", async () => {
      const { session } = await createSession({ eventId: "evt-1", tickets: TICKETS });
      const id = session?.id ?? "";
      await callUnary(client, M.deleteSession, { id });
      expect((await grpcError(callUnary(client, M.getSession, { id }))).code).toBe(Status.NOT_FOUND);
      expect((await grpcError(callUnary(client, M.deleteSession, { id }))).code).toBe(Status.NOT_FOUND);
      await expect(callUnary(client, M.deleteSession, { id, allowMissing: true })).resolves.toBeDefined();
    });
  });

  describe("countByStatus and listSessions", () => {
    it("count and list the unexpired sessions of a status, page by page", async () => {
      server.clock.advance(2 * 3_600_000); // everything earlier tests made has expired
      const eventId = "evt-listing";
      const ids = new Set<string>();
      for (let i = 0; i < 7; i++) {
        const { session } = await createSession({ eventId, tickets: TICKETS });
        const { session: done } = await callUnary(client, M.updateSessionStatus, { id: session?.id ?? "", status: SessionStatus.EXPIRED });
        ids.add(done?.id ?? "");
      }
      const { count } = await callUnary(client, M.countByStatus, { status: SessionStatus.EXPIRED });
      expect(count).toBe(7n);

      const seen: string[] = [];
      let pageToken = "";
      do {
        const page = await callUnary(client, M.listSessions, { status: SessionStatus.EXPIRED, pageSize: 3, pageToken });
        expect(page.sessions.length).toBeLessThanOrEqual(3);
        seen.push(...page.sessions.map((s) => s.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== "");
      expect(seen.sort()).toEqual([...ids].sort());
    });

    it("answers INVALID_ARGUMENT for a negative page size, an UNSPECIFIED status, or a token of another status", async () => {
      const negative = await grpcError(callUnary(client, M.listSessions, { status: SessionStatus.PENDING, pageSize: -1 }));
      expect(negative.code).toBe(Status.INVALID_ARGUMENT);
      expect(errorDetails(negative).badRequest?.fieldViolations[0]?.field).toBe("page_size");

      const unspecified = await grpcError(callUnary(client, M.countByStatus, { status: SessionStatus.UNSPECIFIED }));
      expect(unspecified.code).toBe(Status.INVALID_ARGUMENT);

      for (let i = 0; i < 2; i++) {
        await createSession({ eventId: "evt-1", tickets: TICKETS });
      }
      const first = await callUnary(client, M.listSessions, { status: SessionStatus.PENDING, pageSize: 1 });
      expect(first.nextPageToken).not.toBe("");
      const crossed = await grpcError(
        callUnary(client, M.listSessions, { status: SessionStatus.COMPLETED, pageSize: 1, pageToken: first.nextPageToken }),
      );
      expect(crossed.code).toBe(Status.INVALID_ARGUMENT);
      expect(errorDetails(crossed).errorInfo?.reason).toBe("INVALID_PAGE_TOKEN");

      const garbage = await grpcError(callUnary(client, M.listSessions, { status: SessionStatus.PENDING, pageToken: "%%%" }));
      expect(garbage.code).toBe(Status.INVALID_ARGUMENT);
    });

    it("lowers a page size above the maximum to 500", async () => {
      for (let i = 0; i < 3; i++) {
        await createSession({ eventId: "evt-1", tickets: TICKETS });
      }
      const page = await callUnary(client, M.listSessions, { status: SessionStatus.PENDING, pageSize: 1_000_000 });
      expect(page.sessions.length).toBeGreaterThanOrEqual(3);
      expect(page.sessions.length).toBeLessThanOrEqual(500);
    });
  });

  it("answers INVALID_ARGUMENT with MALFORMED_REQUEST to bytes that are not a request message", async () => {
    const error = await grpcError(callRawUnary(client, `/${SessionStoreService.typeName}/GetSession`, Buffer.from([0x0a, 0xff, 0xff, 0xff])));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(errorDetails(error).errorInfo?.reason).toBe("MALFORMED_REQUEST");
  });

  it("answers UNIMPLEMENTED to a method the service does not have", async () => {
    const error = await grpcError(callRawUnary(client, `/${SessionStoreService.typeName}/RenewSession`, Buffer.alloc(0)));
    expect(error.code).toBe(Status.UNIMPLEMENTED);
  });
});
