/**
 * A bare HTTP/2 client that sends whatever bytes and headers a test gives
 * it, to see how the server copes with requests no gRPC library would send.
 */
import http2 from "node:http2";
import type * as grpc from "@grpc/grpc-js";

export interface RawResponse {
  /** HTTP :status, or undefined when the stream was reset before any answer. */
  readonly httpStatus: number | undefined;
  /** grpc-status from the trailers (or the headers of a trailers-only answer). */
  readonly grpcStatus: grpc.status | undefined;
  readonly grpcMessage: string | undefined;
  readonly body: Buffer;
  /** Set when the stream or session failed instead of answering. */
  readonly error: Error | undefined;
}

export interface RawRequest {
  readonly path: string;
  readonly body?: Buffer;
  readonly headers?: http2.OutgoingHttpHeaders;
  /** False leaves the request stream open after the body (a client that stops sending). */
  readonly end?: boolean;
  /** Give up (and reset the stream) after this long. */
  readonly timeoutMs?: number;
}

export function frame(message: Buffer, declaredLength = message.length): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(0, 0);
  header.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([header, message]);
}

export async function rawCall(address: string, request: RawRequest): Promise<RawResponse> {
  const session = http2.connect(`http://${address}`);
  session.on("error", () => undefined);
  try {
    return await new Promise<RawResponse>((resolve) => {
      const stream = session.request({
        ":method": "POST",
        ":path": request.path,
        "content-type": "application/grpc",
        te: "trailers",
        ...request.headers,
      });
      let httpStatus: number | undefined;
      let grpcStatus: grpc.status | undefined;
      let grpcMessage: string | undefined;
      const chunks: Buffer[] = [];
      const readStatus = (headers: http2.IncomingHttpHeaders) => {
        if (headers["grpc-status"] !== undefined) {
          grpcStatus = Number(headers["grpc-status"]);
          grpcMessage = decodeURIComponent(String(headers["grpc-message"] ?? ""));
        }
      };
      const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), request.timeoutMs ?? 5000);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        resolve({ httpStatus, grpcStatus, grpcMessage, body: Buffer.concat(chunks), error });
      };
      // A status ends the call even when this client never ended its side.
      const answered = () => {
        if (grpcStatus !== undefined) {
          stream.close();
        }
      };
      stream.on("response", (headers) => {
        httpStatus = Number(headers[":status"]);
        readStatus(headers);
        answered();
      });
      stream.on("trailers", (trailers: http2.IncomingHttpHeaders) => {
        readStatus(trailers);
        answered();
      });
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", finish);
      stream.on("close", () => finish());
      if (request.body) {
        stream.write(request.body);
      }
      if (request.end ?? true) {
        stream.end();
      }
    });
  } finally {
    session.destroy();
  }
}
