/**
 * The site at scale: `npm run bench -- dashboards [warehouse] [--teams]`. Builds the whole site (every monthly
 * review evaluated afresh — a throw-away reviews folder, so nothing is frozen yet — team pages, coverage, the
 * weekly overview) from a warehouse, by default the one `npm run bench -- build 1000000 2000` leaves, and
 * reports the time spent evaluating metrics against the time of the whole build (their ratio shows what
 * rendering costs on top), and the size of every page against the 500 KB budget.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { createLogger } from "../core/logger.ts";
import { buildDashboards } from "../dashboards/build-dashboards.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import { withDb } from "../warehouse/duckdb.ts";
import type { Benchmark } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BUDGET_BYTES = 500 * 1024;

const bench: Benchmark = {
  description: "the whole site from a warehouse: evaluation time, total time, their ratio, every page's size",
  async run(args) {
    const warehousePath = resolve(
      args.find((a) => !a.startsWith("--")) ??
        join(ROOT, "bench", "results", "build-1000000", "warehouse", "warehouse.duckdb"),
    );
    statSync(warehousePath);
    const shape = await withDb(warehousePath, "read_only", async (db) => {
      const [row] = await db.all<{ prs: number; teams: number; months: number }>(
        `select count(*)::INTEGER as prs, count(distinct team)::INTEGER as teams,
                count(distinct strftime(created_at, '%Y-%m'))::INTEGER as months from fct_pull_requests`,
      );
      return row!;
    });
    const dir = mkdtempSync(join(tmpdir(), "ys-bench-site-"));
    const logger = createLogger({ format: "text", level: "info" });
    try {
      const started = performance.now();
      const built = await buildDashboards({
        warehousePath,
        metricsFile: loadMetricsFile(join(ROOT, "metrics.yaml")),
        siteDir: join(dir, "site"),
        reviewsDir: join(dir, "reviews"),
        ledgerFile: join(dir, "ledger", "runs.ndjson"),
        now: new Date(),
        logger,
      });
      const totalMs = performance.now() - started;
      const pages = built.pages.map((p) => ({
        page: relative(join(dir, "site"), p),
        bytes: statSync(p).size,
      }));
      pages.sort((a, b) => b.bytes - a.bytes);
      const over = pages.filter((p) => p.bytes > BUDGET_BYTES);
      for (const p of pages) process.stderr.write(`${String(p.bytes).padStart(9)}  ${p.page}\n`);
      return {
        warehouse: warehousePath,
        pullRequests: Number(shape.prs),
        teams: Number(shape.teams),
        months: Number(shape.months),
        reviews: built.reviewPages.size,
        pages: pages.length,
        evaluateSeconds: round(built.timings.evaluateMs / 1000),
        renderSeconds: round(built.timings.renderMs / 1000),
        totalSeconds: round(totalMs / 1000),
        ratioTotalToEvaluation: round(totalMs / built.timings.evaluateMs),
        largestPage: pages[0],
        reviewPageBytes: Math.max(
          ...pages.filter((p) => p.page.startsWith("reviews/")).map((p) => p.bytes),
          0,
        ),
        pagesOverBudget: over.length,
        budgetBytes: BUDGET_BYTES,
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export default bench;
