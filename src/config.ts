/**
 * Configuration, read from the environment in two steps: readEnv() takes
 * the raw strings (the only place that touches process.env), loadConfig()
 * turns them into a typed, checked Config. Tests call loadConfig with a plain
 * object. A bad value is one ConfigError naming the variable and what it accepts.
 */
import type { LevelWithSilent } from "pino";

export type Environment = "local" | "prod";
export type StoreKind = "memory" | "dynamodb";

export interface Config {
  readonly environment: Environment;
  /** Interface the gRPC (and Connect) ports bind. */
  readonly host: string;
  /** gRPC port; 0 picks a free one. */
  readonly port: number;
  /** Connect, gRPC-Web and JSON over HTTP/1.1; off when undefined. */
  readonly connectPort: number | undefined;
  readonly store: StoreKind;
  /** Fixed lifetime of every session, from creation. */
  readonly sessionTtlMs: number;
  readonly logLevel: LevelWithSilent;
  /** How long a stop waits for in-flight calls before cutting them off. */
  readonly shutdownGraceMs: number;
  /** gRPC server reflection; off by default in prod. */
  readonly reflectionEnabled: boolean;
  /** Prometheus /metrics; off when undefined. */
  readonly metricsPort: number | undefined;
  readonly tls: TlsConfig | undefined;
  /** File of "<caller> <token>" lines; callers must send "authorization: Bearer <token>". */
  readonly authTokensFile: string | undefined;
  readonly limits: LimitsConfig;
  readonly healthCheck: HealthCheckConfig;
  /** Set when store is "dynamodb". */
  readonly dynamodb: DynamoDbConfig | undefined;
}

export interface DynamoDbConfig {
  readonly tableName: string;
  readonly region: string;
  /** A local DynamoDB-compatible server; unset in production. */
  readonly endpoint: string | undefined;
  /** Write shards of the status index; fixed for a table's life. */
  readonly statusShards: number;
  readonly retry: RetryConfig;
  /** Time to open a connection to DynamoDB. */
  readonly connectTimeoutMs: number;
  /** Time for one DynamoDB request to answer, before it counts as a transient failure. */
  readonly requestTimeoutMs: number;
}

export interface RetryConfig {
  /** Attempts per DynamoDB call, the first included. */
  readonly maxAttempts: number;
  /** Delay before the first retry; each next one doubles, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface TlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
  /** When set, clients must present a certificate this CA signed (mTLS). */
  readonly clientCaFile: string | undefined;
}

export interface LimitsConfig {
  /** Largest request message accepted; larger ones get RESOURCE_EXHAUSTED. */
  readonly maxRequestBytes: number;
  readonly maxConcurrentStreams: number;
  /** Deadline applied to calls that arrive without one. */
  readonly defaultDeadlineMs: number;
  /** Interval of the server's keepalive pings on an idle connection. */
  readonly keepaliveTimeMs: number;
  /** How long the server waits for a ping's answer before closing the connection. */
  readonly keepaliveTimeoutMs: number;
  /** Shortest interval at which clients may ping; faster pings are answered with GOAWAY. */
  readonly minClientPingIntervalMs: number;
  /** Connections are asked to reconnect after this long, so load spreads over new replicas; undefined = never. */
  readonly maxConnectionAgeMs: number | undefined;
}

export interface HealthCheckConfig {
  /** How often the store is probed while serving. */
  readonly intervalMs: number;
  /** Consecutive failed probes that turn health NOT_SERVING. */
  readonly failureThreshold: number;
}

/** The variables this service reads; anything else in the environment is ignored. */
export const ENV_NAMES = [
  "ENVIRONMENT",
  "HOST",
  "PORT",
  "CONNECT_PORT",
  "SESSION_STORE",
  "CHECKOUT_SESSION_TTL_HOURS",
  "LOG_LEVEL",
  "SHUTDOWN_GRACE_SECONDS",
  "REFLECTION_ENABLED",
  "METRICS_PORT",
  "TLS_CERT_FILE",
  "TLS_KEY_FILE",
  "TLS_CLIENT_CA_FILE",
  "AUTH_TOKENS_FILE",
  "MAX_REQUEST_BYTES",
  "MAX_CONCURRENT_STREAMS",
  "DEFAULT_DEADLINE_SECONDS",
  "KEEPALIVE_TIME_SECONDS",
  "KEEPALIVE_TIMEOUT_SECONDS",
  "MIN_CLIENT_PING_INTERVAL_SECONDS",
  "MAX_CONNECTION_AGE_SECONDS",
  "HEALTH_CHECK_INTERVAL_SECONDS",
  "HEALTH_CHECK_FAILURE_THRESHOLD",
  "AWS_REGION",
  "DYNAMODB_CHECKOUT_SESSIONS_TABLE",
  "DYNAMODB_ENDPOINT",
  "DYNAMODB_STATUS_SHARDS",
  "DYNAMODB_MAX_ATTEMPTS",
  "DYNAMODB_RETRY_BASE_MS",
  "DYNAMODB_RETRY_MAX_MS",
  "DYNAMODB_CONNECT_TIMEOUT_MS",
  "DYNAMODB_REQUEST_TIMEOUT_MS",
] as const;

export type Env = Partial<Record<(typeof ENV_NAMES)[number], string>>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const env: Env = {};
  for (const name of ENV_NAMES) {
    const value = source[name];
    if (value !== undefined && value !== "") {
      env[name] = value;
    }
  }
  return env;
}

