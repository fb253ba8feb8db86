/**
 * Keeps health truthful while serving: probes the store every interval and
 * turns NOT_SERVING after `failureThreshold` consecutive failures, SERVING
 * again on the first success. Watchers of grpc.health.v1 see each change.
 */
import type { HealthCheckConfig } from "./config.js";
import type { HealthStatus } from "./health.js";
import type { Logger } from "./logger.js";
import type { SessionStore } from "./store/session-store.js";

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private probing = false;
  private stopped = false;

  constructor(
    private readonly store: SessionStore,
    private readonly health: HealthStatus,
    private readonly config: HealthCheckConfig,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.probe(), this.config.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One probe; exposed so tests can drive it without waiting for the interval. */
  async probe(): Promise<void> {
    if (this.probing) {
      return; // a slow store must not pile probes up
    }
    this.probing = true;
    try {
      await this.store.checkHealth({ signal: AbortSignal.timeout(Math.max(this.config.intervalMs, 1000)) });
      if (this.failures >= this.config.failureThreshold) {
        this.logger.info({ failures: this.failures }, "store answers again; health is SERVING");
      }
      this.failures = 0;
      if (!this.stopped) {
        this.health.set("SERVING");
      }
    } catch (error) {
      this.failures += 1;
      if (this.failures === this.config.failureThreshold) {
        this.logger.error({ err: error, failures: this.failures }, "store check failed repeatedly; health is NOT_SERVING");
        this.health.set("NOT_SERVING");
      } else if (this.failures < this.config.failureThreshold) {
        this.logger.warn({ err: error, failures: this.failures }, "store check failed");
      }
    } finally {
      this.probing = false;
    }
  }
}
