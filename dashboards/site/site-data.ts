/**
 * Everything the site's pages are rendered from, gathered once per build: the monthly reviews (frozen ones
 * read back, the others evaluated), restatements, each team's monthly trends, link coverage and the run
 * ledger. Pages only render; they never query.
 */
import type { DataGap, LedgerEntry } from "../../jobs/run-ledger.ts";
import type { MetricRow } from "../../metrics/metric-evaluator.ts";
import type { MetricsFile } from "../../metrics/metrics-file.ts";
import type { Restatement } from "../review/restatements.ts";
import type { LinkCoverage, ReviewSnapshot, SourceFreshness } from "../review/review-snapshot.ts";

export interface ReviewEntry {
  month: string;
  snapshot: ReviewSnapshot;
  /** Read back from `<dataDir>/reviews/` (final and frozen), rather than evaluated by this build. */
  frozen: boolean;
  /** For a frozen review: what today's definitions and data say differently. */
  restatements: Restatement[];
  /** For a frozen review: its page, rendered once when it was frozen and kept beside its snapshot. */
  html?: string;
}

export interface TeamTrends {
  team: string;
  /** Site-relative page path, `teams/<slug>.html`. */
  path: string;
  months: string[];
  rows: MetricRow[];
}

/** One repository's link coverage (rpt_link_coverage), or '(all)'. */
export interface CoverageRow extends LinkCoverage {
  repository: string;
}

/** How one source's incidents link to deployments (rpt_link_coverage_by_source). */
export interface SourceCoverageRow {
  source: string;
  incidents: number;
  incidents_linked_to_deployment: number;
  incidents_linked_by_reference: number;
  incidents_linked_latest_before: number;
  incidents_without_repository: number;
}

export interface SiteData {
  title: string;
  generatedAt: Date;
  /** Latest extraction time in the warehouse (ISO): the newest event the data holds. */
  watermark: string | null;
  /** When the last extraction that succeeded ended: when the data was last confirmed current. */
  lastExtraction: string | null;
  metrics: MetricsFile;
  /** Oldest first. */
  reviews: ReviewEntry[];
  /** The last complete month, whose review the site opens on; null without data. */
  latest: string | null;
  teams: TeamTrends[];
  coverage: CoverageRow[];
  /** Incident link coverage per source (GitHub issues, files, PagerDuty, incident.io). */
  coverageBySource: SourceCoverageRow[];
  ledger: LedgerEntry[];
  /** Each source's freshness (source-freshness.ts), with the newest extraction its data holds. */
  sources: (SourceFreshness & { newest: string | null })[];
  /** What partial extractions could not read and no later run has read yet (see `openGaps`). */
  gaps: DataGap[];
  /** The weekly overview's rows (every metric per week, overall and per team), when the site has one. */
  overview: MetricRow[] | null;
}

/** A page's file name for a team: readable, and safe whatever the team is called. */
export function teamPath(team: string): string {
  const readable = team
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  let hash = 0;
  for (const ch of team) hash = (Math.imul(hash, 31) + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `teams/${readable || "team"}-${hash.toString(36)}.html`;
}
