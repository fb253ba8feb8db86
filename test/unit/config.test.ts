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
    });
  });

  it("chooses DynamoDB in prod unless SESSION_STORE says otherwise", () => {
    expect(loadConfig({ ENVIRONMENT: "prod" }).store).toBe("dynamodb");
    expect(loadConfig({ ENVIRONMENT: "prod", SESSION_STORE: "memory" }).store).toBe("memory");
    expect(loadConfig({ SESSION_STORE: "dynamodb" }).store).toBe("dynamodb");
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
