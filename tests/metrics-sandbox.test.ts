/**
 * metrics.yaml SQL is reviewed code, but it must not be a way to read the machine's files: `metrics check`
 * rejects table functions, file access and subqueries in expr and filter (naming file, line, metric and
 * field), and, should a definition get past the check, the DuckDB connection that evaluates metrics refuses
 * to touch anything but the warehouse. A secret file sits beside the warehouse; its bytes must appear in no
 * output, value or error.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsCommand } from "../cli/metrics-command.ts";
import { InputError } from "../core/errors.ts";
import { evaluateMetrics } from "../metrics/metric-evaluator.ts";
import { sandboxViolation } from "../metrics/metric-sql-sandbox.ts";
import { parseMetricsFile } from "../metrics/metrics-file.ts";
import { openDb, withDb } from "../warehouse/duckdb.ts";
import { createFixtureWarehouse, fixturePullRequests } from "./fixtures/metrics-warehouse.ts";

const ROOT = resolve(import.meta.dirname, "..");
const SECRET = `hunter2-${randomUUID()}`;

// Made when the file loads: the cases below are listed (with the secret's path) before any hook runs.
const dir = mkdtempSync(join(tmpdir(), "ys-sandbox-"));
const secretPath = join(dir, "credentials");
const warehousePath = join(dir, "warehouse.duckdb");

beforeAll(async () => {
  writeFileSync(secretPath, `${SECRET}\n`);
  await createFixtureWarehouse(warehousePath, fixturePullRequests(["platform", "mobile"]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The file-reading calls tried, each written so that it binds and has the right type on an unguarded DuckDB. */
const READERS = [
  "read_text",
  "read_blob",
  "read_csv",
  "read_csv_auto",
  "read_json",
  "read_parquet",
  "parquet_scan",
  "glob",
  "sniff_csv",
] as const;

const count = (fn: string) => `(select count(*) from ${fn}('${secretPath}'))`;
const exists = (fn: string) => `exists(select 1 from ${fn}('${secretPath}'))`;

interface Case {
  name: string;
  field: "expr" | "filter";
  expr: string;
  filter?: string;
  /** What the error must name. */
  names: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const fn of READERS) {
    out.push({ name: `leak_${fn}_expr`, field: "expr", expr: count(fn), names: `${fn}()` });
    out.push({
      name: `leak_${fn}_filter`,
      field: "filter",
      expr: "additions",
      filter: exists(fn),
      names: `${fn}()`,
    });
  }
  // A table function called bare, and a subquery that reads no file but another table.
  out.push({
    name: "bare_read_text",
    field: "expr",
    expr: `length(read_text('${secretPath}'))`,
    names: "read_text()",
  });
  out.push({
    name: "other_table",
    field: "filter",
    expr: "additions",
    filter: "team in (select team from fct_pull_requests where is_merged)",
    names: "subquery",
  });
  return out;
}

/** A simple metric over fct_pull_requests; SQL is written as a YAML single-quoted scalar. */
function metricYaml(c: Case): string {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return [
    `  - name: ${c.name}`,
    `    label: ${c.name}`,
    "    description: A definition that tries to read outside the warehouse.",
    "    owner: security",
    "    type: simple",
    "    model: fct_pull_requests",
    "    agg: sum",
    `    expr: ${quote(c.expr)}`,
    ...(c.filter ? [`    filter: ${quote(c.filter)}`] : []),
    "    time_dimension: created_at",
    "    unit: count",
    "    direction: neutral",
    "    dimensions: [team]",
    "",
  ].join("\n");
}

function metricsText(list: readonly Case[]): string {
  return `version: 1\ndefinitions:\n  privacy_floor: 1\nmetrics:\n${list.map(metricYaml).join("")}`;
}

/** 1-based line of the `field:` key of metric `name` in `text`, found here rather than by the loader. */
function lineOf(text: string, name: string, field: string): number {
  const lines = text.split("\n");
  const start = lines.indexOf(`  - name: ${name}`);
  const at = lines.findIndex((l, i) => i > start && l.startsWith(`    ${field}: `));
  return at + 1;
}

