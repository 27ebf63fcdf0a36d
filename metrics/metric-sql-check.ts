/**
 * Checks the SQL inside metrics.yaml (`expr`, `filter`, a ratio's side filters, a derived metric's expression)
 * before it meets the warehouse: DuckDB binds each one against empty in-memory tables with exactly the models'
 * contract columns. A misspelt column, an expression that is not a number, or a filter that is not true/false
 * is then reported with the line it is on, by `yardstick metrics check`, instead of failing the nightly run.
 * Given a warehouse, every compiled query is also dry-run there (DESCRIBE, read-only: nothing is computed).
 * Before any of that, each piece of SQL must be a plain expression (metric-sql-sandbox.ts): a table function,
 * file access or a subquery is reported with its line and never reaches the binder. Both databases are opened
 * sandboxed, so even binding cannot read a file.
 */
import { existsSync } from "node:fs";
import { InputError, type InputProblem } from "../core/errors.ts";
import { type Db, withDb } from "../warehouse/duckdb.ts";
import { compileMetricQuery } from "./metric-compiler.ts";
import { planQuery } from "./metric-ir.ts";
import { sandboxViolations } from "./metric-sql-sandbox.ts";
import { loadMetricsFile, type Metric, type MetricsFile } from "./metrics-file.ts";
import { createTableSql, findModel } from "./warehouse-contract.ts";

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const NEEDS_NUMBER = new Set(["sum", "average", "min", "max", "median", "percentile"]);

export interface SqlCheckResult {
  /** Queries dry-run against the warehouse (0 when none was given or it does not exist yet). */
  dryRun: number;
}

/**
 * Throws an InputError listing every `expr`/`filter` that DuckDB cannot bind or that has the wrong type; with
 * `warehousePath` (when the file exists), also every compiled query the warehouse cannot bind.
 */
export async function checkMetricSql(file: MetricsFile, warehousePath?: string): Promise<SqlCheckResult> {
  const problems = await withDb(":memory:", "sandboxed", async (db) => {
    const models = new Set(file.metrics.flatMap((m) => m.models));
    for (const name of models) {
      const model = findModel(name);
      if (model) await db.run(createTableSql(model));
    }
    // Every piece of SQL in the file is parsed in one round trip; none is bound before it passes.
    const fields = file.metrics.map(sqlFields);
    const verdicts = await sandboxViolations(
      db,
      fields.flat().map(([, sql]) => sql),
    );
    let next = 0;
    const violations = fields.map((list) => list.map(([field]) => ({ field, violation: verdicts[next++] })));
    const found: InputProblem[] = [];
    for (const [i, metric] of file.metrics.entries())
      found.push(...(await checkMetric(db, file, metric, i, violations[i] ?? [])));
    return found;
  });
  if (problems.length > 0)
    throw new InputError(`metrics file ${file.file} has SQL that does not fit the warehouse`, problems);
  if (warehousePath === undefined || !existsSync(warehousePath)) return { dryRun: 0 };
  const dryRunProblems = await withDb(warehousePath, "sandboxed", async (db) => {
    const found: InputProblem[] = [];
    for (const [i, metric] of file.metrics.entries()) {
      const error = await describeError(db, metric);
      if (error)
        found.push({
          field: `metrics[${i}]`,
          message: `${metric.name} does not run on the warehouse ${warehousePath}: ${error}`,
          position: file.positionOf(["metrics", i, "name"]),
        });
    }
    return found;
  });
  if (dryRunProblems.length > 0)
    throw new InputError(`metrics file ${file.file} does not fit the warehouse`, dryRunProblems);
  return { dryRun: file.metrics.length };
}

/**
 * Loads metrics.yaml and checks its SQL against the warehouse contract: what every command that writes
 * (extract, build, dashboards, run, schedule) does first, so a bad file changes nothing.
 */
export async function loadCheckedMetricsFile(file: string): Promise<MetricsFile> {
  const metrics = loadMetricsFile(file);
  await checkMetricSql(metrics);
  return metrics;
}

