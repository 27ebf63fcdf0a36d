/**
 * Checks the SQL inside metrics.yaml (`expr`, `filter`) before it meets the warehouse: DuckDB binds each one
 * against an empty in-memory table with exactly the model's contract columns. A misspelt column, an expression
 * that is not a number, or a filter that is not true/false is then reported with the line it is on, by
 * `yardstick metrics check`, instead of failing the nightly run.
 */
import { InputError, type InputProblem } from "../core/errors.ts";
import { type Db, withDb } from "../warehouse/duckdb.ts";
import { compileMetricQuery } from "./metric-compiler.ts";
import { planMetricQuery } from "./metric-ir.ts";
import type { Metric, MetricsFile } from "./metrics-file.ts";
import { createTableSql, findModel } from "./warehouse-contract.ts";

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const NEEDS_NUMBER = new Set(["sum", "average", "min", "max", "median", "percentile"]);

/** Throws an InputError listing every `expr`/`filter` that DuckDB cannot bind or that has the wrong type. */
export async function checkMetricSql(file: MetricsFile): Promise<void> {
  const problems = await withDb(":memory:", "read_write", async (db) => {
    const models = new Set(file.metrics.map((m) => m.model));
    for (const name of models) {
      const model = findModel(name);
      if (model) await db.run(createTableSql(model));
    }
    const found: InputProblem[] = [];
    for (const [i, metric] of file.metrics.entries()) found.push(...(await checkMetric(db, file, metric, i)));
    return found;
  });
  if (problems.length > 0)
    throw new InputError(`metrics file ${file.file} has SQL that does not fit the warehouse`, problems);
}

async function checkMetric(db: Db, file: MetricsFile, metric: Metric, i: number): Promise<InputProblem[]> {
  const problem = (field: "expr" | "filter", message: string): InputProblem => ({
    field: `metrics[${i}].${field}`,
    message,
    position: file.positionOf(["metrics", i, field]),
  });
  const problems: InputProblem[] = [];
  const exprType = await typeOf(db, metric.model, metric.expr);
  if ("error" in exprType)
    problems.push(problem("expr", `is not valid over ${metric.model}: ${exprType.error}`));
  else if (NEEDS_NUMBER.has(metric.agg) && !NUMERIC.test(exprType.type)) {
    problems.push(problem("expr", `must be a number for agg ${metric.agg}; it is ${exprType.type}`));
  }
  if (metric.filter !== undefined) {
    const filterType = await typeOf(db, metric.model, metric.filter);
    if ("error" in filterType)
      problems.push(problem("filter", `is not valid over ${metric.model}: ${filterType.error}`));
    else if (filterType.type !== "BOOLEAN") {
      problems.push(problem("filter", `must be true or false (a condition); it is ${filterType.type}`));
    }
  }
  if (problems.length > 0) return problems;
  // The whole query, sliced by every allowed dimension, catches what only shows in context (e.g. an
  // aggregate inside expr, which would nest aggregates).
  const { sql, parameters } = compileMetricQuery(
    planMetricQuery(metric, { by: metric.dimensions, grain: "week" }),
  );
  try {
    await db.all(`describe ${sql}`, [...parameters]);
  } catch (error) {
    problems.push(problem("expr", `does not aggregate with ${metric.agg}: ${firstLine(error)}`));
  }
  return problems;
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
