/**
 * A CSV file for a page to link to: a header and one line per row, every cell neutralised for spreadsheets
 * (text starting with =, +, -, @ is prefixed with ', as in `metrics query --format csv`; see docs/metrics.md).
 */
import { csvCell } from "../../cli/csv-cell.ts";

export function csvText(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
