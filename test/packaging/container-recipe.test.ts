/**
 * The image's recipe, proven without Docker: the Dockerfile's stages are
 * replayed in temporary folders (test/helpers/replay-dockerfile.ts), then the
 * final stage is run the way a container of the image runs: its CMD with its
 * ENV, its HEALTHCHECK, its STOPSIGNAL, all read from the Dockerfile. It fails
 * when the running service needs something the image leaves out: a dev
 * dependency, a file outside package.json "files", or one the build context
 * does not hold.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionStatus, SessionStoreService } from "../../src/gen/sessionstore/v1/session_store_pb.js";
import { servingPort, startProcess, type StartedProcess } from "../helpers/child-process.js";
import { callUnary, createGrpcJsClient } from "../helpers/grpc-js-client.js";
import { hostTools, replayDockerfile, type ReplayedImage } from "../helpers/replay-dockerfile.js";

const projectDir = path.resolve(import.meta.dirname, "../..");

/** The replay installs every dependency, then the production ones again, from the local npm cache: tens of seconds. */
const REPLAY_TIMEOUT_MS = 180_000;

/**
 * A command as a container of the image runs it: in WORKDIR, with the image's
 * ENV (over the PATH that finds node) and the test's overrides. Absolute
 * paths in the command are paths in the image.
 */
function startInImage(image: ReplayedImage, command: readonly string[], overrides: Record<string, string>): StartedProcess {
  const [program, ...args] = command.map((arg) => (arg.startsWith("/") ? image.local(arg) : arg));
  return startProcess(program ?? "", args, {
    cwd: image.local(image.config.workdir),
    env: { PATH: hostTools().PATH, ...image.config.env, ...overrides },
  });
}

describe("the container image's recipe", () => {
  let workDir: string;
  let image: ReplayedImage;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), "sessionstore-image-"));
    image = await replayDockerfile(projectDir, workDir);
  }, REPLAY_TIMEOUT_MS);

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it("builds every stage on one slim Node.js image, pinned to a major version", () => {
    const images = new Set(image.stages.map((stage) => stage.image));
    expect(images.size).toBe(1);
    expect([...images][0]).toMatch(/^node:\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/);
  });

  it("runs as a user other than root, in production mode, on every interface, exposing the gRPC and metrics ports", () => {
    const { user, env, exposedPorts } = image.config;
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user?.split(":")[0]);
    expect(env).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0", PORT: "50051", METRICS_PORT: "9464" });
    expect([...exposedPorts].sort()).toEqual([Number(env.PORT), Number(env.METRICS_PORT)].sort());
  });

  it("holds every production dependency the lock file names, and no dev-only one", async () => {
    // The lock file marks what only the dev dependencies need ("dev": true);
    // everything else is what the service needs at run time.
    const lock = JSON.parse(await readFile(path.join(projectDir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean; optional?: boolean }>;
    };
    const installed = (location: string) => existsSync(image.local(path.posix.join(image.config.workdir, location)));
    const locations = Object.entries(lock.packages).filter(([location]) => location.startsWith("node_modules/"));
    const production = locations.filter(([, entry]) => !entry.dev && !entry.optional).map(([location]) => location);
    const devOnly = locations.filter(([, entry]) => entry.dev).map(([location]) => location);
    expect(production.length).toBeGreaterThan(0);
    expect(production.filter((location) => !installed(location))).toEqual([]);
    expect(devOnly.filter(installed)).toEqual([]);
  });

  it("serves with its CMD and ENV, is healthy by its HEALTHCHECK, and exits 0 on its STOPSIGNAL", async () => {
    const { cmd, healthcheck, stopSignal } = image.config;
    expect(healthcheck).toBeDefined();
    // Loopback and free ports instead of the image's 0.0.0.0:50051 and 9464;
    // everything else as the image sets it.
    const server = startInImage(image, cmd, { HOST: "127.0.0.1", PORT: "0", METRICS_PORT: "0" });
    let client: Client | undefined;
    try {
      const port = await servingPort(server);

      client = createGrpcJsClient(`127.0.0.1:${port}`);
      const { session } = await callUnary(client, SessionStoreService.method.createSession, {
        eventId: "evt-container",
        tickets: [{ ticketId: "GA", quantity: 1, unitPriceMinor: 1000n, currencyCode: "EUR" }],
      });
      const read = await callUnary(client, SessionStoreService.method.getSession, { id: session?.id ?? "" });
      expect(read.session).toMatchObject({ id: session?.id, eventId: "evt-container", status: SessionStatus.PENDING });

      // The check runs with the container's environment, where PORT is the port the server took.
      const probe = startInImage(image, healthcheck?.command ?? [], { PORT: String(port) });
      expect(await probe.exited).toBe(0);
      expect(probe.output().stdout).toMatch(/^healthy: server at 127\.0\.0\.1:\d+: SERVING\n$/);

      server.child.kill(stopSignal);
      expect(await server.exited).toBe(0);

      const after = startInImage(image, healthcheck?.command ?? [], { PORT: String(port) });
      expect(await after.exited).toBe(1);
      expect(after.output().stdout).toMatch(/^unhealthy: server at 127\.0\.0\.1:\d+: UNAVAILABLE: /);
    } finally {
      client?.close();
      server.child.kill("SIGKILL");
    }
  });
});
