/**
 * The page token callers see: the store's own cursor, bound to the status it
 * was issued for, so a token replayed with another status is refused instead
 * of silently listing from the wrong place. Opaque to callers (base64url of a
 * small JSON object); not a secret, since it only names a position.
 */
import { InvalidCursorError } from "../errors.js";
import { isSessionStatus } from "../store/session-rules.js";
import type { SessionStatus } from "../store/session-store.js";

interface TokenBody {
  readonly s: SessionStatus;
  readonly c: string;
}

const MAX_TOKEN_LENGTH = 8192;

export function encodePageToken(status: SessionStatus, cursor: string | undefined): string {
  if (cursor === undefined) {
    return "";
  }
  const body: TokenBody = { s: status, c: cursor };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

/** The store cursor inside a token; undefined for the first page (empty token). */
export function decodePageToken(token: string, status: SessionStatus): string | undefined {
  if (token === "") {
    return undefined;
  }
  const body = token.length <= MAX_TOKEN_LENGTH ? parse(token) : undefined;
  if (body === undefined) {
    throw new InvalidCursorError("is not a page token issued by this service");
  }
  if (body.s !== status) {
    throw new InvalidCursorError(`was issued for status ${body.s}, not ${status}`);
  }
  return body.c;
}

function parse(token: string): TokenBody | undefined {
  try {
    const body: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (
      typeof body === "object" &&
      body !== null &&
      "s" in body &&
      "c" in body &&
      isSessionStatus(body.s) &&
      typeof body.c === "string"
    ) {
      return { s: body.s, c: body.c };
    }
  } catch {
    // Malformed base64 or JSON: reported below as an invalid token.
  }
  return undefined;
}
