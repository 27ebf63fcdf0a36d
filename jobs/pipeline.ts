/**
 * `yardstick run`: extract → build → metrics → dashboards, one ledger entry per stage, under a lock so two
 * runs never overlap. Every input is checked before anything is written: a bad metrics.yaml or a missing
 * token stops the run with exit 2 and leaves the lake, the warehouse and the site as they were.
 *
 * An extraction that could not read everything (a request failed for good, the budget reserve, GitHub not
 * answering) is recorded as `partial` with what is missing, and the run still builds and publishes what it
 * has: the pages say what is incomplete until a later run fills the gap.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Config, dataPaths, readToken } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { buildDashboards, dashboardRows } from "../dashboards/build-dashboards.ts";
import type { ExtractSummary } from "../extractors/extract.ts";
import type { GitHubClientOptions } from "../extractors/github/github-client.ts";
import { compactLake, recoverCompactions } from "../extractors/lake-compaction.ts";
import type { ExtractProgress } from "../extractors/progress/extract-progress.ts";
import { loadCheckedMetricsFile } from "../metrics/metric-sql-check.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { codeVersion } from "./code-version.ts";
import { runExtractStage } from "./extract-stage.ts";
import { appendLedger, type StageName, type StageStatus } from "./run-ledger.ts";
import { acquireRunLock } from "./run-lock.ts";

export interface PipelineOptions {
  config: Config;
  /** Repository root: the dbt project and the Python environment live here. */
  root: string;
  metricsFile: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Client tuning (tests and the demo turn the pacing down for the simulator). */
  client?: Partial<Omit<GitHubClientOptions, "url" | "token" | "logger" | "onRequest">>;
  /** Live display or step log lines for the extract stage. */
  progress?: ExtractProgress;
  since?: Date;
  full?: boolean;
  /** Run dbt even when nothing the published warehouse was built from has changed. */
  forceBuild?: boolean;
}

export interface PipelineResult {
  runId: string;
  extract: ExtractSummary;
  warehousePath: string;
  pages: string[];
  /** The page of the last complete month's review, when there is data. */
  latestReview: string | null;
}

export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  // Inputs first: nothing is written until the metrics file parses, its SQL fits the warehouse contract
  // and the token is there.
  const metrics = await loadCheckedMetricsFile(options.metricsFile);
  const token = readToken(config, options.env ?? process.env);
  // dbt's environment before any extraction: a machine that cannot build should not spend GitHub points.
  await ensurePythonEnv({ root: options.root, logger });
  const paths = dataPaths(config.dataDir);
  const runId = newRunId(now());
  const version = codeVersion(options.root);
  const metricsHash = `sha256:${createHash("sha256").update(readFileSync(options.metricsFile)).digest("hex")}`;

  const lock = acquireRunLock(paths.lock, `run ${runId}`);
  try {
    const stage = async <T>(
      name: StageName,
      work: () => Promise<{
        result: T;
        status?: StageStatus;
        rows?: Record<string, number>;
        details?: Record<string, unknown>;
      }>,
    ) => {
      const startedAt = now();
      logger.info(`── ${name}`);
      try {
        const { result, status = "ok", rows, details } = await work();
        const endedAt = now();
        appendLedger(paths.ledger, {
          runId,
          stage: name,
          status,
          startedAt: startedAt.toISOString(),
          endedAt: endedAt.toISOString(),
          durationMs: endedAt.getTime() - startedAt.getTime(),
          codeVersion: version,
          metricsHash,
          rows,
          details,
        });
        return result;
      } catch (error) {
        const endedAt = now();
        appendLedger(paths.ledger, {
          runId,
          stage: name,
          status: "failed",
          startedAt: startedAt.toISOString(),
          endedAt: endedAt.toISOString(),
          durationMs: endedAt.getTime() - startedAt.getTime(),
          codeVersion: version,
          metricsHash,
          error: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
    };

    const extracted = await stage("extract", async () => {
      const summary = await runExtractStage({
        config,
        token,
        logger,
        runId,
        now,
        since: options.since,
        full: options.full,
        incidentLabels: metrics.definitions.incident_labels,
        progress: options.progress,
        client: options.client,
      });
      const partial = summary.stopped !== undefined || summary.incomplete.length > 0;
      return {
        result: summary,
        status: partial ? ("partial" as const) : ("ok" as const),
        rows: Object.fromEntries(summary.streams.map((s) => [s.stream, s.rows])),
        details: {
          repositories: summary.repositories.length,
          requests: summary.requests,
          points: summary.points,
          requestsByPhase: summary.requestsByPhase,
          retries: summary.run.retries,
          ...(summary.stopped ? { stopped: summary.stopped } : {}),
          ...(summary.incomplete.length > 0 ? { incomplete: summary.incomplete } : {}),
        },
      };
    });
    const built = await stage("build", async () => {
      // Under the lock, before dbt reads the lake: an interrupted compaction is finished or undone, and a
      // stream past lake.compactAfterFiles is compacted (which changes the lake, so the build then runs).
      const compacted =
        config.lake.compactAfterFiles > 0
          ? await compactLake({
              lakeDir: paths.lake,
              logger,
              runId,
              threshold: config.lake.compactAfterFiles,
            })
          : recoverCompactions(paths.lake, logger);
      const compaction =
        compacted.length > 0
          ? {
              compacted: Object.fromEntries(
                compacted.map((c) => [c.stream, { filesBefore: c.filesBefore, filesAfter: c.filesAfter }]),
              ),
            }
          : {};
      const result = await buildWarehouse({
        config,
        root: options.root,
        logger,
        runId,
        definitions: metrics.definitions,
        skipWhenUnchanged: !options.forceBuild,
      });
      // A quiet night keeps the published warehouse: the ledger says so and why; the pages still re-render.
      if (result.skipped)
        return { result, status: "skipped" as const, details: { reason: result.skipped, ...compaction } };
      return { result, rows: result.rows, details: { tests: result.tests, ...compaction } };
    });
    const values = await stage("metrics", async () => {
      const rows = await dashboardRows(built.warehousePath, metrics);
      return { result: rows, rows: { values: rows.length } };
    });
    const pages = await stage("dashboards", async () => {
      const result = await buildDashboards({
        warehousePath: built.warehousePath,
        metricsFile: metrics,
        rows: values,
        siteDir: paths.site,
        reviewsDir: paths.reviews,
        notesDir: config.reviews.notesDir,
        ledgerFile: paths.ledger,
        now: now(),
        logger,
      });
      const latest = result.latest ? (result.reviewPages.get(result.latest) ?? null) : null;
      return {
        result: { pages: result.pages, latestReview: latest },
        rows: { pages: result.pages.length },
        details: { frozen: result.frozen, latest: result.latest },
      };
    });
    return {
      runId,
      extract: extracted,
      warehousePath: built.warehousePath,
      pages: pages.pages,
      latestReview: pages.latestReview,
    };
  } finally {
    lock.release();
  }
}
