/**
 * `metrics compare`: each metric sliced by authorship class (and any further dimensions), with every class's
 * difference to unmarked work, pooled and again within each size bucket, and for durations the merge rate of
 * the same class and slice beside it (a faster median over fewer merged pull requests is not a faster team).
 */
import { InputError, type InputProblem } from "../core/errors.ts";
import { BASELINE_CLASS, CLASS_DIMENSION, groupKey, SIZE_DIMENSION } from "./comparison-keys.ts";
import { evaluateMetrics, type MetricRow } from "./metric-evaluator.ts";
import type { Grain } from "./metric-schema.ts";
import { findMetric, type MetricsFile } from "./metrics-file.ts";

export { SIZE_DIMENSION };

const DURATION_UNITS = new Set(["hours", "days"]);
const DEFAULT_BESIDE = "merge_rate";

/** A compared row; durations carry the merge rate of the same class and slice, and unmarked's. */
export type ComparisonRow = MetricRow & {
  beside?: { metric: string; value: number | null; n: number | null; baseline_value: number | null };
};

export interface CompareOptions {
  warehousePath: string;
  file: MetricsFile;
  names: readonly string[];
  /** Further dimensions (authorship_class and size_bucket are added by the comparison). */
  by: readonly string[];
  grain: string;
  from?: string | undefined;
  to?: string | undefined;
  /** Periods start here rather than on calendar boundaries (see EvaluateOptions.origin). */
  origin?: string | undefined;
  /** Also compare within each size bucket (for metrics that may be sliced by it). */
  withinSize: boolean;
  /** The rate shown beside durations; the default is skipped quietly when the file does not define it. */
  beside: string;
}

/** Rows of every compared metric: pooled first, then within size buckets; unmarked rows are the baselines. */
export async function compareMetrics(options: CompareOptions): Promise<ComparisonRow[]> {
  const problems: InputProblem[] = [];
  for (const name of options.names) {
    const metric = findMetric(options.file, name);
    if (metric && !metric.dimensions.includes(CLASS_DIMENSION))
      problems.push({
        field: "<metric>",
        message: `metric ${name} cannot be sliced by ${CLASS_DIMENSION}, so it has nothing to compare; its dimensions: ${metric.dimensions.join(", ") || "(none)"}`,
      });
  }
  const beside = findMetric(options.file, options.beside);
  if (!beside && options.beside !== DEFAULT_BESIDE)
    problems.push({
      field: "--beside",
      message: `unknown metric "${options.beside}" in ${options.file.file}`,
    });
  if (problems.length > 0) throw new InputError("invalid metrics comparison", problems);

  // The rate beside durations, once per slicing however many duration metrics are compared.
  const besideBy = new Map<string, Promise<MetricRow[]>>();
  const rows: ComparisonRow[] = [];
  for (const name of options.names) {
    const metric = findMetric(options.file, name);
    const common = {
      warehousePath: options.warehousePath,
      metrics: options.file,
      names: [name],
      grain: options.grain as Grain,
      from: options.from,
      to: options.to,
      origin: options.origin,
      compare: true,
    };
    const slicings = [[...options.by, CLASS_DIMENSION]];
    if (options.withinSize && metric?.dimensions.includes(SIZE_DIMENSION))
      slicings.push([...options.by, SIZE_DIMENSION, CLASS_DIMENSION]);
    for (const by of slicings) {
      const found: ComparisonRow[] = await evaluateMetrics({ ...common, by });
      if (
        metric &&
        beside &&
        DURATION_UNITS.has(metric.unit) &&
        by.every((d) => beside.dimensions.includes(d))
      ) {
        const slicing = by.join(",");
        if (!besideBy.has(slicing))
          besideBy.set(slicing, evaluateMetrics({ ...common, names: [beside.name], by, compare: false }));
        attachBeside(found, await besideBy.get(slicing)!, by);
      }
      rows.push(...found);
    }
  }
  return rows;
}

function attachBeside(rows: ComparisonRow[], besideRows: readonly MetricRow[], by: readonly string[]): void {
  const byKey = new Map(besideRows.map((r) => [groupKey(r, by), r]));
  for (const row of rows) {
    const own = byKey.get(groupKey(row, by));
    const base = byKey.get(groupKey(row, by, { [CLASS_DIMENSION]: BASELINE_CLASS }));
    if (!own) continue;
    row.beside = { metric: own.metric, value: own.value, n: own.n, baseline_value: base?.value ?? null };
  }
}
