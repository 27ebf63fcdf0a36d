/**
 * One CSV field (RFC 4180) for the analyst's exports. Numbers are written bare and whole, so a spreadsheet reads
 * them as numbers, negative ones included. Text is untrusted (team, repository and environment names): a
 * spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
 * formula, so such a cell gets one leading `'` (OWASP's rule for CSV injection), which spreadsheets show as
 * text; control characters are shown as visible escapes, as on the terminal (core/terminal-text.ts). To get a
 * name back, remove one leading `'` from a text cell that starts with one of those characters after it; or
 * read `--format json`, which keeps every name exactly.
 */
import { terminalText } from "../core/terminal-text.ts";
import { plainNumber } from "../dashboards/units.ts";

const FORMULA_START = new Set(["=", "+", "-", "@", "\t", "\r"]);

/** A text cell a spreadsheet will not run: `spreadsheetText("=1+1")` → `'=1+1`; `"platform"` is unchanged. */
export function spreadsheetText(text: string): string {
  return FORMULA_START.has(text.charAt(0)) ? `'${text}` : text;
}

/** The field as written in a CSV line: `csvCell(-2.5)` → `-2.5`, `csvCell("-2+3")` → `'-2+3`, `csvCell('a,"b"')` → `"a,""b"""`. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return plainNumber(value);
  if (typeof value === "boolean") return String(value);
  const text = terminalText(spreadsheetText(String(value)));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
