/**
 * dynalite, a DynamoDB-compatible server, started in this process on an
 * ephemeral loopback port: the real DynamoDB API (validation, conditions,
 * GSIs) with nothing to install or run beforehand.
 */
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { createTableInput } from "../../src/store/dynamodb/table-definition.js";

export interface LocalDynamo {
  readonly endpoint: string;
  /** A client for the tests' own setup; the SDK's retries stay off as in the service. */
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/** Fixed credentials: dynalite checks a signature is there, not whose it is. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "local-1";

export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path && { path: options.path }) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = localClient(endpoint);
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
}

let tables = 0;

/** A new table with the service's shape and a unique name. */
export async function createTestTable(client: DynamoDBClient): Promise<string> {
  const name = `sessions-test-${process.pid}-${++tables}`;
  await client.send(new CreateTableCommand(createTableInput(name)));
  return name;
}
