/**
 * Reads a Dockerfile into stages and the settings of the image a stage makes,
 * for the tests that check the image's recipe without Docker. It knows the
 * forms this project's Dockerfile uses and throws on anything else, so the
 * file cannot drift into something the tests would misread.
 */

export interface Instruction {
  /** Upper case: FROM, RUN, COPY... */
  readonly keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  readonly args: string;
  /** The line it starts on, for messages. */
  readonly line: number;
}

export interface Stage {
  readonly name: string | undefined;
  /** The base image, build arguments substituted. */
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export interface Healthcheck {
  /** Exec form: the program and its arguments. */
  readonly command: readonly string[];
  /** --interval, --timeout and the like, without the dashes. */
  readonly options: Readonly<Record<string, string>>;
}

/** What a container of the stage's image starts with (the base image's own settings aside). */
export interface ImageConfig {
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  readonly user: string | undefined;
  readonly exposedPorts: readonly number[];
  readonly healthcheck: Healthcheck | undefined;
  readonly stopSignal: NodeJS.Signals;
  readonly cmd: readonly string[];
}

export class DockerfileError extends Error {
  override readonly name = "DockerfileError";
}

export function parseDockerfile(text: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: { name: string | undefined; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions(text)) {
    const stage = stages.at(-1);
    if (instruction.keyword === "FROM") {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match?.[1]) {
        throw unsupported(instruction);
      }
      const image = match[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced?: string, bare?: string) => {
        const name = braced ?? bare ?? "";
        const value = args[name];
        if (value === undefined) {
          throw new DockerfileError(`line ${instruction.line}: FROM uses ARG ${name}, which has no default`);
        }
        return value;
      });
      stages.push({ name: match[2], image, instructions: [] });
    } else if (stage) {
      stage.instructions.push(instruction);
    } else if (instruction.keyword === "ARG") {
      const [name, value] = splitAssignment(instruction);
      args[name] = value;
    } else {
      throw new DockerfileError(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
    }
  }
  return stages;
}

/** Folds the stage's instructions into the settings its image runs with. */
export function imageConfig(stage: Stage): ImageConfig {
  const env: Record<string, string> = {};
  let workdir = "/";
  let user: string | undefined;
  const exposedPorts: number[] = [];
  let healthcheck: Healthcheck | undefined;
  let stopSignal: NodeJS.Signals = "SIGTERM";
  let cmd: readonly string[] = [];
  for (const instruction of stage.instructions) {
    const { keyword, args } = instruction;
    switch (keyword) {
      case "ENV":
        for (const assignment of args.split(/\s+/)) {
          const [name, value] = splitAssignment({ ...instruction, args: assignment });
          env[name] = value;
        }
        break;
      case "WORKDIR":
        workdir = args.startsWith("/") ? args : `${workdir.replace(/\/$/, "")}/${args}`;
        break;
      case "USER":
        user = args;
        break;
      case "EXPOSE":
        for (const port of args.split(/\s+/)) {
          const match = /^(\d+)(\/tcp)?$/.exec(port);
          if (!match) {
            throw unsupported(instruction);
          }
          exposedPorts.push(Number(match[1]));
        }
        break;
      case "HEALTHCHECK": {
        const match = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(\[.*\])$/.exec(args);
        if (!match?.[2]) {
          throw unsupported(instruction);
        }
        const options = Object.fromEntries(
          (match[1] ?? "").trim().split(/\s+/).filter(Boolean).map((option) => option.slice(2).split("=") as [string, string]),
        );
        healthcheck = { command: execForm(instruction, match[2]), options };
        break;
      }
      case "STOPSIGNAL":
        if (!/^SIG[A-Z0-9]+$/.test(args)) {
          throw unsupported(instruction);
        }
        stopSignal = args as NodeJS.Signals;
        break;
      case "CMD":
        cmd = execForm(instruction, args);
        break;
      case "RUN":
      case "COPY":
      case "ARG":
      case "LABEL":
        break;
      default:
        throw unsupported(instruction);
    }
  }
  return { env, workdir, user, exposedPorts, healthcheck, stopSignal, cmd };
}

/** Logical lines: comments and blank lines dropped, backslash continuations joined. */
function* instructions(text: string): Generator<Instruction> {
  let pending: { parts: string[]; line: number } | undefined;
  for (const [index, raw] of text.split("\n").entries()) {
    const trimmed = raw.trim();
    // Docker drops comment lines even in the middle of a continued instruction.
    if (trimmed === "" || trimmed.startsWith("#")) {
      continue;
    }
    pending ??= { parts: [], line: index + 1 };
    const continued = trimmed.endsWith("\\");
    pending.parts.push(continued ? trimmed.slice(0, -1).trim() : trimmed);
    if (!continued) {
      const joined = pending.parts.join(" ");
      const match = /^(\w+)\s+(.*)$/.exec(joined);
      if (!match?.[1] || match[2] === undefined) {
        throw new DockerfileError(`line ${pending.line}: cannot read ${JSON.stringify(joined)}`);
      }
      yield { keyword: match[1].toUpperCase(), args: match[2].trim(), line: pending.line };
      pending = undefined;
    }
  }
  if (pending) {
    throw new DockerfileError(`line ${pending.line}: the file ends inside a continued instruction`);
  }
}

function splitAssignment(instruction: Instruction): [string, string] {
  const match = /^(\w+)=(.*)$/.exec(instruction.args);
  if (!match?.[1] || match[2] === undefined || /["'\s$]/.test(match[2])) {
    throw unsupported(instruction);
  }
  return [match[1], match[2]];
}

function execForm(instruction: Instruction, json: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw unsupported(instruction);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((part): part is string => typeof part === "string")) {
    throw unsupported(instruction);
  }
  return parsed;
}

function unsupported(instruction: Instruction): DockerfileError {
  return new DockerfileError(
    `line ${instruction.line}: ${instruction.keyword} ${instruction.args}: not a form the recipe tests read (see test/helpers/dockerfile.ts)`,
  );
}
