/**
 * The transport's ceiling: a grpc-js server for SessionStoreService that
 * answers every call with a fixed response, on the same stack as the
 * service (grpc-js, requests decoded and responses encoded by protobuf-es
 * from the same descriptors) but with no validation, store, mapping, metrics
 * or logs. What the service does beyond this is the service's own cost.
 *
 *   node --import tsx bench/bare-grpc-server.ts <responses.json>
 *
 * responses.json maps method names (GetSession, ...) to the base64 bytes of
 * the response to give. Prints one JSON line, as the service does when it
 * serves, with its gRPC port and the port of a plain-HTTP endpoint that tells how many calls it answered, by method.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fromBinary, toBinary, type Message } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { SessionStoreService } from "../src/gen/sessionstore/v1/session_store_pb.js";

const [responsesFile] = process.argv.slice(2);
if (responsesFile === undefined) {
  process.stderr.write("usage: bare-grpc-server.ts <responses.json>\n");
  process.exit(2);
}
const responses = JSON.parse(readFileSync(responsesFile, "utf8")) as Record<string, string>;

/** Calls answered, by method name. */
const answered: Record<string, number> = {};
const definition: Record<string, grpc.MethodDefinition<Buffer, Message>> = {};
const implementation: grpc.UntypedServiceImplementation = {};
for (const method of SessionStoreService.methods) {
  const encoded = responses[method.name];
  if (encoded === undefined) {
    continue;
  }
  const response = fromBinary(method.output, Buffer.from(encoded, "base64"));
  definition[method.localName] = {
    path: `/${SessionStoreService.typeName}/${method.name}`,
    originalName: method.localName,
    requestStream: false,
    responseStream: false,
    requestSerialize: (bytes: Buffer) => bytes,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (message: Message) => toBuffer(toBinary(method.output, message)),
    responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
  };
  implementation[method.localName] = ((call: grpc.ServerUnaryCall<Buffer, Message>, callback: grpc.sendUnaryData<Message>) => {
    // Decoded like the service decodes, then dropped: the answer is fixed.
    fromBinary(method.input, call.request);
    answered[method.name] = (answered[method.name] ?? 0) + 1;
    callback(null, response);
  }) as grpc.handleUnaryCall<Buffer, Message>;
}

const server = new grpc.Server();
server.addService(definition, implementation);
const port = await new Promise<number>((resolve, reject) => {
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
});
const counter = http.createServer((_request, response) => response.end(JSON.stringify({ answered })));
await new Promise<void>((resolve) => counter.listen(0, "127.0.0.1", resolve));
process.stdout.write(`${JSON.stringify({ msg: "serving", port, counterPort: (counter.address() as AddressInfo).port })}\n`);
process.once("SIGTERM", () => {
  counter.close();
  server.forceShutdown();
  // Exit now rather than when every handle is gone: nothing here needs draining.
  process.exit(0);
});

/** The service's own zero-copy view, so both servers hand grpc-js the same kind of buffer. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
