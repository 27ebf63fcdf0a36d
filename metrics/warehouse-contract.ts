/**
 * The columns the metrics engine may rely on, per warehouse model, copied from the enforced dbt contract of
 * each mart. metrics.yaml is checked against this list at load time, so a typo in a dimension or a time
 * dimension is reported with its line before any SQL runs. When a mart's contract changes, change it here too.
 */

export type ColumnType = "varchar" | "integer" | "double" | "boolean" | "timestamp";

export interface ModelContract {
  readonly name: string;
  readonly grain: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
}

const fctPullRequests: ModelContract = {
  name: "fct_pull_requests",
  grain: "one row per pull request",
  columns: {
    pull_request_id: "varchar",
    repository: "varchar",
    number: "integer",
    title: "varchar",
    url: "varchar",
    author_login: "varchar",
    author_type: "varchar",
    team: "varchar",
    state: "varchar",
    is_draft: "boolean",
    created_at: "timestamp",
    closed_at: "timestamp",
    merged_at: "timestamp",
    is_merged: "boolean",
    time_to_merge_hours: "double",
    additions: "integer",
    deletions: "integer",
    commit_count: "integer",
    review_count: "integer",
    extracted_at: "timestamp",
  },
};

export const WAREHOUSE_MODELS: Readonly<Record<string, ModelContract>> = {
  [fctPullRequests.name]: fctPullRequests,
};

export function findModel(name: string): ModelContract | undefined {
  return Object.hasOwn(WAREHOUSE_MODELS, name) ? WAREHOUSE_MODELS[name] : undefined;
}

/** Columns a metric can be sliced by: categories, not measures or instants. */
export function isCategorical(type: ColumnType): boolean {
  return type === "varchar" || type === "boolean";
}

/** Columns that can place a row in a period. */
export function isTemporal(type: ColumnType): boolean {
  return type === "timestamp";
}

/** `create table` for a model with exactly its contract columns: for checking metric SQL and for test fixtures. */
export function createTableSql(model: ModelContract): string {
  const columns = Object.entries(model.columns).map(([name, type]) => `"${name}" ${type}`);
  return `create table "${model.name}" (${columns.join(", ")})`;
}
