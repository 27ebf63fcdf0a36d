/**
 * The dashboards stage: gathers the site's data (monthly reviews — frozen ones read back, the rest evaluated,
 * months whose outcome windows have closed frozen now — team trends, coverage, the weekly overview), renders
 * every page of the registry, and publishes the site in one atomic step (`site` is a link to the version
 * folder, swapped by a rename). A failure anywhere leaves the last good site as it was; a frozen review is
 * never rewritten (only `review --refreeze` replaces one).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../core/atomic-fs.ts";
import { InputError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { publishDir } from "../core/publish-dir.ts";
import { type LedgerEntry, openGaps, readLedger } from "../jobs/run-ledger.ts";
import { dataWatermark, evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import { findMetric, type MetricsFile } from "../metrics/metrics-file.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { renderReview } from "./pages/review.page.ts";
import { TEAM_METRICS } from "./pages/team.page.ts";
import { evaluateReviews } from "./review/evaluate-reviews.ts";
import {
  addMonths,
  isMonth,
  lastCompleteMonth,
  monthEnd,
  monthOf,
  monthRange,
  monthStart,
} from "./review/months.ts";
import { readNotes } from "./review/notes.ts";
import { restatementsOf } from "./review/restatements.ts";
import { TREND_MONTHS } from "./review/review-plan.ts";
import { ReviewStore } from "./review/review-store.ts";
import { gapLabel } from "./site/incomplete-note.ts";
import { NAV, PAGES } from "./site/page-registry.ts";
import type { CoverageRow, ReviewEntry, SiteData, SourceCoverageRow, TeamTrends } from "./site/site-data.ts";
import { teamPath } from "./site/site-data.ts";
import { ledgerSourceOf, sourceFreshness } from "./site/source-freshness.ts";

export interface BuildSiteOptions {
  warehousePath: string;
  metrics: MetricsFile;
  /** The published site folder, `dataPaths(dataDir).site`; replaced as a whole. */
  siteDir: string;
  /** Where frozen reviews live, `dataPaths(dataDir).reviews`. */
  reviewsDir: string;
  /** The meeting notes folder (yardstick.yaml `reviews.notesDir`). */
  notesDir: string;
  /** The run ledger (`dataPaths(dataDir).ledger`): freshness and failed runs. */
  ledgerFile: string;
  now: Date;
  logger: Logger;
  codeVersion: string;
  /** sha256 of metrics.yaml's bytes. */
  metricsHash: string;
  title?: string;
  /** The weekly overview's rows when the caller evaluated them already (the nightly job's metrics stage). */
  overviewRows?: readonly MetricRow[] | undefined;
  /** Replace this month's frozen review with a fresh evaluation (it must be final), keeping the old one. */
  refreeze?: { month: string; reason: string } | undefined;
}

export interface BuiltSite {
  pages: string[];
  /** The last complete month, whose review the site opens on. */
  latest: string | null;
  /** Absolute path of each month's review page. */
  reviewPages: Map<string, string>;
  /** Months frozen by this build. */
  frozen: string[];
  /** Milliseconds spent evaluating (reviews, team trends, coverage, overview) and rendering and writing. */
  timings: { evaluateMs: number; renderMs: number };
}

/** Weeks of the weekly overview, ending with the current one. */
export const OVERVIEW_WEEKS = 13;

/**
 * The weekly overview's metrics: the flow and quality figures a team checks between reviews. Every metric of
 * metrics.yaml week by week and team by team would be megabytes of page and a wall of empty cells; the rest
 * is one `metrics query --grain week` away.
 */
export const OVERVIEW_METRICS = [
  "merged_pull_requests",
  "time_to_merge_hours_p50",
  "cycle_time_p50",
  "ai_authored_share",
  "ai_assisted_share",
  "review_rounds_avg",
  "revert_rate",
  "ci_failure_rate",
  "deployments",
  "lead_time_for_changes_p50",
] as const;

/**
 * The overview's metrics per week over its weeks, counted back from the newest pull request event (not from
 * when the data was taken, so an organisation that went quiet still shows its last quarter): overall and,
 * where the metric allows it, per team.
 */
