/**
 * The metrics engine at scale: every metric of metrics.yaml evaluated per month over the last two years of a
 * warehouse, sliced by team and authorship class (or as much of that as the metric allows), by the engine
 * (metrics/metric-evaluator.ts) and by the same metrics hand-written in plain DuckDB SQL
 * (bench/metrics-plain-sql.ts), as a ratio of the two times.
 *
 * `npm run bench -- metrics [--warehouse PATH] [--metrics FILE] [--runs N] [--dir DIR]`
 *
 * The warehouse defaults to the 1,000,000-pull-request one the build bench leaves at
 * DIR/build-1000000/warehouse/warehouse.duckdb (DIR: `--dir`, else $YARDSTICK_BENCH_DIR, else bench/results);
 * any warehouse works, e.g. `--warehouse data/demo/warehouse/warehouse.duckdb` after `npm run demo`.
 *
 * Before anything is timed, a warm-up pass of both sides is compared row by row: the same groups (period and
 * slice), the same n, the same "insufficient data" and privacy suppressions, and values within 1e-9 relative.
 * The plain queries return raw values with n and the distinct people of each group; the bench withholds them
 * by the engine's published rules (min_sample from metrics.yaml, privacy_floor from its definitions) and
 * compares what the engine shows, so a withheld engine row is checked by its flags and n. A metric without a
 * plain query, or any disagreement, fails the bench (exit 1) before timing: the ratio is always like for like.
 *
 * Timing: each metric is its own call on each side, opening the warehouse read-only as `yardstick metrics
 * query <metric>` does (the engine: evaluateMetrics; plain: open, run the query, close). Then `--runs` timed
 * passes (default 3) over all metrics, each metric timed on both sides back to back with the side that goes
 * first alternating (so load from elsewhere falls on both alike); the figures are medians over the passes
 * (per metric, and of each pass's total).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import { evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import { loadMetricsFile, type Metric, type MetricsFile, simpleMetricsOf } from "../metrics/metrics-file.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { PLAIN_METRIC_SQL } from "./metrics-plain-sql.ts";
import type { Benchmark } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "..");
/** The slices the bench asks for, where a metric allows them. */
export const BENCH_SLICES = ["team", "authorship_class"] as const;
/** Months evaluated, ending with the month of the latest data. */
const MONTHS = 24;
const RELATIVE_TOLERANCE = 1e-9;

/** The slices `metric` is evaluated by: team and authorship_class, as far as its dimensions allow. */
export function benchSlices(metric: Metric): string[] {
  return BENCH_SLICES.filter((d) => metric.dimensions.includes(d));
}

export interface BenchWindow {
  /** First day of the first month (YYYY-MM-DD). */
  from: string;
  /** The latest day with data in any metric's time dimension. */
  to: string;
  /** The earliest such day (the window may start before the data does). */
  firstDay: string;
}

/**
 * The last two years of data: `to` is the latest day of any time dimension the metrics read, `from` the first
 * day of the month 23 months before it (24 whole or partial months).
 */
export async function twoYearWindow(warehousePath: string, metrics: readonly Metric[]): Promise<BenchWindow> {
  const columns = new Map<string, Set<string>>();
  for (const m of metrics.flatMap(simpleMetricsOf)) {
    columns.set(m.model, (columns.get(m.model) ?? new Set()).add(m.time_dimension));
  }
  // Model and column names come from metrics.yaml, checked against the warehouse contract when it was loaded.
  const parts = [...columns].flatMap(([model, times]) =>
    [...times].map((t) => `select min("${t}")::DATE as first, max("${t}")::DATE as last from "${model}"`),
  );
  if (parts.length === 0) throw new Error("no metrics to bench");
  const [row] = await withDb(warehousePath, "read_only", (db) =>
    db.all<{ first: string | null; last: string | null }>(
      `select strftime(min(first), '%Y-%m-%d') as first, strftime(max(last), '%Y-%m-%d') as last from (${parts.join(" union all ")})`,
    ),
  );
  if (!row?.first || !row.last)
    throw new Error(`${warehousePath} has no data in any metric's time dimension`);
  const last = new Date(`${row.last}T00:00:00Z`);
  const first = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - (MONTHS - 1), 1));
  return { from: first.toISOString().slice(0, 10), to: row.last, firstDay: row.first };
}

/** The row of one group as compared: what the engine shows for it. */
interface ShownRow {
  value: number | null;
  n: number | null;
  insufficient: boolean;
  suppressed: boolean;
}

