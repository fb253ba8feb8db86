import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "../../src/logger.js";

export interface CapturedLogger {
  readonly logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** Everything logged so far, as written. */
  text(): string;
}

/** A pino logger like the service's, writing to memory so tests can read what it logged. */
export function captureLogs(level: "debug" | "info" = "info"): CapturedLogger {
  let text = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    logger: pino({ level, base: { service: "sessionstore" } }, sink),
    lines: () =>
      text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => text,
  };
}