export async function overviewRows(warehousePath: string, metrics: MetricsFile): Promise<MetricRow[]> {
  const [newest] = await withDb(warehousePath, "read_only", (db) =>
    db.all<{ ms: number | null }>(
      "select epoch_ms(greatest(max(created_at), max(merged_at)))::DOUBLE as ms from fct_pull_requests",
    ),
  );
  const from =
    newest?.ms != null
      ? new Date(newest.ms - OVERVIEW_WEEKS * 7 * 86_400_000).toISOString().slice(0, 10)
      : undefined;
  const common = { warehousePath, metrics, grain: "week" as const, from } as const;
  const all = metrics.metrics
    .map((m) => m.name)
    .filter((n) => (OVERVIEW_METRICS as readonly string[]).includes(n));
  const sliced = metrics.metrics.filter((m) => m.dimensions.includes("team")).map((m) => m.name);
  const overall = await evaluateMetrics({ ...common, names: all, by: [] });
  const byTeam = sliced.length > 0 ? await evaluateMetrics({ ...common, names: sliced, by: ["team"] }) : [];
  return all.flatMap((name) => [
    ...overall.filter((r) => r.metric === name),
    ...byTeam.filter((r) => r.metric === name),
  ]);
}

export async function buildSite(options: BuildSiteOptions): Promise<BuiltSite> {
  const { metrics, logger } = options;
  const evaluateStarted = performance.now();
  const watermark = await dataWatermark(options.warehousePath);
  const ledger = readLedger(options.ledgerFile);
  const store = new ReviewStore(options.reviewsDir);
  const tables = await martTables(options.warehousePath);
  const missingMarts = REVIEW_MARTS.filter((t) => !tables.has(t));
  if (missingMarts.length > 0)
    logger.warn(
      `no monthly reviews: the warehouse has no ${missingMarts.join(", ")} (build it with yardstick build)`,
    );
  const months =
    watermark && missingMarts.length === 0 ? await reviewMonths(options.warehousePath, watermark) : [];
  if (options.refreeze && !months.includes(options.refreeze.month))
    throw new InputError("invalid review month", [
      {
        field: "<month>",
        message: `${options.refreeze.month} has no data in the warehouse (months with data: ${months[0] ?? "none"} to ${months[months.length - 1] ?? "none"})`,
      },
    ]);

  const evaluated = await evaluateReviews({
    warehousePath: options.warehousePath,
    metrics,
    months,
    watermark,
    ledger,
    codeVersion: options.codeVersion,
    metricsHash: options.metricsHash,
    now: options.now,
    frozen: (month) => store.read(month),
    notes: (month) => readNotes(options.notesDir, month),
  });

  const frozenNow: string[] = [];
  const reviews: ReviewEntry[] = [];
  for (const snapshot of evaluated) {
    const month = snapshot.month;
    const hasPrevious = months.includes(addMonths(month, -1));
    if (options.refreeze?.month === month) {
      if (snapshot.status !== "final")
        throw new InputError("invalid review month", [
          {
            field: "<month>",
            message: `${month} is not final yet (outcome windows close with data from ${snapshot.final_from} on): there is nothing frozen to replace`,
          },
        ]);
      const kept = store.refreeze(snapshot, options.refreeze.reason, options.now);
      writeFileAtomic(
        htmlFile(options.reviewsDir, month),
        renderReview(store.read(month)!, NAV, hasPrevious),
      );
      logger.info(`review ${month} refrozen`, { reason: options.refreeze.reason, kept: kept ?? "(none)" });
    }
    let frozen = store.read(month);
    if (!frozen && snapshot.status === "final") {
      store.freeze(snapshot);
      frozenNow.push(month);
      frozen = store.read(month);
    }
    if (frozen) {
      // The page of a frozen review is rendered once and kept beside its snapshot: later code changes
      // cannot alter it either.
      const file = htmlFile(options.reviewsDir, month);
      if (!existsSync(file)) writeFileAtomic(file, renderReview(frozen, NAV, hasPrevious));
      reviews.push({
        month,
        snapshot: frozen,
        frozen: true,
        restatements: restatementsOf(frozen, snapshot),
        html: readFileSync(file, "utf8"),
      });
    } else {
      reviews.push({ month, snapshot, frozen: false, restatements: [] });
    }
  }

  const site: SiteData = {
    title: options.title ?? "Engineering metrics",
    generatedAt: options.now,
    watermark,
    lastExtraction: lastSuccess(ledger),
    metrics,
    reviews,
    latest:
      watermark && months.includes(lastCompleteMonth(watermark))
        ? lastCompleteMonth(watermark)
        : (months[months.length - 1] ?? null),
    teams: watermark ? await teamTrends(options.warehousePath, metrics, monthOf(watermark)) : [],
    coverage: tables.has("rpt_link_coverage") ? await coverageRows(options.warehousePath) : [],
    coverageBySource: tables.has("rpt_link_coverage_by_source")
      ? await sourceCoverageRows(options.warehousePath)
      : [],
    ledger,
    sources: await freshnessWithNewest(options.warehousePath, tables, ledger),
    gaps: openGaps(ledger),
    overview: options.overviewRows
      ? [...options.overviewRows]
      : await overviewRows(options.warehousePath, metrics),
  };

  const evaluateMs = performance.now() - evaluateStarted;
  const renderStarted = performance.now();
  const siteDir = resolve(options.siteDir);
  const written: string[] = [];
  // `site` is a link to the new version folder, swapped in one rename: readers never find no site.
  await publishDir(siteDir, async (dir) => {
    for (const module of PAGES) {
      for (const page of module.pages(site)) {
        const target = join(dir, page.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, module.render(site, page, NAV));
        written.push(page.path);
        for (const file of module.files?.(site, page) ?? []) {
          const path = join(dir, file.path);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, file.content);
        }
      }
    }
  });
  const pages = written.map((p) => join(siteDir, p));
  const reviewPages = new Map(reviews.map((r) => [r.month, join(siteDir, "reviews", `${r.month}.html`)]));
  logger.info("dashboards published", {
    site: siteDir,
    pages: pages.length,
    reviews: reviews.length,
    frozen: frozenNow.length,
    ...(site.gaps.length > 0 ? { incomplete: site.gaps.map(gapLabel) } : {}),
  });
  return {
    pages,
    latest: site.latest,
    reviewPages,
    frozen: frozenNow,
    timings: { evaluateMs, renderMs: performance.now() - renderStarted },
  };
}

