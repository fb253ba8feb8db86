import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  ThrottlingException,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/errors.js";
import { createLogger } from "../../src/logger.js";
import type { StoreCallMetrics } from "../../src/observability/metrics.js";
import { classifyFailure, RetryPolicy, type Attempt } from "../../src/retry.js";
import { captureLogs } from "../helpers/captured-logger.js";

const answered = (status: number) => ({ $metadata: { httpStatusCode: status } });

describe("classifyFailure", () => {
  it.each([
    ["ProvisionedThroughputExceededException", new ProvisionedThroughputExceededException({ message: "slow down", ...answered(400) }), "throttled"],
    ["ThrottlingException", new ThrottlingException({ message: "rate exceeded", ...answered(400) }), "throttled"],
    ["HTTP 429", Object.assign(new Error("too many"), answered(429)), "throttled"],
    ["InternalServerError (500)", new InternalServerError({ message: "oops", ...answered(500) }), "transient"],
    ["any 503", Object.assign(new Error("unavailable"), { name: "ServiceUnavailable", ...answered(503) }), "transient"],
    ["a connection reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "transient"],
    ["the HTTP handler's request timeout", Object.assign(new Error("timed out"), { name: "TimeoutError", code: "ETIMEDOUT" }), "transient"],
    [
      "a signature refused for clock skew the SDK has corrected",
      Object.assign(new Error("skew"), { name: "InvalidSignatureException", $metadata: { httpStatusCode: 400, clockSkewCorrected: true } }),
      "transient",
    ],
    ["ConditionalCheckFailedException", new ConditionalCheckFailedException({ message: "no", ...answered(400) }), "final"],
    ["ResourceNotFoundException", new ResourceNotFoundException({ message: "no table", ...answered(400) }), "final"],
    ["ValidationException", Object.assign(new Error("bad"), { name: "ValidationException", ...answered(400) }), "final"],
    // The SDK's deprecated decider retried these as clock skew; its standard strategy (and this policy) does not.
    ["AccessDeniedException", Object.assign(new Error("denied"), { name: "AccessDeniedException", ...answered(400) }), "final"],
    ["the caller's abort", Object.assign(new Error("aborted"), { name: "AbortError" }), "final"],
    ["something that is not an Error", "ECONNRESET", "final"],
  ])("treats %s as %s", (_, error, kind) => {
    expect(classifyFailure(error)).toBe(kind);
  });
});

class RecordedMetrics implements StoreCallMetrics {
  readonly attempts: string[] = [];
  retries = 0;
  attempt(operation: string, outcome: string): void {
    this.attempts.push(`${operation}:${outcome}`);
  }
  retry(): void {
    this.retries += 1;
  }
}

const throttle = () => new ProvisionedThroughputExceededException({ message: "slow down", ...answered(400) });
const serverError = () => new InternalServerError({ message: "oops", ...answered(500) });
const never = new AbortController().signal;

function policy(maxAttempts: number, metrics?: StoreCallMetrics, logger = createLogger("silent")): RetryPolicy {
  return new RetryPolicy({ maxAttempts, baseDelayMs: 1, maxDelayMs: 4, logger, metrics });
}

describe("RetryPolicy", () => {
  it("sends again after transient failures and returns the first success", async () => {
    const metrics = new RecordedMetrics();
    const failures = [throttle(), serverError()];
    const seen: Attempt[] = [];
    const result = await policy(5, metrics).run("GetItem", never, async (attempt) => {
      seen.push(attempt);
      const failure = failures.shift();
      if (failure) {
        throw failure;
      }
      return "answer";
    });
    expect(result).toBe("answer");
    expect(seen).toEqual([
      { number: 1, earlierMayHaveApplied: false },
      { number: 2, earlierMayHaveApplied: false },
      { number: 3, earlierMayHaveApplied: true },
    ]);
    expect(metrics.attempts).toEqual(["GetItem:throttled", "GetItem:transient", "GetItem:success"]);
    expect(metrics.retries).toBe(2);
  });

  it("logs one line for a call that needed retries, and none for one that did not", async () => {
    const logs = captureLogs("info");
    const failures = [throttle(), throttle()];
    await policy(5, undefined, logs.logger).run("PutItem", never, async () => {
      const failure = failures.shift();
      if (failure) {
        throw failure;
      }
      return "ok";
    });
    await policy(5, undefined, logs.logger).run("GetItem", never, async () => "ok");
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 40, operation: "PutItem", attempts: 3, msg: "DynamoDB request succeeded after retries" }),
    ]);
  });

  it("waits at least the doubling base delay before each retry", async () => {
    const started: number[] = [];
    const base = 20;
    const slow = new RetryPolicy({ maxAttempts: 4, baseDelayMs: base, maxDelayMs: 10_000, logger: createLogger("silent") });
    await slow
      .run("PutItem", never, async () => {
        started.push(performance.now());
        if (started.length < 4) {
          throw throttle();
        }
      })
      .catch(() => undefined);
    const waits = started.slice(1).map((at, i) => at - (started[i] ?? 0));
    // Timers may fire up to a millisecond early; the floor is base x 2^retry.
    waits.forEach((wait, retry) => expect(wait).toBeGreaterThanOrEqual(base * 2 ** retry - 1));
  });

  it("gives up after maxAttempts with StoreUnavailableError, logging the last error and keeping it as the cause", async () => {
    const logs = captureLogs("info");
    let attempts = 0;
    const error = await policy(3, undefined, logs.logger)
      .run("Query", never, async () => {
        attempts += 1;
        throw throttle();
      })
      .catch((e: unknown) => e);
    expect(attempts).toBe(3);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe("the session store is over its capacity (refused 3 attempts); retry with backoff");
    expect((error as Error).cause).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 50, operation: "Query", attempts: 3, msg: "DynamoDB request failed on every attempt" }),
    ]);
  });

  it("says the store did not answer when the last failure was not a throttle", async () => {
    const error = await policy(2)
      .run("Query", never, async () => {
        throw serverError();
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("the session store did not answer (2 attempts failed); retry later");
  });

  it("rethrows a final failure at once, as it is", async () => {
    const metrics = new RecordedMetrics();
    const refusal = new ConditionalCheckFailedException({ message: "no", ...answered(400) });
    let attempts = 0;
    const error = await policy(5, metrics)
      .run("PutItem", never, async () => {
        attempts += 1;
        throw refusal;
      })
      .catch((e: unknown) => e);
    expect(error).toBe(refusal);
    expect(attempts).toBe(1);
    expect(metrics.attempts).toEqual(["PutItem:failed"]);
  });

  it("stops when the signal fires and throws its reason, also while waiting to retry", async () => {
    const controller = new AbortController();
    const reason = new DOMException("the call's deadline passed", "TimeoutError");
    let attempts = 0;
    const slow = new RetryPolicy({ maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000, logger: createLogger("silent") });
    const running = slow.run("GetItem", controller.signal, async () => {
      attempts += 1;
      throw throttle();
    });
    await expect.poll(() => attempts).toBe(1);
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(attempts).toBe(1);
  });
});
