/**
 * npm run dev:dynamodb [-- --port 8000] — the service on the DynamoDB store
 * with no AWS account: dynalite (a DynamoDB-compatible server from npm) on
 * 127.0.0.1:<port>, the table provisioned on it as table:create does, then
 * the built server with SESSION_STORE=dynamodb pointed at it. The service's
 * other variables (PORT, LOG_LEVEL, ...) pass through; AWS credentials do not:
 * the child gets dummy ones, which dynalite accepts. Ctrl-C stops both.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { parseArgs } from "node:util";
import dynalite from "dynalite";
import { loadDynamoDbConfig, readEnv, type Env } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { RetryPolicy } from "../src/retry.js";
import { createDynamoDbClient } from "../src/store/dynamodb/dynamodb-client.js";
import { provisionTable } from "../src/store/dynamodb/provision-table.js";

const DUMMY_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

const { values } = parseArgs({ options: { port: { type: "string", default: "8000" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`dev:dynamodb: --port must be a port number; got ${JSON.stringify(values.port)}\n`);
  process.exit(2);
}

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, "127.0.0.1", () => resolve());
});
const endpoint = `http://127.0.0.1:${port}`;

const serviceEnv: Env = {
  AWS_REGION: "local-1",
  ...readEnv(),
  SESSION_STORE: "dynamodb",
  DYNAMODB_ENDPOINT: endpoint,
};
const settings = loadDynamoDbConfig(serviceEnv);
const client = createDynamoDbClient(settings, { credentials: DUMMY_CREDENTIALS });
await provisionTable({
  client,
  tableName: settings.tableName,
  statusShards: settings.statusShards,
  retry: new RetryPolicy({ ...settings.retry, logger: createLogger("silent") }),
  signal: AbortSignal.timeout(30_000),
  // dynalite has no UpdateTimeToLive: expected here, and harmless.
  warn: () => undefined,
});
client.destroy();
process.stderr.write(`dev:dynamodb: dynalite on ${endpoint}, table ${settings.tableName} ready\n`);

const service = spawn(process.execPath, ["dist/main.js"], {
  env: { ...serviceEnv, AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey },
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => service.kill(signal));
}
const [code] = (await once(service, "exit")) as [number | null];
server.close();
process.exit(code ?? 1);
