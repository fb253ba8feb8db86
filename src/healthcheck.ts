/**
 * `node dist/healthcheck.js [service]`: the container's HEALTHCHECK. Asks the
 * server's grpc.health.v1 Check about `service` ("" for the whole server),
 * prints one line (Docker keeps it in the container's health log), and exits
 * 0 when the answer is SERVING and 1 for anything else. Never 2: Docker
 * reserves that code.
 */
import { healthProbeOptionsFromEnv, probeHealth } from "./health-probe.js";

async function main(): Promise<number> {
  const service = process.argv[2] ?? "";
  let options;
  try {
    // The one place this entry point reads the environment.
    options = healthProbeOptionsFromEnv(process.env, service);
  } catch (error) {
    process.stdout.write(`unhealthy: cannot probe: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const result = await probeHealth(options);
  const what = service === "" ? "server" : service;
  process.stdout.write(`${result.serving ? "healthy" : "unhealthy"}: ${what} at ${options.address}: ${result.reason}\n`);
  return result.serving ? 0 : 1;
}

process.exitCode = await main();
