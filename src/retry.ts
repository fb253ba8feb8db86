/**
 * The one retry policy for DynamoDB calls: exponential backoff with jitter
 * (p-retry), on transient faults only, never past the call's deadline. The
 * SDK's own retries are off (maxAttempts 1), so attempts never multiply.
 *
 * What counts as transient is what the SDK's own standard retry strategy
 * retries, decided by the same functions (@smithy/core/retry, the package
 * @smithy/service-error-classification now re-exports): throttling, 5xx,
 * timeouts, connection errors, and a request refused for clock skew once the
 * SDK has corrected its clock. Validation, condition, not-found and access
 * errors fail at once.
 */
import { performance } from "node:perf_hooks";
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import pRetry, { AbortError as StopRetrying } from "p-retry";
import type { RetryConfig } from "./config.js";
import { StoreUnavailableError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { StoreCallMetrics } from "./observability/metrics.js";

/**
 * How a failed request is treated: "throttled" and "transient" are worth
 * another attempt, "final" is the answer. Throttled requests are refused
 * before anything is applied; transient ones (a 500, a reset, a timeout) may
 * hide a write that landed.
 */
export type FailureKind = "throttled" | "transient" | "final";

/**
 * The classifiers' parameter type (SdkError) narrows `cause` to Error; they
 * read every field defensively, so any Error may be passed as one.
 */
type Classifiable = Parameters<typeof isTransientError>[0];

/** The SDK's classification (THROTTLING, TRANSIENT, SERVER_ERROR are retried; CLIENT_ERROR is not). */
export function classifyFailure(error: unknown): FailureKind {
  if (!(error instanceof Error)) {
    return "final";
  }
  const classifiable = error as Classifiable;
  if (isThrottlingError(classifiable)) {
    return "throttled";
  }
  return isTransientError(classifiable) || isServerError(classifiable) ? "transient" : "final";
}

export interface RetryPolicyOptions extends RetryConfig {
  readonly logger: Logger;
  readonly metrics?: StoreCallMetrics | undefined;
}

/** What an attempt learns from the policy: its number, and whether an earlier attempt's outcome is unknown. */
export interface Attempt {
  readonly number: number;
  /** True when an earlier attempt failed in a way that may have applied it (a lost response). */
  readonly earlierMayHaveApplied: boolean;
}

export class RetryPolicy {
  constructor(private readonly options: RetryPolicyOptions) {}

  /**
   * Runs `request` until it succeeds, fails for good (that error is thrown),
   * runs out of attempts (StoreUnavailableError, the last error logged and
   * kept as its cause) or `signal` fires (the signal's reason is thrown, so a
   * deadline stays DEADLINE_EXCEEDED and a cancellation CANCELLED).
   */
  async run<T>(operation: string, signal: AbortSignal, request: (attempt: Attempt) => Promise<T>): Promise<T> {
    const { maxAttempts, baseDelayMs, maxDelayMs, logger, metrics } = this.options;
    let number = 0;
    let earlierMayHaveApplied = false;
    let last: { error: unknown; kind: FailureKind } | undefined;
    try {
      const result = await pRetry(
        async () => {
          number += 1;
          if (number > 1) {
            metrics?.retry(operation);
          }
          const started = performance.now();
          try {
            const result = await request({ number, earlierMayHaveApplied });
            metrics?.attempt(operation, "success", (performance.now() - started) / 1000);
            return result;
          } catch (error) {
            const kind = signal.aborted ? "final" : classifyFailure(error);
            metrics?.attempt(operation, kind === "final" ? "failed" : kind, (performance.now() - started) / 1000);
            last = { error, kind };
            if (kind === "final") {
              // p-retry rethrows StopRetrying's originalError, which must be an Error.
              throw new StopRetrying(error instanceof Error ? error : new Error(String(error)));
            }
            earlierMayHaveApplied ||= kind === "transient";
            throw error;
          }
        },
        {
          retries: maxAttempts - 1,
          factor: 2,
          minTimeout: baseDelayMs,
          maxTimeout: maxDelayMs,
          // Each wait is drawn from [d, 2d) for the doubling d, so waits spread out and still grow.
          randomize: true,
          signal,
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            // Debug only: under throttling this fires for every request; the metrics count retries.
            if (retriesLeft > 0 && logger.isLevelEnabled("debug")) {
              logger.debug({ operation, attempt: attemptNumber, err: error }, "DynamoDB request failed; retrying");
            }
          },
        },
      );
      if (number > 1) {
        // One line per retried call (not per attempt), so a throttling storm stays readable.
        logger.warn({ operation, attempts: number, err: last?.error }, "DynamoDB request succeeded after retries");
      }
      return result;
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason;
      }
      if (last !== undefined && error === last.error && last.kind !== "final") {
        logger.error({ operation, attempts: number, err: error }, "DynamoDB request failed on every attempt");
        throw new StoreUnavailableError(unavailableMessage(last.kind, number), { cause: error });
      }
      throw error;
    }
  }
}

/** What the caller is told: safe to show, and says what to do. */
function unavailableMessage(kind: Exclude<FailureKind, "final">, attempts: number): string {
  return kind === "throttled"
    ? `the session store is over its capacity (refused ${attempts} attempts); retry with backoff`
    : `the session store did not answer (${attempts} attempts failed); retry later`;
}
