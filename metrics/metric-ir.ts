/**
 * The typed intermediate form between metrics.yaml and SQL: read-only nodes tagged by `kind`. A definition plus
 * a request (slices, grain, date range, equality filters) becomes one `metric_query` tree; metric-compiler.ts
 * is the one visitor that turns a tree into SQL. A new metric type is a new node kind and one visit method.
 *
 * Two kinds of text reach SQL, and the tree keeps them apart: `sql_expression`/`sql_predicate` hold SQL from
 * the reviewed metrics.yaml (pasted as written); everything that comes from a request is either an identifier
 * checked against the warehouse contract (`column`) or a value that becomes a bound parameter.
 */

import type { Grain } from "./metric-schema.ts";
import type { Metric } from "./metrics-file.ts";

export interface TableNode {
  readonly kind: "table";
  readonly name: string;
}

/** A column of the model, validated against the warehouse contract. */
export interface ColumnNode {
  readonly kind: "column";
  readonly name: string;
}

/** SQL from metrics.yaml (reviewed like code), e.g. `time_to_merge_hours`. */
export interface SqlExpressionNode {
  readonly kind: "sql_expression";
  readonly sql: string;
}

export type OperandNode = ColumnNode | SqlExpressionNode;

/** The start of the period a row falls in, e.g. the Monday of its ISO week. */
export interface TimeBucketNode {
  readonly kind: "time_bucket";
  readonly column: ColumnNode;
  readonly grain: Grain;
}

/** A metric's own filter from metrics.yaml. */
export interface SqlPredicateNode {
  readonly kind: "sql_predicate";
  readonly sql: string;
}

export interface NotNullNode {
  readonly kind: "not_null";
  readonly column: ColumnNode;
}

/** `column = value`, the value bound as a parameter. */
export interface EqualsNode {
  readonly kind: "equals";
  readonly column: ColumnNode;
  readonly value: string | boolean;
}

/** `column` on `date` (YYYY-MM-DD, UTC) or later; the date bound as a parameter. */
export interface OnOrAfterNode {
  readonly kind: "on_or_after";
  readonly column: ColumnNode;
  readonly date: string;
}

/** `column` on `date` (YYYY-MM-DD, UTC, the whole day) or earlier; the date bound as a parameter. */
export interface OnOrBeforeNode {
  readonly kind: "on_or_before";
  readonly column: ColumnNode;
  readonly date: string;
}

export type PredicateNode = SqlPredicateNode | NotNullNode | EqualsNode | OnOrAfterNode | OnOrBeforeNode;

export interface CountNode {
  readonly kind: "count";
  readonly operand: OperandNode;
  readonly distinct: boolean;
}

export interface BasicAggregateNode {
  readonly kind: "basic_aggregate";
  readonly fn: "sum" | "avg" | "min" | "max";
  readonly operand: OperandNode;
}

/** Median and percentiles: continuous (interpolated, like PERCENTILE_CONT) unless `discrete`. */
export interface PercentileNode {
  readonly kind: "percentile";
  readonly operand: OperandNode;
  readonly fraction: number;
  readonly discrete: boolean;
}

export type AggregateNode = CountNode | BasicAggregateNode | PercentileNode;

/** One metric, sliced and bucketed: one output row per (period, dimension values) that has rows. */
export interface MetricQueryNode {
  readonly kind: "metric_query";
  readonly metric: string;
  readonly from: TableNode;
  readonly period: TimeBucketNode;
  readonly dimensions: readonly ColumnNode[];
  readonly where: readonly PredicateNode[];
  readonly aggregate: AggregateNode;
}

/** What a caller asks of a metric; names are checked by metric-request.ts before a plan is made. */
export interface PlanRequest {
  readonly by: readonly string[];
  readonly grain: Grain;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly where?: readonly { readonly dimension: string; readonly value: string | boolean }[] | undefined;
}

const column = (name: string): ColumnNode => ({ kind: "column", name });

/** Builds the query tree of one metric for one request. */
export function planMetricQuery(metric: Metric, request: PlanRequest): MetricQueryNode {
  const time = column(metric.time_dimension);
  const where: PredicateNode[] = [{ kind: "not_null", column: time }];
  if (metric.filter !== undefined) where.push({ kind: "sql_predicate", sql: metric.filter });
  for (const w of request.where ?? [])
    where.push({ kind: "equals", column: column(w.dimension), value: w.value });
  if (request.from !== undefined) where.push({ kind: "on_or_after", column: time, date: request.from });
  if (request.to !== undefined) where.push({ kind: "on_or_before", column: time, date: request.to });
  const node: MetricQueryNode = {
    kind: "metric_query",
    metric: metric.name,
    from: { kind: "table", name: metric.model },
    period: { kind: "time_bucket", column: time, grain: request.grain },
    dimensions: Object.freeze(request.by.map(column)),
    where: Object.freeze(where),
    aggregate: planAggregate(metric),
  };
  return Object.freeze(node);
}

function planAggregate(metric: Metric): AggregateNode {
  const operand: SqlExpressionNode = { kind: "sql_expression", sql: metric.expr };
  switch (metric.agg) {
    case "count":
      return { kind: "count", operand, distinct: false };
    case "count_distinct":
      return { kind: "count", operand, distinct: true };
    case "sum":
      return { kind: "basic_aggregate", fn: "sum", operand };
    case "average":
      return { kind: "basic_aggregate", fn: "avg", operand };
    case "min":
      return { kind: "basic_aggregate", fn: "min", operand };
    case "max":
      return { kind: "basic_aggregate", fn: "max", operand };
    case "median":
      return {
        kind: "percentile",
        operand,
        fraction: 0.5,
        discrete: metric.agg_params?.use_discrete_percentile ?? false,
      };
    case "percentile":
      return {
        kind: "percentile",
        operand,
        // The schema requires it for percentile; the fallback only satisfies the type checker.
        fraction: metric.agg_params?.percentile ?? 0.5,
        discrete: metric.agg_params?.use_discrete_percentile ?? false,
      };
  }
}
