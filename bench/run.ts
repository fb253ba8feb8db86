/**
 * npm run bench [-- --part grpc-unary --part memory-store ...]
 *
 * Runs the benchmark parts one after another, each in its own process so
 * none inherits another's heap or JIT state, prints their sections, and,
 * when every part ran, writes them to bench/RESULTS.md under a header that
 * says when, where and how they were made. A part that fails (an error
 * answer, a crash) fails the run; a missed target is a result, shown as one.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";
import { parseArgs } from "node:util";
import { ensureH2load } from "./lib/h2load.js";
import { canPin } from "./lib/processes.js";

interface Part {
  readonly name: string;
  readonly file: string;
  readonly nodeOptions: readonly string[];
}

const PARTS: readonly Part[] = [
  { name: "grpc-unary", file: "bench/grpc-unary.ts", nodeOptions: [] },
  { name: "dynamodb-store", file: "bench/dynamodb-store.ts", nodeOptions: [] },
  // Heap per session needs gc() to read a settled heap.
  { name: "memory-store", file: "bench/memory-store.ts", nodeOptions: ["--expose-gc"] },
  { name: "startup", file: "bench/startup.ts", nodeOptions: [] },
];

const { values } = parseArgs({ options: { part: { type: "string", multiple: true } } });
const chosen = values.part ?? PARTS.map((part) => part.name);
const unknown = chosen.filter((name) => !PARTS.some((part) => part.name === name));
if (unknown.length > 0) {
  process.stderr.write(`bench: no part named ${unknown.join(", ")}; the parts are ${PARTS.map((part) => part.name).join(", ")}\n`);
  process.exit(2);
}

ensureH2load();
const startedAt = new Date();
const sections: string[] = [];
for (const part of PARTS.filter((candidate) => chosen.includes(candidate.name))) {
  process.stderr.write(`\n[bench] ${part.name}\n`);
  const child = spawn(process.execPath, [...part.nodeOptions, "--import", "tsx", part.file], { stdio: ["ignore", "pipe", "inherit"] });
  let section = "";
  child.stdout.on("data", (chunk: Buffer) => {
    section += chunk.toString();
    process.stdout.write(chunk);
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) {
    process.stderr.write(`bench: part ${part.name} failed (exit ${code}); bench/RESULTS.md left as it was\n`);
    process.exit(1);
  }
  sections.push(section.trim());
}

if (chosen.length === PARTS.length) {
  const verdicts = sections.flatMap((section) => section.split("\n").filter((line) => /^- (met|MISSED):/.test(line)));
  const document = [
    "# Benchmark results",
    "",
    "Made by `npm run bench` (which builds first, then runs bench/run.ts); every figure beside its baseline from the same run, as a ratio.",
    "",
    `- Date: ${startedAt.toISOString().slice(0, 10)} (started ${startedAt.toISOString()})`,
    `- Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}${canPin() ? "" : " (no taskset: processes not pinned)"}`,
    `- Node: ${process.version}`,
    "",
    "## Targets",
    "",
    ...verdicts,
    "",
    ...sections.flatMap((section) => [section, ""]),
  ];
  writeFileSync("bench/RESULTS.md", document.join("\n"));
  process.stderr.write("\n[bench] wrote bench/RESULTS.md\n");
}
