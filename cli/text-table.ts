/** Plain-text tables for the CLI: columns padded to their widest cell, a dashed rule under the header. */

/** The table's lines (no trailing newline), e.g. `tableLines(["name", "n"], [["merged", "12"]])`. */
export function tableLines(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** The table as text ending in a newline. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${tableLines(header, rows).join("\n")}\n`;
}
