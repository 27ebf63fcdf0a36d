/**
 * AI against unmarked work, group by group: for rows sliced by `authorship_class`, the difference of each
 * class's value to the `unmarked` value of the same period and other dimension values, with a 95% interval that
 * treats repositories as the independent units (metrics/comparison-stats.ts):
 * - medians and percentiles: the delete-one-repository jackknife of the Harrell–Davis quantiles, t on G − 1
 *   degrees of freedom (`jackknife_hd_t`);
 * - averages: the delete-one-repository jackknife of the means, t on G − 1 (`jackknife_t`);
 * - rates (a ratio whose sides count rows: count or sum_boolean): Newcombe's interval from two Wilson intervals
 *   at effective sample sizes, the design effect measured by the same jackknife (`newcombe_wilson_eff`);
 * - anything else (counts, sums, derived metrics, ratios of sums): the difference alone, method "none" — a
 *   count is not an estimate with sampling error.
 * G counts the distinct repositories behind either side (one shared by both classes counts once). Each side's
 * own count of repositories, k, travels beside its n; below the repository floor, or with one repository on a
 * side, the interval is withheld as "too few repositories" and the difference stays.
 * A withheld value (insufficient data, suppressed by the privacy floor) on either side gives no comparison.
 */
import type { Db } from "../warehouse/duckdb.ts";
import { BASELINE_CLASS, CLASS_DIMENSION, groupKey } from "./comparison-keys.ts";
import {
  type ClusteredCounts,
  type ClusteredDifference,
  type ClusteredSample,
  clusteredDifference,
  clusteredRateDifference,
  type IntervalMethod,
  type Statistic,
} from "./comparison-stats.ts";
import { compileMetricQuery } from "./metric-compiler.ts";
import type { MetricRow } from "./metric-evaluator.ts";
import { type PlanRequest, planQuery, planSampleQuery } from "./metric-ir.ts";
import type { Metric, SimpleMetric } from "./metrics-file.ts";
import { findModel } from "./warehouse-contract.ts";

export { BASELINE_CLASS, CLASS_DIMENSION, groupKey };
/** The cluster of every interval: pull requests of one repository move together. */
export const CLUSTER_COLUMN = "repository";

export type ComparisonMethod = IntervalMethod | "none";

/** A row's comparison to the unmarked row of its group. */
export interface VsUnmarked {
  baseline_value: number | null;
  baseline_n: number | null;
  /**
   * Distinct repositories behind this row's n (k beside n), and behind the baseline's; null when the side is
   * suppressed or absent, or for derived metrics, which have no rows of their own.
   */
  k: number | null;
  baseline_k: number | null;
  /** value − baseline_value; null when either is withheld or absent. */
  difference: number | null;
  /** The 95% interval of the difference (null for method "none", too few repositories, or no samples). */
  low: number | null;
  high: number | null;
  method: ComparisonMethod;
  /** G: distinct repositories behind both sides together; df: t's degrees of freedom, G − 1 (with an interval). */
  repositories: number | null;
  df: number | null;
  /** Why a method with an interval gave none here. */
  no_interval: "too_few_repositories" | null;
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
  const perRepository = statistic ? undefined : await readRepositoryRows(db, metric, request);
  const repositoriesOf = (r: MetricRow): number | null => {
    if (r.suppressed) return null;
    if (samples) return new Set(samples.get(key(r))?.clusters ?? []).size;
    if (perRepository) return perRepository.get(key(r))?.clusters.length ?? 0;
    return null;
  };

  return rows.map((row) => {
    if (row[CLASS_DIMENSION] === BASELINE_CLASS || row[CLASS_DIMENSION] === undefined) return row;
    const base = baselines.get(groupKey(row, request.by, { [CLASS_DIMENSION]: BASELINE_CLASS }));
    const comparison: VsUnmarked = {
      baseline_value: base?.value ?? null,
      baseline_n: base?.n ?? null,
      k: repositoriesOf(row),
      baseline_k: base ? repositoriesOf(base) : null,
      difference: null,
      low: null,
      high: null,
      method: "none",
      repositories: null,
      df: null,
      no_interval: null,
    };
    if (base && row.value !== null && base.value !== null) {
      comparison.difference = row.value - base.value;
      let result: ClusteredDifference | null = null;
      if (statistic && samples) {
        const a = samples.get(key(row));
        const b = samples.get(key(base));
        result = a && b ? clusteredDifference(a, b, statistic) : null;
      } else if (perRepository && isRate(metric)) {
        const a = perRepository.get(key(row));
        const b = perRepository.get(key(base));
        result = a && b && isCounts(a) && isCounts(b) ? clusteredRateDifference(a, b) : null;
      }
      if (result) {
        comparison.method = result.method;
        comparison.repositories = result.repositories.all;
        if (result.low === null) comparison.no_interval = result.reason;
        else Object.assign(comparison, { low: result.low, high: result.high, df: result.df });
      }
    }
    return { ...row, vs_unmarked: comparison };
  });
}

/** The statistic an interval recomputes, for simple metrics whose value is one (median, percentile, average). */
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

/** Whole counts with 0 <= successes <= trials in every repository: what a rate's interval needs. */
function isCounts(c: ClusteredCounts): boolean {
  return c.trials.every(
    (t, i) =>
      Number.isInteger(t) && Number.isInteger(c.successes[i]) && c.successes[i]! >= 0 && c.successes[i]! <= t,
  );
}

async function readSamples(
  db: Db,
  metric: SimpleMetric,
  request: PlanRequest,
): Promise<Map<string, ClusteredSample & { clusters: (string | number)[] }>> {
  const { sql, parameters } = compileMetricQuery(planSampleQuery(metric, request));
  const rows = await db.all<Record<string, unknown>>(sql, [...parameters]);
  const out = new Map<string, { values: number[]; clusters: (string | number)[] }>();
  for (const r of rows) {
    // Sorted by cluster, then value: DuckDB's list order depends on its threads, and sums in floating point
    // depend on their order, so a fixed order keeps the interval the same bit for bit from run to run.
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

/**
 * The metric evaluated once more with the repository as a further slice, without the privacy floor (these rows
 * are never shown: only how many repositories a group has, and a rate's counts per repository, leave here).
 * Per group, one entry per repository with rows behind n: its numerator and denominator for a ratio, its n
 * otherwise. Undefined for derived metrics and models without a repository column.
 */
async function readRepositoryRows(
  db: Db,
  metric: Metric,
  request: PlanRequest,
): Promise<Map<string, ClusteredCounts & { clusters: string[] }> | undefined> {
  if (metric.type === "derived" || !findModel(metric.model)?.columns[CLUSTER_COLUMN]) return undefined;
  const by = request.by.includes(CLUSTER_COLUMN) ? request.by : [...request.by, CLUSTER_COLUMN];
  const { sql, parameters } = compileMetricQuery(
    planQuery(metric, { ...request, by, privacyFloor: undefined }),
  );
  const rows = await db.all<Record<string, unknown>>(sql, [...parameters]);
  const out = new Map<string, { clusters: string[]; successes: number[]; trials: number[] }>();
  for (const r of rows) {
    if (!(Number(r.n) > 0)) continue;
    const k = groupKey(r, request.by);
    const entry = out.get(k) ?? { clusters: [], successes: [], trials: [] };
    entry.clusters.push(String(r[CLUSTER_COLUMN] ?? "(none)"));
    const ratio = metric.type === "ratio";
    entry.successes.push(Number(ratio ? (r.numerator ?? 0) : r.n));
    entry.trials.push(Number(ratio ? (r.denominator ?? 0) : r.n));
    out.set(k, entry);
  }
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
