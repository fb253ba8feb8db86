/**
 * The built service (dist/main.js) on the DynamoDB store, as a process of its
 * own, reached by a plain grpc-js client: the way another service would call
 * it. It is started through test/helpers/child-process.ts, so killAll() ends
 * it if the benchmark fails.
 */
import { fileURLToPath } from "node:url";
import type * as grpc from "@grpc/grpc-js";
import { onCpus, servingPort, startProcess, type StartedProcess } from "../../test/helpers/child-process.js";
import { createGrpcJsClient } from "../../test/helpers/grpc-js-client.js";

export interface ServiceOptions {
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly statusShards: number;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** taskset CPU list to run on, when the benchmark pins its processes. */
  readonly cpus: string | undefined;
}

export interface RunningService {
  readonly client: grpc.Client;
  /** Lines the service logged at warn or above, the expected start-up warning about TTL excepted. */
  warnings(): string[];
  /** SIGTERM, as a deployment stops it; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Lines of pino's JSON at warn (40) or above. */
const WARN = 40;

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOST: "127.0.0.1",
    PORT: "0",
    SESSION_STORE: "dynamodb",
    AWS_REGION: options.region,
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    DYNAMODB_ENDPOINT: options.dynamoEndpoint,
    DYNAMODB_CHECKOUT_SESSIONS_TABLE: options.tableName,
    DYNAMODB_STATUS_SHARDS: String(options.statusShards),
  };
  const [program, args] = onCpus(options.cpus, process.execPath, [fileURLToPath(new URL("../../dist/main.js", import.meta.url))]);
  const server: StartedProcess = startProcess(program, args, { env });
  const port = await servingPort(server);
  const client = createGrpcJsClient(`127.0.0.1:${port}`);
  await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 5_000, (error) => (error ? reject(error) : resolve())));
  return {
    client,
    warnings: () =>
      server
        .output()
        .stdout.split("\n")
        // Whole lines only: the last may still be arriving.
        .slice(0, -1)
        .filter((line) => line.startsWith("{") && (JSON.parse(line) as { level: number }).level >= WARN)
        .filter((line) => !line.includes("TTL on expiresAt is not enabled")),
    stop: () => {
      client.close();
      server.child.kill("SIGTERM");
      return server.exited;
    },
  };
}
