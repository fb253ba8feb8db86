/**
 * A grpc.health.v1 Watch stream, as a load balancer or kubelet would hold
 * one: tests wait for the statuses it is sent, in order.
 */
import { create } from "@bufbuild/protobuf";
import type { ClientReadableStream } from "@grpc/grpc-js";
import { Health, HealthCheckResponse_ServingStatus as Serving } from "../../src/gen/health/v1/health_pb.js";
import { createGrpcJsClient, deserializer, serializer } from "./grpc-js-client.js";

export interface HealthWatch {
  /** Every status the stream has sent so far, in order. */
  readonly statuses: readonly Serving[];
  /** Resolves when the stream sends `status` after the one the previous call waited for. */
  next(status: Serving): Promise<void>;
  close(): void;
}

export function watchHealth(address: string, service: string): HealthWatch {
  const client = createGrpcJsClient(address);
  const stream: ClientReadableStream<{ status: Serving }> = client.makeServerStreamRequest(
    "/grpc.health.v1.Health/Watch",
    serializer(Health.method.watch.input),
    deserializer(Health.method.watch.output),
    create(Health.method.watch.input, { service }),
  );
  // The stream ends with an error when the server stops or the watch is closed.
  stream.on("error", () => undefined);
  const statuses: Serving[] = [];
  // Registered before any waiter's listener, so a waiter sees the status it was woken for.
  stream.on("data", (response: { status: Serving }) => statuses.push(response.status));
  let waitedUpTo = 0;
  return {
    statuses,
    next: (status) =>
      new Promise((resolve) => {
        const check = () => {
          const found = statuses.indexOf(status, waitedUpTo);
          if (found >= 0) {
            waitedUpTo = found + 1;
            stream.off("data", check);
            resolve();
          }
        };
        stream.on("data", check);
        check();
      }),
    close: () => {
      stream.cancel();
      client.close();
    },
  };
}
