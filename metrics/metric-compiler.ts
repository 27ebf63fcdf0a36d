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
  MetricQueryNode,
  OperandNode,
  PredicateNode,
  TableNode,
  TimeBucketNode,
} from "./metric-ir.ts";

export interface CompiledMetricSql {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** The columns of every compiled metric query, besides one column per dimension (named after it). */
export interface MetricSqlRow {
  period: string;
  value: number | null;
  n: number;
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

/** SQL and parameters for one metric query, e.g. `compileMetricQuery(planMetricQuery(metric, request))`. */
export function compileMetricQuery(node: MetricQueryNode): CompiledMetricSql {
  const compiled = visitMetricQuery(node).compile();
  return { sql: compiled.sql, parameters: compiled.parameters };
}

function visitMetricQuery(node: MetricQueryNode) {
  const bucket = visitTimeBucket(node.period);
  const aggregate = visitAggregate(node.aggregate);
  let query = builder
    .selectFrom(visitTable(node.from))
    .select([
      sql<string>`strftime(${bucket}, '%Y-%m-%d')`.as("period"),
      ...node.dimensions.map((d) => visitColumn(d).as(d.name)),
      sql<number | null>`(${aggregate})::DOUBLE`.as("value"),
      sql<number>`${visitSampleSize(node.aggregate)}::INTEGER`.as("n"),
    ]);
  for (const predicate of node.where) query = query.where(visitPredicate(predicate));
  return query
    .groupBy([bucket, ...node.dimensions.map(visitColumn)])
    .orderBy(sql.ref("period"))
    .$call((q) => node.dimensions.reduce((acc, d) => acc.orderBy(sql.ref(d.name)), q));
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
function visitTimeBucket(node: TimeBucketNode): RawBuilder<unknown> {
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
    case "percentile":
      return sql`${sql.raw(node.discrete ? "quantile_disc" : "quantile_cont")}(${operand}, ${sql.lit(node.fraction)})`;
  }
}

/** n: the rows the aggregate actually used (aggregates skip nulls, so the count of non-null operands). */
function visitSampleSize(node: AggregateNode): RawBuilder<unknown> {
  return sql`count(${visitOperand(node.operand)})`;
}
