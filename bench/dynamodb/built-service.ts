/**
 * The adapter as built (dist/), the code that ships and that the service
 * process runs. Measuring src/ through tsx would measure esbuild's output
 * instead, which wraps every closure the adapter makes per call in a naming
 * helper: a cost of the benchmark's loader, not of the adapter. Types come
 * from src/, so the benchmark still typechecks before a build.
 */
import { access } from "node:fs/promises";

type StoreModule = typeof import("../../src/store/dynamodb/dynamodb-session-store.js");
type RetryModule = typeof import("../../src/retry.js");
type MetricsModule = typeof import("../../src/observability/metrics.js");

export interface BuiltService {
  readonly DynamoDbSessionStore: StoreModule["DynamoDbSessionStore"];
  readonly RetryPolicy: RetryModule["RetryPolicy"];
  readonly Metrics: MetricsModule["Metrics"];
}

const DIST = new URL("../../dist/", import.meta.url);

export async function loadBuiltService(): Promise<BuiltService> {
  const main = new URL("main.js", DIST);
  try {
    await access(main);
  } catch {
    throw new Error(`${main.pathname} is missing: run npm run build first`);
  }
  const [store, retry, metrics] = await Promise.all([
    import(new URL("store/dynamodb/dynamodb-session-store.js", DIST).href) as Promise<StoreModule>,
    import(new URL("retry.js", DIST).href) as Promise<RetryModule>,
    import(new URL("observability/metrics.js", DIST).href) as Promise<MetricsModule>,
  ]);
  return { DynamoDbSessionStore: store.DynamoDbSessionStore, RetryPolicy: retry.RetryPolicy, Metrics: metrics.Metrics };
}
