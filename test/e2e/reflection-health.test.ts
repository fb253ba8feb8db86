/**
 * What grpcurl needs: server reflection (v1 and v1alpha) that lists the
 * services and hands out their file descriptors, and grpc.health.v1.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import type { Client } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ServerReflectionRequestSchema,
  ServerReflectionResponseSchema,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import { Health, HealthCheckResponse_ServingStatus as Serving } from "../../src/gen/health/v1/health_pb.js";
import { callUnary, createGrpcJsClient, deserializer, serializer } from "../helpers/grpc-js-client.js";
import { watchHealth } from "../helpers/health-watch.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

/** One request/response exchange on a reflection stream; v1alpha has the same wire format as v1. */
function reflect(client: Client, version: "v1" | "v1alpha", request: Omit<ServerReflectionRequest, "$typeName">): Promise<ServerReflectionResponse> {
  const stream = client.makeBidiStreamRequest(
    `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
    serializer(ServerReflectionRequestSchema),
    deserializer(ServerReflectionResponseSchema),
  );
  return new Promise((resolve, reject) => {
    stream.once("data", (response: ServerReflectionResponse) => {
      resolve(response);
      stream.end();
    });
    stream.once("error", reject);
    stream.write(create(ServerReflectionRequestSchema, request));
  });
}

describe("reflection and health", () => {
  let server: TestServer;
  let client: Client;

  beforeAll(async () => {
    server = await startTestServer();
    client = createGrpcJsClient(server.address);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
  });

  it.each(["v1", "v1alpha"] as const)("lists the services over reflection %s", async (version) => {
    const response = await reflect(client, version, { host: "", messageRequest: { case: "listServices", value: "" } });
    expect(response.messageResponse.case).toBe("listServicesResponse");
    const names = response.messageResponse.case === "listServicesResponse" ? response.messageResponse.value.service.map((s) => s.name) : [];
    expect(names).toEqual(expect.arrayContaining(["sessionstore.v1.SessionStoreService", "grpc.health.v1.Health"]));
  });

  it("hands out the file that defines the service, with its imports resolvable", async () => {
    const response = await reflect(client, "v1", {
      host: "",
      messageRequest: { case: "fileContainingSymbol", value: "sessionstore.v1.SessionStoreService" },
    });
    expect(response.messageResponse.case).toBe("fileDescriptorResponse");
    const files =
      response.messageResponse.case === "fileDescriptorResponse"
        ? response.messageResponse.value.fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes))
        : [];
    const main = files.find((f) => f.name === "sessionstore/v1/session_store.proto");
    expect(main?.service[0]?.method.map((m) => m.name)).toEqual([
      "CreateSession",
      "GetSession",
      "UpdateSessionStatus",
      "DeleteSession",
      "CountByStatus",
      "ListSessions",
    ]);
    expect(files.map((f) => f.name)).toContain("google/protobuf/timestamp.proto");
    expect(toBinary(FileDescriptorProtoSchema, main ?? create(FileDescriptorProtoSchema)).length).toBeGreaterThan(100);
  });

  it("answers SERVING for the server and the service, and NOT_FOUND for an unknown service", async () => {
    expect((await callUnary(client, Health.method.check, { service: "" })).status).toBe(Serving.SERVING);
    expect((await callUnary(client, Health.method.check, { service: "sessionstore.v1.SessionStoreService" })).status).toBe(
      Serving.SERVING,
    );
    await expect(callUnary(client, Health.method.check, { service: "unknown.Service" })).rejects.toMatchObject({ code: 5 });
  });

  it("streams the change to NOT_SERVING to a watcher when the server stops", async () => {
    const own = await startTestServer();
    const watch = watchHealth(own.address, "sessionstore.v1.SessionStoreService");
    await watch.next(Serving.SERVING);
    await own.stop();
    await watch.next(Serving.NOT_SERVING);
    watch.close();
    expect(watch.statuses).toEqual([Serving.SERVING, Serving.NOT_SERVING]);
  });
});
