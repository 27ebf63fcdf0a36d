/**
 * `yardstick metrics check|list|query`: the analyst's commands for metrics.yaml. Thin: parse flags, call the
 * metrics engine, print. Bad input throws an InputError (exit 2) naming the flag; cli/main.ts prints it.
 */
import { Command } from "commander";
import { dataPaths, loadConfig } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import { dataWatermark, evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import type { Grain } from "../metrics/metric-schema.ts";
import { checkMetricSql } from "../metrics/metric-sql-check.ts";
import { loadMetricsFile, type Metric } from "../metrics/metrics-file.ts";

/** Where the command writes its data (stdout by default; tests pass their own). */
export interface MetricsCommandIo {
  out(text: string): void;
}

const processIo: MetricsCommandIo = { out: (text) => process.stdout.write(text) };

type Format = "json" | "table";

const number = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2, useGrouping: false });

export function metricsCommand(io: MetricsCommandIo = processIo): Command {
  const metrics = new Command("metrics")
    .description("Check, list and query the metric definitions in metrics.yaml")
    .addHelpText(
      "after",
      `
metrics.yaml defines every metric once; each value printed carries its sample size (n) and the
definition hash, so two numbers with the same hash were computed the same way.

Examples:
  $ yardstick metrics check
  $ yardstick metrics list
  $ yardstick metrics query merged_pull_requests time_to_merge_hours_p50 --by team --grain week --from 2024-01-01`,
    );

  metrics
    .command("check")
    .description(
      "Validate metrics.yaml (fields, columns, and the SQL of expr and filter) and print the hashes",
    )
    .option("--metrics <file>", "metric definitions", "./metrics.yaml")
    .option("--format <format>", "table or json", "table")
    .action(async (opts: { metrics: string; format: string }) => {
      const format = parseFormat(opts.format);
      const file = loadMetricsFile(opts.metrics);
      await checkMetricSql(file);
      if (format === "json") {
        io.out(
          `${JSON.stringify({ ok: true, file: file.file, metrics: file.metrics.map((m) => ({ name: m.name, definition_hash: m.definitionHash })) })}\n`,
        );
        return;
      }
      const lines = [
        `OK: ${file.file} defines ${file.metrics.length} metric${file.metrics.length === 1 ? "" : "s"}`,
      ];
      const width = Math.max(...file.metrics.map((m) => m.name.length));
      for (const m of file.metrics) lines.push(`  ${m.name.padEnd(width)}  ${m.definitionHash}`);
      io.out(`${lines.join("\n")}\n`);
    });

  metrics
    .command("list")
    .description("List the metrics: name, label, aggregation, unit, allowed dimensions, owner")
    .option("--metrics <file>", "metric definitions", "./metrics.yaml")
    .option("--format <format>", "table or json", "table")
    .action((opts: { metrics: string; format: string }) => {
      const format = parseFormat(opts.format);
      const file = loadMetricsFile(opts.metrics);
      if (format === "json") {
        for (const m of file.metrics) io.out(`${JSON.stringify(listEntry(m))}\n`);
        return;
      }
      const header = ["name", "label", "agg", "unit", "dimensions", "owner"];
      const rows = file.metrics.map((m) => [
        m.name,
        m.label,
        aggLabel(m),
        m.unit,
        m.dimensions.join(","),
        m.owner,
      ]);
      io.out(renderTable(header, rows));
    });

  metrics
    .command("query")
    .description("Evaluate metrics against the warehouse (read-only), one row per period and slice")
    .argument("<metric...>", "metric names from metrics.yaml")
    .option("--by <dimensions>", "comma-separated dimensions to slice by, e.g. team,repository")
    .option("--grain <grain>", "day, week (weeks start Monday, UTC) or month", "week")
    .option("--from <date>", "first day included, YYYY-MM-DD (UTC)")
    .option("--to <date>", "last day included, YYYY-MM-DD (UTC)")
    .option(
      "--where <dimension=value>",
      "keep only rows where a dimension equals a value (repeatable)",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option("--format <format>", "table or json (one JSON object per row)", "table")
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
      const format = parseFormat(opts.format);
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
      const watermark = await dataWatermark(warehousePath);
      io.out(renderRows(rows, by));
      io.out(`data as of ${watermark ?? "(no data)"} (latest extraction in the warehouse)\n`);
    });

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

function parseFormat(value: string): Format {
  if (value === "json" || value === "table") return value;
  throw new InputError("invalid option", [
    { field: "--format", message: `must be table or json: got "${value}"` },
  ]);
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
    agg: m.agg,
    ...(m.agg_params ? { agg_params: m.agg_params } : {}),
    unit: m.unit,
    direction: m.direction,
    dimensions: m.dimensions,
    owner: m.owner,
    definition_hash: m.definitionHash,
  };
}

function aggLabel(m: Metric): string {
  return m.agg === "percentile" ? `p${number.format((m.agg_params?.percentile ?? 0) * 100)}` : m.agg;
}

function renderRows(rows: readonly MetricRow[], by: readonly string[]): string {
  if (rows.length === 0) return "(no rows)\n";
  const header = ["metric", "period", ...by, "value", "n", "definition"];
  const body = rows.map((r) => [
    r.metric,
    r.period,
    ...by.map((d) => (r[d] === null || r[d] === undefined ? "(none)" : String(r[d]))),
    r.insufficient ? "insufficient data" : r.value === null ? "-" : number.format(r.value),
    String(r.n),
    r.definition_hash.slice(0, "sha256:".length + 12),
  ]);
  return renderTable(header, body);
}

function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`;
}
