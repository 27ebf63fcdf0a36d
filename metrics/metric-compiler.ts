/**
 * Compiles a metric query tree (metric-ir.ts) to DuckDB SQL with kysely: one visitor, one method per node kind.
 *
 * kysely is used only to BUILD the SQL (`compile()`), with kysely-duckdb's query compiler (DuckDB quoting,
 * `?` placeholders) and a driver that can never connect. The SQL then runs through warehouse/duckdb.ts, which
 * keeps the read-only open and close discipline in one place and returns JSON-safe rows; running through
 * kysely-duckdb's driver would bring its verified pitfalls (bigint values, dates shifted by the local time zone,
 * an empty result for a single column aliased `count`, and `destroy()` closing a shared instance).
 *
 * Request values (dates, dimension values) become bound parameters; identifiers (model, columns) were checked
 * against the warehouse contract and are quoted with `sql.ref`/`sql.table`; `expr` and `filter` are SQL from
 * the reviewed metrics.yaml and are pasted, parenthesised, as written.
 */
import { type Dialect, DummyDriver, Kysely, type RawBuilder, sql } from "kysely";
import { DuckDbDialect } from "kysely-duckdb";
import type {
  AggregateNode,
  ColumnNode,
  DerivedQueryNode,
  FilteredAggregateNode,
  MetricQueryNode,
  OperandNode,
  PeopleNode,
  PredicateNode,
  QueryNode,
  RatioQueryNode,
  TableNode,
  TimeBucketNode,
} from "./metric-ir.ts";

