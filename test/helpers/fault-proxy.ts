/**
 * An HTTP proxy between the DynamoDB adapter and dynalite that injects the
 * faults a real DynamoDB shows: throttling, 500s, validation errors, slow
 * answers, connection resets, lost responses (the request is applied, the
 * answer never arrives) and batch reads left unprocessed. Tests plan faults
 * per operation and read back what arrived when.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { readonly kind: "throttle"; readonly type?: "ProvisionedThroughputExceededException" | "ThrottlingException" }
  | { readonly kind: "server-error" }
  | { readonly kind: "invalid" }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "reset" }
  /** Forwards the request, then (after `afterApplied`, if given) drops the connection instead of answering. */
  | { readonly kind: "lose-response"; readonly afterApplied?: () => Promise<void> }
  /** BatchGetItem only: answers that every key was left unprocessed, as DynamoDB does when short of capacity. */
  | { readonly kind: "unprocessed" };

export interface ProxiedRequest {
  /** DynamoDB operation, from X-Amz-Target: PutItem, Query... */
  readonly operation: string;
  /** ms since the proxy started. */
  readonly at: number;
  readonly fault: Fault["kind"] | "none";
}

/** Decides the fault for one request; undefined forwards it untouched. */
export type FaultPlan = (operation: string) => Fault | undefined;

export class FaultProxy {
  readonly requests: ProxiedRequest[] = [];
  private plan: FaultPlan = () => undefined;
  private readonly planned = new Map<string, Fault[]>();
  private readonly started = performance.now();
  private readonly server: http.Server;
  private readonly upstream: URL;

  private constructor(upstream: string) {
    this.upstream = new URL(upstream);
    this.server = http.createServer((request, response) => {
      void this.handle(request, response);
    });
  }

  static async start(upstream: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(upstream);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests for `operation` get these faults, in order; later ones pass. */
  inject(operation: string, ...faults: Fault[]): void {
    this.planned.set(operation, [...(this.planned.get(operation) ?? []), ...faults]);
  }

  /** A rule for every request not covered by inject(); clear() removes it. */
  setPlan(plan: FaultPlan): void {
    this.plan = plan;
  }

  clear(): void {
    this.plan = () => undefined;
    this.planned.clear();
    this.requests.length = 0;
  }

  of(operation: string): ProxiedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const operation = String(request.headers["x-amz-target"] ?? "").split(".")[1] ?? "unknown";
    const fault = this.planned.get(operation)?.shift() ?? this.plan(operation);
    this.requests.push({ operation, at: performance.now() - this.started, fault: fault?.kind ?? "none" });

    switch (fault?.kind) {
      case "throttle":
        return answerError(response, 400, fault.type ?? "ProvisionedThroughputExceededException", "Throughput exceeds the current capacity.");
      case "server-error":
        return answerError(response, 500, "InternalServerError", "Internal server error");
      case "invalid":
        return answerError(response, 400, "ValidationException", "One or more parameter values were invalid");
      case "unprocessed":
        return answerJson(response, 200, { Responses: {}, UnprocessedKeys: requestItems(body) });
      case "reset":
        request.socket.destroy();
        return;
      case "delay":
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
      default:
        break;
    }
    let answer;
    try {
      answer = await this.forward(request, body);
    } catch {
      // dynalite is down: the client sees the connection drop, as with a dead endpoint.
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "lose-response") {
      await fault.afterApplied?.();
      request.socket.destroy();
      return;
    }
    if (!response.destroyed) {
      response.writeHead(answer.status, answer.headers).end(answer.body);
    }
  }

  private forward(request: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: this.upstream.host },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (part: Buffer) => parts.push(part));
          answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts) }));
          answer.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });
  }
}

/** An error as DynamoDB's JSON protocol sends it. */
function answerError(response: http.ServerResponse, status: number, type: string, message: string): void {
  answerJson(response, status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
}

function answerJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "fault-proxy" }).end(JSON.stringify(body));
}

/** The RequestItems of a BatchGetItem body, which DynamoDB echoes as UnprocessedKeys. */
function requestItems(body: Buffer): unknown {
  const parsed: unknown = JSON.parse(body.toString("utf8"));
  return typeof parsed === "object" && parsed !== null && "RequestItems" in parsed ? parsed.RequestItems : {};
}
