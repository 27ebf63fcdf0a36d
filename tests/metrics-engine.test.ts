import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import { compileMetricQuery } from "../metrics/metric-compiler.ts";
import { dataWatermark, evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import { planQuery } from "../metrics/metric-ir.ts";
import { checkMetricSql } from "../metrics/metric-sql-check.ts";
import { findMetric, loadMetricsFile, type MetricsFile, parseMetricsFile } from "../metrics/metrics-file.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";

const QUOTED_TEAM = `it's "web"; drop table fct_pull_requests; --`;
const TEAMS = ["platform", "mobile", QUOTED_TEAM];

let dir: string;
let warehousePath: string;
let prs: FixturePullRequest[];
let metrics: MetricsFile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-metrics-"));
  warehousePath = join(dir, "warehouse.duckdb");
  prs = fixturePullRequests(TEAMS);
  await createFixtureWarehouse(warehousePath, prs);
  // The fixture has seven authors, so weekly team groups are below the shipped privacy floor of 5 people;
  // these tests are about values, so the floor is lowered here (the floor has its own tests).
  const shipped = readFileSync(resolve(import.meta.dirname, "..", "metrics.yaml"), "utf8");
  expect(shipped).toContain("privacy_floor: 5\n");
  metrics = parseMetricsFile(shipped.replace("privacy_floor: 5\n", "privacy_floor: 1\n"), "metrics.yaml");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---- Expected values, computed from the fixture rows in plain JS (no SQL) ----

/** Monday (UTC) of the ISO week an instant falls in, as YYYY-MM-DD. */
function mondayOf(iso: string): string {
  const t = new Date(iso);
  const day = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  const sinceMonday = (t.getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

/** Continuous median: the middle value, or the mean of the two middle values. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mergedByWeekAndTeam(rows: FixturePullRequest[]): Map<string, FixturePullRequest[]> {
  const groups = new Map<string, FixturePullRequest[]>();
  for (const pr of rows) {
    if (!pr.is_merged || pr.merged_at === null) continue;
    const key = `${mondayOf(pr.merged_at)}|${pr.team}`;
    groups.set(key, [...(groups.get(key) ?? []), pr]);
  }
  return groups;
}

function byPeriodThenTeam(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const METRICS_YAML = `version: 1
metrics:
  - name: merged_prs
    label: Merged PRs
    description: Merged pull requests.
    owner: devex
    type: simple
    model: fct_pull_requests
    agg: count
    expr: pull_request_id
    filter: is_merged
    time_dimension: merged_at
    unit: count
    direction: neutral
    dimensions: [team]
`;

describe("compiling metrics to SQL", () => {
  it("compiles merged_pull_requests by team per week to a grouped count over merged rows", () => {
    const metric = findMetric(metrics, "merged_pull_requests")!;
    const compiled = compileMetricQuery(planQuery(metric, { by: ["team"], grain: "week" }));
    expect(compiled.sql).toBe(
      `select strftime(date_trunc('week', "merged_at"), '%Y-%m-%d') as "period", "team" as "team", ` +
        `(count(pull_request_id))::DOUBLE as "value", (count(pull_request_id))::INTEGER as "n", false as "suppressed" ` +
        `from "fct_pull_requests" where "merged_at" is not null and (is_merged) ` +
        `group by date_trunc('week', "merged_at"), "team" order by "period", "team"`,
    );
    expect(compiled.parameters).toEqual([]);
  });

  it("compiles time_to_merge_hours_p50 by team per week to a continuous median", () => {
    const metric = findMetric(metrics, "time_to_merge_hours_p50")!;
    const compiled = compileMetricQuery(planQuery(metric, { by: ["team"], grain: "week" }));
    expect(compiled.sql).toBe(
      `select strftime(date_trunc('week', "merged_at"), '%Y-%m-%d') as "period", "team" as "team", ` +
        `(quantile_cont(time_to_merge_hours, 0.5))::DOUBLE as "value", (count(time_to_merge_hours))::INTEGER as "n", false as "suppressed" ` +
        `from "fct_pull_requests" where "merged_at" is not null and (is_merged) ` +
        `group by date_trunc('week', "merged_at"), "team" order by "period", "team"`,
    );
  });

  it("binds dates and dimension values as parameters and never pastes them into the SQL", () => {
    const metric = findMetric(metrics, "merged_pull_requests")!;
    const compiled = compileMetricQuery(
      planQuery(metric, {
        by: [],
        grain: "month",
        from: "2024-03-01",
        to: "2024-03-31",
        where: [{ dimension: "team", value: QUOTED_TEAM }],
      }),
    );
    expect(compiled.sql).toContain(`"team" = ?`);
    expect(compiled.sql).toContain(`"merged_at" >= cast(? as date)`);
    expect(compiled.sql).toContain(`"merged_at" < cast(? as date) + interval 1 day`);
    expect(compiled.sql).toContain(`date_trunc('month', "merged_at")`);
    expect(compiled.sql).not.toContain("it's");
    expect(compiled.sql).not.toContain("2024-03");
    expect(compiled.parameters).toEqual([QUOTED_TEAM, "2024-03-01", "2024-03-31"]);
  });
});

describe("evaluating metrics on a DuckDB warehouse", () => {
  it("counts merged pull requests per team per ISO week (weeks start on Monday)", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics,
      names: ["merged_pull_requests"],
      by: ["team"],
      grain: "week",
    });
    const groups = mergedByWeekAndTeam(prs);
    const expected = [...groups.entries()]
      .map(([key, members]) => {
        const [period, team] = key.split("|") as [string, string];
        return { period, team, value: members.length, n: members.length };
      })
      .sort((a, b) => byPeriodThenTeam(a.period, b.period) || byPeriodThenTeam(a.team, b.team));
    const hash = findMetric(metrics, "merged_pull_requests")!.definitionHash;
    expect(rows).toEqual(
      expected.map((e) => ({ metric: "merged_pull_requests", ...e, definition_hash: hash })),
    );
    // The boundary fixtures: Monday 00:00 and Sunday 23:59:59 share a week; 2023-12-31 and 2024-01-01 do not.
    expect(rows.some((r) => r.period === "2023-12-25")).toBe(true);
    expect(rows.some((r) => r.period === "2024-01-01")).toBe(true);
    expect(rows.some((r) => r.period === "2024-03-10")).toBe(false);
  });

  it("reports the continuous median of time to merge with its n, withholding values below min_sample", async () => {
    const metric = findMetric(metrics, "time_to_merge_hours_p50")!;
    const rows = await evaluateMetrics({
      warehousePath,
      metrics,
      names: [metric.name],
      by: ["team"],
      grain: "week",
    });
    const minSample = metric.min_sample!;
    const groups = mergedByWeekAndTeam(prs);
    expect(rows.map((r) => `${r.period}|${r.team}`)).toEqual(
      [...groups.keys()].sort(
        (a, b) => byPeriodThenTeam(a.split("|")[0]!, b.split("|")[0]!) || byPeriodThenTeam(a, b),
      ),
    );
    let withheld = 0;
    let shown = 0;
    for (const row of rows) {
      const hours = groups.get(`${row.period}|${row.team}`)!.map((pr) => pr.time_to_merge_hours!);
      expect(row.n).toBe(hours.length);
      expect(row.definition_hash).toBe(metric.definitionHash);
      if (hours.length < minSample) {
        withheld++;
        expect(row.value).toBeNull();
        expect(row.insufficient).toBe(true);
      } else {
        shown++;
        expect(row.value).toBeCloseTo(median(hours), 9);
        expect(row).not.toHaveProperty("insufficient");
      }
    }
    // The fixture must exercise both branches, or this test proves nothing.
    expect(withheld).toBeGreaterThan(0);
    expect(shown).toBeGreaterThan(0);
  });

  it("evaluates without slices as one series over all teams, with an even-sized median", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics,
      names: ["time_to_merge_hours_p50"],
      by: [],
      grain: "month",
    });
    const months = new Map<string, number[]>();
    for (const pr of prs) {
      if (!pr.is_merged || pr.merged_at === null) continue;
      const month = `${pr.merged_at.slice(0, 7)}-01`;
      months.set(month, [...(months.get(month) ?? []), pr.time_to_merge_hours!]);
    }
    expect(rows.map((r) => r.period)).toEqual([...months.keys()].sort());
    for (const row of rows) {
      const hours = months.get(row.period)!;
      expect(row.n).toBe(hours.length);
      if (hours.length >= 5) expect(row.value).toBeCloseTo(median(hours), 9);
      expect(Object.keys(row)).toEqual(
        hours.length >= 5
          ? ["metric", "period", "value", "n", "definition_hash"]
          : ["metric", "period", "value", "n", "definition_hash", "insufficient"],
      );
    }
  });

  it("filters on a team name containing quotes and SQL as a plain value", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics,
      names: ["merged_pull_requests"],
      by: ["team"],
      grain: "week",
      where: { team: QUOTED_TEAM },
    });
    const expected = [...mergedByWeekAndTeam(prs.filter((pr) => pr.team === QUOTED_TEAM)).entries()];
    expect(rows.length).toBe(expected.length);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.team).toBe(QUOTED_TEAM);
    expect(rows.reduce((sum, r) => sum + (r.value ?? 0), 0)).toBe(
      expected.reduce((sum, [, members]) => sum + members.length, 0),
    );
    // The table is still there: the value was never executed as SQL.
    expect(await dataWatermark(warehousePath)).not.toBeNull();
  });

  it("includes the whole --to day and starts at the --from day", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics,
      names: ["merged_pull_requests"],
      by: [],
      grain: "day",
      from: "2024-03-04",
      to: "2024-03-10",
    });
    const inRange = prs.filter(
      (pr) =>
        pr.is_merged &&
        pr.merged_at! >= "2024-03-04T00:00:00.000Z" &&
        pr.merged_at! < "2024-03-11T00:00:00.000Z",
    );
    expect(rows.reduce((sum, r) => sum + (r.n ?? 0), 0)).toBe(inRange.length);
    expect(rows.find((r) => r.period === "2024-03-10")?.n).toBe(
      inRange.filter((pr) => pr.merged_at!.startsWith("2024-03-10")).length,
    );
    expect(rows.every((r) => r.period >= "2024-03-04" && r.period <= "2024-03-10")).toBe(true);
  });

  it("groups a trailing quarter from an origin: three months from a month's start, not a calendar quarter", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics,
      names: ["merged_pull_requests"],
      by: [],
      grain: "quarter",
      from: "2024-01-01",
      to: "2024-03-31",
      origin: "2024-02-01",
    });
    // Quarters run Nov–Jan and Feb–Apr from a February origin: January's merges fall in the first, February's
    // and March's in the second (calendar quarters would put all three months together).
    const merged = (from: string, to: string) =>
      prs.filter((pr) => pr.is_merged && pr.merged_at! >= from && pr.merged_at! < to).length;
    const january = merged("2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z");
    const febToMarch = merged("2024-02-01T00:00:00.000Z", "2024-04-01T00:00:00.000Z");
    expect(january).toBeGreaterThan(0);
    expect(febToMarch).toBeGreaterThan(0);
    expect(rows.map((r) => [r.period, r.n])).toEqual([
      ["2023-11-01", january],
      ["2024-02-01", febToMarch],
    ]);
    const invalid = await evaluateMetrics({
      warehousePath,
      metrics,
      names: ["merged_pull_requests"],
      by: [],
      grain: "quarter",
      origin: "2024-02-30",
    }).catch((e: unknown) => e);
    expect((invalid as InputError).problems[0]?.field).toBe("--origin");
  });

  it("returns rows of several metrics in the order they were asked for", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics,
      names: ["time_to_merge_hours_p50", "merged_pull_requests"],
      by: [],
      grain: "week",
    });
    const names = rows.map((r: MetricRow) => r.metric);
    expect(names.indexOf("merged_pull_requests")).toBe(names.lastIndexOf("time_to_merge_hours_p50") + 1);
  });

  it("reads the data watermark as the latest extraction time", async () => {
    const latest = prs.map((pr) => pr.extracted_at).sort()[prs.length - 1];
    expect(await dataWatermark(warehousePath)).toBe(latest);
  });

  it.each([
    [{ names: ["merged_pulls"] }, "<metric>", /unknown metric "merged_pulls"/],
    [{ by: ["title"] }, "--by", /cannot be sliced by "title"/],
    [{ grain: "fortnight" }, "--grain", /must be one of day, week, month/],
    [{ from: "2024-02-30" }, "--from", /YYYY-MM-DD/],
    [{ from: "2024-03-02", to: "2024-03-01" }, "--to", /before --from/],
    [{ where: { is_draft: "maybe" } }, "--where", /cannot be sliced by "is_draft"/],
  ])("rejects a bad request %j as bad input naming %s", async (change, flag, message) => {
    const request = {
      warehousePath,
      metrics,
      names: ["merged_pull_requests"],
      by: ["team"],
      grain: "week" as const,
      ...change,
    } as Parameters<typeof evaluateMetrics>[0];
    const error = await evaluateMetrics(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).problems.map((p) => p.field)).toContain(flag);
    expect((error as InputError).report()).toMatch(message);
  });
});

describe("definition hashes", () => {
  const hashOf = (text: string) => parseMetricsFile(text, "metrics.yaml").metrics[0]!.definitionHash;

  it("look like sha256:<64 hex digits>", () => {
    expect(hashOf(METRICS_YAML)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("change when the filter, aggregation or expression changes", () => {
    const base = hashOf(METRICS_YAML);
    expect(hashOf(METRICS_YAML.replace("filter: is_merged", "filter: is_merged and not is_draft"))).not.toBe(
      base,
    );
    expect(hashOf(METRICS_YAML.replace("agg: count", "agg: count_distinct"))).not.toBe(base);
    expect(hashOf(METRICS_YAML.replace("expr: pull_request_id", "expr: number"))).not.toBe(base);
    expect(hashOf(METRICS_YAML.replace("time_dimension: merged_at", "time_dimension: created_at"))).not.toBe(
      base,
    );
  });

  it("stay the same when only comments, whitespace, quoting, key order or wording change", () => {
    const base = hashOf(METRICS_YAML);
    const reformatted = METRICS_YAML.replace("version: 1", "# Reviewed by devex\nversion:   1\n")
      .replace("    agg: count\n", "")
      .replace("    filter: is_merged", "    filter: 'is_merged'   # merged only\n    agg: \"count\"")
      .replace("dimensions: [team]", "dimensions:\n      - team");
    expect(reformatted).not.toBe(METRICS_YAML);
    expect(hashOf(reformatted)).toBe(base);
    expect(hashOf(METRICS_YAML.replace("description: Merged pull requests.", "description: Reworded."))).toBe(
      base,
    );
  });
});

describe("invalid metrics.yaml", () => {
  /** 1-based line and column of `needle` in `text`, found independently of the parser. */
  function positionOf(text: string, needle: string): string {
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes(needle));
    expect(line).toBeGreaterThanOrEqual(0);
    return `bad.yaml:${line + 1}:${lines[line]!.indexOf(needle) + 1}`;
  }

  function reportFor(text: string): InputError {
    try {
      parseMetricsFile(text, "bad.yaml");
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return error as InputError;
    }
    throw new Error("expected the metrics file to be rejected");
  }

  it.each([
    ["an unknown aggregation", "agg: count", "agg: averge", "averge", "metrics[0].agg"],
    [
      "a percentile outside (0, 1)",
      "agg: count",
      "agg: percentile\n    agg_params: { percentile: 95 }",
      "95",
      "metrics[0].agg_params.percentile",
    ],
    [
      "a percentile agg without its percentile",
      "agg: count",
      "agg: percentile\n    agg_params: {}",
      "{}",
      "metrics[0].agg_params.percentile",
    ],
    [
      "a median with another percentile",
      "agg: count",
      "agg: median\n    agg_params: { percentile: 0.9 }",
      "0.9",
      "metrics[0].agg_params.percentile",
    ],
    [
      "a dimension that is not a column",
      "dimensions: [team]",
      "dimensions: [team, squad]",
      "squad",
      "metrics[0].dimensions[1]",
    ],
    [
      "a dimension that is a measure",
      "dimensions: [team]",
      "dimensions: [additions]",
      "additions",
      "metrics[0].dimensions[0]",
    ],
    [
      "a time dimension that is not a timestamp",
      "time_dimension: merged_at",
      "time_dimension: team",
      "team",
      "metrics[0].time_dimension",
    ],
    ["an unknown model", "model: fct_pull_requests", "model: fct_prs", "fct_prs", "metrics[0].model"],
    ["an unknown direction", "direction: neutral", "direction: up", "up", "metrics[0].direction"],
    [
      "a name that is not snake_case",
      "name: merged_prs",
      "name: Merged-PRs",
      "Merged-PRs",
      "metrics[0].name",
    ],
    [
      "a second statement in expr",
      "expr: pull_request_id",
      "expr: 1; drop table x",
      "1; drop",
      "metrics[0].expr",
    ],
    [
      "a fractional min_sample",
      "direction: neutral",
      "direction: neutral\n    min_sample: 2.5",
      "2.5",
      "metrics[0].min_sample",
    ],
  ])("reports %s with file:line:column and the field", (_what, from, to, needle, field) => {
    const text = METRICS_YAML.replace(from, to);
    expect(text).not.toBe(METRICS_YAML);
    const error = reportFor(text);
    expect(error.exitCode).toBe(2);
    expect(error.report()).toContain(`${field} (${positionOf(text, needle)})`);
  });

  it("reports a duplicate metric name at the second definition", () => {
    const second = METRICS_YAML.split("metrics:\n")[1]!;
    const text = `${METRICS_YAML}${second}`;
    const lines = text.split("\n");
    const secondLine = lines.findIndex((l, i) => i > 3 && l.includes("name: merged_prs"));
    const column = lines[secondLine]!.indexOf("merged_prs") + 1;
    const error = reportFor(text);
    expect(error.report()).toContain(
      `metrics[1].name (bad.yaml:${secondLine + 1}:${column}): "merged_prs" is already defined by metrics[0] (line 3)`,
    );
  });

  it("reports an unknown key and a missing field", () => {
    const text = METRICS_YAML.replace("    filter: is_merged\n", "    fliter: is_merged\n").replace(
      "    label: Merged PRs\n",
      "",
    );
    const error = reportFor(text);
    // The line of the typo; the column (key or value) is core/yaml-source.ts's choice.
    const typoLine = positionOf(text, "fliter").split(":")[1];
    expect(error.report()).toMatch(
      new RegExp(`metrics\\[0\\]\\.fliter \\(bad\\.yaml:${typoLine}:\\d+\\): unknown key "fliter"`),
    );
    // A missing field points at the metric it is missing from.
    expect(error.report()).toContain(
      `metrics[0].label (${positionOf(text, "name: merged_prs")}): is required`,
    );
  });

  it("reports every problem of the file at once", () => {
    const text = METRICS_YAML.replace("agg: count", "agg: averge")
      .replace("direction: neutral", "direction: up")
      .replace("version: 1", "version: 2");
    const error = reportFor(text);
    expect(error.problems.map((p) => p.field)).toEqual(["version", "metrics[0].agg", "metrics[0].direction"]);
  });

  it("reports a YAML syntax error with its line", () => {
    const error = reportFor(METRICS_YAML.replace("dimensions: [team]", "dimensions: [team"));
    expect(error.report()).toMatch(/bad\.yaml:\d+:\d+/);
    expect(error.message).toContain("not valid YAML");
  });

  it("reports SQL in expr and filter that does not fit the warehouse, with its line", async () => {
    const text = METRICS_YAML.replace("expr: pull_request_id", "expr: pull_request_idd");
    const typed = METRICS_YAML.replace("filter: is_merged", "filter: title")
      .replace("agg: count", "agg: sum")
      .replace("expr: pull_request_id", "expr: title");
    const unbound = (await checkMetricSql(parseMetricsFile(text, "bad.yaml")).catch(
      (e: unknown) => e,
    )) as InputError;
    expect(unbound).toBeInstanceOf(InputError);
    expect(unbound.report()).toContain(`metrics[0].expr (${positionOf(text, "pull_request_idd")})`);
    expect(unbound.report()).toContain("pull_request_idd");
    const wrongTypes = (await checkMetricSql(parseMetricsFile(typed, "bad.yaml")).catch(
      (e: unknown) => e,
    )) as InputError;
    expect(wrongTypes.problems.map((p) => p.field)).toEqual(["metrics[0].expr", "metrics[0].filter"]);
    expect(wrongTypes.report()).toMatch(/expr .*must be a number for agg sum/);
    expect(wrongTypes.report()).toMatch(/filter .*must be true or false/);
  });

  it("accepts the metrics.yaml the project ships, SQL included", async () => {
    const file = loadMetricsFile(resolve(import.meta.dirname, "..", "metrics.yaml"));
    await expect(checkMetricSql(file)).resolves.toEqual({ dryRun: 0 });
    expect(file.metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining(["merged_pull_requests", "time_to_merge_hours_p50"]),
    );
  });
});
