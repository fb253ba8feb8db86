/**
 * The one implementation of sessionstore.v1.SessionStoreService. Both
 * transports (grpc-js on the gRPC port, connect-node on the Connect port)
 * call these handlers; they see only ConnectErrors, already mapped.
 */
import { randomUUID } from "node:crypto";
import type {
  CountByStatusRequest,
  CountByStatusResponse,
  CreateSessionRequest,
  CreateSessionResponse,
  DeleteSessionRequest,
  DeleteSessionResponse,
  GetSessionRequest,
  GetSessionResponse,
  ListSessionsRequest,
  ListSessionsResponse,
  UpdateSessionStatusRequest,
  UpdateSessionStatusResponse,
} from "../gen/sessionstore/v1/session_store_pb.js";
import { SessionNotFoundError } from "../errors.js";
import type { SessionStore } from "../store/session-store.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import { validateCount, validateCreate, validateId, validateList, validateStatusUpdate } from "./request-validation.js";
import { toSessionMessage } from "./session-mapping.js";

/** What a handler needs from its transport, whichever it is. */
export interface RpcContext {
  /** Fires when the caller cancels or the call's deadline passes. */
  readonly signal: AbortSignal;
  /** The first value of a request header (gRPC metadata); names are lower case. */
  header(name: string): string | undefined;
  /** Who the transport vouches for: the client certificate's subject under mTLS. */
  readonly peerIdentity: string | undefined;
}

export interface SessionStoreHandlers {
  readonly createSession: (request: CreateSessionRequest, context: RpcContext) => Promise<CreateSessionResponse>;
  readonly getSession: (request: GetSessionRequest, context: RpcContext) => Promise<GetSessionResponse>;
  readonly updateSessionStatus: (request: UpdateSessionStatusRequest, context: RpcContext) => Promise<UpdateSessionStatusResponse>;
  readonly deleteSession: (request: DeleteSessionRequest, context: RpcContext) => Promise<DeleteSessionResponse>;
  readonly countByStatus: (request: CountByStatusRequest, context: RpcContext) => Promise<CountByStatusResponse>;
  readonly listSessions: (request: ListSessionsRequest, context: RpcContext) => Promise<ListSessionsResponse>;
}

export interface SessionStoreServiceOptions {
  readonly store: SessionStore;
  /** Makes the id of a session created without one; random UUIDs unless a test says otherwise. */
  readonly generateId?: () => string;
}

export function createSessionStoreHandlers(options: SessionStoreServiceOptions): SessionStoreHandlers {
  const { store } = options;
  const generateId = options.generateId ?? randomUUID;
  return {
    async createSession(request, context) {
      const session = await store.create(validateCreate(request, generateId), context);
      return { $typeName: "sessionstore.v1.CreateSessionResponse", session: toSessionMessage(session) };
    },

    async getSession(request, context) {
      const session = await store.get(validateId(request), context);
      return { $typeName: "sessionstore.v1.GetSessionResponse", session: toSessionMessage(session) };
    },

    async updateSessionStatus(request, context) {
      const session = await store.updateStatus(validateStatusUpdate(request), context);
      return { $typeName: "sessionstore.v1.UpdateSessionStatusResponse", session: toSessionMessage(session) };
    },

    async deleteSession(request, context) {
      const id = validateId(request);
      const deleted = await store.delete(id, context);
      if (!deleted && !request.allowMissing) {
        throw new SessionNotFoundError(id);
      }
      return { $typeName: "sessionstore.v1.DeleteSessionResponse" };
    },

    async countByStatus(request, context) {
      const count = await store.countByStatus(validateCount(request), context);
      return { $typeName: "sessionstore.v1.CountByStatusResponse", count: BigInt(count) };
    },

    async listSessions(request, context) {
      const { status, pageSize, pageToken } = validateList(request);
      const page = await store.list({ status, pageSize, cursor: decodePageToken(pageToken, status) }, context);
      return {
        $typeName: "sessionstore.v1.ListSessionsResponse",
        sessions: page.sessions.map(toSessionMessage),
        nextPageToken: encodePageToken(status, page.cursor),
      };
    },
  };
}
