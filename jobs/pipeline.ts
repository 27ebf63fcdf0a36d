/**
 * `yardstick run`: extract → build → metrics → dashboards, one ledger entry per stage, under a lock so two
 * runs never overlap. Every input is checked before anything is written: a bad metrics.yaml or a missing
 * token stops the run with exit 2 and leaves the lake, the warehouse and the site as they were.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Config, dataPaths, readToken } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { buildDashboards, dashboardRows } from "../dashboards/build-dashboards.ts";
import type { ExtractSummary } from "../extractors/extract.ts";
import type { GitHubClientOptions } from "../extractors/github/github-client.ts";
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

  const lock = await acquireRunLock(paths.lock, `run ${runId}`);
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
      return {
        result: summary,
        status: summary.stopped ? ("partial" as const) : ("ok" as const),
        rows: Object.fromEntries(summary.streams.map((s) => [s.stream, s.rows])),
        details: {
          repositories: summary.repositories.length,
          requests: summary.requests,
          points: summary.points,
          requestsByPhase: summary.requestsByPhase,
          retries: summary.run.retries,
          ...(summary.stopped ? { stopped: summary.stopped } : {}),
        },
      };
    });
    const built = await stage("build", async () => {
      const result = await buildWarehouse({
        config,
        root: options.root,
        logger,
        runId,
        definitions: metrics.definitions,
      });
      return { result, rows: result.rows, details: { tests: result.tests } };
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
