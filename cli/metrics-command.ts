/**
 * `yardstick metrics check|list|query`: the analyst's commands for metrics.yaml. Thin: parse flags, call the
 * metrics engine, print. Bad input throws an InputError (exit 2) naming the flag; cli/main.ts prints it.
 */
import { existsSync } from "node:fs";
import { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { terminalLines } from "../core/terminal-text.ts";
import {
  formatComparison,
  formatCount,
  formatPeriod,
  formatValue,
  type Measure,
  measureOf,
  plainNumber,
} from "../dashboards/units.ts";
import { BASELINE_CLASS, CLASS_DIMENSION, groupKey, SIZE_DIMENSION } from "../metrics/comparison-keys.ts";
import { REPOSITORY_FLOOR } from "../metrics/comparison-stats.ts";
import type { ComparisonRow } from "../metrics/metric-compare.ts";
import type { MetricRow } from "../metrics/metric-evaluator.ts";
import type { Grain } from "../metrics/metric-schema.ts";
import type { Metric, MetricsFile } from "../metrics/metrics-file.ts";
import { csvCell } from "./csv-cell.ts";
import { addDiffCommand } from "./metrics-diff-command.ts";
import { METRICS_OPTION_HELP, metricsPath } from "./metrics-path.ts";
import { renderTable } from "./text-table.ts";
import { CONFIG_OPTION, WAREHOUSE_OPTION, warehouseFlag } from "./warehouse-options.ts";

/** Where the command writes its data (stdout by default; tests pass their own). */
export interface MetricsCommandIo {
  out(text: string): void;
}

const processIo: MetricsCommandIo = { out: (text) => process.stdout.write(text) };

type Format = "json" | "table" | "csv";

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
    .option("--metrics <file>", METRICS_OPTION_HELP)
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
    .action(async (opts: { metrics?: string; format: string; config: string; warehouse?: string }) => {
      const format = parseFormat(opts.format, ["table", "json"]);
      const file = await loadMetricsFile(metricsPath(opts.metrics, opts.config));
      const warehousePath =
        opts.warehouse !== undefined
          ? warehouseFlag(opts.warehouse, "--warehouse")
          : await optionalWarehouse(opts.config);
      // DuckDB and the SQL compiler load only for the commands that use them (start-up time).
      const { checkMetricSql } = await import("../metrics/metric-sql-check.ts");
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
      io.out(`${terminalLines(lines.join("\n"))}\n`);
    });

  metrics
    .command("list")
    .description("List the metrics: name, label, how it is computed, unit, dimensions, owner, hash")
    .option("--metrics <file>", METRICS_OPTION_HELP)
    .option("--format <format>", "table or json (one object per metric, with its description)", "table")
    .action(async (opts: { metrics?: string; format: string }) => {
      const format = parseFormat(opts.format, ["table", "json"]);
      const entries = await listEntries(metricsPath(opts.metrics));
      if (format === "json") {
        for (const entry of entries) io.out(`${JSON.stringify(entry)}\n`);
        return;
      }
      const header = ["name", "label", "computed as", "unit", "dimensions", "owner", "hash"];
      const rows = entries.map((entry) => [
        entry.name,
        entry.label,
        entry.computed_as,
        entry.unit,
        entry.dimensions.join(","),
        entry.owner,
        shortHash(entry.definition_hash),
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
    .option("--no-compare", "sliced by authorship_class, leave out the differences to unmarked work")
    .option("--metrics <file>", METRICS_OPTION_HELP)
    .option(...CONFIG_OPTION)
    .option(...WAREHOUSE_OPTION)
    .addHelpText(
      "after",
      `
Each row: metric, period (in tables the day, the week's Monday, the month as 2024-03 or the quarter as 2024 Q1;
in JSON and CSV the period's first day), the dimensions, value, n (rows aggregated; a ratio's denominator rows)
and the definition hash. Tables show values in the metric's unit (12.3 h, 9.1%, 1,234); JSON and CSV keep
every digit. Names (teams, repositories) are shown with control characters escaped (\\x1b); in CSV a name
that starts with = + - or @ gets a leading ' so spreadsheets do not run it (JSON keeps names exactly).
Periods without data are absent. Below a metric's
min_sample the value is withheld ("insufficient data"); a group with fewer distinct people than the privacy
floor is suppressed. Sliced by authorship_class, each class also gets its difference to unmarked work with a
95% interval ("vs unmarked"; see \`metrics compare\`) and k, the distinct repositories behind its n.

Examples:
  $ yardstick metrics query merged_pull_requests --by team
  $ yardstick metrics query time_to_merge_hours_p50 --by team,author_type --grain month --from 2024-01-01 --to 2024-06-30
  $ yardstick metrics query merged_pull_requests --where team=platform --format json`,
    )
    .action(async (names: string[], opts: QueryOptions) => {
      const format = parseFormat(opts.format, ["table", "json", "csv"]);
      const file = await loadMetricsFile(metricsPath(opts.metrics, opts.config));
      const warehousePath = await configuredWarehouse(opts);
      const { dataWatermark, evaluateMetrics } = await import("../metrics/metric-evaluator.ts");
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
        compare: opts.compare && by.includes(CLASS_DIMENSION),
      });
      // The data watermark travels with every value: the latest extraction the warehouse holds.
      const watermark = await dataWatermark(warehousePath);
      if (format === "json") {
        for (const row of rows) io.out(`${JSON.stringify({ ...row, data_as_of: watermark })}\n`);
        return;
      }
      if (format === "csv") {
        io.out(
          renderCsv(
            rows.map((row) => ({ ...row, data_as_of: watermark })),
            by,
          ),
        );
        return;
      }
      io.out(renderRows(rows, by, opts.grain as Grain, measuresOf(file)));
      io.out(`data as of ${watermark ?? "(no data)"} (latest extraction in the warehouse)\n`);
    });

  metrics
    .command("compare")
    .description("Compare AI-authored and AI-assisted work with unmarked work, with 95% intervals")
    .argument("<metric...>", "metric names from metrics.yaml that may be sliced by authorship_class")
    .option("--by <dimensions>", "further comma-separated dimensions, e.g. team")
    .option("--grain <grain>", "day, week, month or quarter", "month")
    .option("--from <date>", "first day included, YYYY-MM-DD (UTC)")
    .option("--to <date>", "last day included, YYYY-MM-DD (UTC)")
    .option("--no-size", "leave out the comparison within size buckets")
    .option("--beside <metric>", "rate shown beside durations (hours, days)", "merge_rate")
    .option("--format <format>", "table, json (one JSON object per row) or csv", "table")
    .option("--metrics <file>", METRICS_OPTION_HELP)
    .option(...CONFIG_OPTION)
    .option(...WAREHOUSE_OPTION)
    .addHelpText(
      "after",
      `
Every class (ai_authored, ai_assisted, automation) is compared with unmarked work of the same period and
slice: the difference with a 95% interval that treats repositories, not pull requests, as independent (a
delete-one-repository jackknife with t on G - 1 degrees of freedom, G the distinct repositories of both
sides; for rates, Newcombe's score interval at the sample sizes that jackknife supports). Each side shows n
and k, its distinct repositories; with fewer than ${REPOSITORY_FLOOR.quantile} repositories in all, or one on a side,
the interval is replaced by "too few repositories for an interval". The same comparison follows within each
size bucket, since AI work often differs in size. Beside durations, each class's merge rate: a faster median
over fewer merged pull requests is not a faster team. An interval that spans 0 means the data cannot tell the
two apart; differences are associations, not causes.

Examples:
  $ yardstick metrics compare cycle_time_p50 --grain quarter
  $ yardstick metrics compare revert_rate time_to_merge_p50 --by team --from 2024-01-01 --format json`,
    )
    .action(async (names: string[], opts: CompareOptions) => {
      const format = parseFormat(opts.format, ["table", "json", "csv"]);
      const file = await loadMetricsFile(metricsPath(opts.metrics, opts.config));
      const warehousePath = await configuredWarehouse(opts);
      const { compareMetrics } = await import("../metrics/metric-compare.ts");
      const { dataWatermark } = await import("../metrics/metric-evaluator.ts");
      const by = splitList(opts.by).filter((d) => d !== CLASS_DIMENSION && d !== SIZE_DIMENSION);
      const rows = await compareMetrics({
        warehousePath,
        file,
        names,
        by,
        grain: opts.grain,
        from: opts.from,
        to: opts.to,
        withinSize: opts.size,
        beside: opts.beside,
      });
      const shown = [...by, SIZE_DIMENSION, CLASS_DIMENSION];
      if (format === "json") {
        for (const row of rows) io.out(`${JSON.stringify(row)}\n`);
        return;
      }
      if (format === "csv") {
        io.out(renderCsv(rows, shown));
        return;
      }
      io.out(renderComparison(rows, by, opts.grain as Grain, measuresOf(file)));
      io.out(`data as of ${(await dataWatermark(warehousePath)) ?? "(no data)"}\n`);
    });

  addDiffCommand(metrics, io);
  return metrics;
}

interface CompareOptions {
  by?: string;
  grain: string;
  from?: string;
  to?: string;
  size: boolean;
  beside: string;
  format: string;
  metrics?: string;
  config: string;
  warehouse?: string;
}

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d.length > 0);
}