function yardstick(args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "yardstick.js"), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("what an expression may contain", () => {
  const verdicts = (list: readonly string[]) =>
    withDb(":memory:", "sandboxed", async (db) => {
      const out: Record<string, string | undefined> = {};
      for (const sql of list) out[sql] = await sandboxViolation(db, sql);
      return out;
    });

  it("allows columns, constants, operators, CASE, casts and scalar or aggregate functions", async () => {
    const allowed = [
      "cycle_time_hours",
      "is_production and is_success",
      "authorship_class = 'ai_authored'",
      "cast(finished_at as date)",
      "date_diff('hour', created_at, merged_at) / 24.0",
      "case when is_merged then additions + deletions else 0 end",
      "coalesce(review_count, 0)::DOUBLE",
      "lower(team) like 'plat%' or team in ('a', 'b')",
      "additions between 1 and 10",
      "list_sum(list_transform([additions, deletions], x -> x * 2))",
      "'read_text(''/etc/passwd'')' <> team",
      "range(3)",
    ];
    expect(await verdicts(allowed)).toEqual(Object.fromEntries(allowed.map((sql) => [sql, undefined])));
  });

  it("rejects table functions however they are written, subqueries, settings and placeholders", async () => {
    const found = await verdicts([
      `READ_TEXT('${secretPath}')`,
      `"read_text"('${secretPath}')`,
      `1) as v from read_text('${secretPath}'), (select 1 as v`,
      "(select 1)",
      "team in (select team from dim_teams)",
      "exists(from fct_pull_requests)",
      "query_table('fct_pull_requests')",
      "current_setting('home_directory')",
      "nextval('s')",
      "additions + ?",
      "columns('.*')",
      "additions) + (deletions",
      "other.main.length(team)",
    ]);
    expect(Object.values(found).every((v) => typeof v === "string")).toBe(true);
    expect(found[`READ_TEXT('${secretPath}')`]).toContain("read_text(), a table function");
    expect(found[`"read_text"('${secretPath}')`]).toContain("read_text(), a table function");
    expect(found[`1) as v from read_text('${secretPath}'), (select 1 as v`]).toContain("read_text()");
    expect(found["(select 1)"]).toContain("subquery");
    expect(found["team in (select team from dim_teams)"]).toContain("subquery");
    expect(found["query_table('fct_pull_requests')"]).toContain("query_table(), a table function");
    expect(found["current_setting('home_directory')"]).toContain("current_setting()");
    expect(found["additions + ?"]).toContain("placeholder");
    expect(found["additions) + (deletions"]).toContain("is not one SQL expression");
  });
});

