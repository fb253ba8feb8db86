/**
 * Serves the handlers with connect-node (Connect, gRPC-Web and JSON clients
 * on CONNECT_PORT), adapting connect's HandlerContext to the handlers' RpcContext.
 */
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { SessionStoreService } from "../gen/sessionstore/v1/session_store_pb.js";
import type { RpcContext, SessionStoreHandlers } from "./session-store-service.js";

export interface ConnectRoutesOptions {
  /** Deadline for calls whose client set none. */
  readonly defaultDeadlineMs: number;
}

export function sessionStoreRoutes(handlers: SessionStoreHandlers, options: ConnectRoutesOptions): (router: ConnectRouter) => void {
  const adapt =
    <Req, Res>(handler: (request: Req, context: RpcContext) => Promise<Res>) =>
    (request: Req, context: HandlerContext): Promise<Res> =>
      handler(request, toRpcContext(context, options.defaultDeadlineMs));
  return (router) =>
    router.service(SessionStoreService, {
      createSession: adapt(handlers.createSession),
      getSession: adapt(handlers.getSession),
      updateSessionStatus: adapt(handlers.updateSessionStatus),
      deleteSession: adapt(handlers.deleteSession),
      countByStatus: adapt(handlers.countByStatus),
      listSessions: adapt(handlers.listSessions),
    });
}

function toRpcContext(context: HandlerContext, defaultDeadlineMs: number): RpcContext {
  // connect-node aborts context.signal at the client's deadline and answers
  // DEADLINE_EXCEEDED itself; without one, the server's default applies.
  const signal =
    context.timeoutMs() === undefined ? AbortSignal.any([context.signal, AbortSignal.timeout(defaultDeadlineMs)]) : context.signal;
  return {
    signal,
    header: (name) => context.requestHeader.get(name) ?? undefined,
    peerIdentity: undefined,
  };
}
