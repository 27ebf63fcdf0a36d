/**
 * Reads and validates a whole import file before anything is written: CSV (RFC 4180, with a header line) or
 * NDJSON (one JSON object per line), chosen by the extension. Every problem is collected with the file, the
 * line, the column and the field it is about; if there is any, an InputError lists them (exit 2) and nothing
 * is imported. What comes back is every row, normalised, with the line it came from.
 */

import { isUtf8 } from "node:buffer";
import { readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import type { z } from "zod";
import { InputError, type InputProblem } from "../../core/errors.ts";
import { firstInvalidUtf8 } from "../../core/yaml-source.ts";
import { type CsvField, type CsvRecord, parseCsv } from "./csv-records.ts";
import { columnNames, IMPORT_COLUMNS, type ImportKind } from "./import-columns.ts";
import {
  type DeploymentRecord,
  deploymentRowSchema,
  type IncidentRecord,
  incidentRowSchema,
} from "./import-schemas.ts";
import { keyColumn, parseNdjson } from "./ndjson-records.ts";

/** Largest file read: an export larger than this is split (each part is imported on its own, keyed rows). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Longest record (CSV) or line (NDJSON): far above any real row, low enough to stop a file that is not one. */
export const MAX_RECORD_CHARS = 64 * 1024;
/** Problems listed in full; the rest are counted. */
const MAX_LISTED = 50;

export const IMPORT_EXTENSIONS = [".csv", ".ndjson", ".jsonl"] as const;

export type ImportRecord<K extends ImportKind> = K extends "deployments" ? DeploymentRecord : IncidentRecord;

export interface ImportRow<R> {
  line: number;
  record: R;
}

export interface ImportFile<R> {
  kind: ImportKind;
  format: "csv" | "ndjson";
  rows: ImportRow<R>[];
}

export interface ReadImportOptions<K extends ImportKind> {
  kind: K;
  /** The path as the operator wrote it: messages name it so. */
  file: string;
  /** The latest time a row may have. */
  now: Date;
  /** yardstick.yaml's team names (incidents may name one). */
  teams: readonly string[];
}

/** One row's cells by column, each with where it is written. */
interface RawRow {
  line: number;
  cells: Map<string, { value: string; line: number; column: number }>;
}

/**
 * Reads `file` as `kind`; throws InputError listing every problem (file:line:column, field).
 * Example: `const { rows } = readImportFile({ kind: "deployments", file: "deploys.csv", now: new Date(), teams: [] })`.
 */
export function readImportFile<K extends ImportKind>(
  options: ReadImportOptions<K>,
): ImportFile<ImportRecord<K>> {
  const { kind, file } = options;
  const refuse = (message: string, problems: InputProblem[]): never => {
    throw new InputError(`${file} cannot be imported as ${kind}: ${message}; nothing was imported`, problems);
  };
  const whole = (message: string): never =>
    refuse(message, [{ field: "", message, position: { file, line: 1, column: 1 } }]);

  const extension = extname(file).toLowerCase();
  if (!(IMPORT_EXTENSIONS as readonly string[]).includes(extension))
    refuse("not a CSV or NDJSON file", [
      {
        field: "<file>",
        message: `must end in .csv (comma-separated, with a header line) or .ndjson / .jsonl (one JSON object per line): got ${extension ? `"${extension}"` : "no extension"}${extension === ".xlsx" || extension === ".xls" ? " (save the sheet as CSV UTF-8)" : ""}`,
      },
    ]);
  const format = extension === ".csv" ? "csv" : "ndjson";

  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory())
      return refuse("it is a folder", [{ field: "<file>", message: "is a folder, not a file" }]);
    size = stat.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refuse(code === "ENOENT" ? "it does not exist" : `it cannot be read (${code})`, [
      { field: "<file>", message: code === "ENOENT" ? "does not exist" : `cannot be read (${code})` },
    ]);
  }
  if (size > MAX_IMPORT_BYTES)
    refuse("it is too large", [
      {
        field: "<file>",
        message: `is ${size} bytes, more than ${MAX_IMPORT_BYTES}: split it and import the parts one after another (rows are keyed by id, so the order does not matter)`,
      },
    ]);
  const bytes = readFileSync(file);
  if (
    bytes.length === 0 ||
    (bytes.length === 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
  )
    whole(
      format === "csv"
        ? `the file is empty: a CSV file starts with its header line (${columnNames(kind).join(",")})`
        : "the file is empty: an NDJSON file has one JSON object per line",
    );

  // Bytes that are not UTF-8 are found first; the file is still read (with replacement characters), only to
  // say which field they are in.
  let utf8: { line: number; column: number; byte: string; field: string } | null = null;
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
    utf8 = {
      line: bytes.subarray(0, at).filter((b) => b === 0x0a).length + 1,
      column: new TextDecoder().decode(bytes.subarray(lineStart, at)).length + 1,
      byte: `0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0")}`,
      field: "",
    };
  }
  const text = new TextDecoder("utf-8").decode(bytes);

  const schema: z.ZodType<DeploymentRecord | IncidentRecord> =
    kind === "deployments" ? deploymentRowSchema(options.now) : incidentRowSchema(options.now, options.teams);
  const problems: InputProblem[] = [];
  const out: ImportRow<ImportRecord<K>>[] = [];
  const seen = new Map<string, number>();
  // Each row is checked as it is read: a big file's cells are never all held at once.
  const onRow = (row: RawRow) => {
    if (utf8) {
      // The field holding the bad byte is the last one that starts before it.
      for (const [name, c] of row.cells)
        if (c.line < utf8.line || (c.line === utf8.line && c.column <= utf8.column)) utf8.field = name;
      return;
    }
    const input = Object.fromEntries([...row.cells].map(([name, c]) => [name, c.value]));
    const result = schema.safeParse(input);
    const at = (field: string) => {
      const c = row.cells.get(field);
      return { file, line: c?.line ?? row.line, column: c?.column ?? 1 };
    };
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = String(issue.path[0] ?? "");
        const missing = issue.code === "invalid_type" && !row.cells.has(field);
        problems.push({
          field,
          message: missing ? "is empty: this column needs a value on every row" : issue.message,
          position: at(field),
        });
      }
      return;
    }
    const id = result.data.id;
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({
        field: "id",
        message: `${JSON.stringify(id)} is already the id of the row on line ${first}: ids must be unique in a file`,
        position: at("id"),
      });
      return;
    }
    seen.set(id, row.line);
    out.push({ line: row.line, record: result.data as ImportRecord<K> });
  };
  if (format === "csv") csvRows(text, kind, file, problems, onRow);
  else ndjsonRows(text, kind, file, problems, onRow);

  if (utf8)
    refuse("it is not UTF-8 text", [
      {
        field: utf8.field,
        message: `byte ${utf8.byte} is not UTF-8 (was the file saved as Latin-1 or Windows-1252? save it as UTF-8)`,
        position: { file, line: utf8.line, column: utf8.column },
      },
    ]);

  if (problems.length > 0) {
    problems.sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0));
    const listed = problems.slice(0, MAX_LISTED);
    if (problems.length > MAX_LISTED)
      listed.push({ field: "", message: `and ${problems.length - MAX_LISTED} more problems` });
    refuse(`${problems.length} problem${problems.length === 1 ? "" : "s"}`, listed);
  }
  return { kind, format, rows: out };
}

