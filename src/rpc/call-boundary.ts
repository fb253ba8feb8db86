/**
 * The edge every call passes: it is counted while in flight, and failures become the
 * ConnectError a caller should see (src/errors.ts decides which), and the
 * ones that are our fault are logged whole, since the caller only gets
 * "internal error".
 */
import { Code } from "@connectrpc/connect";
import { toConnectError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { InFlightCalls } from "./in-flight.js";
import type { RpcContext, SessionStoreHandlers } from "./session-store-service.js";

export interface CallBoundaryOptions {
  readonly logger: Logger;
  readonly inFlight: InFlightCalls;
}

export function withCallBoundary(handlers: SessionStoreHandlers, options: CallBoundaryOptions): SessionStoreHandlers {
  const { logger, inFlight } = options;
  const guard =
    <Req, Res>(method: string, handler: (request: Req, context: RpcContext) => Promise<Res>) =>
    async (request: Req, context: RpcContext): Promise<Res> => {
      inFlight.enter();
      try {
        return await handler(request, context);
      } catch (error) {
        const mapped = toConnectError(error);
        if (mapped.code === Code.Internal) {
          logger.error({ err: error, method }, "unexpected failure; the caller got INTERNAL");
        } else if (mapped.code === Code.Unavailable) {
          logger.warn({ err: error, method }, "store unavailable");
        }
        throw mapped;
      } finally {
        inFlight.leave();
      }
    };
  return {
    createSession: guard("CreateSession", handlers.createSession),
    getSession: guard("GetSession", handlers.getSession),
    updateSessionStatus: guard("UpdateSessionStatus", handlers.updateSessionStatus),
    deleteSession: guard("DeleteSession", handlers.deleteSession),
    countByStatus: guard("CountByStatus", handlers.countByStatus),
    listSessions: guard("ListSessions", handlers.listSessions),
  };
}
