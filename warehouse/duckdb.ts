/**
 * DuckDB access with the close discipline DuckDB needs: one read-write process per file, every connection
 * closed before its instance (a live connection keeps the OS lock even after `instance.closeSync()`).
 * Never use `DuckDBInstance.fromCache()` here: the cache keeps instances, and so locks, alive.
 *
 * SQL from metrics.yaml runs only on `sandboxed` opens: DuckDB itself then refuses every file but the one
 * opened (no read_csv, read_text, glob, ATTACH, COPY), installs and loads no extension, and locks its
 * configuration, so no statement can switch that back. `metrics check` rejects such SQL first, with its line;
 * the sandbox holds even for a definition that never went through the check.
 */
import { existsSync } from "node:fs";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { YardstickError } from "../core/errors.ts";
import { duckDbOpenOptions } from "./duckdb-resources.ts";

export interface Db {
  connection: DuckDBConnection;
  /** Runs a statement with positional `?` or `$name` parameters and returns plain row objects. */
  all<T = Record<string, unknown>>(sql: string, params?: unknown[] | Record<string, unknown>): Promise<T[]>;
  run(sql: string, params?: unknown[] | Record<string, unknown>): Promise<void>;
  close(): void;
}

/**
 * `sandboxed` is read-only (":memory:" stays a writable scratch database) and touches nothing but `path`:
 * for evaluating and checking metrics.yaml SQL.
 */
export type OpenMode = "read_only" | "read_write" | "sandboxed";

/** What a sandboxed open sets before the database is opened; the configuration is locked once it is. */
const SANDBOX_OPTIONS: Readonly<Record<string, string>> = {
  enable_external_access: "false",
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
  allow_community_extensions: "false",
  allow_unsigned_extensions: "false",
};

/** Opens `path` (or ":memory:"); the caller must `close()` it, best with `withDb`. */
export async function openDb(path: string, mode: OpenMode = "read_only"): Promise<Db> {
  const readOnly = mode !== "read_write";
  if (readOnly && path !== ":memory:" && !existsSync(path)) {
    throw new YardstickError(`no warehouse at ${path}: run \`yardstick build\` (or \`yardstick run\`) first`);
  }
  // Memory limit, threads and spill folder (yardstick.yaml duckdb:) first, as path options must be.
  const options: Record<string, string> = duckDbOpenOptions();
  if (readOnly && path !== ":memory:") options.access_mode = "READ_ONLY";
  // Options are set in order, and with external access off DuckDB refuses any later path option (such as
  // temp_directory): the sandbox's go last.
  if (mode === "sandboxed") Object.assign(options, SANDBOX_OPTIONS);
  const instance = await DuckDBInstance.create(path, options);
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    // Timestamps are UTC everywhere; set per connection (ICU loads lazily, so it cannot be an open option).
    await connection.run("SET TimeZone = 'UTC'");
    // Last: after this no SET, RESET or PRAGMA can change a setting, so none can turn file access back on.
    if (mode === "sandboxed") await connection.run("SET lock_configuration = true");
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
  const conn = connection;
  let closed = false;
  return {
    connection: conn,
    async all<T>(sql: string, params?: unknown[] | Record<string, unknown>) {
      const reader = await conn.runAndReadAll(sql, params as never);
      return reader.getRowObjectsJson() as T[];
    },
    async run(sql: string, params?: unknown[] | Record<string, unknown>) {
      await conn.run(sql, params as never);
    },
    close() {
      if (closed) return;
      closed = true;
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Opens a database for the length of `work`, closing it however `work` ends. */
export async function withDb<T>(path: string, mode: OpenMode, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(path, mode);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/** Quotes a string as a SQL literal. Only for values DuckDB cannot take as parameters (COPY targets, paths). */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
