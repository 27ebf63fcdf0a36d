/**
 * What killed runs leave in a data folder, removed at the start of the next one (under the lock, so no
 * other run can be writing them): per-run build folders (`build/warehouse-<run>/`, a whole warehouse each),
 * half-written site folders, site versions no link points at, the temporary files of atomic writes, and
 * the spill folders that killed processes left in a configured DuckDB temporary folder (duckdb.tempDirectory).
 * The lake's own temporaries are the extractor's to sweep (extractors/lake-writer.ts).
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { isVersionOf, publishedVersion } from "../core/publish-dir.ts";
import { removeDeadSpillFolders } from "../warehouse/duckdb-resources.ts";

/** A temporary file or folder of core/atomic-fs.ts: `.<name>.tmp-<pid>-<hex>`. */
const ATOMIC_TEMP = /^\..+\.tmp-\d+-[0-9a-f]{8}$/;

export interface Leftovers {
  /** Paths removed, relative to the data folder. */
  removed: string[];
}

/** Removes what killed runs left in `dataDir`. Call only while holding the run lock. */
export function cleanLeftovers(dataDir: string, logger?: Logger): Leftovers {
  const paths = dataPaths(dataDir);
  const removed: string[] = [];
  const remove = (dir: string, name: string, relative: string) => {
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(relative);
  };

  for (const name of list(paths.build)) {
    if (name.startsWith("warehouse-") || ATOMIC_TEMP.test(name)) remove(paths.build, name, `build/${name}`);
  }
  const current = publishedVersion(paths.site);
  for (const name of list(dataDir)) {
    // `.site.tmp-…`: the half-written site of a run killed while publishing (also from before site links).
    if (ATOMIC_TEMP.test(name)) remove(dataDir, name, name);
    else if (isVersionOf(paths.site, name) && name !== current && isDir(join(dataDir, name)))
      remove(dataDir, name, name);
  }
  for (const dir of [
    join(paths.build, "inputs"),
    join(paths.reviews),
    join(paths.reviews, "history"),
    paths.state,
    join(dataDir, "warehouse"),
    join(dataDir, "ledger"),
  ]) {
    for (const name of list(dir)) {
      if (ATOMIC_TEMP.test(name)) remove(dir, name, join(dir.slice(dataDir.length + 1), name));
    }
  }
  // Spill folders of killed processes in a configured DuckDB temporary folder (outside the data folder).
  removed.push(...removeDeadSpillFolders());
  if (removed.length > 0)
    logger?.info(`removed what an interrupted run left: ${removed.join(", ")}`, { dataDir });
  return { removed };
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
