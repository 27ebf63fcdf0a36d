/**
 * The typed intermediate form between metrics.yaml and SQL: read-only nodes tagged by `kind`. A definition plus
 * a request (slices, grain, date range, equality filters) becomes one query tree; metric-compiler.ts is the one
 * visitor that turns a tree into SQL. A new metric type is a new node kind and one visit method.
 *
 * Two kinds of text reach SQL, and the tree keeps them apart: `sql_expression`/`sql_predicate` hold SQL from
 * the reviewed metrics.yaml and mart contracts (pasted as written); everything that comes from a request is
 * either an identifier checked against the warehouse contract (`column`) or a value that becomes a bound
 * parameter.
 *
 * Every query tree yields the same columns: `period`, one per dimension, `value`, `n` (rows behind the value)
 * and `suppressed` (the group involves fewer distinct people than the privacy floor); a ratio adds its
 * `numerator` and `denominator`.
 */

import type { Grain } from "./metric-schema.ts";
import type { DerivedMetric, Metric, RatioMetric, RatioSide, SimpleMetric } from "./metrics-file.ts";
import { findModel } from "./warehouse-contract.ts";

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
  /** Periods start here (YYYY-MM-DD) instead of on calendar boundaries: a trailing quarter ending this month. */
  readonly origin?: string | undefined;
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

/** The number of rows where a boolean operand is true (false and null count 0). */
export interface SumBooleanNode {
  readonly kind: "sum_boolean";
  readonly operand: OperandNode;
}

/** Median and percentiles: continuous (interpolated, like PERCENTILE_CONT) unless `discrete`. */
export interface PercentileNode {
  readonly kind: "percentile";
  readonly operand: OperandNode;
  readonly fraction: number;
  readonly discrete: boolean;
}

/**
 * The operand's non-null values as a list of `{ v, c }` (value, cluster): the sample behind a value, for
 * bootstrap intervals resampled by cluster (the repository, when the model has one).
 */
export interface ListNode {
  readonly kind: "list";
  readonly operand: OperandNode;
  readonly cluster?: ColumnNode | undefined;
}

export type AggregateNode = CountNode | BasicAggregateNode | SumBooleanNode | PercentileNode | ListNode;

/** An aggregate over only the rows matching `where` (SQL's FILTER clause); every row when empty. */
export interface FilteredAggregateNode {
  readonly kind: "filtered_aggregate";
  readonly aggregate: AggregateNode;
  readonly where: readonly PredicateNode[];
}

/**
 * Distinct people behind a group, for the privacy floor: SQL from the mart contract naming the person of a
 * row; the floor is bound as a parameter.
 */
export interface PeopleNode {
  readonly kind: "people";
  readonly person: SqlExpressionNode;
  readonly floor: number;
  readonly where: readonly PredicateNode[];
}

/** One simple metric, sliced and bucketed: one output row per (period, dimension values) that has rows. */
export interface MetricQueryNode {
  readonly kind: "metric_query";
  readonly metric: string;
  readonly from: TableNode;
  readonly period: TimeBucketNode;
  readonly dimensions: readonly ColumnNode[];
  readonly where: readonly PredicateNode[];
  readonly aggregate: AggregateNode;
  /** n: the rows the aggregate used (its operand's non-null values). */
  readonly sampleSize: FilteredAggregateNode;
  readonly people?: PeopleNode | undefined;
}

/** A ratio: numerator and denominator aggregated separately over one model, per group, then divided. */
export interface RatioQueryNode {
  readonly kind: "ratio_query";
  readonly metric: string;
  readonly from: TableNode;
  readonly period: TimeBucketNode;
  readonly dimensions: readonly ColumnNode[];
  /** Rows either side may use: the time dimension set, the request's filters. */
  readonly where: readonly PredicateNode[];
  readonly numerator: FilteredAggregateNode;
  readonly denominator: FilteredAggregateNode;
  /** n: the denominator's rows. */
  readonly sampleSize: FilteredAggregateNode;
  readonly people?: PeopleNode | undefined;
}

/** An input of a derived metric: its own query, its name in the expression, its minimum sample. */
export interface DerivedInputNode {
  readonly kind: "derived_input";
  readonly alias: string;
  readonly query: QueryNode;
  readonly minSample?: number | undefined;
}

/** Arithmetic over other metrics' values, joined on period and dimension values. */
export interface DerivedQueryNode {
  readonly kind: "derived_query";
  readonly metric: string;
  readonly grain: Grain;
  readonly dimensions: readonly ColumnNode[];
  readonly inputs: readonly DerivedInputNode[];
  readonly expression: SqlExpressionNode;
}

export type QueryNode = MetricQueryNode | RatioQueryNode | DerivedQueryNode;

/** What a caller asks of a metric; names are checked by metric-request.ts before a plan is made. */
export interface PlanRequest {
  readonly by: readonly string[];
  readonly grain: Grain;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Where periods start (YYYY-MM-DD), when not on calendar boundaries: see TimeBucketNode. */
  readonly origin?: string | undefined;
  readonly where?: readonly { readonly dimension: string; readonly value: string | boolean }[] | undefined;
  /** metrics.yaml's privacy_floor; absent: no suppression. */
  readonly privacyFloor?: number | undefined;
}

const column = (name: string): ColumnNode => ({ kind: "column", name });
const sqlExpression = (sql: string): SqlExpressionNode => ({ kind: "sql_expression", sql });
const predicate = (sql: string): SqlPredicateNode => ({ kind: "sql_predicate", sql });