function knownColumn(kind: ImportKind, name: string): boolean {
  return IMPORT_COLUMNS[kind].some((c) => c.name === name);
}

/** The closest column name, for "did you mean": same letters, a prefix, or at most two edits away. */
function suggestion(kind: ImportKind, name: string): string {
  const squeeze = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const wanted = squeeze(name);
  let best: { column: string; distance: number } | null = null;
  for (const column of columnNames(kind)) {
    const candidate = squeeze(column);
    const distance =
      candidate === wanted || candidate.startsWith(wanted) || wanted.startsWith(candidate)
        ? 0
        : editDistance(candidate, wanted);
    if (distance <= 2 && (!best || distance < best.distance)) best = { column, distance };
  }
  return best ? ` (did you mean ${best.column}?)` : "";
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

function csvRows(
  text: string,
  kind: ImportKind,
  file: string,
  problems: InputProblem[],
  onRow: (row: RawRow) => void,
): void {
  let names: string[] | null = null;
  let headerGood = false;
  const parsed = parseCsv(text, {
    maxRecordChars: MAX_RECORD_CHARS,
    onRecord: (record) => {
      if (names === null) {
        names = record.fields.map((f) => f.value.trim().toLowerCase());
        const headerProblems = checkHeader(record, names, kind, file);
        // Rows cannot be read against a header that is wrong: the header is reported alone.
        problems.push(...headerProblems);
        headerGood = headerProblems.length === 0;
        return;
      }
      if (!headerGood) return;
      if (record.fields.length !== names.length) {
        problems.push({
          field: "",
          message: `this row has ${record.fields.length} field${record.fields.length === 1 ? "" : "s"} and the header ${names.length} (a comma inside a value needs the value in double quotes)`,
          position: { file, line: record.line, column: 1 },
        });
        return;
      }
      const cells = new Map<string, { value: string; line: number; column: number }>();
      record.fields.forEach((f, index) => {
        const value = f.value.trim();
        if (value !== "") cells.set(names![index]!, { value, line: f.line, column: f.column });
      });
      onRow({ line: record.line, cells });
    },
  });
  if (parsed.problem) {
    const { line, column, message, field } = parsed.problem;
    // A problem in a data row names its column; one in the header names none.
    const header: string[] = names ?? [];
    const inRow = names !== null && field !== undefined;
    problems.push({ field: inRow ? (header[field!] ?? "") : "", message, position: { file, line, column } });
    return;
  }
  if (names === null)
    problems.push({
      field: "",
      message: `the file has no header line: it starts with the column names (${columnNames(kind).join(",")})`,
      position: { file, line: 1, column: 1 },
    });
}

/** What is wrong with a CSV header: separators other than commas, unknown, unnamed or repeated columns, required ones missing. */
function checkHeader(
  header: CsvRecord,
  names: readonly string[],
  kind: ImportKind,
  file: string,
): InputProblem[] {
  const headerProblems: InputProblem[] = [];
  const pos = (f: CsvField) => ({ file, line: f.line, column: f.column });
  const first = header.fields[0]!;
  if (names.length === 1 && /[;\t|]/.test(first.value)) {
    const separator = first.value.includes(";") ? "semicolons" : first.value.includes("\t") ? "tabs" : "bars";
    return [
      {
        field: "",
        message: `the header is one column with ${separator} in it: fields must be separated by commas (save as "CSV UTF-8 (comma delimited)")`,
        position: pos(first),
      },
    ];
  }
  names.forEach((name, index) => {
    const f = header.fields[index]!;
    if (name === "") {
      headerProblems.push({
        field: "",
        message: `column ${index + 1} of the header has no name`,
        position: pos(f),
      });
    } else if (!knownColumn(kind, name)) {
      headerProblems.push({
        field: name,
        message: `is not a column of ${kind} files${suggestion(kind, name)}; the columns are ${columnNames(kind).join(", ")}`,
        position: pos(f),
      });
    } else if (names.indexOf(name) !== index) {
      headerProblems.push({
        field: name,
        message: `is in the header twice (columns ${names.indexOf(name) + 1} and ${index + 1})`,
        position: pos(f),
      });
    }
  });
  for (const column of IMPORT_COLUMNS[kind]) {
    if (column.required && !names.includes(column.name))
      headerProblems.push({
        field: column.name,
        message: `is a required column and the header does not have it (it has ${names.join(", ")})`,
        position: { file, line: header.line, column: 1 },
      });
  }
  return headerProblems;
}

function ndjsonRows(
  text: string,
  kind: ImportKind,
  file: string,
  problems: InputProblem[],
  onRow: (row: RawRow) => void,
): void {
  let objects = 0;
  const parsed = parseNdjson(text, {
    maxLineChars: MAX_RECORD_CHARS,
    onLine: (line) => {
      objects += 1;
      const cells = new Map<string, { value: string; line: number; column: number }>();
      let good = true;
      for (const [key, raw] of Object.entries(line.value)) {
        const position = { file, line: line.line, column: keyColumn(line.text, key) };
        if (!knownColumn(kind, key)) {
          problems.push({
            field: key,
            message: `is not a field of ${kind} rows${suggestion(kind, key)}; the fields are ${columnNames(kind).join(", ")}`,
            position,
          });
          good = false;
          continue;
        }
        if (raw === null) continue;
        if (typeof raw === "number" && Number.isFinite(raw)) {
          cells.set(key, { value: String(raw), line: position.line, column: position.column });
          continue;
        }
        if (typeof raw !== "string") {
          problems.push({
            field: key,
            message: `must be a JSON string (or null when empty): got ${Array.isArray(raw) ? "an array" : `a ${typeof raw}`}`,
            position,
          });
          good = false;
          continue;
        }
        const value = raw.trim();
        if (value !== "") cells.set(key, { value, line: position.line, column: position.column });
      }
      if (good) onRow({ line: line.line, cells });
    },
  });
  for (const p of parsed.problems)
    problems.push({ field: "", message: p.message, position: { file, line: p.line, column: p.column } });
  if (objects === 0 && parsed.problems.length === 0)
    problems.push({
      field: "",
      message: "the file has no rows: an NDJSON file has one JSON object per line",
      position: { file, line: 1, column: 1 },
    });
}
