/**
 * Broken and hostile requests against a running server. Every case must end
 * with the server still serving and the store exactly as it was.
 */
import { randomBytes } from "node:crypto";
import http2 from "node:http2";
import net from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CreateSessionRequestSchema,
  GetSessionRequestSchema,
  SessionStatus,
  SessionStoreService,
} from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { callUnary, createGrpcJsClient } from "../helpers/grpc-js-client.js";
import { frame, rawCall } from "../helpers/raw-grpc.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const M = SessionStoreService.method;
const CREATE = `/${SessionStoreService.typeName}/CreateSession`;
const GET = `/${SessionStoreService.typeName}/GetSession`;
const TICKETS = [{ ticketId: "GA", quantity: 1, unitPriceMinor: 100n, currencyCode: "EUR" }];

describe("hostile and broken input", () => {
  let server: TestServer;
  let client: grpc.Client;
  let baseline: string;

  /** Everything a client can see of the store: counts and full listings per status. */
  async function snapshot(): Promise<string> {
    const parts: unknown[] = [];
    for (const status of [SessionStatus.PENDING, SessionStatus.COMPLETED, SessionStatus.EXPIRED]) {
      const { count } = await callUnary(client, M.countByStatus, { status });
      const { sessions } = await callUnary(client, M.listSessions, { status, pageSize: 500 });
      parts.push(count, sessions);
    }
    return JSON.stringify(parts, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  }

  beforeAll(async () => {
    server = await startTestServer({ MAX_REQUEST_BYTES: "65536", DEFAULT_DEADLINE_SECONDS: "2" });
    client = createGrpcJsClient(server.address);
    for (let i = 0; i < 5; i++) {
      await callUnary(client, M.createSession, { id: `seed-${i}`, eventId: "evt-seed", tickets: TICKETS });
    }
    baseline = await snapshot();
  });

  afterEach(async () => {
    expect(server.server.health.status).toBe("SERVING");
    expect((await callUnary(client, M.getSession, { id: "seed-0" })).session?.id).toBe("seed-0");
    expect(await snapshot()).toBe(baseline);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
  });

  it("answers INVALID_ARGUMENT to random bytes as request messages", async () => {
    for (let i = 0; i < 50; i++) {
      const response = await rawCall(server.address, { path: i % 2 ? CREATE : GET, body: frame(randomBytes(1 + (i * 37) % 300)) });
      expect(response.grpcStatus).toBe(grpc.status.INVALID_ARGUMENT);
    }
  });

  it("answers invalid UTF-8 in a string field with INVALID_ARGUMENT", async () => {
    // field 1 (id), length 3, bytes that are not UTF-8
    const response = await rawCall(server.address, { path: GET, body: frame(Buffer.from([0x0a, 0x03, 0xc3, 0x28, 0xff])) });
    expect(response.grpcStatus).toBe(grpc.status.INVALID_ARGUMENT);
    expect(response.grpcMessage).toContain("not a valid protobuf message");
  });

  it("ignores unknown fields, as protobuf says", async () => {
    const known = Buffer.from(toBinary(GetSessionRequestSchema, create(GetSessionRequestSchema, { id: "seed-1" })));
    const unknown = Buffer.from([0xa8, 0x1f, 0x01, 0xb2, 0x1f, 0x02, 0x68, 0x69]); // field 501 varint, field 502 bytes
    const response = await rawCall(server.address, { path: GET, body: frame(Buffer.concat([known, unknown])) });
    expect(response.grpcStatus).toBe(grpc.status.OK);
  });

  it("refuses a truncated frame without storing anything", async () => {
    const message = Buffer.from(toBinary(CreateSessionRequestSchema, create(CreateSessionRequestSchema, { eventId: "evt-x", tickets: TICKETS })));
    const response = await rawCall(server.address, { path: CREATE, body: frame(message).subarray(0, 12) });
    expect(response.grpcStatus).not.toBe(grpc.status.OK);
  });

  it("answers a frame claiming more bytes than were sent once the deadline passes", async () => {
    const response = await rawCall(server.address, {
      path: CREATE,
      body: frame(Buffer.from([0x0a, 0x01, 0x61]), 1000),
      end: false,
      headers: { "grpc-timeout": "300m" },
    });
    expect(response.grpcStatus).toBe(grpc.status.DEADLINE_EXCEEDED);
  });

  it("answers RESOURCE_EXHAUSTED to a frame over the request size limit", async () => {
    const response = await rawCall(server.address, { path: CREATE, body: frame(Buffer.alloc(70_000, 0x0a)) });
    expect(response.grpcStatus).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("refuses a length prefix of 4 GiB without buffering it", async () => {
    const response = await rawCall(server.address, { path: CREATE, body: frame(Buffer.alloc(10), 0xffffffff), end: false });
    expect(response.grpcStatus).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("answers a wrong content-type with HTTP 415", async () => {
    const response = await rawCall(server.address, { path: GET, body: Buffer.from('{"id":"seed-1"}'), headers: { "content-type": "application/json" } });
    expect(response.httpStatus).toBe(415);
  });

  it("answers UNIMPLEMENTED to unknown methods and services", async () => {
    for (const path of ["/sessionstore.v1.SessionStoreService/Nope", "/nope.v1.Nope/Get", "/", "/////"]) {
      const response = await rawCall(server.address, { path, body: frame(Buffer.alloc(0)) });
      expect(response.grpcStatus).toBe(grpc.status.UNIMPLEMENTED);
    }
  });

  it("refuses huge and numerous metadata headers without harm", async () => {
    const huge = await rawCall(server.address, { path: GET, body: frame(Buffer.from([0x0a, 0x01, 0x61])), headers: { "x-huge": "a".repeat(60_000) } });
    expect(huge.grpcStatus === undefined || huge.grpcStatus !== grpc.status.OK).toBe(true);
    const many: http2.OutgoingHttpHeaders = {};
    for (let i = 0; i < 2000; i++) {
      many[`x-h${i}`] = "v".repeat(20);
    }
    const numerous = await rawCall(server.address, { path: GET, body: frame(Buffer.from([0x0a, 0x01, 0x61])), headers: many });
    expect(numerous.grpcStatus === undefined || numerous.grpcStatus !== grpc.status.OK).toBe(true);
  });

  it("survives clients that open streams and never send", async () => {
    const session = http2.connect(`http://${server.address}`);
    session.on("error", () => undefined);
    const streams = Array.from({ length: 50 }, () => {
      const stream = session.request({ ":method": "POST", ":path": GET, "content-type": "application/grpc", te: "trailers" });
      stream.on("error", () => undefined);
      return stream;
    });
    // The server keeps answering others meanwhile.
    expect((await callUnary(client, M.getSession, { id: "seed-2" })).session?.id).toBe("seed-2");
    streams.forEach((stream) => stream.close(http2.constants.NGHTTP2_CANCEL));
    session.destroy();
  });

  it("survives clients that disconnect mid-call and mid-handshake", async () => {
    const message = Buffer.from(toBinary(CreateSessionRequestSchema, create(CreateSessionRequestSchema, { eventId: "evt-x", tickets: TICKETS })));
    for (let i = 0; i < 20; i++) {
      const session = http2.connect(`http://${server.address}`);
      session.on("error", () => undefined);
      const stream = session.request({ ":method": "POST", ":path": CREATE, "content-type": "application/grpc", te: "trailers" });
      stream.on("error", () => undefined);
      stream.write(frame(message).subarray(0, 8));
      session.destroy();
    }
    const [host, port] = server.address.split(":");
    for (let i = 0; i < 20; i++) {
      const socket = net.connect(Number(port), host);
      socket.on("error", () => undefined);
      socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "garbage".repeat(i));
      socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});