/** Builds the query tree of one metric (any type) for one request. */
export function planQuery(metric: Metric, request: PlanRequest): QueryNode {
  switch (metric.type) {
    case "simple":
      return planMetricQuery(metric, request);
    case "ratio":
      return planRatioQuery(metric, request);
    case "derived":
      return planDerivedQuery(metric, request);
  }
}

/** The query tree of a simple metric: its filter in WHERE, one aggregate per group. */
export function planMetricQuery(metric: SimpleMetric, request: PlanRequest): MetricQueryNode {
  const operand = sqlExpression(metric.expr);
  const node: MetricQueryNode = {
    kind: "metric_query",
    metric: metric.name,
    from: { kind: "table", name: metric.model },
    period: {
      kind: "time_bucket",
      column: column(metric.time_dimension),
      grain: request.grain,
      origin: request.origin,
    },
    dimensions: Object.freeze(request.by.map(column)),
    where: Object.freeze([
      ...requestPredicates(metric.time_dimension, request),
      ...(metric.filter !== undefined ? [predicate(metric.filter)] : []),
    ]),
    aggregate: planAggregate(metric),
    sampleSize: {
      kind: "filtered_aggregate",
      aggregate: { kind: "count", operand, distinct: false },
      where: [],
    },
    people: planPeople(metric.model, request, []),
  };
  return Object.freeze(node);
}

/**
 * The rows behind a simple metric's value, per group, as a list (the `value` column holds the list): what a
 * bootstrap resamples. Same filters and groups as planMetricQuery.
 */
export function planSampleQuery(metric: SimpleMetric, request: PlanRequest): MetricQueryNode {
  const node = planMetricQuery(metric, request);
  const cluster = findModel(metric.model)?.columns.repository ? column("repository") : undefined;
  const aggregate: ListNode = { kind: "list", operand: sqlExpression(metric.expr), cluster };
  return Object.freeze({ ...node, aggregate });
}

function planRatioQuery(metric: RatioMetric, request: PlanRequest): RatioQueryNode {
  // Conditions both sides share filter the rows once (a row failing one counts on neither side); each side's
  // FILTER keeps only its own.
  const numeratorWhere = sidePredicates(metric.sides.numerator);
  const denominatorWhere = sidePredicates(metric.sides.denominator);
  const shared = numeratorWhere.filter((p) => denominatorWhere.some((q) => q.sql === p.sql));
  const own = (where: SqlPredicateNode[]) => where.filter((p) => !shared.some((q) => q.sql === p.sql));
  const side = (s: RatioSide, where: SqlPredicateNode[]): FilteredAggregateNode => ({
    kind: "filtered_aggregate",
    aggregate: planAggregate(s.metric),
    where: own(where),
  });
  const denominator = side(metric.sides.denominator, denominatorWhere);
  const denominatorOperand = sqlExpression(metric.sides.denominator.metric.expr);
  const node: RatioQueryNode = {
    kind: "ratio_query",
    metric: metric.name,
    from: { kind: "table", name: metric.model },
    period: {
      kind: "time_bucket",
      column: column(metric.time_dimension),
      grain: request.grain,
      origin: request.origin,
    },
    dimensions: Object.freeze(request.by.map(column)),
    where: Object.freeze([...requestPredicates(metric.time_dimension, request), ...shared]),
    numerator: side(metric.sides.numerator, numeratorWhere),
    denominator,
    sampleSize: {
      kind: "filtered_aggregate",
      aggregate: { kind: "count", operand: denominatorOperand, distinct: false },
      where: denominator.where,
    },
    people: planPeople(metric.model, request, denominator.where),
  };
  return Object.freeze(node);
}

function planDerivedQuery(metric: DerivedMetric, request: PlanRequest): DerivedQueryNode {
  const node: DerivedQueryNode = {
    kind: "derived_query",
    metric: metric.name,
    grain: request.grain,
    dimensions: Object.freeze(request.by.map(column)),
    inputs: Object.freeze(
      metric.inputs.map((input) => ({
        kind: "derived_input" as const,
        alias: input.alias,
        query: planQuery(input.metric, request),
        minSample: input.metric.min_sample,
      })),
    ),
    expression: sqlExpression(metric.expr),
  };
  return Object.freeze(node);
}

function sidePredicates(side: RatioSide): SqlPredicateNode[] {
  return [
    ...(side.metric.filter !== undefined ? [predicate(side.metric.filter)] : []),
    ...(side.filter !== undefined ? [predicate(side.filter)] : []),
  ];
}

function requestPredicates(timeDimension: string, request: PlanRequest): PredicateNode[] {
  const time = column(timeDimension);
  const where: PredicateNode[] = [{ kind: "not_null", column: time }];
  for (const w of request.where ?? [])
    where.push({ kind: "equals", column: column(w.dimension), value: w.value });
  if (request.from !== undefined) where.push({ kind: "on_or_after", column: time, date: request.from });
  if (request.to !== undefined) where.push({ kind: "on_or_before", column: time, date: request.to });
  return where;
}

function planPeople(
  model: string,
  request: PlanRequest,
  where: readonly PredicateNode[],
): PeopleNode | undefined {
  const person = findModel(model)?.person;
  if (person === undefined || request.privacyFloor === undefined || request.privacyFloor <= 1)
    return undefined;
  return { kind: "people", person: sqlExpression(person), floor: request.privacyFloor, where };
}

function planAggregate(metric: SimpleMetric): AggregateNode {
  const operand: SqlExpressionNode = sqlExpression(metric.expr);
  switch (metric.agg) {
    case "count":
      return { kind: "count", operand, distinct: false };
    case "count_distinct":
      return { kind: "count", operand, distinct: true };
    case "sum":
      return { kind: "basic_aggregate", fn: "sum", operand };
    case "sum_boolean":
      return { kind: "sum_boolean", operand };
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
