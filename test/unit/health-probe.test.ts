import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { healthProbeOptionsFromEnv } from "../../src/health-probe.js";

describe("healthProbeOptionsFromEnv", () => {
  it.each([
    [{}, "127.0.0.1:50051"],
    [{ HOST: "0.0.0.0", PORT: "6000" }, "127.0.0.1:6000"],
    [{ HOST: "::", PORT: "6000" }, "[::1]:6000"],
    [{ HOST: "10.1.2.3" }, "10.1.2.3:50051"],
    [{ HOST: "fd00::7" }, "[fd00::7]:50051"],
  ])("dials where a server with %j listens: %s", (env, address) => {
    expect(healthProbeOptionsFromEnv(env).address).toBe(address);
  });

  it("asks about the whole server unless told a service", () => {
    expect(healthProbeOptionsFromEnv({}).service).toBe("");
    expect(healthProbeOptionsFromEnv({}, "sessionstore.v1.SessionStoreService").service).toBe("sessionstore.v1.SessionStoreService");
  });

  it("rejects a value the server would reject", () => {
    expect(() => healthProbeOptionsFromEnv({ PORT: "http" })).toThrow(ConfigError);
  });

  it("fails, naming the variable, when the server's certificate cannot be read", () => {
    expect(() => healthProbeOptionsFromEnv({ TLS_CERT_FILE: "/nonexistent/cert.pem", TLS_KEY_FILE: "/nonexistent/key.pem" })).toThrow(
      /^TLS_CERT_FILE \/nonexistent\/cert\.pem cannot be read: ENOENT/,
    );
  });
});