interface QueryOptions {
  compare: boolean;
  by?: string;
  grain: string;
  from?: string;
  to?: string;
  where?: string[];
  format: string;
  metrics?: string;
  config: string;
  warehouse?: string;
}

function parseFormat(value: string, allowed: readonly Format[]): Format {
  if ((allowed as readonly string[]).includes(value)) return value as Format;
  throw new InputError("invalid option", [
    { field: "--format", message: `must be ${allowed.join(" or ")}: got "${value}"` },
  ]);
}

/** The warehouse --warehouse names (checked), else the configuration's (its loader, with zod and the cron
 * parser, loads when a command needs it). */
async function configuredWarehouse(opts: { config: string; warehouse?: string }): Promise<string> {
  if (opts.warehouse !== undefined) return warehouseFlag(opts.warehouse, "--warehouse");
  const { dataPaths, loadConfig } = await import("../core/config.ts");
  return dataPaths(loadConfig(opts.config).dataDir).warehouse;
}

/** The configuration's warehouse, when the configuration exists (check works without one). */
async function optionalWarehouse(configFile: string): Promise<string | undefined> {
  if (!existsSync(configFile)) return undefined;
  return configuredWarehouse({ config: configFile });
}

/** Reads metrics.yaml; its validation (zod) and the warehouse contracts load when a command runs, not for --help. */
async function loadMetricsFile(path: string): Promise<MetricsFile> {
  const metricsFile = await import("../metrics/metrics-file.ts");
  return metricsFile.loadMetricsFile(path);
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

/**
 * What `metrics list` shows of each metric. Kept between runs beside the parsed-YAML cache, keyed by the
 * file's exact text and the compiled code's build: a listing of an unchanged file then needs neither the
 * YAML parser nor the validation (zod alone is a third of a fresh process's start-up). A file that does not
 * validate is never kept, so its errors are reported every time.
 */
async function listEntries(path: string): Promise<ListEntry[]> {
  const { cachedValueOfFile } = await import("../core/yaml-cache.ts");
  return (await cachedValueOfFile(path, "metrics-list@1", async () =>
    // Through JSON, as it is printed: a field a metric leaves out is left out, not kept as undefined.
    JSON.parse(JSON.stringify((await loadMetricsFile(path)).metrics.map(listEntry))),
  )) as ListEntry[];
}

type ListEntry = ReturnType<typeof listEntry>;

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
      // 0.07 × 100 is 7.000000000000001 in binary: twelve significant digits give "p7".
      return m.agg === "percentile"
        ? `p${plainNumber(Number(((m.agg_params?.percentile ?? 0) * 100).toPrecision(12)))}`
        : m.agg;
    case "ratio":
      return [m.sides.numerator, m.sides.denominator]
        .map((side) => (side.filter ? `(${side.metric.name} where ${side.filter})` : side.metric.name))
        .join(" / ");
    case "derived":
      return m.expr;
  }
}

