/**
 * How much of the machine DuckDB may use: its memory limit, its threads and where it spills what does not
 * fit (yardstick.yaml `duckdb:`). The same settings reach every DuckDB Yardstick opens: the dbt build (through
 * profiles.yml) and the metric evaluation and pages (through warehouse/duckdb.ts).
 *
 * DuckDB's own default takes 80% of the machine's memory, which on a large organisation makes the build
 * the biggest process on the host (about 10 GB for a million pull requests). Yardstick's default is a
 * fixed, modest limit; past it DuckDB spills to its temporary folder on disk, which costs some time but
 * not the host.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { isProcessAlive } from "../core/process-alive.ts";

export interface DuckDbResources {
  /** DuckDB `memory_limit`, e.g. "2GB". */
  memoryLimit: string;
  /** DuckDB `threads`; null: DuckDB's default (one per core). */
  threads: number | null;
  /** Absolute folder DuckDB spills to; null: beside the database (the build's own folder for dbt). */
  tempDirectory: string | null;
}

/** The most the default memory limit grants, and the share of the machine's memory it never exceeds. */
const DEFAULT_LIMIT_BYTES = 2 * 1024 ** 3;
const DEFAULT_SHARE_OF_MEMORY = 0.5;

/** A size DuckDB's memory_limit accepts: a number and a unit (KB, MB, GB, TB or KiB, MiB, GiB, TiB). */
export const MEMORY_LIMIT_PATTERN = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/**
 * The default memory limit: 2 GiB, or half of the memory this process may use when that is less (a small
 * container: `process.constrainedMemory()` reports a cgroup limit where there is one).
 */
export function defaultMemoryLimit(
  total = totalmem(),
  constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.(),
): string {
  const available = constrained && constrained > 0 ? Math.min(total, constrained) : total;
  const bytes = Math.min(DEFAULT_LIMIT_BYTES, Math.floor(available * DEFAULT_SHARE_OF_MEMORY));
  return `${Math.max(64, Math.floor(bytes / 1024 ** 2))}MiB`;
}

export const DEFAULT_DUCKDB_RESOURCES: DuckDbResources = {
  memoryLimit: defaultMemoryLimit(),
  threads: null,
  tempDirectory: null,
};

let current: DuckDbResources = DEFAULT_DUCKDB_RESOURCES;

/** Sets the resources of every DuckDB this process opens from now on (done when a configuration is loaded). */
export function useDuckDbResources(resources: DuckDbResources): void {
  current = resources;
}

export function duckDbResources(): DuckDbResources {
  return current;
}

/**
 * A configured temporary folder gets a subfolder per process, `<kind>-<pid>[-<label>]`, so that two
 * Yardstick processes (a run and a `metrics query`, or two installations sharing the folder) never share
 * spill files, and the folders of processes that died can be told apart (see removeDeadSpillFolders).
 */
const SPILL_FOLDER = /^(?:node|dbt)-(\d+)(?:-.*)?$/;

function spillFolder(resources: DuckDbResources, kind: "node" | "dbt", label?: string): string | null {
  if (resources.tempDirectory === null) return null;
  // DuckDB creates its spill folder, but not the folders above it.
  mkdirSync(resources.tempDirectory, { recursive: true });
  return join(resources.tempDirectory, `${kind}-${process.pid}${label ? `-${label}` : ""}`);
}

/** Open options for a DuckDB instance of this process. */
export function duckDbOpenOptions(resources: DuckDbResources = current): Record<string, string> {
  const options: Record<string, string> = { memory_limit: resources.memoryLimit };
  if (resources.threads !== null) options.threads = String(resources.threads);
  const temp = spillFolder(resources, "node");
  if (temp !== null) options.temp_directory = temp;
  return options;
}

/**
 * Removes the spill folders that processes which no longer run left in the configured temporary folder
 * (DuckDB removes its own files when it closes; a killed process leaves them). Returns their paths.
 */
export function removeDeadSpillFolders(resources: DuckDbResources = current): string[] {
  if (resources.tempDirectory === null) return [];
  let names: string[];
  try {
    names = readdirSync(resources.tempDirectory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = SPILL_FOLDER.exec(name)?.[1];
    if (pid === undefined || isProcessAlive(Number(pid))) continue;
    const path = join(resources.tempDirectory, name);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * The variables profiles.yml reads for a dbt run: the same limit and threads, and a temporary folder of
 * the run's own — `ownFolder` (inside the build's folder, so that it goes with it) unless a temporary
 * folder is configured, which then gets a subfolder of this process labelled `label` (e.g. the run id).
 */
export function dbtResourceEnv(
  resources: DuckDbResources,
  ownFolder: string,
  label: string,
): Record<string, string> {
  return {
    YARDSTICK_DUCKDB_MEMORY_LIMIT: resources.memoryLimit,
    YARDSTICK_DUCKDB_THREADS: String(resources.threads ?? availableParallelism()),
    YARDSTICK_DUCKDB_TEMP_DIRECTORY: spillFolder(resources, "dbt", label) ?? ownFolder,
  };
}