/** The marts a monthly review reads besides what metrics.yaml evaluates. */
const REVIEW_MARTS = [
  "fct_pull_requests",
  "fct_incidents",
  "dim_teams",
  "dim_repos",
  "rpt_link_coverage",
] as const;

async function martTables(warehousePath: string): Promise<Set<string>> {
  const rows = await withDb(warehousePath, "read_only", (db) =>
    db.all<{ table_name: string }>("select table_name from information_schema.tables"),
  );
  return new Set(rows.map((r) => r.table_name));
}

function htmlFile(reviewsDir: string, month: string): string {
  return join(reviewsDir, `${month}.html`);
}

function lastSuccess(ledger: readonly LedgerEntry[]): string | null {
  const ok = ledger.filter((e) => e.stage === "extract" && e.status === "ok");
  return ok[ok.length - 1]?.endedAt ?? null;
}

/** Every month from the first pull request's to the watermark's (the current one provisional). */
async function reviewMonths(warehousePath: string, watermark: string): Promise<string[]> {
  const [row] = await withDb(warehousePath, "read_only", (db) =>
    db.all<{ first: string | null }>(
      "select strftime(min(created_at), '%Y-%m') as first from fct_pull_requests",
    ),
  );
  const first = row?.first;
  if (!first || !isMonth(first)) return [];
  return monthRange(first, monthOf(watermark));
}

/** Each team's trends: the team page metrics by team, per month, the review window plus the current month. */
async function teamTrends(
  warehousePath: string,
  metrics: MetricsFile,
  current: string,
): Promise<TeamTrends[]> {
  const names = TEAM_METRICS.filter((n) => findMetric(metrics, n)?.dimensions.includes("team"));
  if (names.length === 0) return [];
  const months = monthRange(addMonths(current, -TREND_MONTHS), current);
  const rows = await evaluateMetrics({
    warehousePath,
    metrics,
    names,
    by: ["team"],
    grain: "month",
    from: monthStart(months[0]!),
    to: monthEnd(current),
  });
  const teams = [
    ...new Set(rows.map((r) => r.team).filter((t): t is string => typeof t === "string")),
  ].sort();
  return teams.map((team) => ({
    team,
    path: teamPath(team),
    months,
    rows: rows.filter((r) => r.team === team),
  }));
}

