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
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import { renderOverviewPage } from "./overview-page.ts";

export interface BuildDashboardsOptions {
  warehousePath: string;
  /** Path of metrics.yaml. */
  metricsFile: string;
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
export async function buildDashboards(options: BuildDashboardsOptions): Promise<{ pages: string[] }> {
  const metrics = loadMetricsFile(options.metricsFile);
  const siteDir = resolve(options.siteDir);
  const pages = ["index.html"];
  let rowCount = 0;
  await replaceDirAtomic(siteDir, async (dir) => {
    const rows: MetricRow[] = [];
    for (const metric of metrics.metrics) {
      const common = {
        warehousePath: options.warehousePath,
        metrics,
        names: [metric.name],
        grain: GRAIN,
      } as const;
      rows.push(...(await evaluateMetrics({ ...common, by: [] })));
      if (metric.dimensions.includes(SLICE))
        rows.push(...(await evaluateMetrics({ ...common, by: [SLICE] })));
    }
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
