/**
 * The default metrics written by hand in plain DuckDB SQL against the marts, the way an analyst would write them
 * without Yardstick: one query per metric, per month, sliced as `npm run bench -- metrics` slices it (team and
 * authorship class where the metric allows both, else team). Nothing here comes from the metric compiler; the
 * bench (bench/metrics.bench.ts) checks that every query gives the engine's numbers before timing either side.
 *
 * Every query takes `$start` and `$end` (YYYY-MM-DD, both days included, UTC) and returns
 *   period   the first day of the month (YYYY-MM-DD)
 *   team, authorship_class   the slice (only those the metric is sliced by)
 *   value    the number before anything is withheld
 *   n        the rows behind the value (a ratio: its denominator's rows)
 *   people   distinct people behind the group (the privacy floor), null for tables that are not about people
 * The bench withholds values the way the engine does (min_sample, privacy floor) from n and people.
 */

/** The human behind a pull request: whoever asked the agent, else a human author (fct_pull_requests.yml). */
const PEOPLE =
  "count(distinct coalesce(initiated_by, case when author_type = 'User' then author_login end)) as people";

// Grouped by the month's first instant, formatted once per group (grouping by the formatted text is slower).
const truncMonth = (column: string) => `date_trunc('month', ${column})`;
const month = (column: string) => `strftime(${truncMonth(column)}, '%Y-%m-%d') as period`;
const inWindow = (column: string) => `${column} >= $start::date and ${column} < $end::date + interval 1 day`;

/** A median or percentile of a fct_pull_requests column, per month of `time`, by team and authorship class. */
const pullRequestQuantile = (column: string, fraction: number, time: string, filter?: string) => `
  select ${month(time)}, team, authorship_class,
         quantile_cont(${column}, ${fraction}) as value, count(${column}) as n, ${PEOPLE}
  from fct_pull_requests
  where ${filter ? `${filter} and ` : ""}${inWindow(time)}
  group by ${truncMonth(time)}, team, authorship_class`;

/** Of the AI-authored pull requests merged per month, by team, the share where `flag` is true. */
const aiAuthoredMergedShare = (flag: string) => `
  select ${month("merged_at")}, team,
         count(*) filter (where ${flag}) / count(*) as value, count(*) as n, ${PEOPLE}
  from fct_pull_requests
  where is_merged and authorship_class = 'ai_authored' and ${inWindow("merged_at")}
  group by ${truncMonth("merged_at")}, team`;

/** An organisation-wide Copilot figure per month: `value` and `n` as SQL over its days. */
const copilotOrg = (value: string, n: string, filter?: string) => `
  select ${month("day")}, ${value} as value, ${n} as n, null as people
  from fct_copilot_usage_daily
  where scope = 'organization' and ${filter ? `${filter} and ` : ""}${inWindow("day")}
  group by ${truncMonth("day")}`;

