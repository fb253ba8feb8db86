/**
 * Typed clients for other Node services: a promise-based client over
 * connect-node's gRPC transport, so a caller gets the generated types and
 * ConnectError (with code and details) on failure.
 */
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport, type GrpcTransportOptions } from "@connectrpc/connect-node";
import { SessionStoreService } from "./gen/sessionstore/v1/session_store_pb.js";

export type SessionStoreClient = Client<typeof SessionStoreService>;

export type SessionStoreClientOptions = Omit<Partial<GrpcTransportOptions>, "baseUrl">;

/**
 * @param address where the gRPC port listens: "http://host:port" (plaintext),
 *   "https://host:port" (TLS), or "host:port" for plaintext.
 */
export function createSessionStoreClient(address: string, options: SessionStoreClientOptions = {}): SessionStoreClient {
  const baseUrl = /^https?:\/\//.test(address) ? address : `http://${address}`;
  return createClient(SessionStoreService, createGrpcTransport({ ...options, baseUrl }));
}