/** Each metric's measure by name, so a table formats each row's numbers in its own metric's unit. */
function measuresOf(file: MetricsFile): (metric: string) => Measure {
  const measures = new Map(file.metrics.map((m) => [m.name, measureOf(m)]));
  return (metric) => measures.get(metric) ?? { unit: "" };
}

function renderRows(
  rows: readonly MetricRow[],
  by: readonly string[],
  grain: Grain,
  measure: (metric: string) => Measure,
): string {
  if (rows.length === 0) return "(no rows)\n";
  const compared = rows.some((r) => r.vs_unmarked !== undefined);
  // An unmarked row carries no comparison of its own: its k is the baseline_k of the classes compared with it.
  const baselineK = new Map<string, number | null>();
  for (const r of rows)
    if (r.vs_unmarked)
      baselineK.set(
        r.metric + groupKey(r, by, { [CLASS_DIMENSION]: BASELINE_CLASS }),
        r.vs_unmarked.baseline_k,
      );
  const kOf = (r: MetricRow) =>
    r.vs_unmarked ? r.vs_unmarked.k : (baselineK.get(r.metric + groupKey(r, by)) ?? null);
  const header = [
    "metric",
    "period",
    ...by,
    "value",
    "n",
    ...(compared ? ["k", "vs unmarked (95% interval)"] : []),
    "definition",
  ];
  const body = rows.map((r) => [
    r.metric,
    formatPeriod(r.period, grain, "short"),
    ...by.map((d) => (r[d] === null || r[d] === undefined ? "(none)" : String(r[d]))),
    r.suppressed
      ? "suppressed (privacy floor)"
      : r.insufficient
        ? "insufficient data"
        : r.value === null
          ? "-"
          : `${formatValue(r.value, measure(r.metric))}${r.band ? ` (${r.band})` : ""}`,
    count(r.n),
    ...(compared
      ? [count(kOf(r)), r.vs_unmarked ? formatComparison(r.vs_unmarked, measure(r.metric)) : ""]
      : []),
    shortHash(r.definition_hash),
  ]);
  return renderTable(header, body);
}

