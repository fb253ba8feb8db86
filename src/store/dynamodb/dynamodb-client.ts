import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDbConfig } from "../../config.js";

/**
 * The one DynamoDB client of the process. Credentials come from the SDK's
 * default provider chain (an IAM role in production). The SDK's own retries
 * are off: src/retry.ts decides, so attempts never multiply.
 */
export function createDynamoDbClient(config: DynamoDbConfig): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
    },
  });
}
