import http from "node:http";
import type { Registry } from "prom-client";

/** GET /metrics in the Prometheus text format, on a port of its own so scrapes never share the gRPC port's limits. */
export function createMetricsServer(registry: Registry): http.Server {
  return http.createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found; metrics are at GET /metrics\n");
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { "content-type": registry.contentType }).end(body),
      (error: unknown) => response.writeHead(500, { "content-type": "text/plain" }).end(`cannot collect metrics: ${String(error)}\n`),
    );
  });
}
