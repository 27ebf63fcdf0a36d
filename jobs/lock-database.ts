/**
 * The file the run lock locks: an empty DuckDB database beside the lock note. It is created whole or not at
 * all (built under a temporary name, then hard-linked into place, which fails rather than replaces if another
 * process got there first), because DuckDB refuses a half-written file and a lock file must never be
 * replaced or deleted: a process holding the lock on the old file would then share it with whoever locks
 * the new one.
 */
import { existsSync, linkSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { tempSibling } from "../core/atomic-fs.ts";

/** The locked database for a lock note: `<data>/yardstick.lock` → `<data>/yardstick.lock.db`. */
export function lockDatabaseOf(note: string): string {
  return `${note}.db`;
}

/** Creates the lock database if it does not exist yet. Safe when several processes do it at once. */
export async function ensureLockDatabase(file: string): Promise<void> {
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempSibling(file);
  try {
    const instance = await DuckDBInstance.create(tmp, { threads: "1" });
    instance.closeSync();
    try {
      linkSync(tmp, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return;
      // A file system without hard links: DuckDB creates the file itself on first open; only a crash in
      // that instant can leave a damaged file, and the lock then says so.
      if (code === "EPERM" || code === "ENOTSUP" || code === "ENOSYS" || code === "EOPNOTSUPP") return;
      throw error;
    }
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
  }
}
