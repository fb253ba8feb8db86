/**
 * One grpc.health.v1 Check against this process's own gRPC port: what the
 * container's HEALTHCHECK runs (through src/healthcheck.ts). It reads the
 * server's own configuration, so it finds the port where the server binds it
 * and speaks TLS when the server does. Health is never behind bearer tokens,
 * so it sends none.
 */
import { X509Certificate } from "node:crypto";
import { createSecureContext } from "node:tls";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { loadConfig, readEnv } from "./config.js";
import {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from "./gen/health/v1/health_pb.js";
import { readTlsMaterial, type TlsMaterial } from "./security/tls.js";

export interface HealthProbeOptions {
  /** host:port of the gRPC port. */
  readonly address: string;
  /** The service to ask about; "" is the server as a whole. */
  readonly service: string;
  readonly credentials: grpc.ChannelCredentials;
  readonly channelOptions: grpc.ChannelOptions;
  /** Deadline of the call; an answer later than this counts as unhealthy. */
  readonly timeoutMs: number;
}

export interface HealthProbeResult {
  readonly serving: boolean;
  /** One line for the health log: the status, or why there was none. */
  readonly reason: string;
}

/** Short enough to fit, with Node's start-up, in the image's HEALTHCHECK --timeout. */
const DEFAULT_TIMEOUT_MS = 2000;

/**
 * The probe's options from the server's own configuration: it dials the port
 * the server binds and speaks TLS when the server does, and a bad value fails
 * here as it would there.
 */
export function healthProbeOptionsFromEnv(source: NodeJS.ProcessEnv, service = ""): HealthProbeOptions {
  const config = loadConfig(readEnv(source));
  return {
    address: `${dialHost(config.host)}:${config.port}`,
    service,
    ...(config.tls === undefined
      ? { credentials: grpc.credentials.createInsecure(), channelOptions: {} }
      : pinnedTls(readTlsMaterial(config.tls))),
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
}

/** A server bound to every interface is reached on loopback; one bound to a single address, there. */
function dialHost(host: string): string {
  if (host === "0.0.0.0") {
    return "127.0.0.1";
  }
  if (host === "::" || host === "[::]") {
    return "[::1]";
  }
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * TLS that trusts exactly the certificate the server presents (the first one
 * in TLS_CERT_FILE), rather than a CA. The probe only ever talks to its own
 * server, so this pin is the strictest check there is and needs no CA file;
 * the name check is skipped because the probe dials an address (127.0.0.1)
 * that no certificate need name, and the pin already proves identity.
 */
function pinnedTls(tls: TlsMaterial): Pick<HealthProbeOptions, "credentials" | "channelOptions"> {
  const leaf = new X509Certificate(tls.cert);
  const context = createSecureContext({
    ca: leaf.toString(),
    // A certificate issued by a CA is not self-signed; without this OpenSSL
    // refuses to end the chain at it.
    allowPartialTrustChain: true,
    // Under mutual TLS the server accepts only callers with a certificate its
    // client CA issued for client authentication: the probe presents the
    // server's own, which must then be one.
    ...(tls.clientCa !== undefined && { cert: tls.cert, key: tls.key }),
  });
  const name = leaf.subjectAltName
    ?.split(", ")
    .find((entry) => entry.startsWith("DNS:"))
    ?.slice("DNS:".length);
  return {
    credentials: grpc.credentials.createFromSecureContext(context, { checkServerIdentity: () => undefined }),
    // grpc-js would otherwise send the dialled IP address as the TLS server
    // name (SNI), which RFC 6066 forbids and Node warns about on every probe.
    channelOptions: name === undefined ? {} : { "grpc.ssl_target_name_override": name },
  };
}

/** Calls grpc.health.v1.Health/Check once; never throws. */
export async function probeHealth(options: HealthProbeOptions): Promise<HealthProbeResult> {
  const client = new grpc.Client(options.address, options.credentials, options.channelOptions);
  try {
    const response = await check(client, create(HealthCheckRequestSchema, { service: options.service }), options.timeoutMs);
    return {
      serving: response.status === HealthCheckResponse_ServingStatus.SERVING,
      reason: HealthCheckResponse_ServingStatus[response.status] ?? `status ${response.status}`,
    };
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    // grpc-js details can span lines (OpenSSL's errors do); the health log wants one.
    return { serving: false, reason: `${grpc.status[code]}: ${details.replace(/\s+/g, " ").trim()}` };
  } finally {
    client.close();
  }
}

function check(client: grpc.Client, request: HealthCheckRequest, timeoutMs: number): Promise<HealthCheckResponse> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/${Health.typeName}/${Health.method.check.name}`,
      (message: HealthCheckRequest) => Buffer.from(toBinary(HealthCheckRequestSchema, message)),
      (bytes: Buffer) => fromBinary(HealthCheckResponseSchema, bytes),
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (error, response) => (error ? reject(error) : resolve(response as HealthCheckResponse)),
    );
  });
}
