/**
 * What every benchmark part shares: percentiles, number formatting and the
 * markdown it prints. A part prints its section to stdout (bench/run.ts
 * collects them into bench/RESULTS.md) and its progress to stderr.
 */

/** The q-quantile (0..1) of samples, by the nearest-rank method. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) {
    return Number.NaN;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

/** 12345.6 → "12,346". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Milliseconds with three significant digits: 0.0123 → "12.3 µs", 4.56 → "4.56 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) {
    return "n/a";
  }
  if (ms < 1) {
    return `${(ms * 1000).toPrecision(3)} µs`;
  }
  if (ms < 1000) {
    return `${ms.toPrecision(3)} ms`;
  }
  return `${(ms / 1000).toPrecision(3)} s`;
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? ratio.toFixed(2) : "n/a";
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const rule = `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** One line of a section's verdicts: what the target is, what was measured, and whether it is met. */
export function verdict(target: string, measured: string, met: boolean): string {
  return `- ${met ? "met" : "MISSED"}: ${target} (measured: ${measured})`;
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