/** A plain query's row, withheld by the engine's rules: the privacy floor first, then min_sample. */
export function withheld(
  metric: Metric,
  privacyFloor: number,
  row: { value: unknown; n: unknown; people: unknown },
): ShownRow {
  const people = row.people === null || row.people === undefined ? null : Number(row.people);
  const suppressed = people !== null && privacyFloor > 1 && people >= 1 && people < privacyFloor;
  const n = suppressed ? null : Number(row.n);
  const insufficient = !suppressed && metric.min_sample !== undefined && (n ?? 0) < metric.min_sample;
  const raw = row.value === null || row.value === undefined ? null : Number(row.value);
  const value = suppressed || insufficient || raw === null || !Number.isFinite(raw) ? null : raw;
  return { value, n, insufficient, suppressed };
}

function shownByEngine(row: MetricRow): ShownRow {
  return {
    value: row.value,
    n: row.n,
    insufficient: row.insufficient === true,
    suppressed: row.suppressed === true,
  };
}

const groupKey = (row: Record<string, unknown>, by: readonly string[]) =>
  JSON.stringify([String(row.period), ...by.map((d) => row[d] ?? null)]);

function sameValue(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return a === b || Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Differences between the engine's rows and a plain query's rows for one metric (empty when they agree),
 * each naming the metric and group, e.g. `cycle_time_p50 ["2024-03-01","platform","unmarked"]: value 12.5 (engine) vs 12.75 (plain)`.
 */
export function compareMetricRows(
  metric: Metric,
  by: readonly string[],
  privacyFloor: number,
  engineRows: readonly MetricRow[],
  plainRows: readonly Record<string, unknown>[],
): string[] {
  const problems: string[] = [];
  const engine = new Map(engineRows.map((r) => [groupKey(r, by), shownByEngine(r)]));
  const plain = new Map<string, ShownRow>();
  for (const r of plainRows) {
    const key = groupKey(r, by);
    if (plain.has(key)) problems.push(`${metric.name} ${key}: the plain query returns this group twice`);
    plain.set(key, withheld(metric, privacyFloor, r as { value: unknown; n: unknown; people: unknown }));
  }
  for (const [key, e] of engine) {
    const p = plain.get(key);
    if (!p) {
      problems.push(`${metric.name} ${key}: only the engine has this group (${JSON.stringify(e)})`);
      continue;
    }
    for (const field of ["suppressed", "insufficient", "n"] as const) {
      if (e[field] !== p[field])
        problems.push(`${metric.name} ${key}: ${field} ${e[field]} (engine) vs ${p[field]} (plain)`);
    }
    if (!sameValue(e.value, p.value))
      problems.push(`${metric.name} ${key}: value ${e.value} (engine) vs ${p.value} (plain)`);
  }
  for (const [key, p] of plain) {
    if (!engine.has(key))
      problems.push(`${metric.name} ${key}: only the plain query has this group (${JSON.stringify(p)})`);
  }
  return problems;
}

export interface PassResult {
  seconds: Record<string, number>;
  rows: Record<string, readonly Record<string, unknown>[]>;
}

/** One metric by the engine, as `yardstick metrics query <metric>` evaluates it (its own read-only open). */
export function evaluateByEngine(
  warehousePath: string,
  file: MetricsFile,
  metric: Metric,
  window: BenchWindow,
): Promise<MetricRow[]> {
  return evaluateMetrics({
    warehousePath,
    metrics: file,
    names: [metric.name],
    by: benchSlices(metric),
    grain: "month",
    from: window.from,
    to: window.to,
  });
}

/** One metric by its hand-written query, on its own read-only connection. */
export function evaluateByPlainSql(
  warehousePath: string,
  metric: Metric,
  window: BenchWindow,
  queries: Readonly<Record<string, string>> = PLAIN_METRIC_SQL,
): Promise<Record<string, unknown>[]> {
  const query = queries[metric.name];
  if (query === undefined) throw new Error(`no plain query for ${metric.name}`);
  return withDb(warehousePath, "read_only", (db) => db.all(query, { start: window.from, end: window.to }));
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const t0 = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - t0) / 1000 };
}

/** One engine pass: each metric its own evaluateMetrics call, timed. */
export async function enginePass(
  warehousePath: string,
  file: MetricsFile,
  metrics: readonly Metric[],
  window: BenchWindow,
): Promise<PassResult & { rows: Record<string, readonly MetricRow[]> }> {
  const seconds: Record<string, number> = {};
  const rows: Record<string, MetricRow[]> = {};
  for (const metric of metrics) {
    const run = await timed(() => evaluateByEngine(warehousePath, file, metric, window));
    rows[metric.name] = run.result;
    seconds[metric.name] = run.seconds;
  }
  return { seconds, rows };
}

