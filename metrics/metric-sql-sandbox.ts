/**
 * What SQL from metrics.yaml may contain: one expression over the model's columns, made of constants,
 * operators, CASE, casts and scalar or aggregate functions. Never a table function (read_csv, read_text, glob,
 * query, …, which read files or whole tables), a subquery, a parameter placeholder, or settings and sequences.
 *
 * DuckDB's own parser decides what the text is (`json_serialize_sql` returns the parse tree), so quoting,
 * nesting and unusual spellings cannot hide a call; the tree is then walked node by node. `metrics check`
 * reports what this finds with the line it is on. It is the first of two layers: evaluation runs on a
 * sandboxed connection (warehouse/duckdb.ts) that refuses file access whatever the SQL says.
 */
import type { Db } from "../warehouse/duckdb.ts";

/** Expression kinds an expression may be built from (DuckDB parse-tree classes). */
const ALLOWED_CLASSES = new Set([
  "COLUMN_REF",
  "CONSTANT",
  "FUNCTION",
  "OPERATOR",
  "COMPARISON",
  "CONJUNCTION",
  "CASE",
  "CAST",
  "BETWEEN",
  "LAMBDA",
  "COLLATE",
  "WINDOW",
]);

/** Scalar functions that reach past the row: settings (paths, the home folder), variables, sequences, the seed. */
const DENIED_SCALARS = new Set(["current_setting", "getvariable", "nextval", "currval", "setseed"]);

/** Query-tree nodes that read a relation: a table, a table function, a join, a subquery. */
const RELATIONS = new Set(["BASE_TABLE", "TABLE_FUNCTION", "JOIN", "SUBQUERY", "EXPRESSION_LIST", "PIVOT"]);

type Tree = Record<string, unknown>;

interface FunctionCatalog {
  /** Names DuckDB knows as scalar, aggregate or macro functions. */
  scalar: ReadonlySet<string>;
  /** Names DuckDB knows as table functions, table macros or pragmas. */
  table: ReadonlySet<string>;
}

// Built-in functions are the same on every connection of this DuckDB build: read the catalog once.
let catalog: Promise<FunctionCatalog> | undefined;

function functionCatalog(db: Db): Promise<FunctionCatalog> {
  catalog ??= db
    .all<{ name: string; type: string }>(
      "select distinct lower(function_name) as name, function_type as type from duckdb_functions()",
    )
    .then((rows) => ({
      scalar: new Set(
        rows.filter((r) => ["scalar", "aggregate", "macro"].includes(r.type)).map((r) => r.name),
      ),
      table: new Set(
        rows.filter((r) => ["table", "table_macro", "pragma"].includes(r.type)).map((r) => r.name),
      ),
    }))
    .catch((error: unknown) => {
      catalog = undefined;
      throw error;
    });
  return catalog;
}

/**
 * Why `sql` may not stand in metrics.yaml, or undefined when it may, e.g.
 * `sandboxViolation(db, "(select count(*) from read_text('/etc/passwd'))")` →
 * `"calls read_text(), a table function …"`. Whether the expression binds and has the right type is
 * checked afterwards, by DuckDB, in metric-sql-check.ts.
 */
export async function sandboxViolation(db: Db, sql: string): Promise<string | undefined> {
  return (await sandboxViolations(db, [sql]))[0];
}

/** sandboxViolation for many pieces of SQL at once (one round trip to DuckDB), in their order. */
export async function sandboxViolations(db: Db, sqls: readonly string[]): Promise<(string | undefined)[]> {
  if (sqls.length === 0) return [];
  // The compiler pastes the text inside parentheses with more SQL after it on the same line: parsed the same way
  // here, text that closes the parentheses early shows up as a clause of its own, and a trailing comment eats
  // the rest. The same text inside brackets must parse too: `a) + (b` balances in one, never in both.
  const statements = sqls.flatMap((sql) => [`select (${sql}) as v`, `select [${sql}] as v`]);
  const trees = await parseAll(db, statements);
  const functions = await functionCatalog(db);
  return sqls.map((_, i) => {
    const round = trees[2 * i];
    const square = trees[2 * i + 1];
    if (!round || "error" in round)
      return `is not one SQL expression: ${round?.error ?? "it does not parse"}`;
    const problem = calledFunctionProblem(round.tree, functions) ?? relationProblem(round.tree);
    if (problem) return problem;
    if (!square || "error" in square || !isSingleExpression(round.tree, "v") || !isOneListItem(square.tree))
      return "is not one SQL expression: it closes its parentheses early or adds a clause of its own";
    return classProblem(round.tree);
  });
}

