import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { DynamoDbConfig } from "../../config.js";

export interface DynamoDbClientOptions {
  /**
   * Fixed credentials, for tests and the dev script against a local server.
   * The service passes none: the SDK's default provider chain finds them
   * (an IAM role in production).
   */
  readonly credentials?: DynamoDBClientConfig["credentials"];
}

/**
 * The one DynamoDB client of the process. The SDK's own retries are off:
 * src/retry.ts decides, so attempts never multiply. Both timeouts turn a
 * stuck request into a TimeoutError the retry policy sends again; without
 * throwOnRequestTimeout the SDK's requestTimeout only logs a warning and the
 * request waits for the socket's idle timeout (300 s for DynamoDB).
 */
export function createDynamoDbClient(config: DynamoDbConfig, options: DynamoDbClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
}
