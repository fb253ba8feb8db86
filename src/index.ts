/** The package's public surface: the typed client, the generated API types, and the server for embedding. */
export { createSessionStoreClient, type SessionStoreClient, type SessionStoreClientOptions } from "./client.js";
export * from "./gen/sessionstore/v1/session_store_pb.js";
export { ErrorInfoSchema, BadRequestSchema } from "./gen/google/rpc/error_details_pb.js";
export { ERROR_DOMAIN } from "./errors.js";