/** DuckDB's parse tree of each statement (parsed, never run), or its parser error. */
async function parseAll(
  db: Db,
  statements: readonly string[],
): Promise<({ tree: Tree } | { error: string })[]> {
  const values = statements.map((_, i) => `(${i}, ?::VARCHAR)`).join(", ");
  const rows = await db.all<{ j: string }>(
    `select json_serialize_sql(s) as j from (values ${values}) as t(i, s) order by i`,
    [...statements],
  );
  return rows.map((row) => {
    const tree = JSON.parse(row.j) as Tree;
    return tree.error === true ? { error: String(tree.error_message ?? "it does not parse") } : { tree };
  });
}

/** Every object in the tree, depth first. */
function* nodes(value: unknown): Generator<Tree> {
  if (Array.isArray(value)) {
    for (const item of value) yield* nodes(item);
  } else if (value !== null && typeof value === "object") {
    yield value as Tree;
    for (const child of Object.values(value)) yield* nodes(child);
  }
}

function calledFunctionProblem(tree: Tree, catalog: FunctionCatalog): string | undefined {
  for (const node of nodes(tree)) {
    if (node.class !== "FUNCTION" && node.class !== "WINDOW") continue;
    const name = String(node.function_name ?? "").toLowerCase();
    if (typeof node.catalog === "string" && node.catalog !== "")
      return `calls ${node.catalog}.${node.schema ? `${String(node.schema)}.` : ""}${name}(), a function of another database`;
    if (DENIED_SCALARS.has(name)) return `calls ${name}(), which reads settings, variables or sequences`;
    if (catalog.table.has(name) && !catalog.scalar.has(name))
      return `calls ${name}(), a table function (table functions read files or whole tables)`;
  }
  return undefined;
}

function relationProblem(tree: Tree): string | undefined {
  for (const node of nodes(tree)) {
    if (node.class === "SUBQUERY") return "contains a subquery (select …)";
    if (typeof node.type === "string" && RELATIONS.has(node.type) && node.class === undefined)
      return node.type === "BASE_TABLE"
        ? `reads the table ${String(node.table_name)}`
        : "reads a relation other than the metric's model";
  }
  return undefined;
}

function classProblem(tree: Tree): string | undefined {
  for (const node of nodes(selectList(tree))) {
    if (typeof node.class !== "string" || ALLOWED_CLASSES.has(node.class)) continue;
    switch (node.class) {
      case "PARAMETER":
        return "has a parameter placeholder (? or $name)";
      case "STAR":
        return "picks columns by pattern (* or COLUMNS(…)); name each column";
      default:
        return `uses ${node.class.toLowerCase().replace(/_/g, " ")}, which is not allowed in a metric expression`;
    }
  }
  return undefined;
}

function selectNode(tree: Tree): Tree | undefined {
  const statements = tree.statements;
  if (!Array.isArray(statements) || statements.length !== 1) return undefined;
  const node = (statements[0] as Tree).node as Tree | undefined;
  return node?.type === "SELECT_NODE" ? node : undefined;
}

function selectList(tree: Tree): unknown[] {
  const list = selectNode(tree)?.select_list;
  return Array.isArray(list) ? list : [];
}

const isEmpty = (value: unknown) =>
  value === null ||
  value === undefined ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" &&
    Array.isArray((value as Tree).map) &&
    ((value as Tree).map as []).length === 0);

/** `select <one expression> as <alias>` and nothing else: no FROM, WHERE, GROUP BY, DISTINCT, WITH, … */
function isSingleExpression(tree: Tree, alias: string): boolean {
  const node = selectNode(tree);
  if (!node) return false;
  const list = node.select_list as Tree[] | undefined;
  return (
    Array.isArray(list) &&
    list.length === 1 &&
    list[0]?.alias === alias &&
    (node.from_table as Tree | undefined)?.type === "EMPTY" &&
    [
      "modifiers",
      "cte_map",
      "where_clause",
      "group_expressions",
      "group_sets",
      "having",
      "sample",
      "qualify",
    ].every((key) => isEmpty(node[key]))
  );
}

/** `select [<one expression>] as v`: one list with one item. */
function isOneListItem(tree: Tree): boolean {
  if (!isSingleExpression(tree, "v")) return false;
  const item = selectList(tree)[0] as Tree;
  return (
    item.class === "FUNCTION" &&
    item.function_name === "list_value" &&
    (item.children as unknown[]).length === 1
  );
}
