/**
 * Bearer-token authentication for deployments without mTLS. Tokens live in a
 * file (AUTH_TOKENS_FILE) of "<caller> <token>" lines; a call must send
 * "authorization: Bearer <token>", and the caller's name is what the logs
 * show. Comparison is in constant time over fixed-length digests, and every
 * known token is compared, so neither a token's content nor its position in
 * the file shows in the timing. Tokens are never logged.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { UnauthenticatedError } from "../errors.js";

const MIN_TOKEN_LENGTH = 16;

interface KnownToken {
  readonly caller: string;
  readonly digest: Buffer;
}

export class CallerTokens {
  private constructor(private readonly tokens: readonly KnownToken[]) {}

  /** Parses the file; one clear error naming the line when it is not right. */
  static fromFile(path: string): CallerTokens {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new Error(`AUTH_TOKENS_FILE ${path} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    return CallerTokens.parse(text, `AUTH_TOKENS_FILE ${path}`);
  }

  static parse(text: string, source: string): CallerTokens {
    const tokens: KnownToken[] = [];
    text.split("\n").forEach((raw, index) => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) {
        return;
      }
      const [caller, token, ...rest] = line.split(/\s+/);
      if (caller === undefined || token === undefined || rest.length > 0 || token.length < MIN_TOKEN_LENGTH) {
        throw new Error(`${source} line ${index + 1}: expected "<caller> <token>" with a token of at least ${MIN_TOKEN_LENGTH} characters`);
      }
      tokens.push({ caller, digest: digest(token) });
    });
    if (tokens.length === 0) {
      throw new Error(`${source} has no tokens`);
    }
    return new CallerTokens(tokens);
  }

  /** The caller's name. @throws UnauthenticatedError when the header is missing or no token matches. */
  authenticate(authorization: string | undefined): string {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) {
      throw new UnauthenticatedError("missing bearer token: send the header authorization: Bearer <token>");
    }
    const presented = digest(match[1]);
    let caller: string | undefined;
    for (const known of this.tokens) {
      if (timingSafeEqual(known.digest, presented) && caller === undefined) {
        caller = known.caller;
      }
    }
    if (caller === undefined) {
      throw new UnauthenticatedError("the bearer token is not valid");
    }
    return caller;
  }
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
