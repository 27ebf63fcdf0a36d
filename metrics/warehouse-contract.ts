/**
 * The columns the metrics engine may rely on, per warehouse model, read from the enforced dbt contract of
 * each mart. metrics.yaml is checked against them at load time, so a typo in a dimension or a time
 * dimension is reported with its line before any SQL runs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../core/project-root.ts";
import { cachedYamlValue, yamlLibrary } from "../core/yaml-cache.ts";

export type ColumnType = "varchar" | "integer" | "double" | "boolean" | "timestamp";

export interface ContractColumn {
  readonly type: ColumnType;
  readonly description: string;
}

export interface ModelContract {
  readonly name: string;
  readonly grain: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  /** Column descriptions as the contract writes them: part of the hash of every metric that reads the column. */
  readonly descriptions: Readonly<Record<string, string>>;
  /**
   * SQL (from the reviewed mart .yml, `config.meta.yardstick.person`) naming the person behind a row, for the
   * privacy floor; undefined when the model's rows are not about people.
   */
  readonly person?: string | undefined;
  /** Keys of metrics.yaml `definitions:` that this model's columns depend on. */
  readonly definitions: readonly string[];
}

const MARTS_DIR = join(PROJECT_ROOT, "models", "marts");
const TYPES: Record<string, ColumnType> = {
  varchar: "varchar",
  integer: "integer",
  bigint: "integer",
  double: "double",
  boolean: "boolean",
  timestamp: "timestamp",
};

interface MartYaml {
  models?: {
    name: string;
    description?: string;
    config?: {
      contract?: { enforced?: boolean };
      meta?: { yardstick?: { person?: string; definitions?: string[] } };
    };
    columns?: { name: string; data_type?: string; description?: string }[];
  }[];
}

/**
 * The marts with an enforced contract, read from their dbt .yml files: the one place the columns are
 * written down, so metrics.yaml can never be checked against a stale copy. Columns of types the metric
 * engine does not aggregate or slice by (lists, structs) are left out.
 */
function readContracts(): Record<string, ModelContract> {
  const out: Record<string, ModelContract> = {};
  const texts = readdirSync(MARTS_DIR)
    .filter((f) => f.endsWith(".yml"))
    .sort()
    .map((f) => readFileSync(join(MARTS_DIR, f), "utf8"));
  // Parsed once and kept (core/yaml-cache.ts) until any of the files changes: parsing them takes longer
  // than everything else `metrics list` does.
  const docs = cachedYamlValue(JSON.stringify(texts), "marts", () =>
    texts.map((t) => yamlLibrary().parse(t)),
  ) as MartYaml[];
  for (const doc of docs) {
    for (const model of doc.models ?? []) {
      if (!model.config?.contract?.enforced) continue;
      const columns: Record<string, ColumnType> = {};
      const descriptions: Record<string, string> = {};
      for (const column of model.columns ?? []) {
        const type = TYPES[(column.data_type ?? "").toLowerCase()];
        if (!type) continue;
        columns[column.name] = type;
        descriptions[column.name] = (column.description ?? "").trim();
      }
      const grain = /grain: ([^)]+)\)/.exec(model.description ?? "")?.[1] ?? "one row per record";
      const meta = model.config.meta?.yardstick;
      out[model.name] = {
        name: model.name,
        grain,
        columns,
        descriptions,
        person: meta?.person,
        definitions: [...(meta?.definitions ?? [])].sort(),
      };
    }
  }
  return out;
}

export const WAREHOUSE_MODELS: Readonly<Record<string, ModelContract>> = readContracts();

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