async function checkMetric(
  db: Db,
  file: MetricsFile,
  metric: Metric,
  i: number,
  violations: readonly { field: readonly (string | number)[]; violation: string | undefined }[],
): Promise<InputProblem[]> {
  const problem = (field: readonly (string | number)[], message: string): InputProblem => ({
    field: `metrics[${i}].${field.join(".")}`,
    message,
    position: file.positionOf(["metrics", i, ...field]),
  });
  const problems: InputProblem[] = [];
  // No piece of SQL is bound until every piece of this metric is a plain expression.
  for (const { field, violation } of violations) {
    if (violation)
      problems.push(
        problem(
          field,
          `${metric.name} ${violation}; expr and filter may use only the model's columns, constants, operators and scalar or aggregate functions`,
        ),
      );
  }
  if (problems.length > 0) return problems;
  const condition = async (field: readonly (string | number)[], model: string, sql: string | undefined) => {
    if (sql === undefined) return;
    const type = await typeOf(db, model, sql);
    if ("error" in type) problems.push(problem(field, `is not valid over ${model}: ${type.error}`));
    else if (type.type !== "BOOLEAN")
      problems.push(problem(field, `must be true or false (a condition); it is ${type.type}`));
  };
  if (metric.type === "simple") {
    const exprType = await typeOf(db, metric.model, metric.expr);
    if ("error" in exprType)
      problems.push(problem(["expr"], `is not valid over ${metric.model}: ${exprType.error}`));
    else if (NEEDS_NUMBER.has(metric.agg) && !NUMERIC.test(exprType.type)) {
      problems.push(problem(["expr"], `must be a number for agg ${metric.agg}; it is ${exprType.type}`));
    } else if (metric.agg === "sum_boolean" && exprType.type !== "BOOLEAN") {
      problems.push(problem(["expr"], `must be true or false for agg sum_boolean; it is ${exprType.type}`));
    }
    await condition(["filter"], metric.model, metric.filter);
  }
  if (metric.type === "ratio") {
    for (const side of ["numerator", "denominator"] as const) {
      if (typeof metric[side] !== "string")
        await condition([side, "filter"], metric.model, metric.sides[side].filter);
    }
  }
  if (metric.type === "derived") {
    // The expression over stand-ins for its inputs' values: it must bind and be a number.
    const inputs = metric.inputs.map((input) => `1.0::DOUBLE as "${input.alias}"`).join(", ");
    try {
      const rows = await db.all<{ column_type: string }>(
        `describe select (${metric.expr}) as v from (select ${inputs}, 7 as period_days)`,
      );
      const type = rows[0]?.column_type ?? "unknown";
      if (!NUMERIC.test(type)) problems.push(problem(["expr"], `must be a number; it is ${type}`));
    } catch (error) {
      problems.push(problem(["expr"], `is not valid arithmetic over its inputs: ${firstLine(error)}`));
    }
  }
  if (problems.length > 0) return problems;
  // The whole query, sliced by every allowed dimension, catches what only shows in context (e.g. an
  // aggregate inside expr, which would nest aggregates, or a derived expression that is not arithmetic).
  const error = await describeError(db, metric);
  if (error) {
    const field = metric.type === "ratio" ? "denominator" : "expr";
    const what = metric.type === "simple" ? `does not aggregate with ${metric.agg}` : "does not compile";
    problems.push(problem([field], `${what}: ${error}`));
  }
  return problems;
}

/** Every piece of SQL a metric carries, with the path of its field. */
function sqlFields(metric: Metric): [readonly (string | number)[], string][] {
  switch (metric.type) {
    case "simple":
      return [
        [["expr"], metric.expr],
        ...(metric.filter === undefined ? [] : [[["filter"], metric.filter] as [string[], string]]),
      ];
    case "ratio":
      return (["numerator", "denominator"] as const).flatMap((side) => {
        const filter = metric.sides[side].filter;
        return typeof metric[side] === "string" || filter === undefined
          ? []
          : [[[side, "filter"], filter] as [string[], string]];
      });
    case "derived":
      return [[["expr"], metric.expr]];
  }
}

async function describeError(db: Db, metric: Metric): Promise<string | undefined> {
  const { sql, parameters } = compileMetricQuery(
    planQuery(metric, { by: metric.dimensions, grain: "week", privacyFloor: 5 }),
  );
  try {
    await db.all(`describe ${sql}`, [...parameters]);
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

async function typeOf(
  db: Db,
  model: string,
  expression: string,
): Promise<{ type: string } | { error: string }> {
  try {
    const rows = await db.all<{ column_type: string }>(
      `describe select (${expression}) as v from "${model}"`,
    );
    return { type: rows[0]?.column_type ?? "unknown" };
  } catch (error) {
    return { error: firstLine(error) };
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
