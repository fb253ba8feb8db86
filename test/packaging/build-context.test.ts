/**
 * The project's .dockerignore, matched as Docker matches it: the build
 * context holds what the build stage copies and nothing else.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContextFiles } from "../helpers/build-context.js";

const projectDir = path.resolve(import.meta.dirname, "../..");

describe(".dockerignore", () => {
  let dir: string;
  let dockerignore: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sessionstore-context-"));
    dockerignore = await readFile(path.join(projectDir, ".dockerignore"), "utf8");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lets in the sources and build files, and leaves out secrets, local builds, tests and tooling", async () => {
    const needed = [
      "buf.yaml",
      "package-lock.json",
      "package.json",
      "proto/sessionstore/v1/session_store.proto",
      "src/gen/health/v1/health_pb.ts",
      "src/main.ts",
      "tsconfig.build.json",
      "tsconfig.json",
    ];
    const unwanted = [
      ".env",
      ".env.local",
      ".ci/run",
      ".git/HEAD",
      "Dockerfile",
      "README.md",
      "bench/results/run.json",
      "coverage/index.html",
      "dist/main.js",
      "node_modules/@grpc/grpc-js/package.json",
      "server.key",
      "src/.env",
      "src/dev-cert.pem",
      "src/store/tls.key",
      "test/e2e/grpc-server.test.ts",
      "test/fixtures/tls/server.key",
      "sessionstore-0.1.0.tgz",
    ];
    for (const file of [...needed, ...unwanted]) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), "");
    }
    expect(await buildContextFiles(dir, dockerignore)).toEqual(needed);
  });
});
