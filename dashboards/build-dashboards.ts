/**
 * The dashboards stage: evaluate every metric in metrics.yaml per week over the whole data range (overall and,
 * where allowed, per team), render the pages, and publish them into the site folder in one swap. The whole
 * build happens inside the swap, so any failure (a query, a render, a write) leaves the last good site as it was.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { replaceDirAtomic } from "../core/atomic-fs.ts";
import type { Logger } from "../core/logger.ts";
import { dataWatermark, evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import { loadMetricsFile, type MetricsFile } from "../metrics/metrics-file.ts";
import { renderOverviewPage } from "./overview-page.ts";

export interface BuildDashboardsOptions {
  warehousePath: string;
  /** Path of metrics.yaml, or the file already loaded (the nightly job loads and checks it before anything). */
  metricsFile: string | MetricsFile;
  /** The rows of dashboardRows(), when the caller evaluated them already (the nightly job's metrics stage). */
  rows?: readonly MetricRow[] | undefined;
  /** The published site folder, e.g. `dataPaths(dataDir).site`; replaced as a whole. */
  siteDir: string;
  /** The build time shown on the pages (injected so that output is reproducible). */
  now: Date;
  logger: Logger;
  title?: string;
}

const SLICE = "team";
const GRAIN = "week";

/** Builds and publishes the dashboards; returns the absolute paths of the pages written. */
/** Every metric per week over the whole data range: overall and, where the metric allows it, per team. */
export async function dashboardRows(warehousePath: string, metrics: MetricsFile): Promise<MetricRow[]> {
  // Two evaluations (each opens the warehouse once), then per metric: its overall rows, then its team rows.
  const common = { warehousePath, metrics, grain: GRAIN } as const;
  const all = metrics.metrics.map((m) => m.name);
  const sliced = metrics.metrics.filter((m) => m.dimensions.includes(SLICE)).map((m) => m.name);
  const overall = await evaluateMetrics({ ...common, names: all, by: [] });
  const byTeam = sliced.length > 0 ? await evaluateMetrics({ ...common, names: sliced, by: [SLICE] }) : [];
  return all.flatMap((name) => [
    ...overall.filter((r) => r.metric === name),
    ...byTeam.filter((r) => r.metric === name),
  ]);
}

/** Builds and publishes the dashboards; returns the absolute paths of the pages written. */
export async function buildDashboards(options: BuildDashboardsOptions): Promise<{ pages: string[] }> {
  const metrics =
    typeof options.metricsFile === "string" ? loadMetricsFile(options.metricsFile) : options.metricsFile;
  const siteDir = resolve(options.siteDir);
  const pages = ["index.html"];
  let rowCount = 0;
  await replaceDirAtomic(siteDir, async (dir) => {
    const rows = options.rows ?? (await dashboardRows(options.warehousePath, metrics));
    rowCount = rows.length;
    const html = renderOverviewPage({
      title: options.title ?? "Engineering metrics overview",
      generatedAt: options.now,
      watermark: await dataWatermark(options.warehousePath),
      grain: GRAIN,
      rows,
      definitions: metrics.metrics.map((m) => ({
        name: m.name,
        label: m.label,
        description: m.description,
        hash: m.definitionHash,
        unit: m.unit,
      })),
    });
    writeFileSync(join(dir, "index.html"), html);
  });
  const written = pages.map((p) => join(siteDir, p));
  options.logger.info("dashboards published", { site: siteDir, pages: written.length, rows: rowCount });
  return { pages: written };
}
