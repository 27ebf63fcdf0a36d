/**
 * A monthly review as data: every number its page shows, with n, definition hashes and the provenance of the
 * data (metrics.yaml hash, code version, data watermark). The page is rendered from this object and nothing
 * else, so a review frozen once (written to `<dataDir>/reviews/YYYY-MM.json`) renders the same page for ever.
 */
import type { Band, MetricRow } from "../../metrics/metric-evaluator.ts";

export const SNAPSHOT_VERSION = 1;

/** One value of one metric for one group: what a cell on the page needs. */
export interface Figure {
  metric: string;
  value: number | null;
  n: number | null;
  definition_hash: string;
  band?: Band;
  insufficient?: true;
  suppressed?: true;
}

/** A metric row as a figure (null for no row). */
export function figureOf(row: MetricRow | undefined): Figure | null {
  if (!row) return null;
  return {
    metric: row.metric,
    value: row.value,
    n: row.n,
    definition_hash: row.definition_hash,
    ...(row.band ? { band: row.band } : {}),
    ...(row.insufficient ? { insufficient: true as const } : {}),
    ...(row.suppressed ? { suppressed: true as const } : {}),
  };
}

/** A class's difference to unmarked work, as the comparison engine gives it (see metric-comparison.ts). */
export interface Comparison {
  value: number | null;
  n: number | null;
  k: number | null;
  baseline_value: number | null;
  baseline_n: number | null;
  baseline_k: number | null;
  difference: number | null;
  low: number | null;
  high: number | null;
  method: string;
  repositories: number | null;
  no_interval: string | null;
  insufficient?: true;
  suppressed?: true;
  baseline_insufficient?: true;
  baseline_suppressed?: true;
}

/** A headline figure: this month, last month, the median of the three months before, the DORA band. */
export interface Headline {
  metric: string;
  /** For a per-class figure (revert rate of AI work), the class; else null. */
  class: string | null;
  current: Figure | null;
  previous: Figure | null;
  /** Median of the values of the three months before this one (those that have a value). */
  trailing_median: number | null;
  /** Against unmarked work, for per-class figures. */
  vs_unmarked?: Comparison | null;
}

/** One row of the AI-against-unmarked table. */
export interface ImpactRow {
  metric: string;
  class: string;
  /** null for the pooled row, else the size bucket. */
  size_bucket: string | null;
  comparison: Comparison;
  /** For durations: the merge rate of this class and of unmarked work in the same slice. */
  merge_rate?: { value: number | null; n: number | null; baseline_value: number | null };
}

export interface FollowUp {
  repository: string;
  number: number;
  url: string;
  authorship_class: string;
  tools: string | null;
  evidence: string | null;
  evidence_where: string | null;
  reverted_by: number | null;
  /** The incidents its deployment caused: a GitHub issue's number, or an imported incident's id in its tool. */
  incidents: (number | string)[];
}

export interface ClassCounts {
  [authorshipClass: string]: number;
}

/** What moved since the previous review, worked out when this one was evaluated. */
export interface Changes {
  previous_month: string | null;
  definitions: { metric: string; old_hash: string | null; new_hash: string | null; fields: string[] }[];
  teams_added: string[];
  teams_removed: string[];
  repositories_added: string[];
  repositories_removed: string[];
  runs: { run_id: string; stage: string; status: string; at: string; error: string | null }[];
  /** The classification rules changed (the catalogue's hash differs), and how last month's pull requests moved. */
  classification: {
    old_hash: string;
    new_hash: string;
    previous_counts: ClassCounts;
    recounted: ClassCounts;
  } | null;
}

export interface SourceFreshness {
  source: string;
  last_success: string | null;
  last_attempt: string | null;
  last_status: string | null;
}

export interface SourceIncidentCoverage {
  /** As fct_incidents.source says it: `github`, `file`, `pagerduty`, `incident_io`. */
  source: string;
  incidents: number;
  incidents_linked_to_deployment: number;
}

export interface LinkCoverage {
  merged_pull_requests: number;
  merged_linked_to_production: number;
  merged_linked_by_window: number;
  incidents: number;
  incidents_linked_to_deployment: number;
  pull_requests: number;
  pull_requests_with_ai_signal: number;
}

export interface ReviewSnapshot {
  version: number;
  month: string;
  status: "final" | "provisional";
  /** The day from which the month may be final: its end plus the longer outcome window. */
  final_from: string;
  windows: { revert_window_days: number; incident_lookahead_days: number };
  /** When it was frozen (final) or evaluated (provisional). */
  evaluated_at: string;
  code_version: string;
  metrics_hash: string;
  data_watermark: string | null;
  /** The definitions behind every number, by metric name. */
  definitions: Record<
    string,
    { hash: string; label: string; unit: string; aggregation: string; direction: string; fields: string }
  >;
  classification_hash: string;
  teams: string[];
  repositories: string[];
  headline: Headline[];
  adoption: {
    months: string[];
    trend: { metric: string; figures: (Figure | null)[] }[];
    by_tool: { tool: string; shares: (Figure | null)[] }[];
    team_matrix: { team: string; figures: (Figure | null)[] }[];
    /** The organisation (team null) first, then each team that asked agents for work. */
    agent_work: { team: string | null; figures: Record<string, Figure | null> }[];
    ai_reviewed: Figure | null;
    /** GitHub's Copilot figures for the month, organisation-wide; absent when there are none. */
    copilot?: Figure[];
  };
  impact: { month: ImpactRow[]; quarter: ImpactRow[]; quarter_from: string };
  governance: Figure[];
  review_load: ImpactRow[];
  delivery: { metric: string; current: Figure | null; previous: Figure | null }[];
  follow_ups: FollowUp[];
  class_counts: ClassCounts;
  changes: Changes;
  data_trust: {
    sources: SourceFreshness[];
    coverage: LinkCoverage | null;
    /**
     * Incidents linked to a deployment, source by source: present when incidents come from more than GitHub
     * (a GitHub-only organisation's snapshot is as before).
     */
    coverage_by_source?: SourceIncidentCoverage[];
  };
  notes: { file: string | null; markdown: string | null; previous_actions: string[] };
  /** Metrics the review asks for that metrics.yaml does not define (shown, never silently dropped). */
  missing_metrics: string[];
  /** Earlier frozen versions this one replaced, with the reason given (`review --refreeze`). */
  refrozen: { at: string; reason: string; replaced: string }[];
}

/** JSON with keys in a fixed order at every level, so that equal snapshots are equal bytes. */
export function snapshotJson(snapshot: ReviewSnapshot): string {
  return `${JSON.stringify(sortKeys(snapshot), null, 1)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
