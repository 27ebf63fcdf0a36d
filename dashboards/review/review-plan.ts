/**
 * Which metrics of metrics.yaml each part of the monthly review shows, in one place. The review reads them by
 * name; one that metrics.yaml no longer defines is listed on the page as missing, never silently dropped.
 */

/** The AI classes compared with unmarked work (automation is counted apart, never compared). */
export const AI_CLASSES = ["ai_authored", "ai_assisted"] as const;
export const BASELINE_CLASS = "unmarked";

/** Headline figures, org-wide, this month against last month and the trailing three months. */
export const HEADLINE = [
  { metric: "ai_authored_share", class: null },
  { metric: "ai_assisted_share", class: null },
  { metric: "cycle_time_p50", class: null },
  { metric: "lead_time_for_changes_p50", class: null },
  { metric: "change_failure_rate", class: null },
  { metric: "deployment_days_per_week", class: null },
  { metric: "revert_rate", class: "ai_authored" },
  { metric: "revert_rate", class: "ai_assisted" },
] as const;

/** The two shares whose sum is the AI share of merged pull requests (same denominator). */
export const SHARE_METRICS = ["ai_authored_share", "ai_assisted_share"] as const;

/** Merged pull requests, sliced by tool for the adoption-by-tool trend. */
export const MERGED_METRIC = "merged_pull_requests";
export const TOOL_DIMENSION = "primary_ai_tool";

/** Agent work per initiating team, and the share of pull requests an AI reviewed. */
export const AGENT_METRICS = [
  "agent_opened_pull_requests",
  "agent_merge_rate",
  "agent_closed_unmerged",
] as const;
export const AI_REVIEWED_METRIC = "ai_reviewed_share";

/**
 * GitHub's own Copilot figures (github.copilot in yardstick.yaml), organisation-wide for the month. Optional:
 * shown when metrics.yaml defines them and the warehouse has figures, never listed as missing.
 */
export const COPILOT_METRICS = [
  "copilot_daily_active_users",
  "copilot_weekly_active_users",
  "copilot_daily_engaged_users",
  "copilot_active_share",
  "copilot_engaged_share",
] as const;

/** The AI-against-unmarked table: cycle time and its phases, rework and outcomes. */
export const IMPACT = [
  "cycle_time_p50",
  "coding_time_p50",
  "pickup_time_p50",
  "review_time_p50",
  "deploy_time_p50",
  "review_rounds_avg",
  "commits_after_first_review_avg",
  "revert_rate",
  "shipped_with_incident_rate",
  "ci_failure_rate",
] as const;
export const BESIDE_DURATIONS = "merge_rate";

/** Human in the loop, over AI-authored pull requests merged in the month. */
export const GOVERNANCE = [
  "ai_independent_approval_share",
  "ai_self_merged_share",
  "ai_merged_with_failing_ci_share",
] as const;
export const GOVERNED_CLASS = "ai_authored";
/** Human review load per merged pull request, AI against unmarked. */
export const REVIEW_LOAD = "human_reviews_per_merged_pr";

/** The DORA keys, this month against last month, with their bands. */
export const DELIVERY = [
  "deployment_days_per_week",
  "lead_time_for_changes_p50",
  "change_failure_rate",
  "failed_deployment_recovery_time_p50",
  "time_to_restore_p50",
] as const;

/** How many months the adoption trends and the team matrix cover, this month included. */
export const TREND_MONTHS = 12;

/** Every metric name the review reads. */
export function reviewMetricNames(): string[] {
  return [
    ...new Set<string>([
      ...HEADLINE.map((h) => h.metric),
      ...SHARE_METRICS,
      MERGED_METRIC,
      ...AGENT_METRICS,
      AI_REVIEWED_METRIC,
      ...IMPACT,
      BESIDE_DURATIONS,
      ...GOVERNANCE,
      REVIEW_LOAD,
      ...DELIVERY,
    ]),
  ];
}
