/**
 * The server: one set of handlers, served by grpc-js on the gRPC port (with
 * reflection and health) and, when CONNECT_PORT is set, by connect-node on a
 * second port for Connect, gRPC-Web and JSON clients. Built unstarted;
 * start() binds and turns health SERVING, stop() drains and releases.
 */
import http from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import type { Config } from "./config.js";
import { file_health_v1_health } from "./gen/health/v1/health_pb.js";
import { file_sessionstore_v1_session_store, SessionStoreService } from "./gen/sessionstore/v1/session_store_pb.js";
import { HealthStatus } from "./health.js";
import type { Logger } from "./logger.js";
import { addReflection } from "./reflection.js";
import { withCallBoundary } from "./rpc/call-boundary.js";
import { createGrpcService } from "./rpc/grpc-service.js";
import { InFlightCalls } from "./rpc/in-flight.js";
import { createSessionStoreHandlers, type SessionStoreHandlers } from "./rpc/session-store-service.js";
import type { SessionStore } from "./store/session-store.js";

export interface SessionStoreServerOptions {
  readonly config: Config;
  readonly store: SessionStore;
  readonly logger: Logger;
  /** Makes ids for sessions created without one; random UUIDs by default. */
  readonly generateId?: () => string;
}

export class SessionStoreServer {
  readonly health = new HealthStatus();
  private readonly config: Config;
  private readonly store: SessionStore;
  private readonly logger: Logger;
  private readonly inFlight = new InFlightCalls();
  private readonly grpcServer = new grpc.Server();
  private readonly connectServer: http.Server | undefined;
  private boundGrpcPort: number | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: SessionStoreServerOptions) {
    this.config = options.config;
    this.store = options.store;
    this.logger = options.logger;
    const handlers = withCallBoundary(
      createSessionStoreHandlers({ store: options.store, ...(options.generateId && { generateId: options.generateId }) }),
      { logger: options.logger, inFlight: this.inFlight },
    );
    const { definition, implementation } = createGrpcService(SessionStoreService, handlers);
    this.grpcServer.addService(definition, implementation);
    this.health.addToServer(this.grpcServer);
    addReflection(this.grpcServer, [file_sessionstore_v1_session_store, file_health_v1_health]);
    this.connectServer = this.config.connectPort === undefined ? undefined : createConnectServer(handlers);
  }

  /** The bound gRPC port (differs from the configured one when that was 0). */
  get grpcPort(): number {
    if (this.boundGrpcPort === undefined) {
      throw new Error("the server has not started");
    }
    return this.boundGrpcPort;
  }

  /** The bound Connect port, or undefined when CONNECT_PORT is not set. */
  get connectPort(): number | undefined {
    const address = this.connectServer?.address();
    return address && typeof address === "object" ? (address).port : undefined;
  }

  async start(): Promise<void> {
    await this.store.checkHealth({ signal: AbortSignal.timeout(10_000) });
    this.boundGrpcPort = await new Promise<number>((resolve, reject) => {
      this.grpcServer.bindAsync(
        `${formatHost(this.config.host)}:${this.config.port}`,
        grpc.ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      );
    });
    if (this.connectServer && this.config.connectPort !== undefined) {
      const server = this.connectServer;
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.config.connectPort, this.config.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    }
    this.health.set("SERVING");
  }

  /**
   * Stops taking calls, lets the ones in flight finish (for at most
   * shutdownGraceMs), then closes every connection and the store. Health
   * Watch streams never finish on their own, so they are cut once the unary
   * calls are done rather than holding the stop for the whole grace period.
   */
  stop(): Promise<void> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<void> {
    this.health.set("NOT_SERVING");
    const grpcClosed = new Promise<void>((resolve) => {
      this.grpcServer.tryShutdown(() => {
        resolve();
      });
    });
    const connectClosed = this.connectServer ? closeHttpServer(this.connectServer) : Promise.resolve();
    const graceOver = delay(this.config.shutdownGraceMs, "grace-over" as const, { ref: false });
    const handled = await Promise.race([Promise.all([this.inFlight.idle(), connectClosed]), graceOver]);
    if (handled === "grace-over") {
      this.logger.warn({ inFlight: this.inFlight.size }, "shutdown grace period over; cutting off the calls still in flight");
    } else {
      // Handlers are done, but their responses may still be on their way out:
      // give the connections a moment to close by themselves. Only streams that
      // never end (health Watch) make this wait run out.
      await Promise.race([grpcClosed, delay(FLUSH_MS, undefined, { ref: false }), graceOver]);
    }
    this.grpcServer.forceShutdown();
    this.connectServer?.closeAllConnections();
    await grpcClosed;
    await this.store.close();
  }
}

/** How long a stop waits, after the last handler returned, for its response to be written. */
const FLUSH_MS = 500;

function createConnectServer(handlers: SessionStoreHandlers): http.Server {
  return http.createServer(
    connectNodeAdapter({
      routes: (router) => router.service(SessionStoreService, handlers),
    }),
  );
}

function closeHttpServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** grpc-js takes IPv6 literals in brackets. */
function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
