/**
 * Keeps the GitHub token out of everything the extractor says: error messages, log fields and request
 * records. Octokit puts request headers (Authorization included) on its errors and GitHub echoes parts of
 * a request in its messages, so every string we emit passes through here, whatever its origin.
 */
import { TOKEN_SHAPES } from "../../core/secrets.ts";

/** Replaces the token, and anything shaped like a GitHub token or an Authorization value, with [redacted]. */
export interface Redactor {
  text(value: string): string;
  /** A deep copy of a JSON-like value with every string redacted (keys named like credentials dropped). */
  value<T>(value: T): T;
}

// TOKEN_SHAPES (core/secrets.ts), in case a token reaches us in a message that is not ours: a defence, not
// the main line (which is knowing our own token).
const AUTHORIZATION_VALUE = /\b(authorization["']?\s*[:=]\s*["']?)(?:bearer|token|basic)\s+[^\s"',}]+/gi;
const CREDENTIAL_KEYS = /^(?:authorization|token|auth|password|secret)$/i;

/** Makes a redactor for one token (an empty token only gets the defensive patterns). */
export function createRedactor(token: string | undefined): Redactor {
  const secret = token && token.length >= 4 ? token : undefined;
  const text = (value: string): string => {
    let out = secret ? value.split(secret).join("[redacted]") : value;
    out = out.replace(AUTHORIZATION_VALUE, "$1[redacted]").replace(TOKEN_SHAPES, "[redacted]");
    return out;
  };
  const deep = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return text(value);
    if (value === null || typeof value !== "object" || depth > 20) return value;
    if (Array.isArray(value)) return value.map((v) => deep(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (CREDENTIAL_KEYS.test(k)) continue;
      out[k] = deep(v, depth + 1);
    }
    return out;
  };
  return { text, value: <T>(value: T) => deep(value, 0) as T };
}
