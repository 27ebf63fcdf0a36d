/**
 * Recognising secrets where they do not belong, so that they are refused or hidden rather than printed:
 * a token pasted where the NAME of its variable goes, a password written into a URL.
 */

/**
 * Token shapes GitHub issues (classic, fine-grained, OAuth, app, refresh). Global: use with `replace`, or
 * reset `lastIndex` before `test`.
 */
export const TOKEN_SHAPES = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g;

/**
 * True when `value` looks like a credential rather than an environment variable's name: GitHub's token
 * shapes, a 40-digit hex string (GitHub's tokens before 2021, GitHub Enterprise Server's), or a long run of
 * mixed-case letters and digits without the underscores names have.
 * Example: `looksLikeToken("GITHUB_TOKEN")` is false, `looksLikeToken("ghp_…")` true.
 */
export function looksLikeToken(value: string): boolean {
  if (/^(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})$/.test(value)) return true;
  if (/^(?:v1\.)?[0-9a-f]{40}$/i.test(value)) return true;
  return (
    value.length >= 32 &&
    !value.includes("_") &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value) &&
    /\d/.test(value)
  );
}

/** `https://user:password@host/…` → `https://***@host/…`: credentials in a URL are never shown. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi, "$1***@");
}

/** Both of the above, for any text shown to a person that may echo configuration. */
export function redactSecrets(text: string): string {
  return redactUrlCredentials(text).replace(TOKEN_SHAPES, "[redacted]");
}
