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
  return {
    environment,
    host: env.HOST ?? "127.0.0.1",
    port: port(env, "PORT", 50051),
    connectPort: env.CONNECT_PORT === undefined ? undefined : port(env, "CONNECT_PORT", 0),
    store: oneOf(env, "SESSION_STORE", ["memory", "dynamodb"], environment === "prod" ? "dynamodb" : "memory"),
    sessionTtlMs: positiveNumber(env, "CHECKOUT_SESSION_TTL_HOURS", 24, 24 * 366) * 3_600_000,
    logLevel: oneOf(env, "LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace", "silent"], "info"),
    shutdownGraceMs: positiveNumber(env, "SHUTDOWN_GRACE_SECONDS", 10, 3600) * 1000,
  };
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
