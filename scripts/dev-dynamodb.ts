/**
 * npm run dev:dynamodb — the service on the DynamoDB store with no AWS
 * account: dynalite (a DynamoDB-compatible server from npm) on
 * 127.0.0.1:${DYNALITE_PORT:-8000}, the table provisioned on it, then the
 * built server with SESSION_STORE=dynamodb pointed at it. Ctrl-C stops both.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import dynalite from "dynalite";
import { createDynamoDbClient } from "../src/store/dynamodb/dynamodb-client.js";
import { dynamodb, readEnv } from "../src/config.js";
import { provisionTable } from "../src/store/dynamodb/provision-table.js";

const port = Number(process.env.DYNALITE_PORT ?? 8000);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, "127.0.0.1", () => {
    resolve();
  });
});

// dynalite accepts any signature; these stand in for the credentials AWS would need.
const env: NodeJS.ProcessEnv = {
  AWS_REGION: "local-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
  ...process.env,
  SESSION_STORE: "dynamodb",
  DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`,
};
const settings = dynamodb(readEnv(env));
process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
const client = createDynamoDbClient(settings);
await provisionTable(client, settings.tableName, settings.statusShards, () => {
  // dynalite has no UpdateTimeToLive: expected here, and harmless.
});
client.destroy();
process.stderr.write(`dev:dynamodb: dynalite on ${env.DYNAMODB_ENDPOINT}, table ${settings.tableName} ready\n`);

const service = spawn(process.execPath, ["dist/main.js"], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => service.kill(signal));
}
const [code] = (await once(service, "exit")) as [number | null];
server.close();
process.exit(code ?? 1);