/** One plain pass: each metric's hand-written query on its own read-only connection, timed. */
export async function plainPass(
  warehousePath: string,
  metrics: readonly Metric[],
  window: BenchWindow,
  queries: Readonly<Record<string, string>> = PLAIN_METRIC_SQL,
): Promise<PassResult> {
  const seconds: Record<string, number> = {};
  const rows: Record<string, Record<string, unknown>[]> = {};
  for (const metric of metrics) {
    const run = await timed(() => evaluateByPlainSql(warehousePath, metric, window, queries));
    rows[metric.name] = run.result;
    seconds[metric.name] = run.seconds;
  }
  return { seconds, rows };
}

export interface Verification {
  /** Metrics of the file without a plain query. */
  missing: string[];
  /** Every disagreement, metric by metric. */
  problems: string[];
  engine: PassResult & { rows: Record<string, readonly MetricRow[]> };
  plain?: PassResult;
}

/**
 * Evaluates every metric of `file` on both sides once and compares them (the bench's warm-up pass, and what
 * tests/bench-metrics.test.ts runs on a small warehouse). `queries` defaults to bench/metrics-plain-sql.ts.
 */
export async function verifyPlainQueries(
  warehousePath: string,
  file: MetricsFile,
  window: BenchWindow,
  queries: Readonly<Record<string, string>> = PLAIN_METRIC_SQL,
): Promise<Verification> {
  const metrics = file.metrics;
  const missing = metrics.filter((m) => queries[m.name] === undefined).map((m) => m.name);
  const engine = await enginePass(warehousePath, file, metrics, window);
  if (missing.length > 0) return { missing, problems: [], engine };
  const plain = await plainPass(warehousePath, metrics, window, queries);
  const floor = file.definitions.privacy_floor;
  const problems = metrics.flatMap((m) =>
    compareMetricRows(m, benchSlices(m), floor, engine.rows[m.name] ?? [], plain.rows[m.name] ?? []),
  );
  return { missing, problems, engine, plain };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

interface BenchOptions {
  warehouse: string;
  /** Whether --warehouse was given (else: the build bench's 1,000,000-pull-request warehouse). */
  explicit: boolean;
  metricsFile: string;
  runs: number;
}

export function parseMetricsBenchArgs(args: readonly string[]): BenchOptions {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = /^--(warehouse|metrics|runs|dir)(?:=(.*))?$/.exec(args[i]!);
    if (!flag)
      throw new InputError(
        `unknown argument "${args[i]}": the metrics bench takes --warehouse PATH, --metrics FILE, --runs N and --dir DIR`,
      );
    const value = flag[2] ?? args[++i];
    if (value === undefined) throw new InputError(`--${flag[1]} needs a value`);
    flags[flag[1]!] = value;
  }
  const runs = Number(flags.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1)
    throw new InputError(`--runs must be a positive whole number: got "${flags.runs}"`);
  const dir = resolve(flags.dir ?? process.env.YARDSTICK_BENCH_DIR ?? join(ROOT, "bench", "results"));
  return {
    warehouse: resolve(flags.warehouse ?? join(dir, "build-1000000", "warehouse", "warehouse.duckdb")),
    explicit: flags.warehouse !== undefined,
    metricsFile: resolve(flags.metrics ?? join(ROOT, "metrics.yaml")),
    runs,
  };
}

function fail(message: string, code: number): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(code);
}

