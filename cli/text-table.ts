/**
 * Plain-text tables for the CLI: columns padded to their widest cell, a dashed rule under the header. Cells
 * often hold names from GitHub or the configuration, so control characters in them are shown as visible
 * escapes (core/terminal-text.ts) before widths are measured.
 */
import { terminalText } from "../core/terminal-text.ts";

/** The table's lines (no trailing newline), e.g. `tableLines(["name", "n"], [["merged", "12"]])`. */
export function tableLines(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const head = header.map(terminalText);
  const body = rows.map((r) => r.map(terminalText));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

/** The table as text ending in a newline. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${tableLines(header, rows).join("\n")}\n`;
}
