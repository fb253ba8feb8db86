/**
 * gRPC server reflection (v1 and v1alpha, so old and new grpcurl both work),
 * served by @grpc/reflection and fed with the descriptors protobuf-es
 * generated, so no .proto file has to ship with the server.
 */
import { toBinary, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type * as grpc from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";

/** Adds reflection for every service defined in `files` (their imports are included). */
export function addReflection(server: grpc.Server, files: readonly DescFile[]): void {
  const fileDescriptorProtos = collect(files).map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)));
  // @grpc/reflection reads only fileDescriptorProtos from a proto-loader package
  // definition; one entry carrying every file is enough for it to index them all.
  const definition = {
    files: { format: "Protocol Buffer 3 FileDescriptorProto", type: {}, fileDescriptorProtos },
  } as unknown as ConstructorParameters<typeof ReflectionService>[0];
  new ReflectionService(definition).addToServer(server);
}

function collect(files: readonly DescFile[], seen = new Map<string, DescFile>()): DescFile[] {
  for (const file of files) {
    if (!seen.has(file.name)) {
      seen.set(file.name, file);
      collect(file.dependencies, seen);
    }
  }
  return [...seen.values()];
}
