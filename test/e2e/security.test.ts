/**
 * Real TLS handshakes with certificates made for the test: TLS, mutual TLS
 * (no certificate, another CA's, an expired one, the right one), bearer
 * tokens, and reflection turned off.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus as Serving } from "../../src/gen/health/v1/health_pb.js";
import { SessionStatus, SessionStoreService } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { captureLogs } from "../helpers/captured-logger.js";
import { createAuthority, issueCertificate, type Authority, type Pem } from "../helpers/certificates.js";
import { callUnary, createGrpcJsClient, errorDetails, grpcError } from "../helpers/grpc-js-client.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const M = SessionStoreService.method;
const dir = mkdtempSync(join(tmpdir(), "sessionstore-tls-"));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function tlsClient(address: string, ca: Authority, identity?: Pem): grpc.Client {
  const credentials = grpc.credentials.createSsl(
    Buffer.from(ca.cert),
    identity && Buffer.from(identity.key),
    identity && Buffer.from(identity.cert),
  );
  return new grpc.Client(address, credentials);
}

const count = (client: grpc.Client, metadata?: grpc.Metadata) =>
  callUnary(client, M.countByStatus, { status: SessionStatus.PENDING }, { deadline: Date.now() + 5000 }, metadata);

describe("transport security", () => {
  let ca: Authority;
  let otherCa: Authority;
  let serverFiles: { cert: string; key: string };

  beforeAll(async () => {
    ca = await createAuthority("sessionstore test CA");
    otherCa = await createAuthority("someone else's CA");
    const serverPem = await issueCertificate(ca, { commonName: "localhost", usage: "server" });
    serverFiles = { cert: file("server.pem", serverPem.cert), key: file("server-key.pem", serverPem.key) };
  });

  describe("TLS", () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer({ TLS_CERT_FILE: serverFiles.cert, TLS_KEY_FILE: serverFiles.key });
    });

    afterAll(async () => {
      await server.stop();
    });

    it("serves a client that trusts the server's CA", async () => {
      const client = tlsClient(server.address, ca);
      expect((await count(client)).count).toBe(0n);
      client.close();
    });

    it("refuses a plaintext client", async () => {
      const client = createGrpcJsClient(server.address);
      const error = await grpcError(count(client));
      expect(error.code).toBe(grpc.status.UNAVAILABLE);
      client.close();
    });
  });

  describe("mutual TLS", () => {
    let server: TestServer;
    const logs = captureLogs("debug");

    beforeAll(async () => {
      server = await startTestServer(
        { TLS_CERT_FILE: serverFiles.cert, TLS_KEY_FILE: serverFiles.key, TLS_CLIENT_CA_FILE: file("clients-ca.pem", ca.cert) },
        undefined,
        new ManualClock(),
        logs.logger,
      );
    });

    afterAll(async () => {
      await server.stop();
    });

    it("serves a client with a certificate from the client CA, and logs it as the caller", async () => {
      const identity = await issueCertificate(ca, { commonName: "checkout-api", usage: "client" });
      const client = tlsClient(server.address, ca, identity);
      expect((await count(client)).count).toBe(0n);
      await grpcError(callUnary(client, M.getSession, { id: "missing" }));
      expect(logs.lines().find((line) => line.code === "NOT_FOUND")).toMatchObject({ method: "GetSession", caller: "checkout-api" });
      client.close();
    });

    it.each([
      ["no certificate", async () => undefined],
      ["a certificate from another CA", async () => issueCertificate(otherCa, { commonName: "intruder", usage: "client" })],
      ["an expired certificate", async () => issueCertificate(ca, { commonName: "old", usage: "client", validFromDays: -60, validToDays: -1 })],
    ])("refuses a client with %s", async (_, makeIdentity) => {
      const client = tlsClient(server.address, ca, await makeIdentity());
      const error = await grpcError(count(client));
      expect(error.code).toBe(grpc.status.UNAVAILABLE);
      client.close();
    });
  });

  describe("bearer tokens", () => {
    let server: TestServer;
    let client: grpc.Client;
    const logs = captureLogs("debug");
    const token = "s3cr3t-token-for-checkout-0123456789";

    beforeAll(async () => {
      const tokens = file("tokens", `# caller token\ncheckout-api ${token}\nreporting  another-token-0123456789abcdef\n`);
      server = await startTestServer({ AUTH_TOKENS_FILE: tokens }, undefined, new ManualClock(), logs.logger);
      client = createGrpcJsClient(server.address);
    });

    afterAll(async () => {
      client.close();
      await server.stop();
    });

    const withAuthorization = (value: string) => {
      const metadata = new grpc.Metadata();
      metadata.set("authorization", value);
      return metadata;
    };

    it("answers UNAUTHENTICATED without a token or with a wrong one", async () => {
      const missing = await grpcError(count(client));
      expect(missing.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(errorDetails(missing).errorInfo?.reason).toBe("UNAUTHENTICATED");
      const wrong = await grpcError(count(client, withAuthorization(`Bearer ${token}x`)));
      expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
      const notBearer = await grpcError(count(client, withAuthorization(`Basic ${token}`)));
      expect(notBearer.code).toBe(grpc.status.UNAUTHENTICATED);
    });

    it("serves a known token and names its caller in the logs, never the token", async () => {
      expect((await count(client, withAuthorization(`Bearer ${token}`))).count).toBe(0n);
      await grpcError(callUnary(client, M.getSession, { id: "missing" }, {}, withAuthorization(`Bearer ${token}`)));
      expect(logs.lines().find((line) => line.code === "NOT_FOUND")).toMatchObject({ caller: "checkout-api" });
      expect(logs.text()).not.toContain(token);
    });

    it("leaves health open", async () => {
      expect((await callUnary(client, Health.method.check, { service: "" })).status).toBe(Serving.SERVING);
    });
  });

  it("does not serve reflection when REFLECTION_ENABLED=false", async () => {
    const server = await startTestServer({ REFLECTION_ENABLED: "false" });
    const client = createGrpcJsClient(server.address);
    const stream = client.makeBidiStreamRequest(
      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
    );
    const error = await new Promise<grpc.ServiceError>((resolve) => {
      stream.on("error", resolve);
      stream.on("data", () => undefined);
      stream.write(Buffer.from([0x3a, 0x00]));
      stream.end();
    });
    expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
    client.close();
    await server.stop();
  });
});