export interface CompiledMetricSql {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * The columns of every compiled metric query, besides one column per dimension (named after it); a ratio
 * adds `numerator` and `denominator`.
 */
export interface MetricSqlRow {
  period: string;
  value: number | null;
  n: number;
  suppressed: boolean;
  numerator?: number | null;
  denominator?: number | null;
}

// kysely-duckdb's type declarations are CommonJS and name kysely's CommonJS types, which TypeScript treats as
// distinct from the ESM ones this file imports; at run time both are the same ESM kysely.
const duckdb = new DuckDbDialect({
  database: () => Promise.reject(new Error("the metric compiler only builds SQL; it never connects")),
}) as unknown as Dialect;

// biome-ignore lint/suspicious/noExplicitAny: the tables are dynamic; columns are checked against the contract.
const builder = new Kysely<any>({
  dialect: {
    createAdapter: () => duckdb.createAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => duckdb.createIntrospector(db),
    createQueryCompiler: () => duckdb.createQueryCompiler(),
  },
});

/** SQL and parameters for one query tree, e.g. `compileMetricQuery(planQuery(metric, request))`. */
export function compileMetricQuery(node: QueryNode): CompiledMetricSql {
  const compiled = visitQuery(node).compile(builder);
  return { sql: compiled.sql, parameters: compiled.parameters };
}

function visitQuery(node: QueryNode) {
  switch (node.kind) {
    case "metric_query":
      return visitMetricQuery(node);
    case "ratio_query":
      return visitRatioQuery(node);
    case "derived_query":
      return visitDerivedQuery(node);
  }
}

function visitMetricQuery(node: MetricQueryNode) {
  const bucket = visitTimeBucket(node.period);
  const value =
    node.aggregate.kind === "list"
      ? visitAggregate(node.aggregate)
      : sql`(${visitAggregate(node.aggregate)})::DOUBLE`;
  let query = builder
    .selectFrom(visitTable(node.from))
    .select([
      sql<string>`strftime(${bucket}, '%Y-%m-%d')`.as("period"),
      ...node.dimensions.map((d) => visitColumn(d).as(d.name)),
      value.as("value"),
      sql<number>`(${visitFilteredAggregate(node.sampleSize)})::INTEGER`.as("n"),
      visitPeople(node.people).as("suppressed"),
    ]);
  for (const predicate of node.where) query = query.where(visitPredicate(predicate));
  return query
    .groupBy([bucket, ...node.dimensions.map(visitColumn)])
    .orderBy(sql.ref("period"))
    .$call((q) => node.dimensions.reduce((acc, d) => acc.orderBy(sql.ref(d.name)), q));
}

// One pass over the model: both sides are aggregates over the same rows, each with its own FILTER, so the
// value is sum-level numerator ÷ denominator per group (never an average of per-row ratios).
function visitRatioQuery(node: RatioQueryNode) {
  const bucket = visitTimeBucket(node.period);
  const numerator = sql<number | null>`(${visitFilteredAggregate(node.numerator)})::DOUBLE`;
  const denominator = sql<number | null>`(${visitFilteredAggregate(node.denominator)})::DOUBLE`;
  const n = sql<number>`${visitFilteredAggregate(node.sampleSize)}`;
  let query = builder
    .selectFrom(visitTable(node.from))
    .select([
      sql<string>`strftime(${bucket}, '%Y-%m-%d')`.as("period"),
      ...node.dimensions.map((d) => visitColumn(d).as(d.name)),
      sql<number | null>`${numerator} / nullif(${denominator}, 0)`.as("value"),
      sql<number>`(${n})::INTEGER`.as("n"),
      visitPeople(node.people).as("suppressed"),
      numerator.as("numerator"),
      denominator.as("denominator"),
    ]);
  for (const predicate of node.where) query = query.where(visitPredicate(predicate));
  return query
    .groupBy([bucket, ...node.dimensions.map(visitColumn)])
    .having(sql<boolean>`${n} > 0`)
    .orderBy(sql.ref("period"))
    .$call((q) => node.dimensions.reduce((acc, d) => acc.orderBy(sql.ref(d.name)), q));
}

// Each input is its own query (a CTE); the groups are the union of the inputs' groups, each input joined on
// period and dimension values (null matches null). An input below its own min_sample counts as no value.
function visitDerivedQuery(node: DerivedQueryNode): RawBuilder<unknown> {
  const dims = node.dimensions.map((d) => d.name);
  const cte = (i: number) => sql.id(`__input_${i}`);
  const inputs = node.inputs.map((input, i) => sql`${cte(i)} as (${visitQuery(input.query)})`);
  const keyColumns = sql.join([sql.ref("period"), ...dims.map((d) => sql.ref(d))]);
  const keys = sql.join(
    node.inputs.map((_, i) => sql`select ${keyColumns} from ${cte(i)}`),
    sql` union `,
  );
  const joins = node.inputs.map((_, i) => {
    const on = ["period", ...dims].map(
      (c) => sql`${cte(i)}.${sql.id(c)} is not distinct from k.${sql.id(c)}`,
    );
    return sql`left join ${cte(i)} on ${sql.join(on, sql` and `)}`;
  });
  const values = node.inputs.map((input, i) => {
    const value = sql`${cte(i)}."value"`;
    const kept =
      input.minSample === undefined
        ? value
        : sql`case when ${cte(i)}."n" >= ${sql.lit(input.minSample)} then ${value} end`;
    return sql`${kept} as ${sql.id(input.alias)}`;
  });
  const extras = node.inputs.map(
    (_, i) =>
      sql`${cte(i)}."n" as ${sql.id(`__n_${i}`)}, ${cte(i)}."suppressed" as ${sql.id(`__suppressed_${i}`)}`,
  );
  const day = sql`cast(k."period" as date)`;
  const periodDays = sql`date_diff('day', ${day}, ${day} + ${sql.raw(`interval 1 ${node.grain}`)})`;
  const kColumns = sql.join([sql`k."period"`, ...dims.map((d) => sql`k.${sql.id(d)}`)]);
  const n = sql.join(
    node.inputs.map((_, i) => sql`coalesce(${sql.id(`__n_${i}`)}, 0)`),
    sql`, `,
  );
  const suppressed = sql.join(
    node.inputs.map((_, i) => sql`coalesce(${sql.id(`__suppressed_${i}`)}, false)`),
    sql` or `,
  );
  const order = sql.join([sql.ref("period"), ...dims.map((d) => sql.ref(d))]);
  return sql`with ${sql.join(inputs)}, "__keys" as (${keys}), "__joined" as (select ${kColumns}, ${sql.join(values)}, ${sql.join(extras)}, ${periodDays} as "period_days" from "__keys" as k ${sql.join(joins, sql` `)}) select ${keyColumns}, ((${sql.raw(node.expression.sql)}))::DOUBLE as "value", least(${n})::INTEGER as "n", (${suppressed}) as "suppressed" from "__joined" order by ${order}`;
}

function visitTable(node: TableNode): string {
  return node.name;
}

function visitColumn(node: ColumnNode): RawBuilder<unknown> {
  return sql`${sql.ref(node.name)}`;
}

function visitOperand(node: OperandNode): RawBuilder<unknown> {
  switch (node.kind) {
    case "column":
      return visitColumn(node);
    case "sql_expression":
      return sql`${sql.raw(node.sql)}`;
  }
}

// date_trunc('week') starts weeks on Monday (ISO); the grain is one of a fixed list, so a literal is safe.
// With an origin, periods of the grain's length start there (time_bucket), e.g. a quarter from August 1st. The
// origin is a literal, not a parameter, so that the select and the group by hold one and the same expression;
// it is a checked YYYY-MM-DD date (metric-request.ts), and refused here otherwise.
function visitTimeBucket(node: TimeBucketNode): RawBuilder<unknown> {
  if (node.origin !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(node.origin))
      throw new Error(`origin must be YYYY-MM-DD: ${node.origin}`);
    return sql`time_bucket(${sql.raw(`interval 1 ${node.grain}`)}, ${visitColumn(node.column)}, ${sql.raw(`timestamp '${node.origin}'`)})`;
  }
  return sql`date_trunc(${sql.lit(node.grain)}, ${visitColumn(node.column)})`;
}