/** Metric name → its hand-written query. */
export const PLAIN_METRIC_SQL: Readonly<Record<string, string>> = {
  // ---- DORA ----
  deployments: `
    select ${month("finished_at")}, team, count(*) as value, count(*) as n, null as people
    from fct_deployments
    where is_production and is_success and ${inWindow("finished_at")}
    group by ${truncMonth("finished_at")}, team`,
  deployment_days: `
    select ${month("finished_at")}, team, count(distinct finished_at::date) as value, count(*) as n, null as people
    from fct_deployments
    where is_production and is_success and ${inWindow("finished_at")}
    group by ${truncMonth("finished_at")}, team`,
  deployment_days_per_week: `
    select ${month("finished_at")}, team,
           count(distinct finished_at::date) / day(last_day(${truncMonth("finished_at")})) * 7 as value,
           count(*) as n, null as people
    from fct_deployments
    where is_production and is_success and ${inWindow("finished_at")}
    group by ${truncMonth("finished_at")}, team`,
  lead_time_for_changes_p50: pullRequestQuantile("lead_time_hours", 0.5, "production_deployed_at"),
  lead_time_for_changes_p75: pullRequestQuantile("lead_time_hours", 0.75, "production_deployed_at"),
  lead_time_for_changes_p90: pullRequestQuantile("lead_time_hours", 0.9, "production_deployed_at"),
  change_failure_rate: `
    select ${month("finished_at")}, team,
           count(*) filter (where is_change_failure) / count(*) as value, count(*) as n, null as people
    from fct_deployments
    where is_production and is_success and ${inWindow("finished_at")}
    group by ${truncMonth("finished_at")}, team`,
  failed_deployment_recovery_time_p50: `
    select ${month("resolved_at")}, team,
           median(time_to_restore_hours) as value, count(time_to_restore_hours) as n, null as people
    from fct_incidents
    where is_change_failure and ${inWindow("resolved_at")}
    group by ${truncMonth("resolved_at")}, team`,
  time_to_restore_p50: `
    select ${month("resolved_at")}, team,
           median(time_to_restore_hours) as value, count(time_to_restore_hours) as n, null as people
    from fct_incidents
    where ${inWindow("resolved_at")}
    group by ${truncMonth("resolved_at")}, team`,

  // ---- Cycle time and its phases ----
  cycle_time_p50: pullRequestQuantile("cycle_time_hours", 0.5, "merged_at", "is_merged"),
  cycle_time_p75: pullRequestQuantile("cycle_time_hours", 0.75, "merged_at", "is_merged"),
  cycle_time_p90: pullRequestQuantile("cycle_time_hours", 0.9, "merged_at", "is_merged"),
  coding_time_p50: pullRequestQuantile("coding_hours", 0.5, "merged_at", "is_merged"),
  coding_time_p75: pullRequestQuantile("coding_hours", 0.75, "merged_at", "is_merged"),
  coding_time_p90: pullRequestQuantile("coding_hours", 0.9, "merged_at", "is_merged"),
  pickup_time_p50: pullRequestQuantile("pickup_hours", 0.5, "merged_at", "is_merged"),
  pickup_time_p75: pullRequestQuantile("pickup_hours", 0.75, "merged_at", "is_merged"),
  pickup_time_p90: pullRequestQuantile("pickup_hours", 0.9, "merged_at", "is_merged"),
  review_time_p50: pullRequestQuantile("review_hours", 0.5, "merged_at", "is_merged"),
  review_time_p75: pullRequestQuantile("review_hours", 0.75, "merged_at", "is_merged"),
  review_time_p90: pullRequestQuantile("review_hours", 0.9, "merged_at", "is_merged"),
  deploy_time_p50: pullRequestQuantile("deploy_hours", 0.5, "production_deployed_at"),
  deploy_time_p75: pullRequestQuantile("deploy_hours", 0.75, "production_deployed_at"),
  deploy_time_p90: pullRequestQuantile("deploy_hours", 0.9, "production_deployed_at"),

  // ---- Throughput ----
  merged_pull_requests: `
    select ${month("merged_at")}, team, authorship_class, count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,
  closed_pull_requests: `
    select ${month("closed_at")}, team, authorship_class, count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where ${inWindow("closed_at")}
    group by ${truncMonth("closed_at")}, team, authorship_class`,
  shipped_pull_requests: `
    select ${month("production_deployed_at")}, team, authorship_class, count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where ${inWindow("production_deployed_at")}
    group by ${truncMonth("production_deployed_at")}, team, authorship_class`,

  // ---- AI share of merged work (by team: the share is of all classes but automation) ----
  ai_authored_share: `
    select ${month("merged_at")}, team,
           count(*) filter (where authorship_class = 'ai_authored') / count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and authorship_class <> 'automation' and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team`,
  ai_assisted_share: `
    select ${month("merged_at")}, team,
           count(*) filter (where authorship_class = 'ai_assisted') / count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and authorship_class <> 'automation' and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team`,

  // ---- Quality ----
  revert_rate: `
    select ${month("merged_at")}, team, authorship_class,
           count(*) filter (where reverted_within_window) / count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,
  shipped_with_incident_rate: `
    select ${month("production_deployed_at")}, team, authorship_class,
           count(*) filter (where shipped_with_incident) / count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where ${inWindow("production_deployed_at")}
    group by ${truncMonth("production_deployed_at")}, team, authorship_class`,
  ci_runs: `
    select ${month("merged_at")}, team, authorship_class, sum(ci_runs) as value, count(ci_runs) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,
  ci_failed_runs: `
    select ${month("merged_at")}, team, authorship_class,
           sum(ci_failures) as value, count(ci_failures) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,
  ci_failure_rate: `
    select ${month("merged_at")}, team, authorship_class,
           sum(ci_failures) / nullif(sum(ci_runs), 0) as value, count(ci_runs) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,
  review_rounds_avg: `
    select ${month("merged_at")}, team, authorship_class,
           avg(review_rounds) as value, count(review_rounds) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,
  commits_after_first_review_avg: `
    select ${month("merged_at")}, team, authorship_class,
           avg(commits_after_first_review) as value, count(commits_after_first_review) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,
  merge_rate: `
    select ${month("closed_at")}, team, authorship_class,
           count(*) filter (where is_merged) / count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where ${inWindow("closed_at")}
    group by ${truncMonth("closed_at")}, team, authorship_class`,
  time_to_merge_hours_p50: pullRequestQuantile("time_to_merge_hours", 0.5, "merged_at", "is_merged"),
  size_lines_p50: pullRequestQuantile("size_lines", 0.5, "merged_at", "is_merged"),

  // ---- Review load ----
  human_reviews: `
    select ${month("merged_at")}, team, authorship_class,
           sum(human_review_count) as value, count(human_review_count) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,
  human_reviews_per_merged_pr: `
    select ${month("merged_at")}, team, authorship_class,
           sum(human_review_count) / count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,

  // ---- Agent work and AI review (by team: agent work is one class) ----
  agent_opened_pull_requests: `
    select ${month("created_at")}, team, count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_agent_opened and ${inWindow("created_at")}
    group by ${truncMonth("created_at")}, team`,
  agent_closed_unmerged: `
    select ${month("closed_at")}, team, count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_agent_opened and not is_merged and ${inWindow("closed_at")}
    group by ${truncMonth("closed_at")}, team`,
  agent_merge_rate: `
    select ${month("closed_at")}, team,
           count(*) filter (where is_merged) / count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_agent_opened and ${inWindow("closed_at")}
    group by ${truncMonth("closed_at")}, team`,
  ai_reviewed_share: `
    select ${month("merged_at")}, team, authorship_class,
           count(*) filter (where ai_reviewed) / count(*) as value, count(*) as n, ${PEOPLE}
    from fct_pull_requests
    where is_merged and ${inWindow("merged_at")}
    group by ${truncMonth("merged_at")}, team, authorship_class`,

  // ---- Human in the loop of merged AI-authored work (by team) ----
  ai_independent_approval_share: aiAuthoredMergedShare("has_independent_approval"),
  ai_self_merged_share: aiAuthoredMergedShare("merged_by_initiator_without_review"),
  ai_merged_with_failing_ci_share: aiAuthoredMergedShare("merged_with_failing_ci"),
  // ---- Copilot usage (organisation or team aggregates: the privacy floor is applied in the table) ----
  copilot_active_user_days: copilotOrg("sum(active_users)", "count(active_users)"),
  copilot_engaged_user_days: copilotOrg("sum(engaged_users)", "count(engaged_users)"),
  copilot_reported_days: copilotOrg("count(distinct day)", "count(day)"),
  copilot_people_days: copilotOrg("sum(people)", "count(people)", "people > 0"),
  copilot_daily_active_users: copilotOrg("sum(active_users) / count(distinct day)", "count(day)"),
  copilot_daily_engaged_users: copilotOrg("sum(engaged_users) / count(distinct day)", "count(day)"),
  copilot_weekly_active_users: copilotOrg("max(active_users)", "count(active_users)"),
  copilot_active_share: copilotOrg(
    "sum(active_users) filter (where people > 0) / sum(people) filter (where people > 0)",
    "count(people) filter (where people > 0)",
  ),
  copilot_engaged_share: copilotOrg(
    "sum(engaged_users) filter (where people > 0) / sum(people) filter (where people > 0)",
    "count(people) filter (where people > 0)",
  ),
  copilot_team_daily_active_users: `
    select ${month("day")}, team, avg(active_users) as value, count(active_users) as n, null as people
    from fct_copilot_usage_daily
    where scope = 'team' and ${inWindow("day")}
    group by ${truncMonth("day")}, team`,
};
