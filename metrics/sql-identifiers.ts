/**
 * The names a SQL expression from metrics.yaml refers to, without a SQL parser: words outside string literals
 * that are not keywords and not function calls. Used to tell which contract columns a metric reads (they go
 * into its definition hash) and which inputs a derived metric's expression uses (an unknown one is an error
 * with its line, before any SQL runs). DuckDB still binds every expression in `metrics check`.
 */

const KEYWORDS = new Set([
  "and",
  "or",
  "not",
  "is",
  "null",
  "true",
  "false",
  "case",
  "when",
  "then",
  "else",
  "end",
  "in",
  "between",
  "like",
  "ilike",
  "as",
  "distinct",
  "interval",
  "day",
  "days",
  "hour",
  "hours",
  "minute",
  "minutes",
  "second",
  "seconds",
  "week",
  "weeks",
  "month",
  "months",
  "year",
  "years",
  "double",
  "integer",
  "bigint",
  "varchar",
  "boolean",
  "date",
  "timestamp",
  "from",
  "similar",
  "to",
  "escape",
]);

/** Identifiers referenced by `sql`, in order of first appearance, e.g. `["is_merged", "team"]`. */
export function referencedIdentifiers(sql: string): string[] {
  const withoutStrings = sql.replace(/'(?:[^']|'')*'/g, " ");
  const found: string[] = [];
  const pattern = /"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_]*)\b(\s*\()?/g;
  for (const match of withoutStrings.matchAll(pattern)) {
    const quoted = match[1];
    const word = match[2];
    let name: string | undefined;
    if (quoted !== undefined) name = quoted.replace(/""/g, '"');
    else if (word !== undefined && match[3] === undefined && !KEYWORDS.has(word.toLowerCase())) name = word;
    // A word directly after `::` is a type, not a column.
    if (name === undefined || withoutStrings.slice(0, match.index).trimEnd().endsWith("::")) continue;
    if (!found.includes(name)) found.push(name);
  }
  return found;
}
