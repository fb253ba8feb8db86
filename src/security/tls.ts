/**
 * TLS for both ports from TLS_CERT_FILE and TLS_KEY_FILE; with
 * TLS_CLIENT_CA_FILE, clients must also present a certificate that CA signed
 * and that is valid now (mTLS). Files are read once, at start.
 */
import { readFileSync } from "node:fs";
import type { SecureContextOptions } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import type { TlsConfig } from "../config.js";

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa: Buffer | undefined;
}

export function readTlsMaterial(config: TlsConfig): TlsMaterial {
  return {
    cert: readPem(config.certFile, "TLS_CERT_FILE"),
    key: readPem(config.keyFile, "TLS_KEY_FILE"),
    clientCa: config.clientCaFile === undefined ? undefined : readPem(config.clientCaFile, "TLS_CLIENT_CA_FILE"),
  };
}

export function grpcServerCredentials(tls: TlsMaterial | undefined): grpc.ServerCredentials {
  if (!tls) {
    return grpc.ServerCredentials.createInsecure();
  }
  return grpc.ServerCredentials.createSsl(tls.clientCa ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.clientCa !== undefined);
}

/** Options for node:https, the same policy as the gRPC port. */
export function httpsServerOptions(tls: TlsMaterial): SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean } {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.clientCa && { ca: tls.clientCa }),
    requestCert: tls.clientCa !== undefined,
    rejectUnauthorized: tls.clientCa !== undefined,
  };
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable} ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}
