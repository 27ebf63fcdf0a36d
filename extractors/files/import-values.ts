/**
 * The value rules of import files, one function per kind of value: each takes the text of one cell and gives
 * the normalised value or a message saying what is wrong and how it is written. The zod schemas
 * (import-schemas.ts) apply them column by column.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

/** The cell as quoted in a message: shortened, so a huge cell does not flood the terminal. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
}

/** Times before this are typing mistakes (a year 0026, a spreadsheet's 1900 or the Unix epoch), not history. */
export const EARLIEST_TIME = Date.UTC(2000, 0, 1);

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * An ISO 8601 / RFC 3339 time with its time zone (`Z` or an offset), converted to UTC:
 * `parseInstant("2026-03-01 15:05:00+01:00", now)` → `2026-03-01T14:05:00.000Z`. The day must exist
 * (no 2026-02-30), and the time may be neither before 2000 nor after `now`.
 */
export function parseInstant(text: string, now: Date): Parsed<string> {
  const m = INSTANT.exec(text);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(text))
      return bad(`needs a time of day and a time zone, e.g. ${text}T00:00:00Z: got ${quoted(text)}`);
    return bad(
      `must be an ISO 8601 time with a time zone, e.g. 2026-03-01T14:05:00Z or 2026-03-01 15:05:00+01:00: got ${quoted(text)}`,
    );
  }
  const [, y, mo, d, h, mi, s = "00", fraction = "", zulu, sign, oh, om] = m;
  if (!zulu && !sign)
    return bad(
      `has no time zone, so it could be any of 26 hours: end it with Z (UTC) or an offset like +01:00: got ${quoted(text)}`,
    );
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) return bad(`has no month ${mo}: got ${quoted(text)}`);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth)
    return bad(`is a day that does not exist (${y}-${mo} has ${daysInMonth} days): got ${quoted(text)}`);
  if (hour > 23 || minute > 59 || second > 59)
    return bad(`is a time of day that does not exist: got ${quoted(text)}`);
  let offsetMinutes = 0;
  if (sign) {
    const offsetHours = Number(oh);
    const offsetMins = Number(om);
    if (offsetHours > 14 || offsetMins > 59)
      return bad(`has an offset no time zone uses (from -12:00 to +14:00): got ${quoted(text)}`);
    offsetMinutes = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = Number(fraction.padEnd(3, "0").slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0-99 to 1900-1999; such years are refused below anyway.
  const at = local - offsetMinutes * 60_000;
  if (at < EARLIEST_TIME)
    return bad(`is before 2000-01-01, which no deployment or incident can be: got ${quoted(text)}`);
  if (at > now.getTime())
    return bad(
      `is in the future (now is ${now.toISOString().replace(/\.\d{3}Z$/, "Z")}): got ${quoted(text)}`,
    );
  return ok(new Date(at).toISOString());
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** A GitHub repository, `owner/name`, as GitHub allows them to be named. */
export function parseRepository(text: string): Parsed<string> {
  if (/^https?:\/\//i.test(text))
    return bad(`must be written owner/name, not as a web address: got ${quoted(text)}`);
  const parts = text.split("/");
  const [owner = "", name = ""] = parts;
  if (parts.length !== 2 || !OWNER.test(owner) || !NAME.test(name) || name === "." || name === "..")
    return bad(
      `must be a GitHub repository written owner/name (letters, digits and -, then letters, digits, ".", "_" and -), e.g. acme/api: got ${quoted(text)}`,
    );
  return ok(text);
}

/** A full commit SHA (40 hex digits), lower-cased. */
export function parseCommitSha(text: string): Parsed<string> {
  if (/^[0-9a-fA-F]{40}$/.test(text)) return ok(text.toLowerCase());
  if (/^[0-9a-fA-F]{7,39}$/.test(text))
    return bad(
      `is an abbreviated SHA (${text.length} digits): the full 40-digit SHA is needed to find which pull requests the deployment shipped`,
    );
  return bad(`must be a commit SHA of 40 hexadecimal digits: got ${quoted(text)}`);
}

/** An http(s) address. */
export function parseUrl(text: string): Parsed<string> {
  if (text.length > 2000) return bad(`is longer than 2000 characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad(`must be a web address starting with https:// or http://: got ${quoted(text)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return bad(`must be a web address starting with https:// or http://: got ${quoted(text)}`);
  if (url.username || url.password) return bad("must not carry a user name or password");
  if (/\s/.test(text)) return bad(`must not contain spaces: got ${quoted(text)}`);
  return ok(text);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_BUT_LINE_BREAK = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/**
 * Free text of at most `max` characters, kept exactly as written (a leading `=` or `+` is text, not a formula).
 * Control characters are refused (line breaks too, unless allowed): they have no place in a name and would act
 * on a terminal.
 */
export function parseText(text: string, max: number, options: { lineBreaks?: boolean } = {}): Parsed<string> {
  if (text.length > max) return bad(`is longer than ${max} characters (${text.length})`);
  const control = (options.lineBreaks ? CONTROL_BUT_LINE_BREAK : CONTROL).exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    return bad(
      `contains the control character U+${code} at character ${control.index + 1} (a line break, tab or escape)`,
    );
  }
  return ok(text);
}

/**
 * What caused an incident, one word: `owner/name#12`, `#12`, a pull request's web address, a commit SHA of
 * 7 to 40 hex digits, or a deployment's id or url. Which of them it names is decided in the warehouse.
 */
export function parseReference(text: string): Parsed<string> {
  if (text.length > 500) return bad(`is longer than 500 characters (${text.length})`);
  if (/\s/.test(text))
    return bad(
      `must be one word: a pull request (owner/name#12), a commit SHA or a deployment id or url: got ${quoted(text)}`,
    );
  return parseText(text, 500);
}

/** Ids of rows in the tool they come from. */
export function parseExternalId(text: string): Parsed<string> {
  return parseText(text, 200);
}
