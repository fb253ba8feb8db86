/**
 * grpc.health.v1 (Check and Watch), served by grpc-health-check. The
 * overall status ("") and the SessionStoreService's status move together:
 * the service is all this server does.
 */
import type * as grpc from "@grpc/grpc-js";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";
import { SessionStoreService } from "./gen/sessionstore/v1/session_store_pb.js";

export type { ServingStatus };

export class HealthStatus {
  private readonly implementation = new HealthImplementation({ "": "NOT_SERVING", [SessionStoreService.typeName]: "NOT_SERVING" });
  private current: ServingStatus = "NOT_SERVING";

  get status(): ServingStatus {
    return this.current;
  }

  set(status: ServingStatus): void {
    if (status === this.current) {
      return;
    }
    this.current = status;
    this.implementation.setStatus("", status);
    this.implementation.setStatus(SessionStoreService.typeName, status);
  }

  addToServer(server: grpc.Server): void {
    this.implementation.addToServer(server);
  }
}
