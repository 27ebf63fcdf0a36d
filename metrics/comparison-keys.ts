/**
 * The names and group keys of AI-against-unmarked comparisons, apart from the modules that compute them, so
 * that a command can format comparison rows without loading the SQL compiler or DuckDB (start-up time).
 */
export const CLASS_DIMENSION = "authorship_class";
export const BASELINE_CLASS = "unmarked";
/** The size buckets `metrics compare` repeats each comparison within. */
export const SIZE_DIMENSION = "size_bucket";

/**
 * The group a row belongs to: its period and its values of `dimensions`, with `overrides` in place of the
 * row's own (e.g. `{ authorship_class: "unmarked" }` for the row's baseline).
 */
export function groupKey(
  row: Readonly<Record<string, unknown>>,
  dimensions: readonly string[],
  overrides: Readonly<Record<string, unknown>> = {},
): string {
  return JSON.stringify([
    row.period,
    ...dimensions.map((d) => (d in overrides ? overrides[d] : (row[d] ?? null))),
  ]);
}
