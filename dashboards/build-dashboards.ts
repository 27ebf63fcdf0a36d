/**
 * The dashboards stage as the pipeline and the CLI call it: the site (dashboards/build-site.ts) with the
 * paths of a data folder filled in. Kept apart so that callers name a data folder, not six paths.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Logger } from "../core/logger.ts";
import { PROJECT_ROOT } from "../core/project-root.ts";
import { codeVersion } from "../jobs/code-version.ts";
import type { MetricRow } from "../metrics/metric-evaluator.ts";
import { loadMetricsFile, type MetricsFile } from "../metrics/metrics-file.ts";
import { type BuiltSite, buildSite, overviewRows } from "./build-site.ts";

export interface BuildDashboardsOptions {
  warehousePath: string;
  /** Path of metrics.yaml, or the file already loaded (the nightly job loads and checks it before anything). */
  metricsFile: string | MetricsFile;
  /** The weekly overview's rows, when the caller evaluated them already (the nightly job's metrics stage). */
  rows?: readonly MetricRow[] | undefined;
  /** The published site folder, `dataPaths(dataDir).site`; replaced as a whole. */
  siteDir: string;
  /** Frozen reviews; default `reviews/` beside the site folder (the data folder's). */
  reviewsDir?: string;
  /** Meeting notes; default none. */
  notesDir?: string;
  /** The run ledger; default `ledger/runs.ndjson` beside the site folder. */
  ledgerFile?: string;
  /** The build time shown on the pages (injected so that output is reproducible). */
  now: Date;
  logger: Logger;
  title?: string;
  refreeze?: { month: string; reason: string };
}

/** Builds and publishes the site; returns the absolute paths of the pages written and the latest review's month. */
export async function buildDashboards(options: BuildDashboardsOptions): Promise<BuiltSite> {
  const metrics =
    typeof options.metricsFile === "string" ? loadMetricsFile(options.metricsFile) : options.metricsFile;
  const metricsHash = fileHash(metrics.file) ?? metrics.hash;
  const dataDir = dirname(resolve(options.siteDir));
  return buildSite({
    warehousePath: options.warehousePath,
    metrics,
    siteDir: options.siteDir,
    reviewsDir: options.reviewsDir ?? join(dataDir, "reviews"),
    notesDir: options.notesDir ?? join(dataDir, "no-notes"),
    ledgerFile: options.ledgerFile ?? join(dataDir, "ledger", "runs.ndjson"),
    now: options.now,
    logger: options.logger,
    codeVersion: codeVersion(PROJECT_ROOT),
    metricsHash,
    ...(options.title ? { title: options.title } : {}),
    overviewRows: options.rows,
    ...(options.refreeze ? { refreeze: options.refreeze } : {}),
  });
}

export { overviewRows as dashboardRows };

/** sha256 of a file's bytes, as the run ledger records metrics.yaml; null when it is not a readable file. */
function fileHash(file: string): string | null {
  try {
    return `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}`;
  } catch {
    return null;
  }
}
