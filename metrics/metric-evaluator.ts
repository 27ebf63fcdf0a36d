/**
 * Evaluates metrics against the warehouse, read-only and sandboxed (warehouse/duckdb.ts: DuckDB refuses every
 * file but the warehouse, whatever a definition's SQL asks for): request → plan (metric-ir.ts) → SQL (metric-compiler.ts)
 * → rows in the shared metric result shape. Each value carries its sample size `n` and definition hash; below
 * a metric's `min_sample` the value is withheld (null, `insufficient: true`) rather than shown as a number, and
 * a group involving fewer distinct people than the privacy floor is suppressed (value and n null,
 * `suppressed: true`), so no page or query can single a person out.
 */
import { EXIT, YardstickError } from "../core/errors.ts";
import { type Db, withDb } from "../warehouse/duckdb.ts";
import { attachComparisons, type VsUnmarked } from "./metric-comparison.ts";
import { compileMetricQuery } from "./metric-compiler.ts";
import { type PlanRequest, planQuery } from "./metric-ir.ts";
import { type MetricRequestInput, resolveMetricRequest } from "./metric-request.ts";
import type { Bands, Grain } from "./metric-schema.ts";
import type { Metric, MetricsFile } from "./metrics-file.ts";

/**
 * The shared metric result row: `{ metric, period, ...dimensions, value, n, definition_hash }`, e.g.
 * `{ metric: "merged_pull_requests", period: "2024-03-04", team: "platform", value: 12, n: 12, definition_hash: "sha256:…" }`.
 */
export interface MetricRow {
  metric: string;
  /** Start of the period (YYYY-MM-DD, UTC); weeks start on Monday. */
  period: string;
  value: number | null;
  /** Rows aggregated into the value (a ratio: the denominator's rows); null when suppressed. */
  n: number | null;
  definition_hash: string;
  /** Present (true) when n is below the metric's min_sample and the value is withheld. */
  insufficient?: true;
  /** Present (true) when the group involves fewer distinct people than the privacy floor. */
  suppressed?: true;
  /** The performance band of the value, for metrics with bands. */
  band?: Band;
  /** A ratio's two sides (withheld with the value). */
  numerator?: number | null;
  denominator?: number | null;
  /** Rows sliced by authorship_class, when comparisons are asked for: the difference to unmarked work. */
  vs_unmarked?: VsUnmarked;
  [dimension: string]: string | number | boolean | null | undefined | object;
}

export type Band = "elite" | "high" | "medium" | "low";

export interface EvaluateOptions {
  warehousePath: string;
  metrics: MetricsFile;
  names: readonly string[];
  by: readonly string[];
  grain: Grain;
  /** First day included (YYYY-MM-DD, UTC) of the metric's time dimension. */
  from?: string | undefined;
  /** Last day included (YYYY-MM-DD, UTC). */
  to?: string | undefined;
  /** Periods start here (YYYY-MM-DD) rather than on calendar boundaries: a trailing quarter ending a month. */
  origin?: string | undefined;
  /** Equality filters on allowed dimensions, e.g. `{ team: "platform" }`; values are bound as parameters. */
  where?: Readonly<Record<string, string>> | undefined;
  /** With `authorship_class` among `by`: add each class's difference to unmarked work (metric-comparison.ts). */
  compare?: boolean | undefined;
}

/**
 * Evaluates `names` sliced `by` dimensions per `grain`. Rows come in the order of `names`, then period, then
 * dimension values; a period without rows is absent. Bad names, slices or dates throw an InputError.
 */
export async function evaluateMetrics(options: EvaluateOptions): Promise<MetricRow[]> {
  const input: MetricRequestInput = {
    names: options.names,
    by: options.by,
    grain: options.grain,
    from: options.from,
    to: options.to,
    origin: options.origin,
    where: options.where,
  };
  const request = resolveMetricRequest(options.metrics, input);
  return withDb(options.warehousePath, "sandboxed", async (db) => {
    const rows: MetricRow[] = [];
    const floor = options.metrics.definitions.privacy_floor;
    for (const metric of request.metrics) {
      const found = await evaluateOne(db, metric, request, floor);
      rows.push(
        ...(options.compare
          ? await attachComparisons(db, metric, { ...request, privacyFloor: floor }, found)
          : found),
      );
    }
    return rows;
  });
}

async function evaluateOne(
  db: Db,
  metric: Metric,
  request: PlanRequest,
  privacyFloor: number,
): Promise<MetricRow[]> {
  const compiled = compileMetricQuery(planQuery(metric, { ...request, privacyFloor }));
  let result: Record<string, unknown>[];
  try {
    result = await db.all(compiled.sql, [...compiled.parameters]);
  } catch (error) {
    const message = (error as Error).message;
    // The sandbox refused a file, an ATTACH or an extension: the definition is at fault, not the run.
    if (/^Permission Error:/.test(message))
      throw new YardstickError(
        `metric ${metric.name} reads outside the warehouse, which is not allowed (run \`yardstick metrics check\` to see where): ${firstLine(message)}`,
        EXIT.badInput,
        { cause: error },
      );
    throw new YardstickError(`metric ${metric.name} could not be evaluated: ${message}`, EXIT.failure, {
      cause: error,
    });
  }
  return result.map((r) => toMetricRow(metric, request.by, r));
}

function toMetricRow(metric: Metric, by: readonly string[], r: Record<string, unknown>): MetricRow {
  const suppressed = r.suppressed === true;
  const n = suppressed ? null : Number(r.n);
  const insufficient = !suppressed && metric.min_sample !== undefined && (n ?? 0) < metric.min_sample;
  const withheld = suppressed || insufficient;
  const value = withheld || r.value === null || r.value === undefined ? null : Number(r.value);
  const dimensions = Object.fromEntries(by.map((d) => [d, (r[d] ?? null) as string | boolean | null]));
  const band =
    value === null || !Number.isFinite(value) ? undefined : bandOf(metric.bands, metric.direction, value);
  // Built in this order so that JSON output reads metric, period, dimensions, value, n, hash.
  return {
    metric: metric.name,
    period: String(r.period),
    ...dimensions,
    value: value !== null && Number.isFinite(value) ? value : null,
    n,
    definition_hash: metric.definitionHash,
    ...(insufficient ? { insufficient: true as const } : {}),
    ...(suppressed ? { suppressed: true as const } : {}),
    ...(band ? { band } : {}),
    ...(metric.type === "ratio"
      ? {
          numerator: withheld ? null : numberOrNull(r.numerator),
          denominator: withheld ? null : numberOrNull(r.denominator),
        }
      : {}),
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** The band a value falls in: at or better than a threshold, best first; anything worse than medium is low. */
export function bandOf(bands: Bands | undefined, direction: string, value: number): Band | undefined {
  if (!bands || direction === "neutral") return undefined;
  const atLeastAsGood = (threshold: number) =>
    direction === "lower_is_better" ? value <= threshold : value >= threshold;
  if (atLeastAsGood(bands.elite)) return "elite";
  if (atLeastAsGood(bands.high)) return "high";
  if (atLeastAsGood(bands.medium)) return "medium";
  return "low";
}

/** The data watermark: the latest `extracted_at` in fct_pull_requests, as an ISO string (null when empty). */
export async function dataWatermark(warehousePath: string): Promise<string | null> {
  return withDb(warehousePath, "sandboxed", async (db) => {
    const [row] = await db.all<{ ms: number | null }>(
      "select epoch_ms(max(extracted_at))::DOUBLE as ms from fct_pull_requests",
    );
    return row?.ms === null || row?.ms === undefined ? null : new Date(row.ms).toISOString();
  });
}