/**
 * Each source's freshness from the ledger, with the newest extraction its rows in the warehouse carry
 * (pull requests are GitHub's; deployments and incidents say their source; Copilot usage, its newest day).
 */
async function freshnessWithNewest(
  warehousePath: string,
  tables: ReadonlySet<string>,
  ledger: readonly LedgerEntry[],
): Promise<SiteData["sources"]> {
  const parts = [
    tables.has("fct_pull_requests")
      ? "select 'github' as source, max(extracted_at) as newest_at from fct_pull_requests"
      : "",
    ...["fct_deployments", "fct_incidents"]
      .filter((t) => tables.has(t))
      .map((t) => `select source, max(extracted_at) as newest_at from ${t} group by source`),
    // Copilot usage comes by day: its newest day is how current it is.
    tables.has("fct_copilot_usage_daily")
      ? "select 'github_copilot' as source, max(day)::TIMESTAMP as newest_at from fct_copilot_usage_daily"
      : "",
  ].filter(Boolean);
  const rows =
    parts.length === 0
      ? []
      : await withDb(warehousePath, "read_only", (db) =>
          db.all<{ source: string; ms: number | null }>(
            `select source, epoch_ms(max(newest_at))::DOUBLE as ms from (${parts.join(" union all ")}) group by source`,
          ),
        );
  const newest = new Map<string, number>();
  for (const row of rows) {
    if (row.ms === null) continue;
    const source = ledgerSourceOf(row.source);
    newest.set(source, Math.max(newest.get(source) ?? 0, Number(row.ms)));
  }
  const freshness = sourceFreshness(ledger);
  // A source whose rows are in the warehouse but not in the ledger (its lines rotated away) is listed too.
  for (const source of newest.keys())
    if (!freshness.some((f) => f.source === source))
      freshness.push({ source, last_success: null, last_attempt: null, last_status: null });
  return freshness.map((f) => {
    const ms = newest.get(f.source);
    return { ...f, newest: ms === undefined ? null : new Date(ms).toISOString() };
  });
}

async function sourceCoverageRows(warehousePath: string): Promise<SourceCoverageRow[]> {
  const rows = await withDb(warehousePath, "read_only", (db) =>
    db.all<SourceCoverageRow>(
      `select source, incidents, incidents_linked_to_deployment, incidents_linked_by_reference,
              incidents_linked_latest_before, incidents_without_repository
       from rpt_link_coverage_by_source order by source`,
    ),
  );
  return rows.map((r) => ({
    source: r.source,
    incidents: Number(r.incidents),
    incidents_linked_to_deployment: Number(r.incidents_linked_to_deployment),
    incidents_linked_by_reference: Number(r.incidents_linked_by_reference),
    incidents_linked_latest_before: Number(r.incidents_linked_latest_before),
    incidents_without_repository: Number(r.incidents_without_repository),
  }));
}

async function coverageRows(warehousePath: string): Promise<CoverageRow[]> {
  const rows = await withDb(warehousePath, "read_only", (db) =>
    db.all<CoverageRow>(
      `select repository, merged_pull_requests, merged_linked_to_production, merged_linked_by_window, incidents,
              incidents_linked_to_deployment, pull_requests, pull_requests_with_ai_signal
       from rpt_link_coverage order by repository = '(all)' desc, repository`,
    ),
  );
  return rows.map((r) => ({
    ...r,
    merged_pull_requests: Number(r.merged_pull_requests),
    merged_linked_to_production: Number(r.merged_linked_to_production),
    merged_linked_by_window: Number(r.merged_linked_by_window),
    incidents: Number(r.incidents),
    incidents_linked_to_deployment: Number(r.incidents_linked_to_deployment),
    pull_requests: Number(r.pull_requests),
    pull_requests_with_ai_signal: Number(r.pull_requests_with_ai_signal),
  }));
}
