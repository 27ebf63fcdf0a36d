/**
 * AI against unmarked work, group by group: for rows sliced by `authorship_class`, the difference of each
 * class's value to the `unmarked` value of the same period and other dimension values, with a 95% interval
 * (metrics/comparison-stats.ts):
 * - medians and percentiles: a percentile bootstrap of the difference, resampling whole repositories (values
 *   of one repository move together, so they must not pass for independent evidence);
 * - averages: the same bootstrap of the mean;
 * - rates (a ratio whose sides count rows: count or sum_boolean): Newcombe's hybrid score interval from the
 *   two Wilson intervals;
 * - anything else (counts, sums, derived metrics, ratios of sums): the difference alone, method "none" — a
 *   count is not an estimate with sampling error.
 * A withheld value (insufficient data, suppressed by the privacy floor) on either side gives no comparison.
 */
import type { Db } from "../warehouse/duckdb.ts";
import { bootstrapDifference, rateDifference, type Statistic } from "./comparison-stats.ts";
import { compileMetricQuery } from "./metric-compiler.ts";
import type { MetricRow } from "./metric-evaluator.ts";
import { type PlanRequest, planSampleQuery } from "./metric-ir.ts";
import type { Metric, SimpleMetric } from "./metrics-file.ts";

export const CLASS_DIMENSION = "authorship_class";
export const BASELINE_CLASS = "unmarked";

export type ComparisonMethod = "bootstrap_percentile" | "newcombe_wilson" | "none";

/** A row's comparison to the unmarked row of its group. */
export interface VsUnmarked {
  baseline_value: number | null;
  baseline_n: number | null;
  /** value − baseline_value; null when either is withheld or absent. */
  difference: number | null;
  /** The 95% interval of the difference (null for method "none" or when it cannot be computed). */
  low: number | null;
  high: number | null;
  method: ComparisonMethod;
}

/**
 * The group a row belongs to: its period and its values of `dimensions`, with `overrides` in place of the
 * row's own (e.g. `{ authorship_class: "unmarked" }` for the row's baseline).
 */
export function groupKey(
  row: Readonly<Record<string, unknown>>,
  dimensions: readonly string[],
  overrides: Readonly<Record<string, unknown>> = {},
): string {
  return JSON.stringify([
    row.period,
    ...dimensions.map((d) => (d in overrides ? overrides[d] : (row[d] ?? null))),
  ]);
}

interface Sample {
  values: number[];
  clusters: (string | number)[];
}

/** Adds `vs_unmarked` to every non-baseline row (rows not sliced by authorship_class are returned as they are). */
export async function attachComparisons(
  db: Db,
  metric: Metric,
  request: PlanRequest,
  rows: readonly MetricRow[],
): Promise<MetricRow[]> {
  if (!request.by.includes(CLASS_DIMENSION)) return [...rows];
  const key = (r: Record<string, unknown>) => groupKey(r, request.by);
  const baselines = new Map<string, MetricRow>();
  for (const row of rows) if (row[CLASS_DIMENSION] === BASELINE_CLASS) baselines.set(key(row), row);
  const statistic = statisticOf(metric);
  const samples = statistic ? await readSamples(db, metric as SimpleMetric, request) : undefined;

  return rows.map((row) => {
    if (row[CLASS_DIMENSION] === BASELINE_CLASS || row[CLASS_DIMENSION] === undefined) return row;
    const base = baselines.get(groupKey(row, request.by, { [CLASS_DIMENSION]: BASELINE_CLASS }));
    const comparison: VsUnmarked = {
      baseline_value: base?.value ?? null,
      baseline_n: base?.n ?? null,
      difference: null,
      low: null,
      high: null,
      method: "none",
    };
    if (base && row.value !== null && base.value !== null) {
      comparison.difference = row.value - base.value;
      if (statistic && samples) {
        const a = samples.get(key(row));
        const b = samples.get(key(base));
        const result =
          a && b
            ? bootstrapDifference(a.values, b.values, statistic, {
                clusters: { a: a.clusters, b: b.clusters },
              })
            : null;
        if (result) Object.assign(comparison, { low: result.low, high: result.high, method: result.method });
      } else if (isRate(metric)) {
        const result = proportionDifference(row, base);
        if (result) Object.assign(comparison, { low: result.low, high: result.high, method: result.method });
      }
    }
    return { ...row, vs_unmarked: comparison };
  });
}

/** The statistic a bootstrap recomputes, for simple metrics whose value is one (median, percentile, average). */
function statisticOf(metric: Metric): Statistic | undefined {
  if (metric.type !== "simple") return undefined;
  const discrete = metric.agg_params?.use_discrete_percentile ?? false;
  if (metric.agg === "median") return { kind: "quantile", p: 0.5, discrete };
  if (metric.agg === "percentile")
    return { kind: "quantile", p: metric.agg_params?.percentile ?? 0.5, discrete };
  if (metric.agg === "average") return { kind: "mean" };
  return undefined;
}

/** A ratio of row counts (each side count or sum_boolean): a proportion with a Wilson-type interval. */
function isRate(metric: Metric): boolean {
  if (metric.type !== "ratio") return false;
  const counts = (m: SimpleMetric) => m.agg === "count" || m.agg === "sum_boolean";
  return counts(metric.sides.numerator.metric) && counts(metric.sides.denominator.metric);
}

function proportionDifference(row: MetricRow, base: MetricRow) {
  const a = { successes: row.numerator, trials: row.denominator };
  const b = { successes: base.numerator, trials: base.denominator };
  const valid = (p: { successes: unknown; trials: unknown }) =>
    typeof p.successes === "number" &&
    typeof p.trials === "number" &&
    Number.isInteger(p.successes) &&
    Number.isInteger(p.trials) &&
    p.successes >= 0 &&
    p.successes <= p.trials;
  if (!valid(a) || !valid(b)) return null;
  return rateDifference(
    a as { successes: number; trials: number },
    b as { successes: number; trials: number },
  );
}

async function readSamples(db: Db, metric: SimpleMetric, request: PlanRequest): Promise<Map<string, Sample>> {
  const { sql, parameters } = compileMetricQuery(planSampleQuery(metric, request));
  const rows = await db.all<Record<string, unknown>>(sql, [...parameters]);
  const out = new Map<string, Sample>();
  for (const r of rows) {
    // Sorted by cluster, then value: DuckDB's list order depends on its threads, and the bootstrap's
    // draws are by position, so a fixed order keeps the interval the same from run to run.
    const list = [...((r.value ?? []) as { v: number; c: string | number | null }[])].sort(
      (x, y) => compareText(String(x.c), String(y.c)) || x.v - y.v,
    );
    out.set(groupKey(r, request.by), {
      values: list.map((e) => Number(e.v)),
      clusters: list.map((e) => e.c ?? "(none)"),
    });
  }
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
