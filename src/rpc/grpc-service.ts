/**
 * Serves the handlers on @grpc/grpc-js, which the transport baseline
 * (shared notes) measured at ~3.7x connect-node's unary rate. Messages are
 * (de)serialized by protobuf-es from the generated descriptors, so both
 * transports speak exactly the same types.
 */
import { fromBinary, toBinary, type DescMessage, type DescService, type Message } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import type { ConnectError } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { MalformedRequestError, toConnectError } from "../errors.js";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import type { RpcContext } from "./session-store-service.js";

type UnaryHandler = (request: never, context: RpcContext) => Promise<Message>;

export interface GrpcServiceOptions {
  /** Deadline for calls whose client set none, so a stuck store cannot hold a call forever. */
  readonly defaultDeadlineMs: number;
}

/**
 * A grpc-js service for `service`, each method calling the handler of the same
 * local name (getSession for GetSession), as connect-node's router does.
 */
export function createGrpcService(
  service: DescService,
  handlers: object,
  options: GrpcServiceOptions,
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  const definition: Record<string, grpc.MethodDefinition<Buffer, Message>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of service.methods) {
    if (method.methodKind !== "unary") {
      throw new Error(`${method.name}: only unary methods are served`);
    }
    const handler = (handlers as Record<string, UnaryHandler | undefined>)[method.localName];
    if (!handler) {
      throw new Error(`no handler for ${service.typeName}.${method.name}`);
    }
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      originalName: method.localName,
      requestStream: false,
      responseStream: false,
      // Requests stay bytes until the handler runs, so a malformed one is
      // answered INVALID_ARGUMENT by our error mapping instead of grpc-js's INTERNAL.
      requestSerialize: (bytes: Buffer) => bytes,
      requestDeserialize: (bytes: Buffer) => bytes,
      responseSerialize: (message: Message) => toBuffer(toBinary(method.output, message)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
    };
    implementation[method.localName] = unaryCall(method.input, handler, options);
  }
  return { definition, implementation };
}

function unaryCall(input: DescMessage, handler: UnaryHandler, options: GrpcServiceOptions): grpc.handleUnaryCall<Buffer, Message> {
  return (call, callback) => {
    let request: Message;
    try {
      request = fromBinary(input, call.request);
    } catch (error) {
      callback(toServiceError(toConnectError(new MalformedRequestError(error))));
      return;
    }
    const context = new GrpcCallContext(call);
    let answered = false;
    let deadlineTimer: NodeJS.Timeout | undefined;
    const answer = (error: grpc.ServiceError | null, response?: Message) => {
      if (!answered) {
        answered = true;
        clearTimeout(deadlineTimer);
        callback(error, response);
      }
    };
    if (!context.hasClientDeadline) {
      // grpc-js enforces deadlines the client sends; this one is ours to keep.
      deadlineTimer = setTimeout(() => {
        const reason = context.expire();
        answer(toServiceError(toConnectError(reason)));
      }, options.defaultDeadlineMs);
    }
    handler(request as never, context).then(
      (response) => {
        answer(null, response);
      },
      (error: unknown) => {
        answer(toServiceError(toConnectError(error)));
      },
    );
  };
}

/**
 * The handler's view of a grpc-js call. The AbortSignal is made on first use:
 * most calls (every call on the memory store) never look at it, and an
 * AbortController per call is measurable at tens of thousands of calls a second.
 */
class GrpcCallContext implements RpcContext {
  private controller: AbortController | undefined;
  private expired = false;

  constructor(private readonly call: grpc.ServerUnaryCall<Buffer, Message>) {}

  get hasClientDeadline(): boolean {
    return this.call.getDeadline() !== Infinity;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.expired) {
        controller.abort(deadlineReason());
      } else if (this.call.cancelled) {
        controller.abort(this.cancellationReason());
      } else {
        this.call.once("cancelled", () => {
          controller.abort(this.cancellationReason());
        });
      }
    }
    return this.controller.signal;
  }

  get peerIdentity(): string | undefined {
    const subject = this.call.getAuthContext().sslPeerCertificate?.subject;
    const commonName: unknown = subject?.CN;
    return typeof commonName === "string" ? commonName : undefined;
  }

  header(name: string): string | undefined {
    const [value] = this.call.metadata.get(name);
    return typeof value === "string" ? value : undefined;
  }

  /** The server's default deadline passed: abort the work and say why. */
  expire(): DOMException {
    this.expired = true;
    const reason = deadlineReason();
    this.controller?.abort(reason);
    return reason;
  }

  /** grpc-js cancels a call both when its deadline passes and when the client goes away. */
  private cancellationReason(): DOMException {
    const deadline = this.call.getDeadline();
    const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
    return this.expired || Date.now() >= deadlineMs ? deadlineReason() : new DOMException("the caller cancelled the call", "AbortError");
  }
}

function deadlineReason(): DOMException {
  return new DOMException("the call's deadline passed", "TimeoutError");
}

/** Puts a ConnectError on the gRPC wire, details in the standard grpc-status-details-bin trailer. */
function toServiceError(error: ConnectError): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  const status = create(StatusSchema, {
    code: error.code,
    message: error.rawMessage,
    details: error.details.map((detail) =>
      "desc" in detail
        ? anyPack(detail.desc, create(detail.desc, detail.value))
        : { typeUrl: `type.googleapis.com/${detail.type}`, value: detail.value },
    ),
  });
  metadata.set("grpc-status-details-bin", toBuffer(toBinary(StatusSchema, status)));
  return Object.assign(new Error(error.rawMessage), {
    code: Number(error.code), // connect's Code and grpc-js's status share the gRPC numbering
    details: error.rawMessage,
    metadata,
  });
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
