/**
 * Builds a Dockerfile's stages in plain folders, without Docker, so that a
 * test can run what the image would hold. The build context is the project
 * folder as .dockerignore leaves it (build-context.ts); each stage is a folder
 * standing for its filesystem; COPY copies into it, and RUN runs `sh -c` in
 * its WORKDIR with the stage's ENV, this machine's Node.js and npm standing in
 * for the base image's, and npm offline: it installs from the cache that the
 * project's own `npm ci` filled, so the replay needs no network.
 *
 * What it cannot show: anything about the base image itself (its Node.js
 * version, its `node` user) or file ownership. A RUN that names an absolute
 * path is refused rather than let loose on this machine.
 */
import { spawn } from "node:child_process";
import { cp, mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { buildContextFiles } from "./build-context.js";
import { DockerfileError, imageConfig, parseDockerfile, type ImageConfig, type Instruction, type Stage } from "./dockerfile.js";

export interface ReplayedImage {
  readonly stages: readonly Stage[];
  /** The final stage's settings: what a container of the image starts with. */
  readonly config: ImageConfig;
  /** Where a path of the final image is on this machine. */
  local(imagePath: string): string;
}

/**
 * @param projectDir holds the Dockerfile and .dockerignore, and is the build context.
 * @param workDir an empty folder to build in.
 */
export async function replayDockerfile(projectDir: string, workDir: string): Promise<ReplayedImage> {
  const stages = parseDockerfile(await readFile(path.join(projectDir, "Dockerfile"), "utf8"));
  const final = stages.at(-1);
  if (!final) {
    throw new DockerfileError("the Dockerfile has no FROM");
  }
  const contextDir = path.join(workDir, "context");
  for (const file of await buildContextFiles(projectDir, await readFile(path.join(projectDir, ".dockerignore"), "utf8"))) {
    await cp(path.join(projectDir, file), path.join(contextDir, file));
  }
  const roots = new Map<string, string>();
  for (const [index, stage] of stages.entries()) {
    if (roots.has(stage.image)) {
      throw new DockerfileError(`FROM ${stage.image}: a stage built on another stage is not replayed`);
    }
    const root = path.join(workDir, `stage-${index}`);
    await mkdir(root);
    await buildStage(stage, root, contextDir, roots);
    roots.set(String(index), root);
    if (stage.name !== undefined) {
      roots.set(stage.name, root);
    }
  }
  const finalRoot = path.join(workDir, `stage-${stages.length - 1}`);
  return { stages, config: imageConfig(final), local: (imagePath) => path.join(finalRoot, imagePath) };
}

async function buildStage(stage: Stage, root: string, contextDir: string, roots: ReadonlyMap<string, string>): Promise<void> {
  for (const [index, instruction] of stage.instructions.entries()) {
    if (instruction.keyword !== "COPY" && instruction.keyword !== "RUN") {
      continue;
    }
    // The stage's ENV and WORKDIR as they stand at this instruction.
    const { env, workdir } = imageConfig({ ...stage, instructions: stage.instructions.slice(0, index) });
    await mkdir(path.join(root, workdir), { recursive: true });
    if (instruction.keyword === "COPY") {
      await copy(instruction, root, workdir, contextDir, roots);
    } else {
      await run(instruction, path.join(root, workdir), env);
    }
  }
}

async function copy(instruction: Instruction, root: string, workdir: string, contextDir: string, roots: ReadonlyMap<string, string>): Promise<void> {
  const words = instruction.args.split(/\s+/);
  let from = contextDir;
  while (words[0]?.startsWith("--")) {
    const stageName = /^--from=(.+)$/.exec(words.shift() ?? "")?.[1];
    const stageRoot = stageName === undefined ? undefined : roots.get(stageName);
    if (stageRoot === undefined) {
      throw new DockerfileError(`line ${instruction.line}: COPY ${instruction.args}: only --from=<an earlier stage> is replayed`);
    }
    from = stageRoot;
  }
  const destination = words.pop();
  if (destination === undefined || words.length === 0 || words.some((source) => /[*?[]/.test(source))) {
    throw new DockerfileError(`line ${instruction.line}: COPY ${instruction.args}: name each source; wildcards are not replayed`);
  }
  const target = path.join(root, path.posix.resolve(workdir, destination));
  const intoFolder = destination.endsWith("/") || destination === "." || words.length > 1;
  for (const source of words) {
    const sourcePath = path.join(from, source);
    const stats = await stat(sourcePath).catch(() => {
      const where = from === contextDir ? "the build context (or .dockerignore leaves it out)" : "that stage";
      throw new DockerfileError(`line ${instruction.line}: COPY ${source}: not in ${where}`);
    });
    // A folder's contents go into the target, as Docker copies them.
    await cp(sourcePath, stats.isDirectory() || !intoFolder ? target : path.join(target, path.basename(source)), { recursive: true });
  }
}

async function run(instruction: Instruction, cwd: string, env: Readonly<Record<string, string>>): Promise<void> {
  const command = instruction.args;
  if (command.startsWith("[") || command.startsWith("--")) {
    throw new DockerfileError(`line ${instruction.line}: RUN ${command}: only the shell form without flags is replayed`);
  }
  if (/(^|[\s=:'"])\//.test(command)) {
    throw new DockerfileError(`line ${instruction.line}: RUN ${command}: names an absolute path, which the replay would run against this machine`);
  }
  const child = spawn("sh", ["-c", command], {
    cwd,
    env: { ...hostTools(), ...env, npm_config_offline: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) {
    throw new Error(`line ${instruction.line}: RUN ${command} exited ${code}:\n${output}`);
  }
}

/**
 * What the base image's tools would find in a container: this machine's
 * PATH and HOME (where npm's cache and settings are), and npm settings given
 * in the environment. Nothing else leaks in from the test run.
 */
export function hostTools(): Record<string, string> {
  const names = ["PATH", "HOME", "npm_config_cache", "npm_config_registry", "npm_config_userconfig"];
  return Object.fromEntries(names.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
}
