/**
 * The markdown section the DynamoDB benchmark prints: how it ran, latency and
 * throughput of each way side by side, the ratios to the raw SDK, and the
 * verdict on the adapter's 10% target.
 */
import { formatCount, formatMs, formatRatio, markdownTable, verdict } from "../lib/report.js";
import type { Operation } from "./operations.js";
import type { Results } from "./results.js";

/** The target: the adapter adds at most 10% to the raw SDK time for the same calls. */
export const ADAPTER_OVERHEAD_LIMIT = 1.1;

export interface SectionInput {
  readonly operations: readonly Operation[];
  readonly results: Results;
  /** Sentences on how the run was set up, printed as a list. */
  readonly setup: readonly string[];
  readonly rounds: number;
  /** Lines after the verdicts: retries, warnings. */
  readonly notes: readonly string[];
}

export function renderSection({ operations, results, setup, rounds, notes }: SectionInput): string {
  const rows = operations.map((operation) => ({
    operation,
    raw: results.summary(operation.name, "raw"),
    adapter: results.summary(operation.name, "adapter"),
    service: results.summary(operation.name, "service"),
  }));
  const latency = (p50: number, p99: number) => `${formatMs(p50)} / ${formatMs(p99)}`;
  const spread = (adapter: readonly number[], raw: readonly number[]) => {
    const ratios = adapter.map((value, i) => value / (raw[i] ?? Number.NaN));
    return `${formatRatio(Math.min(...ratios))}–${formatRatio(Math.max(...ratios))}`;
  };

  const latencyTable = markdownTable(
    ["operation", "n per way", "raw SDK p50 / p99", "adapter p50 / p99", "service p50 / p99", "adapter/raw p50", `adapter/raw p50, each of ${rounds} rounds`, "service/raw p50"],
    rows.map(({ operation, raw, adapter, service }) => [
      operation.name,
      formatCount(raw.n),
      latency(raw.p50, raw.p99),
      latency(adapter.p50, adapter.p99),
      latency(service.p50, service.p99),
      `**${formatRatio(adapter.p50 / raw.p50)}**`,
      spread(adapter.roundMedians, raw.roundMedians),
      formatRatio(service.p50 / raw.p50),
    ]),
  );
  const throughputTable = markdownTable(
    ["operation", "in flight", "raw SDK ops/s", "adapter ops/s", "service ops/s", "adapter/raw", "service/raw"],
    rows.map(({ operation, raw, adapter, service }) => [
      operation.name,
      String(raw.inFlight),
      formatCount(raw.opsPerSecond),
      formatCount(adapter.opsPerSecond),
      formatCount(service.opsPerSecond),
      formatRatio(adapter.opsPerSecond / raw.opsPerSecond),
      formatRatio(service.opsPerSecond / raw.opsPerSecond),
    ]),
  );
  const verdicts = rows.map(({ operation, raw, adapter }) => {
    const ratio = adapter.p50 / raw.p50;
    return verdict(
      `${operation.name}: the adapter adds at most 10% to the raw SDK time (median latency at 1 in flight, adapter/raw ≤ ${formatRatio(ADAPTER_OVERHEAD_LIMIT)})`,
      `${formatRatio(ratio)} = ${formatMs(adapter.p50)} / ${formatMs(raw.p50)}; per round ${spread(adapter.roundMedians, raw.roundMedians)}`,
      ratio <= ADAPTER_OVERHEAD_LIMIT,
    );
  });

  return [
    "## DynamoDB store (dynalite)",
    "",
    ...setup.map((line) => `- ${line}`),
    "",
    "What each operation sends to DynamoDB, the same in all three ways:",
    "",
    ...operations.map((operation) => `- ${operation.name}: ${operation.requests}`),
    "",
    "### Latency at 1 in flight",
    "",
    latencyTable,
    "",
    "### Throughput",
    "",
    throughputTable,
    "",
    "### Target",
    "",
    ...verdicts,
    ...notes.map((line) => `- ${line}`),
    "",
  ].join("\n");
}