// Terminal tables keep ASCII "-" for a missing cell, as they always have; numbers come from units.ts.
function count(value: number | null | undefined): string {
  return value === null || value === undefined ? "-" : formatCount(value);
}

function renderComparison(
  rows: readonly ComparisonRow[],
  by: readonly string[],
  grain: Grain,
  measure: (metric: string) => Measure,
): string {
  const compared = rows.filter((r) => r.vs_unmarked !== undefined);
  if (compared.length === 0) return "(no rows to compare: no unmarked work in the same periods and slices)\n";
  const withBeside = compared.some((r) => r.beside !== undefined);
  const header = [
    "metric",
    "period",
    ...by,
    "size",
    "class",
    "value",
    "n",
    "k",
    "unmarked",
    "n",
    "k",
    "difference [95% interval]",
    "method",
    ...(withBeside ? ["merge rate (vs unmarked)"] : []),
  ];
  const text = (v: number | null | undefined, metric: string) =>
    v === null || v === undefined ? "-" : formatValue(v, measure(metric));
  const body = compared.map((r) => [
    r.metric,
    formatPeriod(r.period, grain, "short"),
    ...by.map((d) => (r[d] === null || r[d] === undefined ? "(none)" : String(r[d]))),
    r[SIZE_DIMENSION] === undefined ? "all" : String(r[SIZE_DIMENSION] ?? "(none)"),
    String(r[CLASS_DIMENSION]),
    r.suppressed ? "suppressed" : r.insufficient ? "insufficient data" : text(r.value, r.metric),
    count(r.n),
    count(r.vs_unmarked?.k),
    text(r.vs_unmarked?.baseline_value, r.metric),
    count(r.vs_unmarked?.baseline_n),
    count(r.vs_unmarked?.baseline_k),
    r.vs_unmarked ? formatComparison(r.vs_unmarked, measure(r.metric)) : "",
    r.vs_unmarked?.method ?? "",
    ...(withBeside
      ? [
          r.beside
            ? `${text(r.beside.value, r.beside.metric)} (${text(r.beside.baseline_value, r.beside.metric)})`
            : "",
        ]
      : []),
  ]);
  return renderTable(header, body);
}

const CSV_FIELDS = ["value", "n", "insufficient", "suppressed", "band", "numerator", "denominator"] as const;
const CSV_COMPARISON = [
  "baseline_value",
  "baseline_n",
  "k",
  "baseline_k",
  "difference",
  "low",
  "high",
  "method",
  "repositories",
  "df",
  "no_interval",
] as const;

/**
 * RFC 4180 CSV with a header; every field that could hold a comma, quote or newline is quoted. Numbers are
 * written plain and whole (no grouping, no rounding, no unit), as the JSON output has them; text cells that a
 * spreadsheet would run as a formula start with a `'` (csv-cell.ts).
 */
function renderCsv(rows: readonly MetricRow[], by: readonly string[]): string {
  const compared = rows.some((r) => r.vs_unmarked !== undefined);
  const header = [
    "metric",
    "period",
    ...by,
    ...CSV_FIELDS,
    ...(compared ? CSV_COMPARISON.map((f) => `vs_unmarked_${f}`) : []),
    "definition_hash",
    "data_as_of",
  ];
  const lines = rows.map((r) =>
    [
      r.metric,
      r.period,
      ...by.map((d) => r[d]),
      ...CSV_FIELDS.map((f) => r[f]),
      ...(compared ? CSV_COMPARISON.map((f) => r.vs_unmarked?.[f]) : []),
      r.definition_hash,
      r.data_as_of,
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
