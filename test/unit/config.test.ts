import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, readEnv } from "../../src/config.js";

describe("loadConfig", () => {
  it("defaults to a local in-memory server on 127.0.0.1:50051 with a 24-hour TTL", () => {
    expect(loadConfig({})).toEqual({
      environment: "local",
      host: "127.0.0.1",
      port: 50051,
      connectPort: undefined,
      store: "memory",
      sessionTtlMs: 24 * 3_600_000,
      logLevel: "info",
      shutdownGraceMs: 10_000,
      reflectionEnabled: true,
      metricsPort: undefined,
      tls: undefined,
      authTokensFile: undefined,
      limits: {
        maxRequestBytes: 65_536,
        maxConcurrentStreams: 256,
        defaultDeadlineMs: 10_000,
        keepaliveTimeMs: 300_000,
        keepaliveTimeoutMs: 20_000,
        minClientPingIntervalMs: 10_000,
        maxConnectionAgeMs: undefined,
      },
      healthCheck: { intervalMs: 5000, failureThreshold: 3 },
    });
  });

  it("turns reflection off in prod unless REFLECTION_ENABLED says otherwise", () => {
    expect(loadConfig({ ENVIRONMENT: "prod", AWS_REGION: "eu-west-1" }).reflectionEnabled).toBe(false);
    expect(loadConfig({ ENVIRONMENT: "prod", AWS_REGION: "eu-west-1", REFLECTION_ENABLED: "true" }).reflectionEnabled).toBe(true);
    expect(loadConfig({ REFLECTION_ENABLED: "false" }).reflectionEnabled).toBe(false);
  });

  it("needs both TLS files, and a client CA only with them", () => {
    expect(loadConfig({ TLS_CERT_FILE: "c.pem", TLS_KEY_FILE: "k.pem" }).tls).toEqual({
      certFile: "c.pem",
      keyFile: "k.pem",
      clientCaFile: undefined,
    });
    expect(() => loadConfig({ TLS_CERT_FILE: "c.pem" })).toThrow("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
    expect(() => loadConfig({ TLS_CLIENT_CA_FILE: "ca.pem" })).toThrow(/^TLS_CLIENT_CA_FILE needs TLS_CERT_FILE and TLS_KEY_FILE/);
  });

  it("chooses DynamoDB in prod unless SESSION_STORE says otherwise", () => {
    expect(loadConfig({ ENVIRONMENT: "prod", AWS_REGION: "eu-west-1" }).store).toBe("dynamodb");
    expect(loadConfig({ ENVIRONMENT: "prod", SESSION_STORE: "memory" }).store).toBe("memory");
    expect(loadConfig({ SESSION_STORE: "dynamodb", AWS_REGION: "eu-west-1" }).store).toBe("dynamodb");
  });

  it("reads the DynamoDB settings, with the spec's table name by default", () => {
    expect(loadConfig({ SESSION_STORE: "dynamodb", AWS_REGION: "eu-west-1" }).dynamodb).toEqual({
      tableName: "checkout-sessions",
      region: "eu-west-1",
      endpoint: undefined,
      statusShards: 16,
      retry: { maxAttempts: 4, baseDelayMs: 25, maxDelayMs: 1000 },
      connectTimeoutMs: 1000,
      requestTimeoutMs: 3000,
    });
    expect(loadConfig({}).dynamodb).toBeUndefined();
  });

  it("reads fractional hours and ports", () => {
    const config = loadConfig({ CHECKOUT_SESSION_TTL_HOURS: "0.5", PORT: "0", CONNECT_PORT: "8080" });
    expect(config.sessionTtlMs).toBe(1_800_000);
    expect(config.port).toBe(0);
    expect(config.connectPort).toBe(8080);
  });

  it.each([
    [{ ENVIRONMENT: "production" }, /^ENVIRONMENT must be one of local, prod; got "production"$/],
    [{ SESSION_STORE: "redis" }, /^SESSION_STORE must be one of memory, dynamodb/],
    [{ PORT: "65536" }, /^PORT must be a port number from 0 to 65535; got "65536"$/],
    [{ PORT: "-1" }, /^PORT must be a port number/],
    [{ CONNECT_PORT: "http" }, /^CONNECT_PORT must be a port number/],
    [{ CHECKOUT_SESSION_TTL_HOURS: "0" }, /^CHECKOUT_SESSION_TTL_HOURS must be a number greater than 0/],
    [{ CHECKOUT_SESSION_TTL_HOURS: "1e3" }, /^CHECKOUT_SESSION_TTL_HOURS must be a number/],
    [{ CHECKOUT_SESSION_TTL_HOURS: "9000" }, /^CHECKOUT_SESSION_TTL_HOURS must be a number greater than 0 and at most 8784/],
    [{ LOG_LEVEL: "verbose" }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ SHUTDOWN_GRACE_SECONDS: "-3" }, /^SHUTDOWN_GRACE_SECONDS must be a number/],
    [{ REFLECTION_ENABLED: "yes" }, /^REFLECTION_ENABLED must be one of true, false/],
    [{ MAX_REQUEST_BYTES: "12" }, /^MAX_REQUEST_BYTES must be a whole number from 1024 to 16777216; got "12"$/],
    [{ MAX_CONCURRENT_STREAMS: "1.5" }, /^MAX_CONCURRENT_STREAMS must be a whole number/],
    [{ HEALTH_CHECK_FAILURE_THRESHOLD: "0" }, /^HEALTH_CHECK_FAILURE_THRESHOLD must be a whole number from 1 to 100/],
    [{ METRICS_PORT: "x" }, /^METRICS_PORT must be a port number/],
    [{ SESSION_STORE: "dynamodb" }, /^AWS_REGION is required with the DynamoDB store/],
    [{ SESSION_STORE: "dynamodb", AWS_REGION: "x", DYNAMODB_CHECKOUT_SESSIONS_TABLE: "a b" }, /^DYNAMODB_CHECKOUT_SESSIONS_TABLE must be/],
    [{ SESSION_STORE: "dynamodb", AWS_REGION: "x", DYNAMODB_ENDPOINT: "localhost:8000" }, /^DYNAMODB_ENDPOINT must be an http/],
    [{ SESSION_STORE: "dynamodb", AWS_REGION: "x", DYNAMODB_STATUS_SHARDS: "65" }, /^DYNAMODB_STATUS_SHARDS must be a whole number from 1 to 64/],
    [{ SESSION_STORE: "dynamodb", AWS_REGION: "x", DYNAMODB_RETRY_BASE_MS: "500", DYNAMODB_RETRY_MAX_MS: "100" }, /^DYNAMODB_RETRY_MAX_MS must be at least/],
  ])("refuses %o with one line naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe("readEnv", () => {
  it("keeps only the variables the service reads, and treats empty ones as unset", () => {
    expect(readEnv({ PORT: "1234", HOST: "", PATH: "/bin", AWS_SECRET_ACCESS_KEY: "x" })).toEqual({ PORT: "1234" });
  });
});