const bench: Benchmark = {
  description:
    "every metric of metrics.yaml per month over two years, by team and authorship class: the engine against the same metrics in plain DuckDB SQL",
  async run(args) {
    let options: BenchOptions;
    let file: MetricsFile;
    try {
      options = parseMetricsBenchArgs(args);
      file = loadMetricsFile(options.metricsFile);
    } catch (error) {
      if (error instanceof InputError) fail(error.report(), 2);
      throw error;
    }
    if (!existsSync(options.warehouse)) {
      fail(
        options.explicit
          ? `no warehouse at ${options.warehouse}`
          : `no 1,000,000-pull-request warehouse at ${options.warehouse}; build it with\n` +
              "  NODE_OPTIONS=--max-old-space-size=8192 npm run bench -- build 1000000 2000\n" +
              "(or give --warehouse PATH, e.g. data/demo/warehouse/warehouse.duckdb after `npm run demo`)",
        2,
      );
    }
    const metrics = file.metrics;
    const [counts] = await withDb(options.warehouse, "read_only", (db) =>
      db.all<{ pull_requests: number }>("select count(*)::INTEGER as pull_requests from fct_pull_requests"),
    );
    const window = await twoYearWindow(options.warehouse, metrics);
    process.stderr.write(
      `bench: ${metrics.length} metrics of ${options.metricsFile} per month from ${window.from} to ${window.to} on ${options.warehouse} (${counts?.pull_requests} pull requests)\n`,
    );

    // Warm-up, and the check that both sides give the same numbers.
    const t0 = performance.now();
    const verification = await verifyPlainQueries(options.warehouse, file, window);
    if (verification.missing.length > 0) {
      fail(
        `no plain query in bench/metrics-plain-sql.ts for: ${verification.missing.join(", ")}; add one per metric so the ratio compares like with like`,
        1,
      );
    }
    if (verification.problems.length > 0) {
      const shown = verification.problems.slice(0, 40);
      fail(
        `the plain queries disagree with the engine (${verification.problems.length} differences):\n  ${shown.join("\n  ")}${verification.problems.length > shown.length ? "\n  …" : ""}`,
        1,
      );
    }
    const rows = Object.fromEntries(
      metrics.map((m) => [m.name, verification.engine.rows[m.name]?.length ?? 0]),
    );
    process.stderr.write(
      `bench: warm-up and check in ${((performance.now() - t0) / 1000).toFixed(1)}s: ${sum(Object.values(rows))} rows agree\n`,
    );
    for (const name of Object.keys(PLAIN_METRIC_SQL).filter((n) => !metrics.some((m) => m.name === n)))
      process.stderr.write(`bench: warning: plain query ${name} names no metric of ${options.metricsFile}\n`);

    // Each metric on both sides back to back, the side that goes first alternating by metric and run, so that
    // load from elsewhere on the machine falls on both sides alike.
    const engineRuns: Record<string, number>[] = [];
    const plainRuns: Record<string, number>[] = [];
    for (let run = 0; run < options.runs; run++) {
      const engine: Record<string, number> = {};
      const plain: Record<string, number> = {};
      for (const [i, metric] of metrics.entries()) {
        const sides = [
          async () => {
            engine[metric.name] = (
              await timed(() => evaluateByEngine(options.warehouse, file, metric, window))
            ).seconds;
          },
          async () => {
            plain[metric.name] = (
              await timed(() => evaluateByPlainSql(options.warehouse, metric, window))
            ).seconds;
          },
        ];
        if ((i + run) % 2 === 1) sides.reverse();
        for (const side of sides) await side();
      }
      engineRuns.push(engine);
      plainRuns.push(plain);
      process.stderr.write(
        `bench: run ${run + 1}/${options.runs}: engine ${sum(Object.values(engine)).toFixed(2)}s, plain ${sum(Object.values(plain)).toFixed(2)}s\n`,
      );
    }

    // An open and close of the warehouse alone: the fixed cost inside every per-metric time of both sides.
    const opens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await withDb(options.warehouse, "read_only", (db) => db.all("select 1"));
      opens.push((performance.now() - t) / 1000);
    }

    const perMetric = Object.fromEntries(
      metrics.map((m) => {
        const engine = median(engineRuns.map((r) => r[m.name]!));
        const plain = median(plainRuns.map((r) => r[m.name]!));
        return [
          m.name,
          {
            by: benchSlices(m).join(",") || "(none)",
            rows: rows[m.name],
            engineSeconds: round(engine),
            plainSeconds: round(plain),
            ratio: round(engine / plain, 2),
          },
        ];
      }),
    );
    const engineSeconds = median(engineRuns.map((r) => sum(Object.values(r))));
    const plainSeconds = median(plainRuns.map((r) => sum(Object.values(r))));
    return {
      warehouse: options.warehouse,
      pullRequests: counts?.pull_requests ?? 0,
      from: window.from,
      to: window.to,
      dataFirstDay: window.firstDay,
      grain: "month",
      metrics: metrics.length,
      rows: sum(Object.values(rows)),
      verified: "ok",
      runs: options.runs,
      engineSeconds: round(engineSeconds),
      plainSeconds: round(plainSeconds),
      engineToPlainRatio: round(engineSeconds / plainSeconds, 2),
      openSeconds: round(median(opens)),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      perMetric,
    };
  },
};
export default bench;