export function loadConfig(env: Env): Config {
  const environment = oneOf(env, "ENVIRONMENT", ["local", "prod"], "local");
  const store = oneOf(env, "SESSION_STORE", ["memory", "dynamodb"], environment === "prod" ? "dynamodb" : "memory");
  return {
    environment,
    host: env.HOST ?? "127.0.0.1",
    port: port(env, "PORT", 50051),
    connectPort: env.CONNECT_PORT === undefined ? undefined : port(env, "CONNECT_PORT", 0),
    store,
    sessionTtlMs: positiveNumber(env, "CHECKOUT_SESSION_TTL_HOURS", 24, 24 * 366) * 3_600_000,
    logLevel: oneOf(env, "LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace", "silent"], "info"),
    shutdownGraceMs: positiveNumber(env, "SHUTDOWN_GRACE_SECONDS", 10, 3600) * 1000,
    reflectionEnabled: oneOf(env, "REFLECTION_ENABLED", ["true", "false"], environment === "prod" ? "false" : "true") === "true",
    metricsPort: env.METRICS_PORT === undefined ? undefined : port(env, "METRICS_PORT", 0),
    tls: tls(env),
    authTokensFile: env.AUTH_TOKENS_FILE,
    limits: {
      maxRequestBytes: integer(env, "MAX_REQUEST_BYTES", 65_536, 1024, 16 * 1024 * 1024),
      maxConcurrentStreams: integer(env, "MAX_CONCURRENT_STREAMS", 256, 1, 100_000),
      defaultDeadlineMs: positiveNumber(env, "DEFAULT_DEADLINE_SECONDS", 10, 3600) * 1000,
      keepaliveTimeMs: positiveNumber(env, "KEEPALIVE_TIME_SECONDS", 300, 86_400) * 1000,
      keepaliveTimeoutMs: positiveNumber(env, "KEEPALIVE_TIMEOUT_SECONDS", 20, 3600) * 1000,
      minClientPingIntervalMs: positiveNumber(env, "MIN_CLIENT_PING_INTERVAL_SECONDS", 10, 86_400) * 1000,
      maxConnectionAgeMs:
        env.MAX_CONNECTION_AGE_SECONDS === undefined ? undefined : positiveNumber(env, "MAX_CONNECTION_AGE_SECONDS", 0, 86_400 * 30) * 1000,
    },
    healthCheck: {
      intervalMs: positiveNumber(env, "HEALTH_CHECK_INTERVAL_SECONDS", 5, 3600) * 1000,
      failureThreshold: integer(env, "HEALTH_CHECK_FAILURE_THRESHOLD", 3, 1, 100),
    },
    dynamodb: store === "dynamodb" ? loadDynamoDbConfig(env) : undefined,
  };
}

/** The DynamoDB settings alone, for the scripts that provision a table. */
export function loadDynamoDbConfig(env: Env): DynamoDbConfig {
  const region = env.AWS_REGION;
  if (region === undefined) {
    throw new ConfigError("AWS_REGION is required with the DynamoDB store (for example eu-west-1)");
  }
  const tableName = env.DYNAMODB_CHECKOUT_SESSIONS_TABLE ?? "checkout-sessions";
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
    throw new ConfigError(
      `DYNAMODB_CHECKOUT_SESSIONS_TABLE must be a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -); got ${JSON.stringify(tableName)}`,
    );
  }
  const endpoint = env.DYNAMODB_ENDPOINT;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new ConfigError(`DYNAMODB_ENDPOINT must be an http:// or https:// URL; got ${JSON.stringify(endpoint)}`);
  }
  const baseDelayMs = integer(env, "DYNAMODB_RETRY_BASE_MS", 25, 1, 60_000);
  const maxDelayMs = integer(env, "DYNAMODB_RETRY_MAX_MS", 1000, 1, 600_000);
  if (maxDelayMs < baseDelayMs) {
    throw new ConfigError(`DYNAMODB_RETRY_MAX_MS must be at least DYNAMODB_RETRY_BASE_MS (${baseDelayMs}); got ${maxDelayMs}`);
  }
  return {
    tableName,
    region,
    endpoint,
    statusShards: integer(env, "DYNAMODB_STATUS_SHARDS", 16, 1, 64),
    retry: { maxAttempts: integer(env, "DYNAMODB_MAX_ATTEMPTS", 4, 1, 20), baseDelayMs, maxDelayMs },
    connectTimeoutMs: integer(env, "DYNAMODB_CONNECT_TIMEOUT_MS", 1000, 10, 60_000),
    requestTimeoutMs: integer(env, "DYNAMODB_REQUEST_TIMEOUT_MS", 3000, 10, 600_000),
  };
}

function tls(env: Env): TlsConfig | undefined {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, TLS_CLIENT_CA_FILE: clientCaFile } = env;
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined) {
      throw new ConfigError("TLS_CLIENT_CA_FILE needs TLS_CERT_FILE and TLS_KEY_FILE: client certificates are only asked for over TLS");
    }
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
  }
  return { certFile, keyFile, clientCaFile };
}

function integer(env: Env, name: keyof Env, fallback: number, min: number, max: number): number {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  const parsed = /^[0-9]{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(parsed >= min && parsed <= max)) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function oneOf<T extends string>(env: Env, name: keyof Env, accepted: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  if (!(accepted as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${accepted.join(", ")}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function port(env: Env, name: keyof Env, fallback: number): number {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  const parsed = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(parsed <= 65535)) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535; got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function positiveNumber(env: Env, name: keyof Env, fallback: number, max: number): number {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  const parsed = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : NaN;
  if (!(parsed > 0 && parsed <= max)) {
    throw new ConfigError(`${name} must be a number greater than 0 and at most ${max}; got ${JSON.stringify(value)}`);
  }
  return parsed;
}
