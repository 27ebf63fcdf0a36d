/**
 * `yardstick run`: extract → build → metrics → dashboards, one ledger entry per stage, under a lock so two
 * runs never overlap. Every input is checked before anything is written: a bad metrics.yaml or a missing
 * token stops the run with exit 2 and leaves the lake, the warehouse and the site as they were. Under the
 * lock, what killed runs left is removed and the ledgers are capped before the first stage. Told to stop
 * (SIGTERM, Ctrl-C), the run records the stage it was in as `interrupted` and releases the lock.
 *
 * An extraction that could not read everything (a request failed for good, the budget reserve, GitHub not
 * answering) is recorded as `partial` with what is missing, and the run still builds and publishes what it
 * has: the pages say what is incomplete until a later run fills the gap.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Config, dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { InterruptedError, onShutdown, stoppingSignal, throwIfStopping } from "../core/shutdown.ts";
import { buildDashboards, dashboardRows } from "../dashboards/build-dashboards.ts";
import type { ExtractSummary } from "../extractors/extract.ts";
import type { GitHubClientOptions } from "../extractors/github/github-client.ts";
import { compactLake, recoverCompactions } from "../extractors/lake-compaction.ts";
import type { ExtractProgress } from "../extractors/progress/extract-progress.ts";
import { readSourceTokens } from "../extractors/sources.ts";
import { loadCheckedMetricsFile } from "../metrics/metric-sql-check.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { codeVersion } from "./code-version.ts";
import { runExtractStage } from "./extract-stage.ts";
import { holdRunLock } from "./locked-run.ts";
import {
  appendLedger,
  type LedgerEntry,
  REQUEST_LEDGER_CAP,
  RUN_LEDGER_CAP,
  rotateLedger,
  type StageName,
  type StageStatus,
} from "./run-ledger.ts";
import { acquireRunLock, LockHeldError, type RunLock } from "./run-lock.ts";

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
  /** Other sources' client tuning, by source name (tests and the demo turn their waits down). */
  tuning?: Readonly<Record<string, unknown>>;
  /** Live display or step log lines for the extract stage. */
  progress?: ExtractProgress;
  since?: Date;
  full?: boolean;
  /** Run dbt even when nothing the published warehouse was built from has changed. */
  forceBuild?: boolean;
  /** The run's id (the scheduler names its ticks before they start); a new one by default. */
  runId?: string;
  /**
   * Records a run that ends before its first stage (bad input, a missing token, the lock held by another
   * run) in the ledger as stage `start`: the scheduler does, since nobody watches its ticks; at
   * `yardstick run` the operator reads the error, and the data folder stays untouched.
   */
  recordStart?: boolean;
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
  const paths = dataPaths(config.dataDir);
  const runId = options.runId ?? newRunId(now());
  const runStarted = now();
  logger.info(`run ${runId} started`, { dataDir: config.dataDir });
  const version = codeVersion(options.root);
  let metricsHash: string | null = null;

  // Inputs first: nothing is written until the metrics file parses, its SQL fits the warehouse contract
  // and every configured source's token is there.
  let metrics: Awaited<ReturnType<typeof loadCheckedMetricsFile>>;
  let token: string;
  let tokens: Record<string, string>;
  let lock: RunLock;
  try {
    metrics = await loadCheckedMetricsFile(options.metricsFile);
    metricsHash = `sha256:${createHash("sha256").update(readFileSync(options.metricsFile)).digest("hex")}`;
    // Every configured source's token, GitHub's among them.
    tokens = readSourceTokens(config, options.env ?? process.env);
    token = tokens[config.github.tokenEnv]!;
    // dbt's environment before any extraction: a machine that cannot build should not spend GitHub points.
    await ensurePythonEnv({ root: options.root, logger });
    throwIfStopping();
    lock = await acquireRunLock(paths.lock, `run ${runId}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const status: StageStatus =
      error instanceof LockHeldError ? "skipped" : stoppingSignal() ? "interrupted" : "failed";
    logger.error(`run ${runId} ${status} before its first stage: ${firstLine(message)}`);
    if (options.recordStart) {
      const endedAt = now();
      appendLedger(paths.ledger, {
        runId,
        stage: "start",
        status,
        startedAt: runStarted.toISOString(),
        endedAt: endedAt.toISOString(),
        durationMs: endedAt.getTime() - runStarted.getTime(),
        codeVersion: version,
        metricsHash,
        error: message,
        ...(error instanceof LockHeldError && error.pid !== null
          ? { details: { holderPid: error.pid } }
          : {}),
      });
    }
    throw error;
  }

  return holdRunLock(lock, config.dataDir, logger, async () => {
    rotateLedger(paths.ledger, RUN_LEDGER_CAP);
    rotateLedger(paths.requestLedger, REQUEST_LEDGER_CAP);

    const stage = async <T>(
      name: StageName,
      work: () => Promise<{
        result: T;
        status?: StageStatus;
        rows?: Record<string, number>;
        details?: Record<string, unknown>;
      }>,
    ) => {
      throwIfStopping();
      const startedAt = now();
      logger.info(`── ${name}`);
      // One line per stage, whoever writes it first: the stage itself, or the shutdown when told to stop.
      let recorded = false;
      const record = (status: StageStatus, fields: Pick<LedgerEntry, "rows" | "details" | "error"> = {}) => {
        if (recorded) return;
        recorded = true;
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
          ...fields,
        });
      };
      const recordOnStop = onShutdown(`record ${name} as interrupted`, (signal) =>
        record("interrupted", { error: `interrupted by ${signal}` }),
      );
      try {
        const { result, status = "ok", rows, details } = await work();
        record(status, { rows, details });
        return result;
      } catch (error) {
        const signal = stoppingSignal();
        if (signal) {
          // Cancelling dbt makes it fail; that is not a dbt failure, and its output is not the story.
          record("interrupted", { error: `interrupted by ${signal}` });
          logger.warn(`run ${runId}: ${name} interrupted by ${signal}`);
          throw error instanceof InterruptedError ? error : new InterruptedError(signal);
        }
        const message = error instanceof Error ? error.message : String(error);
        record("failed", { error: message });
        logger.error(`run ${runId}: ${name} failed: ${firstLine(message)}`);
        throw error;
      } finally {
        recordOnStop();
      }
    };

    const extracted = await stage("extract", async () => {
      const summary = await runExtractStage({
        config,
        token,
        tokens,
        logger,
        runId,
        now,
        since: options.since,
        full: options.full,
        incidentLabels: metrics.definitions.incident_labels,
        progress: options.progress,
        client: options.client,
        tuning: options.tuning,
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
          requestsBySource: summary.requestsBySource,
          // Each source's own outcome: data.html and the review show freshness source by source.
          sources: Object.fromEntries(
            Object.entries(summary.requestsBySource).map(([source, requests]) => [
              source,
              { status: summary.incomplete.some((i) => i.source === source) ? "partial" : "ok", requests },
            ]),
          ),
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
  });
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}