describe("metrics check", () => {
  it.each(cases())("rejects $name, naming the file, line, metric and field", async (c) => {
    const file = join(dir, `${c.name}.yaml`);
    const text = metricsText([c]);
    writeFileSync(file, text);
    const error = await metricsCommand({ out: () => {} })
      .parseAsync(["check", "--metrics", file, "--config", join(dir, "none.yaml")], { from: "user" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(InputError);
    const report = (error as InputError).report();
    expect(report).not.toContain(SECRET);
    const problem = (error as InputError).problems.find((p) => p.field === `metrics[0].${c.field}`);
    expect(problem, report).toBeDefined();
    expect(problem!.position).toMatchObject({ file, line: lineOf(text, c.name, c.field) });
    expect(problem!.message).toContain(c.name);
    expect(problem!.message).toContain(c.names);
  });

  it("exits 2 through the CLI and lists every reader in expr and in filter, without the secret", () => {
    const list = cases();
    const file = join(dir, "all-leaks.yaml");
    const text = metricsText(list);
    writeFileSync(file, text);
    const { code, stdout, stderr } = yardstick(["metrics", "check", "--metrics", file]);
    expect(code, stderr).toBe(2);
    for (const [i, c] of list.entries()) {
      const line = stderr
        .split("\n")
        .find((l) => l.startsWith(`  - metrics[${i}].${c.field} (${file}:${lineOf(text, c.name, c.field)}:`));
      expect(line, `${c.name} in:\n${stderr}`).toBeDefined();
      expect(line).toContain(c.name);
      expect(line).toContain(c.names);
    }
    expect(stdout + stderr).not.toContain(SECRET);
  });

  it("still accepts the shipped definitions", () => {
    const { code, stderr } = yardstick(["metrics", "check", "--metrics", join(ROOT, "metrics.yaml")]);
    expect(code, stderr).toBe(0);
  });
});

describe("the connection that evaluates metrics", () => {
  it.each(READERS)("refuses %s in a definition that bypassed the check, and leaks nothing", async (fn) => {
    // The value would be the secret's length, or DuckDB's error would quote it (the cast fails on its text).
    const exprs = [
      `(select sum(length(content)) from read_text('${secretPath}')) + ${count(fn)}`,
      `(select content from read_text('${secretPath}'))::DOUBLE + ${count(fn)}`,
    ];
    for (const expr of exprs) {
      const metrics = parseMetricsFile(
        metricsText([{ name: `leak_${fn}`, field: "expr", expr, names: fn }]),
        "crafted.yaml",
      );
      const outcome = await evaluateMetrics({
        warehousePath,
        metrics,
        names: [`leak_${fn}`],
        by: [],
        grain: "month",
      }).then(
        (rows) => ({ rows }),
        (error: unknown) => ({ error: error as Error }),
      );
      expect("error" in outcome, JSON.stringify(outcome)).toBe(true);
      const message = (outcome as { error: Error }).error.message;
      expect(message).toMatch(/disabled by configuration/);
      expect(message).not.toContain(SECRET);
    }
  });

  it("reads the warehouse, and nothing else, not even after trying to unlock", async () => {
    const db = await openDb(warehousePath, "sandboxed");
    try {
      const [row] = await db.all<{ n: number }>("select count(*)::INTEGER as n from fct_pull_requests");
      expect(row?.n).toBe(fixturePullRequests(["platform", "mobile"]).length);
      const refused = async (sql: string) => {
        const error = await db.all(sql).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error, sql).toBeInstanceOf(Error);
        expect(error!.message).not.toContain(SECRET);
        return error!.message;
      };
      await refused("set enable_external_access = true");
      expect(await refused("set allow_community_extensions = true")).toMatch(/configuration has been locked/);
      expect(await refused("set lock_configuration = false")).toMatch(/configuration has been locked/);
      expect(await refused(`attach '${join(dir, "other.duckdb")}' as other`)).toMatch(
        /disabled by configuration/,
      );
      expect(await refused(`copy (select 1) to '${join(dir, "out.csv")}'`)).toMatch(
        /disabled by configuration/,
      );
      expect(await refused(`select * from read_csv('${secretPath}')`)).toMatch(/disabled by configuration/);
      expect(await refused("install httpfs")).toMatch(/disabled|Permission/);
      expect(await refused("load httpfs")).toMatch(/disabled|Permission/);
    } finally {
      db.close();
    }
  });

  it("makes `metrics query` exit 2 on such a definition, naming it, without the secret", () => {
    const file = join(dir, "query-leak.yaml");
    writeFileSync(
      file,
      metricsText([
        {
          name: "leak_by_error",
          field: "expr",
          expr: `(select content from read_text('${secretPath}'))::DOUBLE`,
          names: "read_text",
        },
      ]),
    );
    const { code, stdout, stderr } = yardstick([
      "metrics",
      "query",
      "leak_by_error",
      "--metrics",
      file,
      "--warehouse",
      warehousePath,
    ]);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain("leak_by_error");
    expect(stderr).toContain("yardstick metrics check");
    expect(stdout + stderr).not.toContain(SECRET);
  });
});
