/**
 * A plain @grpc/grpc-js client that speaks any generated method, the way a
 * grpc-js service elsewhere in the company (or grpcurl) would, and decodes the
 * google.rpc.Status that errors carry in grpc-status-details-bin.
 */
import { fromBinary, toBinary, type DescMessage, type DescMethodUnary, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { BadRequestSchema, ErrorInfoSchema, type BadRequest, type ErrorInfo } from "../../src/gen/google/rpc/error_details_pb.js";
import { StatusSchema } from "../../src/gen/google/rpc/status_pb.js";

export function createGrpcJsClient(address: string): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure());
}

export function serializer<D extends DescMessage>(desc: D): (message: MessageShape<D>) => Buffer {
  return (message) => Buffer.from(toBinary(desc, message));
}

export function deserializer<D extends DescMessage>(desc: D): (bytes: Buffer) => MessageShape<D> {
  return (bytes) => fromBinary(desc, bytes);
}

export function callUnary<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodUnary<I, O>,
  request: MessageInitShape<I>,
  options: grpc.CallOptions = {},
  metadata = new grpc.Metadata(),
): Promise<MessageShape<O>> {
  const path = `/${method.parent.typeName}/${method.name}`;
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      serializer(method.input),
      deserializer(method.output),
      create(method.input, request),
      metadata,
      options,
      (error, response) => (error ? reject(error) : resolve(response as MessageShape<O>)),
    );
  });
}

/** Sends raw bytes as the request message of `path`, for requests no generated type can express. */
export function callRawUnary(client: grpc.Client, path: string, bytes: Buffer): Promise<Buffer> {
  const identity = (data: Buffer) => data;
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, identity, identity, bytes, (error, response) => (error ? reject(error) : resolve(response as Buffer)));
  });
}

export interface ErrorDetails {
  readonly errorInfo: ErrorInfo | undefined;
  readonly badRequest: BadRequest | undefined;
}

/** The ErrorInfo and BadRequest inside an error's grpc-status-details-bin trailer. */
export function errorDetails(error: grpc.ServiceError): ErrorDetails {
  const [bytes] = error.metadata.get("grpc-status-details-bin");
  if (!(bytes instanceof Buffer)) {
    return { errorInfo: undefined, badRequest: undefined };
  }
  const status = fromBinary(StatusSchema, bytes);
  let errorInfo: ErrorInfo | undefined;
  let badRequest: BadRequest | undefined;
  for (const any of status.details) {
    errorInfo ??= anyUnpack(any, ErrorInfoSchema);
    badRequest ??= anyUnpack(any, BadRequestSchema);
  }
  return { errorInfo, badRequest };
}

/** Awaits a promise that must reject with a grpc-js ServiceError, and returns it. */
export async function grpcError(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error("the call succeeded but was expected to fail");
}
