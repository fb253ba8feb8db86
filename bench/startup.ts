/**
 * Part 4: time from process start to SERVING, for the built service on the
 * in-memory store (node dist/main.js, as the container runs it), beside a
 * bare grpc-js server started the same way: Node, grpc-js, bind, print. The
 * difference is what the service loads and checks before it serves.
 *
 *   node --import tsx bench/startup.ts      (after npm run build)
 *
 * The clock stops at the service's "serving" log line, which it writes after
 * the port is bound and health is SERVING; a health Check then confirms it.
 */
import { performance } from "node:perf_hooks";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { HealthCheckResponse_ServingStatus, Health } from "../src/gen/health/v1/health_pb.js";
import { servingLine, startProcess } from "../test/helpers/child-process.js";
import { stopChildrenOnExit, stopProcess } from "./lib/processes.js";
import { formatMs, formatRatio, markdownTable, median, percentile, progress } from "./lib/report.js";

const STARTS = Number(process.env.BENCH_STARTS ?? 7);

/** The least a grpc-js server does before it can answer: load, bind, say so. */
const BARE_SERVER = `
const grpc = await import("@grpc/grpc-js");
const server = new grpc.Server();
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(JSON.stringify({ msg: "serving", port }));
});
process.once("SIGTERM", () => server.forceShutdown());
`;

async function timeStart(program: string, args: string[], env: NodeJS.ProcessEnv, checkHealth: boolean): Promise<number> {
  const started = performance.now();
  const server = startProcess(program, args, { env });
  try {
    const { port } = await servingLine(server);
    const elapsed = performance.now() - started;
    if (checkHealth) {
      const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
      const { status } = await health.check({ service: "" });
      if (status !== HealthCheckResponse_ServingStatus.SERVING) {
        throw new Error(`health says ${HealthCheckResponse_ServingStatus[status]} after the serving line`);
      }
    }
    return elapsed;
  } finally {
    await stopProcess(server);
  }
}

stopChildrenOnExit();
const service: number[] = [];
const bare: number[] = [];
const env = { PATH: process.env.PATH ?? "", PORT: "0" };
for (let i = 0; i < STARTS; i++) {
  bare.push(await timeStart(process.execPath, ["--input-type=module", "--eval", BARE_SERVER], env, false));
  service.push(await timeStart(process.execPath, ["dist/main.js"], env, true));
}
progress(`startup: service ${service.map((ms) => ms.toFixed(0)).join(", ")} ms; bare ${bare.map((ms) => ms.toFixed(0)).join(", ")} ms`);

const lines = [
  "## Startup to SERVING",
  "",
  `${STARTS} starts each, alternating; from spawning the process to its serving line (for the service, confirmed SERVING by a grpc.health.v1 Check).`,
  "",
  markdownTable(
    ["process", "median", "p90", "ratio to bare"],
    [
      ["service, in-memory store (node dist/main.js)", formatMs(median(service)), formatMs(percentile(service, 0.9)), formatRatio(median(service) / median(bare))],
      ["bare grpc-js server (load, bind)", formatMs(median(bare)), formatMs(percentile(bare, 0.9)), "1.00"],
    ],
  ),
];
process.stdout.write(`${lines.join("\n")}\n`);