function visitPredicate(node: PredicateNode): RawBuilder<boolean> {
  switch (node.kind) {
    case "sql_predicate":
      return sql<boolean>`(${sql.raw(node.sql)})`;
    case "not_null":
      return sql<boolean>`${visitColumn(node.column)} is not null`;
    case "equals":
      return sql<boolean>`${visitColumn(node.column)} = ${node.value}`;
    case "on_or_after":
      return sql<boolean>`${visitColumn(node.column)} >= cast(${node.date} as date)`;
    case "on_or_before":
      return sql<boolean>`${visitColumn(node.column)} < cast(${node.date} as date) + interval 1 day`;
  }
}

function visitAggregate(node: AggregateNode): RawBuilder<unknown> {
  const operand = visitOperand(node.operand);
  switch (node.kind) {
    case "count":
      return node.distinct ? sql`count(distinct ${operand})` : sql`count(${operand})`;
    case "basic_aggregate":
      return sql`${sql.raw(node.fn)}(${operand})`;
    case "sum_boolean":
      return sql`count_if(${operand})`;
    case "percentile":
      return sql`${sql.raw(node.discrete ? "quantile_disc" : "quantile_cont")}(${operand}, ${sql.lit(node.fraction)})`;
    case "list":
      return sql`list({'v': (${operand})::DOUBLE, 'c': ${node.cluster ? visitColumn(node.cluster) : sql`null`}}) filter (where (${operand}) is not null)`;
  }
}

function visitFilteredAggregate(node: FilteredAggregateNode): RawBuilder<unknown> {
  const aggregate = visitAggregate(node.aggregate);
  if (node.where.length === 0) return aggregate;
  return sql`${aggregate} filter (where ${sql.join(node.where.map(visitPredicate), sql` and `)})`;
}

/** Whether a group involves between 1 and floor − 1 distinct people: then it is suppressed. */
function visitPeople(node: PeopleNode | undefined): RawBuilder<boolean> {
  if (node === undefined) return sql<boolean>`false`;
  const people = visitFilteredAggregate({
    kind: "filtered_aggregate",
    aggregate: { kind: "count", operand: node.person, distinct: true },
    where: node.where,
  });
  return sql<boolean>`(${people} between 1 and ${node.floor - 1})`;
}
