/**
 * The edge every call of the service passes, whichever transport brought it:
 * the caller is authenticated (when AUTH_TOKENS_FILE is set), the call is
 * counted and timed, and any failure becomes the ConnectError the caller
 * should see (src/errors.ts decides which). One log line per failed call;
 * successful calls only at debug. Session contents are never logged.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Code } from "@connectrpc/connect";
import { grpcCodeName, toConnectError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { CallerTokens } from "../security/caller-tokens.js";
import type { InFlightCalls } from "./in-flight.js";
import type { RpcContext, SessionStoreHandlers } from "./session-store-service.js";

export interface CallBoundaryOptions {
  readonly logger: Logger;
  readonly inFlight: InFlightCalls;
  readonly metrics?: Metrics | undefined;
  /** When set, every call must carry one of these bearer tokens. */
  readonly callerTokens?: CallerTokens | undefined;
}

const MAX_REQUEST_ID_LENGTH = 128;

export function withCallBoundary(handlers: SessionStoreHandlers, options: CallBoundaryOptions): SessionStoreHandlers {
  const { logger, inFlight, metrics, callerTokens } = options;
  const guard =
    <Req, Res>(method: string, handler: (request: Req, context: RpcContext) => Promise<Res>) =>
    async (request: Req, context: RpcContext): Promise<Res> => {
      const started = performance.now();
      inFlight.enter();
      metrics?.callStarted(method);
      let code = "OK";
      // Only log lines need the caller; the mTLS peer is looked up when one is written.
      let caller: string | undefined;
      try {
        if (callerTokens) {
          caller = callerTokens.authenticate(context.header("authorization"));
        }
        const response = await handler(request, context);
        if (logger.isLevelEnabled("debug")) {
          logger.debug(
            { method, code, durationMs: performance.now() - started, caller: caller ?? context.peerIdentity, requestId: requestId(context) },
            "call",
          );
        }
        return response;
      } catch (error) {
        const mapped = toConnectError(error);
        code = grpcCodeName(mapped.code);
        const line = {
          method,
          code,
          durationMs: performance.now() - started,
          caller: caller ?? context.peerIdentity,
          requestId: requestId(context),
        };
        if (mapped.code === Code.Internal) {
          logger.error({ ...line, err: error }, "call failed: unexpected error");
        } else if (mapped.code === Code.Unavailable || mapped.code === Code.DeadlineExceeded) {
          logger.warn({ ...line, err: error }, `call failed: ${mapped.rawMessage}`);
        } else {
          logger.info(line, `call failed: ${mapped.rawMessage}`);
        }
        throw mapped;
      } finally {
        inFlight.leave();
        metrics?.callFinished(method, code, (performance.now() - started) / 1000);
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

/** The caller's x-request-id when it sent a usable one; otherwise one made for this log line. */
function requestId(context: RpcContext): string {
  const sent = context.header("x-request-id");
  return sent !== undefined && sent.length <= MAX_REQUEST_ID_LENGTH ? sent : randomUUID();
}
