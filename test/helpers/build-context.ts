/**
 * The files `docker build` would send as the build context: the project
 * folder less what .dockerignore leaves out, matched as Docker matches it.
 * A path is left out when the last pattern that matches it, or one of the
 * folders above it, is not an exception (`!`); `*` and `?` stay within one
 * path segment and `**` spans any number of them.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";

interface Rule {
  readonly exception: boolean;
  readonly segments: readonly string[];
  readonly regex: RegExp;
}

/** Paths relative to `projectDir`, with "/" separators, sorted. */
export async function buildContextFiles(projectDir: string, dockerignore: string): Promise<string[]> {
  const rules = parseDockerignore(dockerignore);
  const files: string[] = [];
  const walk = async (relativeDir: string): Promise<void> => {
    for (const entry of await readdir(path.join(projectDir, relativeDir), { withFileTypes: true })) {
      const relative = relativeDir === "" ? entry.name : `${relativeDir}/${entry.name}`;
      const excluded = isExcluded(relative, rules);
      if (entry.isDirectory()) {
        // Docker skips a left-out folder unless an exception could let in
        // something below it; node_modules would otherwise be walked in full.
        if (!excluded || rules.some((rule) => rule.exception && mayMatchBelow(rule, relative))) {
          await walk(relative);
        }
      } else if (!excluded) {
        files.push(relative);
      }
    }
  };
  await walk("");
  return files.sort();
}

function parseDockerignore(text: string): Rule[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const exception = line.startsWith("!");
      const pattern = path.posix.normalize((exception ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, "");
      const segments = pattern.split("/");
      return { exception, segments, regex: new RegExp(`^${patternSource(segments)}$`) };
    });
}

function patternSource(segments: readonly string[]): string {
  return segments
    .map((segment, index) => {
      const last = index === segments.length - 1;
      if (segment === "**") {
        return last ? ".*" : "(?:.*/)?";
      }
      return last ? segmentSource(segment) : `${segmentSource(segment)}/`;
    })
    .join("");
}

function segmentSource(segment: string): string {
  return segment.replace(/[.+^${}()|\\]/g, "\\$&").replaceAll("*", "[^/]*").replaceAll("?", "[^/]");
}

function isExcluded(relative: string, rules: readonly Rule[]): boolean {
  const parts = relative.split("/");
  const selfAndParents = parts.map((_, index) => parts.slice(0, index + 1).join("/"));
  let excluded = false;
  for (const rule of rules) {
    if (selfAndParents.some((candidate) => rule.regex.test(candidate))) {
      excluded = !rule.exception;
    }
  }
  return excluded;
}

/** Whether the rule could match some path inside the folder `relative`. */
function mayMatchBelow(rule: Rule, relative: string): boolean {
  const dirs = relative.split("/");
  for (const [index, dir] of dirs.entries()) {
    const segment = rule.segments[index];
    if (segment === undefined) {
      return false;
    }
    if (segment === "**") {
      return true;
    }
    if (!new RegExp(`^${segmentSource(segment)}$`).test(dir)) {
      return false;
    }
  }
  return rule.segments.length > dirs.length;
}
