/**
 * The container's health probe against real servers, in plaintext and over
 * TLS and mutual TLS with certificates made for the test.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import { SessionStoreService } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { healthProbeOptionsFromEnv, probeHealth } from "../../src/health-probe.js";
import { createAuthority, issueCertificate, type Authority } from "../helpers/certificates.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

describe("probeHealth", () => {
  describe("against the service, in plaintext", () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer();
    });

    afterAll(async () => {
      await server.stop();
    });

    const probe = (service = "") => probeHealth(healthProbeOptionsFromEnv({ PORT: String(server.server.grpcPort) }, service));

    it("answers SERVING for the server and for SessionStoreService", async () => {
      expect(await probe()).toEqual({ serving: true, reason: "SERVING" });
      expect(await probe(SessionStoreService.typeName)).toEqual({ serving: true, reason: "SERVING" });
    });

    it("answers NOT_FOUND for a service the server does not know", async () => {
      expect(await probe("no.such.Service")).toMatchObject({ serving: false, reason: expect.stringMatching(/^NOT_FOUND: /) as unknown });
    });

    it("is not serving once the server is draining", async () => {
      server.server.health.set("NOT_SERVING");
      try {
        expect(await probe()).toEqual({ serving: false, reason: "NOT_SERVING" });
      } finally {
        server.server.health.set("SERVING");
      }
    });
  });

  it("answers UNAVAILABLE, in one line, when nothing listens on the port", async () => {
    const server = await startTestServer();
    const port = String(server.server.grpcPort);
    await server.stop();
    const result = await probeHealth(healthProbeOptionsFromEnv({ PORT: port }));
    expect(result).toMatchObject({ serving: false, reason: expect.stringMatching(/^UNAVAILABLE: .*ECONNREFUSED/) as unknown });
    expect(result.reason).not.toMatch(/\n/);
  });

  describe("over TLS, with the server's own TLS settings", () => {
    let dir: string;
    let ca: Authority;
    const servers: TestServer[] = [];

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "sessionstore-probe-tls-"));
      ca = await createAuthority("sessionstore test CA");
    });

    afterEach(async () => {
      await Promise.all(servers.splice(0).map((server) => server.stop()));
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** TLS_CERT_FILE and TLS_KEY_FILE for a new certificate from the test CA. */
    async function certificateEnv(name: string, usage: "server" | "both"): Promise<Env> {
      const pem = await issueCertificate(ca, { commonName: "localhost", usage });
      const cert = path.join(dir, `${name}.pem`);
      const key = path.join(dir, `${name}-key.pem`);
      await writeFile(cert, pem.cert);
      await writeFile(key, pem.key);
      return { TLS_CERT_FILE: cert, TLS_KEY_FILE: key };
    }

    /** A server with these TLS settings, and the environment a probe beside it would see. */
    async function serve(env: Env): Promise<Env> {
      const server = await startTestServer(env);
      servers.push(server);
      return { ...env, PORT: String(server.server.grpcPort) };
    }

    async function clientCaEnv(): Promise<Env> {
      const file = path.join(dir, "client-ca.pem");
      await writeFile(file, ca.cert);
      return { TLS_CLIENT_CA_FILE: file };
    }

    it("trusts the server's own certificate, though a CA issued it and no CA file is given", async () => {
      const env = await serve(await certificateEnv("tls", "server"));
      expect(await probeHealth(healthProbeOptionsFromEnv(env))).toEqual({ serving: true, reason: "SERVING" });
    });

    it("presents the server's certificate under mutual TLS, when it is valid for client authentication", async () => {
      const env = await serve({ ...(await certificateEnv("mtls", "both")), ...(await clientCaEnv()) });
      expect(await probeHealth(healthProbeOptionsFromEnv(env))).toEqual({ serving: true, reason: "SERVING" });
    });

    it("is refused under mutual TLS when the server's certificate is for server authentication only", async () => {
      const env = await serve({ ...(await certificateEnv("server-only", "server")), ...(await clientCaEnv()) });
      expect(await probeHealth(healthProbeOptionsFromEnv(env))).toMatchObject({
        serving: false,
        reason: expect.stringMatching(/^UNAVAILABLE: /) as unknown,
      });
    });

    it("refuses a server presenting any other certificate, even one the same CA issued", async () => {
      const { PORT } = await serve(await certificateEnv("served", "server"));
      const other = await certificateEnv("other", "server");
      expect(await probeHealth(healthProbeOptionsFromEnv({ ...other, PORT }))).toMatchObject({
        serving: false,
        reason: expect.stringMatching(/^UNAVAILABLE: .*certificate/) as unknown,
      });
    });
  });
});
