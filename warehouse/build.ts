/**
 * The build stage: lake → `dbt build` → a NEW DuckDB file → published over `<data>/warehouse/warehouse.duckdb`
 * with one atomic rename, only when every model and test passed. Readers never see a half-built warehouse,
 * and a failed build leaves the last good one in place and says why, in dbt's words.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Config, dataPaths } from "../core/config.ts";
import { YardstickError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { InterruptedError, onShutdown } from "../core/shutdown.ts";
import type { Definitions } from "../metrics/metric-schema.ts";
import {
  computeBuildFingerprint,
  readPublishedFingerprint,
  refreshPublishedFingerprint,
  removePublishedFingerprint,
  whyRebuild,
  writePublishedFingerprint,
} from "./build-fingerprint.ts";
import { writeBuildInputs } from "./build-inputs.ts";
import { capDbtLogs } from "./dbt-logs.ts";
import { runDbt } from "./dbt-runner.ts";
import { withDb } from "./duckdb.ts";
import { dbtResourceEnv } from "./duckdb-resources.ts";
import { checkFreeSpace } from "./free-space.ts";

export interface BuildOptions {
  config: Config;
  /** Repository root (dbt_project.yml, profiles.yml, .venv). */
  root: string;
  logger: Logger;
  /** Names the build's temporary files; letters, digits, `.`, `_` and `-` only. */
  runId: string;
  /** Clock for durationMs; defaults to Date.now. */
  now?: () => number;
  /** metrics.yaml `definitions:` (AI signals, production pattern, …); Yardstick's defaults when absent. */
  definitions?: Definitions;
  /**
   * Keep the published warehouse, without running dbt, when nothing it was built from has changed (the
   * lake's batch files, the build inputs, the dbt project, the code version, the Python environment). The
   * nightly run sets it; `yardstick build` and `run --force-build` do not.
   */
  skipWhenUnchanged?: boolean;
  /**
   * DuckDB settings for dbt that override the configuration's (benchmarks compare with DuckDB's own
   * defaults this way: YARDSTICK_DUCKDB_MEMORY_LIMIT, YARDSTICK_DUCKDB_PRESERVE_INSERTION_ORDER).
   */
  dbtSettings?: Record<string, string>;
}

export interface BuildResult {
  /** The published warehouse, `<data>/warehouse/warehouse.duckdb`. */
  warehousePath: string;
  /** Rows per mart table (fct_*, dim_*) in the published warehouse. */
  rows: Record<string, number>;
  /** dbt data tests and unit tests. */
  tests: { passed: number; failed: number };
  durationMs: number;
  /** Set when dbt did not run because nothing had changed: why the published warehouse was kept. */
  skipped?: string;
}

/** Folders of the build stage under `<data>/build`. */
export function buildPaths(dataDir: string, runId: string) {
  const build = dataPaths(dataDir).build;
  // The new file is named warehouse.duckdb inside a per-run folder, not warehouse-<runId>.duckdb: dbt-duckdb
  // names the catalog after the file and writes it into every view, so a view built in "warehouse-<runId>"
  // would stop resolving once the file is renamed to warehouse.duckdb.
  const runDir = join(build, `warehouse-${runId}`);
  return {
    build,
    inputs: join(build, "inputs"),
    runDir,
    newWarehouse: join(runDir, "warehouse.duckdb"),
    target: join(build, "target"),
    logs: join(build, "logs"),
  };
}

/**
 * Builds the warehouse from the lake and publishes it. Throws YardstickError (with dbt's text) when dbt
 * fails; the published warehouse is then untouched and the new file removed.
 * Example: `const { rows } = await buildWarehouse({ config, root, logger, runId })`.
 */
