/**
 * An NDJSON (JSON Lines) reader: one JSON object per line, LF or CRLF, empty lines skipped, a leading byte
 * order mark skipped. Every line is read on its own, so each bad line is reported with its number.
 */

export interface NdjsonLine {
  line: number;
  /** The line's text (for finding where a key is written). */
  text: string;
  value: Record<string, unknown>;
}

export interface NdjsonProblem {
  line: number;
  column: number;
  message: string;
}

/** Parses NDJSON text; with `onLine`, each object is handed over as it is read and `lines` stays empty. */
export function parseNdjson(
  text: string,
  options: { maxLineChars: number; onLine?: (line: NdjsonLine) => void },
): { lines: NdjsonLine[]; problems: NdjsonProblem[] } {
  const lines: NdjsonLine[] = [];
  const problems: NdjsonProblem[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let start = 0;
  let number = 0;
  while (start <= body.length) {
    const end = body.indexOf("\n", start);
    const stop = end === -1 ? body.length : end;
    number += 1;
    let content = body.slice(start, stop);
    if (content.endsWith("\r")) content = content.slice(0, -1);
    start = stop + 1;
    if (content.trim() === "") continue;
    if (content.length > options.maxLineChars) {
      problems.push({
        line: number,
        column: 1,
        message: `the line is longer than ${options.maxLineChars} characters`,
      });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = /position (\d+)/.exec(message);
      problems.push({
        line: number,
        column: at ? Number(at[1]) + 1 : 1,
        message: `not valid JSON (${message.replace(/ in JSON at position \d+.*$/s, "")})`,
      });
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      const what = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
      problems.push({
        line: number,
        column: 1,
        message: `each line must be one JSON object ({"id": …, …}): this one is ${what}`,
      });
      continue;
    }
    const line = { line: number, text: content, value: value as Record<string, unknown> };
    if (options.onLine) options.onLine(line);
    else lines.push(line);
  }
  return { lines, problems };
}

/** The 1-based column where `"key"` is written on a line (1 when it cannot be found). */
export function keyColumn(text: string, key: string): number {
  const at = text.indexOf(JSON.stringify(key));
  return at === -1 ? 1 : at + 1;
}
