/**
 * The server: one set of handlers, served by grpc-js on the gRPC port (with
 * reflection and health) and, when CONNECT_PORT is set, by connect-node on a
 * second port for Connect, gRPC-Web and JSON clients; Prometheus metrics on
 * METRICS_PORT. Built unstarted: start() binds and turns health SERVING,
 * stop() drains and releases.
 */
import http from "node:http";
import https from "node:https";
import { setTimeout as delay } from "node:timers/promises";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import type { Config } from "./config.js";
import { file_health_v1_health } from "./gen/health/v1/health_pb.js";
import { file_sessionstore_v1_session_store, SessionStoreService } from "./gen/sessionstore/v1/session_store_pb.js";
import { HealthMonitor } from "./health-monitor.js";
import { HealthStatus } from "./health.js";
import type { Logger } from "./logger.js";
import { createMetricsServer } from "./observability/metrics-server.js";
import { Metrics } from "./observability/metrics.js";
import { addReflection } from "./reflection.js";
import { withCallBoundary } from "./rpc/call-boundary.js";
import { sessionStoreRoutes } from "./rpc/connect-routes.js";
import { createGrpcService } from "./rpc/grpc-service.js";
import { InFlightCalls } from "./rpc/in-flight.js";
import { createSessionStoreHandlers, type SessionStoreHandlers } from "./rpc/session-store-service.js";
import { CallerTokens } from "./security/caller-tokens.js";
import { grpcServerCredentials, httpsServerOptions, readTlsMaterial, type TlsMaterial } from "./security/tls.js";
import type { SessionStore } from "./store/session-store.js";

export interface SessionStoreServerOptions {
  readonly config: Config;
  readonly store: SessionStore;
  readonly logger: Logger;
  /** Shared with the store so its metrics land on the same registry; a new one by default. */
  readonly metrics?: Metrics;
  /** Makes ids for sessions created without one; random UUIDs by default. */
  readonly generateId?: () => string;
}

/** How long a stop waits, after the last handler returned, for its response to be written. */
const FLUSH_MS = 500;

export class SessionStoreServer {
  readonly health = new HealthStatus();
  readonly metrics: Metrics;
  private readonly config: Config;
  private readonly store: SessionStore;
  private readonly logger: Logger;
  private readonly tls: TlsMaterial | undefined;
  private readonly inFlight = new InFlightCalls();
  private readonly grpcServer: grpc.Server;
  private readonly connectServer: http.Server | undefined;
  private readonly metricsServer: http.Server | undefined;
  private readonly healthMonitor: HealthMonitor;
  private boundGrpcPort: number | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: SessionStoreServerOptions) {
    const { config, store, logger } = options;
    this.config = config;
    this.store = store;
    this.logger = logger;
    this.metrics = options.metrics ?? new Metrics();
    this.tls = config.tls && readTlsMaterial(config.tls);
    const handlers = withCallBoundary(
      createSessionStoreHandlers({ store, ...(options.generateId && { generateId: options.generateId }) }),
      {
        logger,
        inFlight: this.inFlight,
        metrics: this.metrics,
        callerTokens: config.authTokensFile === undefined ? undefined : CallerTokens.fromFile(config.authTokensFile),
      },
    );

    this.grpcServer = new grpc.Server(grpcServerOptions(config));
    const { definition, implementation } = createGrpcService(SessionStoreService, handlers, {
      defaultDeadlineMs: config.limits.defaultDeadlineMs,
    });
    this.grpcServer.addService(definition, implementation);
    this.health.addToServer(this.grpcServer);
    if (config.reflectionEnabled) {
      addReflection(this.grpcServer, [file_sessionstore_v1_session_store, file_health_v1_health]);
    }
    this.connectServer = config.connectPort === undefined ? undefined : this.createConnectServer(handlers);
    this.metricsServer = config.metricsPort === undefined ? undefined : createMetricsServer(this.metrics.registry);
    this.healthMonitor = new HealthMonitor(store, this.health, config.healthCheck, logger);
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
    return boundPort(this.connectServer);
  }

  /** The bound metrics port, or undefined when METRICS_PORT is not set. */
  get metricsPort(): number | undefined {
    return boundPort(this.metricsServer);
  }

  async start(): Promise<void> {
    await this.store.checkHealth({ signal: AbortSignal.timeout(10_000) });
    this.boundGrpcPort = await new Promise<number>((resolve, reject) => {
      this.grpcServer.bindAsync(`${formatHost(this.config.host)}:${this.config.port}`, grpcServerCredentials(this.tls), (error, port) => {
        if (error) {
          reject(error);
        } else {
          resolve(port);
        }
      });
    });
    if (this.connectServer && this.config.connectPort !== undefined) {
      await listen(this.connectServer, this.config.connectPort, this.config.host);
    }
    if (this.metricsServer && this.config.metricsPort !== undefined) {
      await listen(this.metricsServer, this.config.metricsPort, this.config.host);
    }
    this.health.set("SERVING");
    this.healthMonitor.start();
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
    this.healthMonitor.stop();
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
    if (this.metricsServer) {
      await closeHttpServer(this.metricsServer);
    }
    await this.store.close();
  }

  private createConnectServer(handlers: SessionStoreHandlers): http.Server {
    const adapter = connectNodeAdapter({
      routes: sessionStoreRoutes(handlers, { defaultDeadlineMs: this.config.limits.defaultDeadlineMs }),
      readMaxBytes: this.config.limits.maxRequestBytes,
    });
    return this.tls ? https.createServer(httpsServerOptions(this.tls), adapter) : http.createServer(adapter);
  }
}

/** grpc-js channel options for the limits in the configuration. */
function grpcServerOptions(config: Config): grpc.ServerOptions {
  const { limits } = config;
  return {
    "grpc.max_receive_message_length": limits.maxRequestBytes,
    "grpc.max_concurrent_streams": limits.maxConcurrentStreams,
    "grpc.keepalive_time_ms": limits.keepaliveTimeMs,
    "grpc.keepalive_timeout_ms": limits.keepaliveTimeoutMs,
    "grpc.http2.min_ping_interval_without_data_ms": limits.minClientPingIntervalMs,
    ...(limits.maxConnectionAgeMs !== undefined && {
      "grpc.max_connection_age_ms": limits.maxConnectionAgeMs,
      "grpc.max_connection_age_grace_ms": config.shutdownGraceMs,
    }),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function closeHttpServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => {
      resolve();
    });
    server.closeIdleConnections();
  });
}

function boundPort(server: http.Server | undefined): number | undefined {
  const address = server?.address();
  return address && typeof address === "object" ? (address).port : undefined;
}

/** grpc-js takes IPv6 literals in brackets. */
function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
