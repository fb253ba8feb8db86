import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger };

/** JSON lines on stdout, as a container platform collects them. */
export function createLogger(level: LevelWithSilent): Logger {
  return pino({ level, base: { service: "sessionstore" } });
}
