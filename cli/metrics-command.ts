/**
 * `yardstick metrics check|list|query`: the analyst's commands for metrics.yaml. Thin: parse flags, call the
 * metrics engine, print. Bad input throws an InputError (exit 2) naming the flag; cli/main.ts prints it.
 */
import { existsSync } from "node:fs";
import { Command } from "commander";
import { dataPaths, loadConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { dataWatermark, evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import type { Grain } from "../metrics/metric-schema.ts";
import { checkMetricSql } from "../metrics/metric-sql-check.ts";
import { loadMetricsFile, type Metric } from "../metrics/metrics-file.ts";
import { addDiffCommand } from "./metrics-diff-command.ts";
import { renderTable } from "./text-table.ts";

/** Where the command writes its data (stdout by default; tests pass their own). */
export interface MetricsCommandIo {
  out(text: string): void;
}

const processIo: MetricsCommandIo = { out: (text) => process.stdout.write(text) };

type Format = "json" | "table" | "csv";

const number = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2, useGrouping: false });

export function metricsCommand(io: MetricsCommandIo = processIo): Command {
  const metrics = new Command("metrics")
    .description("Check, list, query and diff the metric definitions in metrics.yaml")
    .addHelpText(
      "after",
      `
metrics.yaml defines every metric once; each value printed carries its sample size (n) and the
definition hash, so two numbers with the same hash were computed the same way.

Examples:
  $ yardstick metrics check
  $ yardstick metrics list
  $ yardstick metrics query merged_pull_requests time_to_merge_hours_p50 --by team --grain week --from 2024-01-01
  $ yardstick metrics diff origin/main`,
    );

  metrics
    .command("check")
    .description(
      "Validate metrics.yaml (fields, columns, and the SQL of expr and filter) and print the hashes",
    )
    .option("--metrics <file>", "metric definitions", "./metrics.yaml")
    .option("--format <format>", "table or json", "table")
    .option(
      "--config <file>",
      "configuration; when its warehouse exists, every compiled query is dry-run there",
      "./yardstick.yaml",
    )
    .option("--warehouse <file>", "warehouse file to dry-run the queries on instead")
    .addHelpText(
      "after",
      `
Checks, and reports all at once with file:line:column: the fields of every metric, names and references
(unknown metrics, cycles in derived metrics, duplicate names), the grain of ratios, the dimensions, the
SQL of expr and filter against the warehouse contract, and, when a warehouse exists, every compiled query
against it (read-only). Exit 0 when all is well, 2 when anything is wrong.`,
    )
    .action(async (opts: { metrics: string; format: string; config: string; warehouse?: string }) => {
      const format = parseFormat(opts.format, ["table", "json"]);
      const file = loadMetricsFile(opts.metrics);
      const warehousePath = opts.warehouse ?? optionalWarehouse(opts.config);
      const { dryRun } = await checkMetricSql(file, warehousePath);
      if (format === "json") {
        io.out(
          `${JSON.stringify({ ok: true, file: file.file, dry_run: dryRun, metrics: file.metrics.map((m) => ({ name: m.name, type: m.type, definition_hash: m.definitionHash })) })}\n`,
        );
        return;
      }
      const lines = [
        `OK: ${file.file} defines ${file.metrics.length} metric${file.metrics.length === 1 ? "" : "s"}`,
        dryRun > 0
          ? `    every query dry-run on ${warehousePath}`
          : "    SQL checked against the warehouse contract (no warehouse to dry-run on)",
      ];
      const width = Math.max(...file.metrics.map((m) => m.name.length));
      for (const m of file.metrics) lines.push(`  ${m.name.padEnd(width)}  ${m.definitionHash}`);
      io.out(`${lines.join("\n")}\n`);
    });

  metrics
    .command("list")
    .description("List the metrics: name, label, how it is computed, unit, dimensions, owner, hash")
    .option("--metrics <file>", "metric definitions", "./metrics.yaml")
    .option("--format <format>", "table or json (one object per metric, with its description)", "table")
    .action((opts: { metrics: string; format: string }) => {
      const format = parseFormat(opts.format, ["table", "json"]);
      const file = loadMetricsFile(opts.metrics);
      if (format === "json") {
        for (const m of file.metrics) io.out(`${JSON.stringify(listEntry(m))}\n`);
        return;
      }
      const header = ["name", "label", "computed as", "unit", "dimensions", "owner", "hash"];
      const rows = file.metrics.map((m) => [
        m.name,
        m.label,
        aggLabel(m),
        m.unit,
        m.dimensions.join(","),
        m.owner,
        shortHash(m.definitionHash),
      ]);
      io.out(renderTable(header, rows));
    });

  metrics
    .command("query")
    .description("Evaluate metrics against the warehouse (read-only), one row per period and slice")
    .argument("<metric...>", "metric names from metrics.yaml")
    .option("--by <dimensions>", "comma-separated dimensions to slice by, e.g. team,repository")
    .option("--grain <grain>", "day, week (weeks start Monday, UTC), month or quarter", "week")
    .option("--from <date>", "first day included, YYYY-MM-DD (UTC)")
    .option("--to <date>", "last day included, YYYY-MM-DD (UTC)")
    .option(
      "--where <dimension=value>",
      "keep only rows where a dimension equals a value (repeatable)",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option("--format <format>", "table, json (one JSON object per row) or csv", "table")
    .option("--metrics <file>", "metric definitions", "./metrics.yaml")
    .option(
      "--config <file>",
      "configuration; the warehouse is <dataDir>/warehouse/warehouse.duckdb",
      "./yardstick.yaml",
    )
    .option("--warehouse <file>", "warehouse file to read instead of the one the configuration names")
    .addHelpText(
      "after",
      `
Each row: metric, period (start of the day/week/month), the dimensions, value, n (rows aggregated) and
the definition hash. Periods without data are absent. Below a metric's min_sample the value is withheld
("insufficient data" / null with "insufficient": true).

Examples:
  $ yardstick metrics query merged_pull_requests --by team
  $ yardstick metrics query time_to_merge_hours_p50 --by team,author_type --grain month --from 2024-01-01 --to 2024-06-30
  $ yardstick metrics query merged_pull_requests --where team=platform --format json`,
    )
    .action(async (names: string[], opts: QueryOptions) => {
      const format = parseFormat(opts.format, ["table", "json", "csv"]);
      const file = loadMetricsFile(opts.metrics);
      const warehousePath = opts.warehouse ?? dataPaths(loadConfig(opts.config).dataDir).warehouse;
      const by = (opts.by ?? "")
        .split(",")
        .map((d) => d.trim())
        .filter((d) => d.length > 0);
      const rows = await evaluateMetrics({
        warehousePath,
        metrics: file,
        names,
        by,
        grain: opts.grain as Grain,
        from: opts.from,
        to: opts.to,
        where: parseWhere(opts.where ?? []),
      });
      if (format === "json") {
        for (const row of rows) io.out(`${JSON.stringify(row)}\n`);
        return;
      }
      if (format === "csv") {
        io.out(renderCsv(rows, by));
        return;
      }
      const watermark = await dataWatermark(warehousePath);
      io.out(renderRows(rows, by));
      io.out(`data as of ${watermark ?? "(no data)"} (latest extraction in the warehouse)\n`);
    });

  addDiffCommand(metrics, io);
  return metrics;
}

interface QueryOptions {
  by?: string;
  grain: string;
  from?: string;
  to?: string;
  where?: string[];
  format: string;
  metrics: string;
  config: string;
  warehouse?: string;
}

function parseFormat(value: string, allowed: readonly Format[]): Format {
  if ((allowed as readonly string[]).includes(value)) return value as Format;
  throw new InputError("invalid option", [
    { field: "--format", message: `must be ${allowed.join(" or ")}: got "${value}"` },
  ]);
}

/** The configuration's warehouse, when the configuration exists (check works without one). */
function optionalWarehouse(configFile: string): string | undefined {
  if (!existsSync(configFile)) return undefined;
  return dataPaths(loadConfig(configFile).dataDir).warehouse;
}

function shortHash(hash: string): string {
  return hash.slice(0, "sha256:".length + 12);
}

function parseWhere(entries: readonly string[]): Record<string, string> {
  const where: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf("=");
    if (at <= 0) {
      throw new InputError("invalid option", [
        { field: "--where", message: `must be dimension=value, e.g. team=platform: got "${entry}"` },
      ]);
    }
    where[entry.slice(0, at).trim()] = entry.slice(at + 1);
  }
  return where;
}

