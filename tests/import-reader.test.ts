/**
 * The import file reader on its own: the RFC 4180 cases a hand-written CSV parser gets wrong, the time rules
 * (time zones, days that do not exist, the future), and what a row becomes. Expected values are written out
 * by hand.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import { parseCsv } from "../extractors/files/csv-records.ts";
import { IMPORT_COLUMNS, IMPORT_KINDS } from "../extractors/files/import-columns.ts";
import { parseInstant } from "../extractors/files/import-values.ts";
import { readImportFile } from "../extractors/files/read-import-file.ts";

const NOW = new Date("2026-12-01T12:00:00Z");
const SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";

const values = (text: string) =>
  parseCsv(text, { maxRecordChars: 1000 }).records.map((r) => r.fields.map((f) => f.value));

describe("the CSV reader (RFC 4180)", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks inside", () => {
    expect(values('a,b,c\n"x, y","say ""hi""","two\nlines"\n')).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "two\nlines"],
    ]);
  });

  it("reads CRLF, LF and a lone CR as line ends, skips a byte order mark and empty lines", () => {
    expect(values('\ufeffa,b\r\n1,2\r\n\r\n3,"4\r\n5"\r6,7')).toEqual([
      ["a", "b"],
      ["1", "2"],
      ["3", "4\n5"],
      ["6", "7"],
    ]);
  });

  it("keeps empty fields, a trailing empty field and a last line without a line end", () => {
    expect(values('a,,c,\n"",x,,')).toEqual([
      ["a", "", "c", ""],
      ["", "x", "", ""],
    ]);
  });

  it("gives each field the line and column where it starts, across quoted line breaks", () => {
    const [, second, third] = parseCsv('h1,h2\n"multi\nline",next\nlast,"x"', {
      maxRecordChars: 1000,
    }).records;
    expect(second!.fields.map((f) => [f.line, f.column])).toEqual([
      [2, 1],
      [3, 7],
    ]);
    expect(third!.line).toBe(4);
    expect(third!.fields.map((f) => [f.line, f.column])).toEqual([
      [4, 1],
      [4, 6],
    ]);
  });

  it("keeps a cell that looks like a formula as the text it is", () => {
    expect(values('=1+1,"=HYPERLINK(""http://x"",""y"")",@SUM(A1),-2+3')).toEqual([
      ["=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3"],
    ]);
  });

  it("stops at a quote that is never closed, naming where it opened", () => {
    const result = parseCsv('a,b\n1,"open\n2,3\n', { maxRecordChars: 1000 });
    expect(result.problem).toEqual({
      line: 2,
      column: 3,
      message: "this quoted field is never closed: its closing double quote is missing",
      field: 1,
    });
  });

  it("refuses a quote in the middle of an unquoted field and text after a closing quote", () => {
    expect(parseCsv('a,b"c\n', { maxRecordChars: 1000 }).problem).toMatchObject({ line: 1, column: 4 });
    expect(parseCsv('a,"b"c\n', { maxRecordChars: 1000 }).problem).toMatchObject({ line: 1, column: 6 });
  });

  it("stops a record longer than the limit without reading it whole", () => {
    const result = parseCsv(`a,b\n1,${"x".repeat(2000)}\n`, { maxRecordChars: 1000 });
    expect(result.problem).toMatchObject({ line: 2, column: 1 });
    expect(result.problem!.message).toContain("longer than 1000 characters");
  });
});

describe("times in import files", () => {
  it("converts an offset to UTC and keeps UTC as it is", () => {
    expect(parseInstant("2026-03-01T15:05:00+01:00", NOW)).toEqual({
      ok: true,
      value: "2026-03-01T14:05:00.000Z",
    });
    expect(parseInstant("2026-03-01 09:35:30-05:30", NOW)).toEqual({
      ok: true,
      value: "2026-03-01T15:05:30.000Z",
    });
    expect(parseInstant("2026-03-01T14:05Z", NOW)).toEqual({ ok: true, value: "2026-03-01T14:05:00.000Z" });
    expect(parseInstant("2026-03-01T14:05:00.123456+0000", NOW)).toEqual({
      ok: true,
      value: "2026-03-01T14:05:00.123Z",
    });
  });

  it("crosses a day, a month and a leap day with the offset", () => {
    expect(parseInstant("2024-03-01T00:30:00+01:00", NOW)).toEqual({
      ok: true,
      value: "2024-02-29T23:30:00.000Z",
    });
    expect(parseInstant("2025-12-31T22:00:00-03:00", NOW)).toEqual({
      ok: true,
      value: "2026-01-01T01:00:00.000Z",
    });
  });

  it.each([
    ["2026-02-30T10:00:00Z", "does not exist"],
    ["2025-02-29T10:00:00Z", "does not exist"],
    ["2026-13-01T10:00:00Z", "no month 13"],
    ["2026-03-01T24:00:00Z", "time of day that does not exist"],
    ["2026-03-01T10:60:00Z", "time of day that does not exist"],
    ["2026-03-01T10:00:00", "has no time zone"],
    ["2026-03-01", "needs a time of day"],
    ["01/03/2026 10:00", "must be an ISO 8601 time"],
    ["2026-03-01T10:00:00+15:00", "offset no time zone uses"],
    ["2026-12-01T12:00:01Z", "is in the future"],
    ["1970-01-01T00:00:00Z", "before 2000-01-01"],
    ["=NOW()", "must be an ISO 8601 time"],
  ])("refuses %s", (text, message) => {
    const parsed = parseInstant(text, NOW);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe("a whole import file", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ys-import-reader-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("normalises a deployment row: UTC, lower-case SHA and status, empty cells as null", () => {
    const path = file(
      "d.csv",
      `ID , Repository,environment,commit_sha,status,created_at,finished_at,ref,url\n 7 ,acme/api,prod-eu,${SHA.toUpperCase()},Success,2026-03-01 15:05:00+01:00,2026-03-01T14:06:00Z,,\n`,
    );
    expect(readImportFile({ kind: "deployments", file: path, now: NOW, teams: [] })).toEqual({
      kind: "deployments",
      format: "csv",
      rows: [
        {
          line: 2,
          record: {
            id: "7",
            repository: "acme/api",
            environment: "prod-eu",
            commit_sha: SHA,
            status: "success",
            created_at: "2026-03-01T14:05:00.000Z",
            finished_at: "2026-03-01T14:06:00.000Z",
            ref: null,
            url: null,
            deployed_by: null,
          },
        },
      ],
    });
  });

  it("reads an incident from NDJSON with the team as yardstick.yaml spells it", () => {
    const path = file(
      "i.ndjson",
      `${JSON.stringify({ id: 42, title: "=cmd|' /C calc'!A0", created_at: "2026-03-01T10:00:00Z", team: "PAYMENTS", reference: "acme/api#12" })}\n\n`,
    );
    const read = readImportFile({ kind: "incidents", file: path, now: NOW, teams: ["platform", "payments"] });
    expect(read.rows).toEqual([
      {
        line: 1,
        record: {
          id: "42",
          title: "=cmd|' /C calc'!A0",
          created_at: "2026-03-01T10:00:00.000Z",
          resolved_at: null,
          severity: null,
          repository: null,
          team: "payments",
          reference: "acme/api#12",
          url: null,
        },
      },
    ]);
  });

  it("lists every problem of the file at once, in line order", () => {
    const path = file(
      "bad.csv",
      `id,repository,environment,commit_sha,status,created_at,finished_at\nd1,acme,prod,${SHA},success,2026-03-01T10:00:00Z,2026-03-01T09:00:00Z\nd2,acme/api,prod,${SHA},done,2026-03-01T10:00:00Z,\n`,
    );
    let error: unknown;
    try {
      readImportFile({ kind: "deployments", file: path, now: NOW, teams: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(
      (error as InputError).problems.map((p) => [p.field, p.position?.line, p.position?.column]),
    ).toEqual([
      ["repository", 2, 4],
      ["status", 3, 59],
    ]);
  });
});

describe("the documentation of import files", () => {
  const readme = readFileSync(resolve(import.meta.dirname, "..", "README.md"), "utf8");

  it.each(IMPORT_KINDS)("lists every %s column in the README as --help describes it", (kind) => {
    const section = readme.slice(readme.indexOf("## Importing deployments and incidents"));
    const table = section.slice(section.indexOf(`${kind[0]!.toUpperCase()}${kind.slice(1)}:\n`));
    const lines = table.split("\n").slice(4);
    const rows = lines
      .slice(
        0,
        lines.findIndex((l) => !l.startsWith("| `")),
      )
      .map((l) => l.split(" | ").map((cell) => cell.replace(/^\| /, "").replace(/ \|$/, "")));
    expect(rows).toEqual(
      IMPORT_COLUMNS[kind].map((c) => [`\`${c.name}\``, c.required ? "required" : "optional", c.description]),
    );
  });
});