export async function buildWarehouse(options: BuildOptions): Promise<BuildResult> {
  const { config, root, logger, runId } = options;
  const now = options.now ?? Date.now;
  const started = now();
  if (!/^[A-Za-z0-9_.-]+$/.test(runId)) {
    throw new YardstickError(`run id "${runId}" cannot name a file: use letters, digits, ".", "_" and "-"`);
  }
  const data = dataPaths(config.dataDir);
  const paths = buildPaths(config.dataDir, runId);

  const lakeFiles = pullRequestFiles(data.lake);
  if (lakeFiles === 0) {
    throw new YardstickError(
      `the lake at ${data.lake} has no pull requests yet: run \`yardstick extract\` first`,
    );
  }
  logger.info(`build: ${lakeFiles} pull request file(s) in the lake at ${data.lake}`);
  // Old dbt logs first: after a night that filled the disk, they are part of what must be freed.
  capDbtLogs(paths.logs);
  checkFreeSpace(config.dataDir, data.warehouse);

  const inputs = await writeBuildInputs(config, paths.inputs, options.definitions);
  logger.info(
    `build: wrote build inputs (${inputs.rows.teamMembers} team member(s), ${inputs.rows.teamRepos} team repositor${inputs.rows.teamRepos === 1 ? "y" : "ies"}, ${inputs.rows.aiSignals} AI signal(s))`,
  );

  // Taken before dbt reads anything: a batch that lands during the build is then a change for the next run.
  const fingerprint = computeBuildFingerprint({
    root,
    lake: data.lake,
    inputsDir: paths.inputs,
    inputs: inputs.files,
  });
  const decision = await whyRebuild(data.warehouse, data.lake, fingerprint);
  const published = decision.reason === null ? readPublishedFingerprint(data.warehouse) : null;
  if (options.skipWhenUnchanged && decision.reason === null && published) {
    const restating =
      decision.restating > 0
        ? `; its ${decision.restating} new batch file(s) only restate what the lake held`
        : "";
    const skipped = `nothing changed since run ${published.runId} built the published warehouse (${fingerprint.lakeFiles} lake batch files${restating}; the same teams, definitions, dbt project, code version ${fingerprint.codeVersion} and Python environment)`;
    // The warehouse is as current for the lake as it is now: the next night compares with this listing.
    refreshPublishedFingerprint(data.warehouse, published, fingerprint);
    logger.info(`build: skipped: ${skipped}; kept ${data.warehouse}`);
    return {
      warehousePath: data.warehouse,
      rows: published.rows,
      tests: published.tests,
      durationMs: now() - started,
      skipped,
    };
  }
  if (options.skipWhenUnchanged || decision.reason === null) {
    logger.info(`build: building: ${decision.reason ?? "nothing changed, but a build was asked for"}`);
  }

  rmSync(paths.runDir, { recursive: true, force: true });
  mkdirSync(paths.runDir, { recursive: true });
  // Runs after dbt is cancelled (steps run newest first): a stopped build leaves no half warehouse behind.
  const removeOnStop = onShutdown("remove the unfinished warehouse", () => {
    rmSync(paths.runDir, { recursive: true, force: true });
  });
  try {
    logger.info(`build: dbt build into ${paths.newWarehouse}`);
    let result: Awaited<ReturnType<typeof runDbt>>;
    try {
      result = await runDbt(["build"], {
        root,
        env: {
          YARDSTICK_LAKE: data.lake,
          YARDSTICK_INPUTS: paths.inputs,
          YARDSTICK_BUILD_DB: paths.newWarehouse,
          ...dbtResourceEnv(config.duckdb, join(paths.runDir, "duckdb-tmp"), runId),
          ...options.dbtSettings,
        },
        withhold: [config.github.tokenEnv],
        logger,
        targetPath: paths.target,
        logPath: paths.logs,
      });
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      const kept = existsSync(data.warehouse)
        ? `the published warehouse at ${data.warehouse} is unchanged`
        : "no warehouse has been published yet";
      const reason = error instanceof Error ? error.message : String(error);
      const exitCode = error instanceof YardstickError ? error.exitCode : undefined;
      throw new YardstickError(`warehouse build failed; ${kept}.\n${reason}`, exitCode, { cause: error });
    }

    const rows = await countMartRows(paths.newWarehouse);
    const tests = { passed: 0, failed: 0 };
    for (const node of result.nodes) {
      if (node.resourceType !== "test" && node.resourceType !== "unit_test") continue;
      if (node.status === "pass" || node.status === "warn") tests.passed += 1;
      else if (node.status === "fail" || node.status === "error") tests.failed += 1;
    }

    publish(paths.newWarehouse, data.warehouse);
    writePublishedFingerprint(data.warehouse, fingerprint, { runId, builtAt: new Date(now()), rows, tests });
    const durationMs = now() - started;
    const counts = Object.entries(rows)
      .map(([table, n]) => `${table} ${n}`)
      .join(", ");
    logger.info(
      `build: published ${data.warehouse} (${counts || "no marts"}; ${tests.passed} tests passed) in ${(durationMs / 1000).toFixed(1)}s`,
    );
    return { warehousePath: data.warehouse, rows, tests, durationMs };
  } finally {
    rmSync(paths.runDir, { recursive: true, force: true });
    removeOnStop();
  }
}

/** Counts non-temporary Parquet files of the pull request stream (dot files are being written). */
function pullRequestFiles(lake: string): number {
  const dir = join(lake, "raw", "github", "pull_requests");
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((name) => name.endsWith(".parquet") && !name.startsWith(".")).length;
}

/** Rows per mart table, from the new file opened read-only (and closed before it is renamed). */
async function countMartRows(file: string): Promise<Record<string, number>> {
  return await withDb(file, "read_only", async (db) => {
    const tables = await db.all<{ table_name: string }>(
      `select table_name from information_schema.tables
       where table_schema = 'main' and table_type = 'BASE TABLE'
         and (table_name like 'fct\\_%' escape '\\' or table_name like 'dim\\_%' escape '\\')
       order by table_name`,
    );
    const rows: Record<string, number> = {};
    for (const { table_name } of tables) {
      const quoted = `"${table_name.replace(/"/g, '""')}"`;
      const [row] = await db.all<{ n: number }>(`select count(*)::integer as n from main.${quoted}`);
      rows[table_name] = row?.n ?? 0;
    }
    return rows;
  });
}

/** Renames the new file over the published one (readers holding the old file keep reading it). */
function publish(newFile: string, published: string): void {
  if (existsSync(`${newFile}.wal`)) {
    // dbt closes its connection and so checkpoints; a leftover log means the file is not whole.
    throw new YardstickError(
      `dbt left ${newFile}.wal behind: the new warehouse is incomplete and was not published`,
    );
  }
  mkdirSync(dirname(published), { recursive: true });
  // The old fingerprint goes first: a crash after the rename must not leave it describing the new file.
  removePublishedFingerprint(published);
  // A stale log beside the published file would be replayed onto the new file at its next open.
  rmSync(`${published}.wal`, { force: true });
  renameSync(newFile, published);
}
