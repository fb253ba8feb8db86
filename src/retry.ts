/**
 * The one retry policy for DynamoDB calls: exponential backoff with jitter
 * (p-retry), on transient faults only, never past the call's deadline. The
 * SDK's own retries are off (maxAttempts 1), so attempts never multiply.
 *
 * What counts as transient is the SDK's own classification
 * (@smithy/service-error-classification): throttling, 5xx, timeouts and
 * connection errors. Validation, condition and not-found errors fail at once.
 */
import { performance } from "node:perf_hooks";
import {
  isClockSkewError,
  isServerError,
  isThrottlingError,
  isTransientError,
} from "@smithy/service-error-classification";
import pRetry, { AbortError as StopRetrying } from "p-retry";
import type { RetryConfig } from "./config.js";
import { StoreUnavailableError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { StoreCallMetrics } from "./observability/metrics.js";

type ErrorShape = Parameters<typeof isTransientError>[0];

/** Whether a failed DynamoDB request may succeed if sent again. */
export function isTransientFault(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const shaped = error as ErrorShape;
  return isThrottlingError(shaped) || isTransientError(shaped) || isServerError(shaped) || isClockSkewError(shaped);
}

export function isThrottle(error: unknown): boolean {
  return error instanceof Error && isThrottlingError(error as ErrorShape);
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
   * Runs `request` until it succeeds, fails for good, runs out of attempts
   * (StoreUnavailableError) or `signal` fires (its reason is thrown).
   */
  async run<T>(operation: string, signal: AbortSignal, request: (attempt: Attempt) => Promise<T>): Promise<T> {
    const { maxAttempts, baseDelayMs, maxDelayMs, logger, metrics } = this.options;
    let number = 0;
    let earlierMayHaveApplied = false;
    let lastError: unknown;
    try {
      return await pRetry(
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
            const seconds = (performance.now() - started) / 1000;
            const transient = !signal.aborted && isTransientFault(error);
            metrics?.attempt(operation, isThrottle(error) ? "throttled" : transient ? "transient" : "failed", seconds);
            lastError = error;
            if (!transient) {
              throw new StopRetrying(error as Error);
            }
            // Throttles are refused before anything is applied; other transient faults may hide a write that landed.
            earlierMayHaveApplied ||= !isThrottle(error);
            throw error;
          }
        },
        {
          retries: maxAttempts - 1,
          factor: 2,
          minTimeout: baseDelayMs,
          maxTimeout: maxDelayMs,
          randomize: true,
          signal,
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            if (retriesLeft > 0) {
              logger.warn({ operation, attempt: attemptNumber, err: error }, "DynamoDB call failed; retrying");
            }
          },
        },
      );
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason;
      }
      if (error === lastError && isTransientFault(error)) {
        logger.error({ operation, attempts: number, err: error }, "DynamoDB call failed on every attempt");
        throw new StoreUnavailableError(
          `the session store did not answer after ${number} attempts (${describe(error)}); retry later`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.name : "unknown error";
}