function listEntry(m: Metric) {
  return {
    name: m.name,
    label: m.label,
    description: m.description,
    type: m.type,
    computed_as: aggLabel(m),
    unit: m.unit,
    direction: m.direction,
    dimensions: m.dimensions,
    ...(m.bands ? { bands: m.bands } : {}),
    owner: m.owner,
    definition_hash: m.definitionHash,
  };
}

function aggLabel(m: Metric): string {
  switch (m.type) {
    case "simple":
      return m.agg === "percentile" ? `p${number.format((m.agg_params?.percentile ?? 0) * 100)}` : m.agg;
    case "ratio":
      return `${m.sides.numerator.metric.name} / ${m.sides.denominator.metric.name}`;
    case "derived":
      return m.expr;
  }
}

function renderRows(rows: readonly MetricRow[], by: readonly string[]): string {
  if (rows.length === 0) return "(no rows)\n";
  const header = ["metric", "period", ...by, "value", "n", "definition"];
  const body = rows.map((r) => [
    r.metric,
    r.period,
    ...by.map((d) => (r[d] === null || r[d] === undefined ? "(none)" : String(r[d]))),
    r.suppressed
      ? "suppressed (privacy floor)"
      : r.insufficient
        ? "insufficient data"
        : r.value === null
          ? "-"
          : `${number.format(r.value)}${r.band ? ` (${r.band})` : ""}`,
    r.n === null ? "-" : String(r.n),
    shortHash(r.definition_hash),
  ]);
  return renderTable(header, body);
}

const CSV_FIELDS = ["value", "n", "insufficient", "suppressed", "band", "numerator", "denominator"] as const;

/** RFC 4180 CSV with a header; every field that could hold a comma, quote or newline is quoted. */
function renderCsv(rows: readonly MetricRow[], by: readonly string[]): string {
  const header = ["metric", "period", ...by, ...CSV_FIELDS, "definition_hash"];
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const text = String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = rows.map((r) =>
    [r.metric, r.period, ...by.map((d) => r[d]), ...CSV_FIELDS.map((f) => r[f]), r.definition_hash]
      .map(cell)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
