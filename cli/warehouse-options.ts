import { closeSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { InputError } from "../core/errors.ts";

/** --config and --warehouse: which warehouse a command reads (the configuration's, or a file named). */
export const CONFIG_OPTION = [
  "--config <file>",
  "configuration; the warehouse is <dataDir>/warehouse/warehouse.duckdb",
  "./yardstick.yaml",
] as const;
export const WAREHOUSE_OPTION = [
  "--warehouse <file>",
  "warehouse file to read instead of the one the configuration names",
] as const;

/**
 * A warehouse file named by a flag (--warehouse, --base-warehouse): it must exist and be a DuckDB database
 * (its header carries "DUCK" at byte 8), or the command stops with exit 2 naming the flag — before DuckDB
 * is asked to open, or worse create, something else.
 */
export function warehouseFlag(path: string, flag: string): string {
  const refuse = (message: string): never => {
    throw new InputError("invalid option", [{ field: flag, message }]);
  };
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return refuse(`no such file: ${path}`);
  }
  if (!stats.isFile())
    refuse(`${path} is not a file (a DuckDB warehouse is one file, e.g. warehouse.duckdb)`);
  const header = Buffer.alloc(12);
  let read = 0;
  try {
    const fd = openSync(path, "r");
    try {
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    refuse(`${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (read < header.length || header.toString("latin1", 8, 12) !== "DUCK")
    refuse(`${path} is not a DuckDB database file`);
  return path;
}
