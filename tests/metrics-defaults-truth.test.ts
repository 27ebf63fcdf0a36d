/**
 * Every default metric of metrics.yaml against the generator's ground truth: extract a simulated organisation
 * through the simulator, build the warehouse with real dbt, evaluate each metric per month (whole org, by team,
 * by repository, by authorship class, by team and class, by author type, by class and size bucket, as each
 * metric allows; the primary AI tool has no counterpart in the truth) and compare value, n, the
 * "insufficient data" and privacy suppressions and the DORA band with the same definition computed here in
 * plain TypeScript from what the generator knows it made (simulator/ground-truth.ts). Sizes and reviews,
 * which the truth does not record the way the lake holds them, come from the generated dataset itself
 * (never from the warehouse). The metric list is read from metrics.yaml: a new default metric without an
 * independent check here fails the suite.
 */

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import type { DatasetPullRequest } from "../simulator/dataset.ts";
import { teamFor } from "../simulator/ground-truth.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { buildSimulatedWarehouse } from "./helpers/simulated-warehouse.ts";
import { quantile } from "./helpers/stats.ts";

const ROOT = resolve(import.meta.dirname, "..");
const HOUR = 3_600_000;
const ALL_METRICS = loadMetricsFile(join(ROOT, "metrics.yaml"));
/**
 * GitHub's own Copilot figures (one row per organisation or team and day, read only with github.copilot, which
 * this warehouse does not configure): tests/copilot-metrics.test.ts checks each of them against the generator's
 * Copilot usage instead, and they are sliced by organisation, not by the team a pull request counts for.
 */
const COPILOT_METRICS = ALL_METRICS.metrics.filter((m) => m.models.includes("fct_copilot_usage_daily"));
const METRICS = {
  ...ALL_METRICS,
  metrics: ALL_METRICS.metrics.filter((m) => !COPILOT_METRICS.includes(m)),
};
const DEFINITIONS = METRICS.definitions;
/** The slices every metric is checked by, where its dimensions allow (always per month). */
const SLICES: readonly (readonly string[])[] = [
  [],
  ["team"],
  ["repository"],
  ["authorship_class"],
  ["team", "authorship_class"],
  ["author_type"],
  ["authorship_class", "size_bucket"],
];

// Big enough that every metric has sufficient groups for the whole org, small enough (teams of 5-7 people,
// 4 classes, a p90 needing 20 rows) that min_sample and the privacy floor bite in others.
const org = generateOrg({ seed: 23, teams: 3, repositories: 5, pullRequests: 1100, days: 120 });

// ---- Facts from the ground truth (and, where the truth lacks the field, the generated dataset) ----------

const hours = (from: string | null, to: string | null): number | null => {
  if (from === null || to === null) return null;
  const h = (Date.parse(to) - Date.parse(from)) / HOUR;
  return h >= 0 ? h : null;
};

interface PullRequestFact {
  team: string;
  repository: string;
  authorship_class: string;
  author_type: string;
  size_bucket: string;
  /** The human behind the pull request (privacy floor): whoever asked the agent, else a human author. */
  person: string | null;
  merged_at: string | null;
  closed_at: string | null;
  production_deployed_at: string | null;
  coding: number | null;
  pickup: number | null;
  review: number | null;
  deploy: number | null;
  cycle: number | null;
  lead: number | null;
  time_to_merge: number | null;
  size_lines: number;
  reverted_within_window: boolean;
  shipped_with_incident: boolean;
  review_rounds: number;
  commits_after_first_review: number | null;
  human_reviews: number;
  ci_runs: number;
  ci_failures: number;
  created_at: string;
  /** Opened by an agent's account (the generator's Copilot coding agent). */
  agent_opened: boolean;
  ai_reviewed: boolean;
  /** The governance facts of a merged pull request, as the generator recorded them (null unless merged). */
  independent_approval: boolean | null;
  self_merged_without_review: boolean | null;
  merged_with_failing_ci: boolean | null;
}

interface DeploymentFact {
  team: string;
  repository: string;
  environment: string;
  finished_at: string | null;
  production_success: boolean;
  has_incident: boolean;
}

interface IncidentFact {
  team: string;
  repository: string;
  resolved_at: string | null;
  time_to_restore: number | null;
  /** Linked to a successful production deployment: a change failure's incident. */
  change_failure: boolean;
}

const key = (repository: string, number: number) => `${repository}#${number}`;
const datasetPrs = new Map<string, DatasetPullRequest>(
  org.dataset.pullRequests.map((p) => [key(p.repository, p.number), p]),
);

/**
 * Reviews by people other than the author, from the dataset: submitted, not pending, not by a bot (AI
 * reviewers are bots); a deleted account's review counts as a person's.
 */
function humanReviews(pr: DatasetPullRequest): number {
  return pr.reviews.filter(
    (r) =>
      r.submittedAt !== null &&
      r.state !== "PENDING" &&
      (r.author === null ||
        (r.author.type === "User" &&
          !(pr.author?.type === "User" && r.author.login.toLowerCase() === pr.author.login.toLowerCase()))),
  ).length;
}

/** The default size buckets of metrics.yaml, written out: changed lines up to 10, 100, 500, and the rest. */
function sizeBucket(lines: number): string {
  return lines <= 10 ? "0-10" : lines <= 100 ? "11-100" : lines <= 500 ? "101-500" : "501+";
}

const revertWindowMs = DEFINITIONS.revert_window_days * 24 * HOUR;
const pullRequests: PullRequestFact[] = org.truth.pullRequests.map((t) => {
  const pr = datasetPrs.get(key(t.repository, t.number));
  if (!pr) throw new Error(`no dataset pull request for ${key(t.repository, t.number)}`);
  return {
    team: t.team,
    repository: t.repository,
    authorship_class: t.authorship,
    author_type: t.authorType,
    size_bucket: sizeBucket(pr.additions + pr.deletions),
    person:
      (t.authorship === "ai_authored" ? t.initiatedBy : null) ??
      (t.authorType === "User" ? t.authorLogin : null),
    merged_at: t.mergedAt,
    closed_at: t.closedAt,
    production_deployed_at: t.deployedAt,
    coding: hours(t.firstCommitAt, t.createdAt),
    pickup: hours(t.readyForReviewAt, t.firstReviewAt),
    review: hours(t.firstReviewAt, t.mergedAt),
    deploy: hours(t.mergedAt, t.deployedAt),
    cycle: hours(t.firstCommitAt, t.mergedAt),
    lead: hours(t.firstCommitAt, t.deployedAt),
    time_to_merge: hours(t.createdAt, t.mergedAt),
    size_lines: pr.additions + pr.deletions,
    reverted_within_window:
      t.revertedAt !== null &&
      t.mergedAt !== null &&
      Date.parse(t.revertedAt) - Date.parse(t.mergedAt) <= revertWindowMs,
    shipped_with_incident: t.incidents.length > 0,
    review_rounds: t.reviewRounds,
    commits_after_first_review: t.commitsAfterFirstReview,
    human_reviews: humanReviews(pr),
    // Every push's workflow runs, re-runs included, as the generator counted them while it made them.
    ci_runs: t.ciRuns,
    ci_failures: t.ciFailures,
    created_at: t.createdAt,
    agent_opened: t.agentOpened,
    ai_reviewed: t.aiReviewed,
    independent_approval: t.independentApproval,
    self_merged_without_review: t.selfMergedWithoutReview,
    merged_with_failing_ci: t.mergedWithFailingCi,
  };
});

const repositoryTeam = (repository: string) => teamFor(null, repository, org.teams);
// The default production pattern, written out here rather than read from the definitions.
const PRODUCTION = /^(prod|production)([-_ ].*)?$/i;
const deploymentsByKey = new Map(org.truth.deployments.map((d) => [key(d.repository, d.number), d]));
const deployments: DeploymentFact[] = org.truth.deployments.map((d) => ({
  team: repositoryTeam(d.repository),
  repository: d.repository,
  environment: d.environment,
  finished_at: d.finishedAt,
  production_success: d.success && PRODUCTION.test(d.environment),
  has_incident: d.incidents.length > 0,
}));
const incidents: IncidentFact[] = org.truth.incidents.map((i) => {
  const linked =
    i.deploymentNumber === null ? undefined : deploymentsByKey.get(key(i.repository, i.deploymentNumber));
  return {
    team: repositoryTeam(i.repository),
    repository: i.repository,
    resolved_at: i.resolvedAt,
    time_to_restore: hours(i.startedAt, i.resolvedAt),
    change_failure: linked?.success === true && PRODUCTION.test(linked.environment),
  };
});

// ---- The reference computation: groups per month and slice, then the aggregate in plain TypeScript --------

interface Expected {
  value: number | null;
  n: number | null;
  insufficient: boolean;
  suppressed: boolean;
  numerator?: number | null;
  denominator?: number | null;
}

type Of<F> = (fact: F) => number | string | null;
type Agg<F> =
  | { kind: "count" }
  | { kind: "count_distinct"; of: Of<F> }
  | { kind: "sum"; of: Of<F> }
  | { kind: "mean"; of: Of<F> }
  | { kind: "quantile"; q: number; of: Of<F> };

interface Group<F> {
  period: string;
  dims: Record<string, string>;
  rows: F[];
}

interface Check {
  /** The minimum sample the metric must declare (the test's own statement of the policy). */
  minSample: number | undefined;
  /** Expected rows per "period|dimension values" for a metric sliced `by`. */
  expected(by: readonly string[]): Map<string, Expected>;
}

const monthOf = (iso: string) => `${iso.slice(0, 7)}-01`;
const daysInMonth = (period: string) =>
  new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).getUTCDate();

function groupRows<F>(
  facts: readonly F[],
  at: (f: F) => string | null,
  by: readonly string[],
): Map<string, Group<F>> {
  const groups = new Map<string, Group<F>>();
  for (const fact of facts) {
    const time = at(fact);
    if (time === null) continue;
    const period = monthOf(time);
    const dims = Object.fromEntries(by.map((d) => [d, String((fact as Record<string, unknown>)[d])]));
    const k = [period, ...by.map((d) => dims[d])].join("|");
    const group = groups.get(k);
    if (group) group.rows.push(fact);
    else groups.set(k, { period, dims, rows: [fact] });
  }
  return groups;
}

/** value and n as SQL aggregates give them: nulls skipped; an empty sum, mean or quantile is null. */
function aggregate<F>(agg: Agg<F>, rows: readonly F[]): { value: number | null; n: number } {
  if (agg.kind === "count") return { value: rows.length, n: rows.length };
  const values = rows.map(agg.of).filter((v): v is number | string => v !== null);
  const numbers = values.map(Number);
  const n = values.length;
  switch (agg.kind) {
    case "count_distinct":
      return { value: new Set(values).size, n };
    case "sum":
      return { value: n === 0 ? null : numbers.reduce((a, b) => a + b, 0), n };
    case "mean":
      return { value: n === 0 ? null : numbers.reduce((a, b) => a + b, 0) / n, n };
    case "quantile":
      return { value: n === 0 ? null : quantile(numbers, agg.q), n };
  }
}

/** Suppressed when the rows involve between 1 and privacy_floor - 1 distinct people (facts about people only). */
function isSuppressed<F>(rows: readonly F[]): boolean {
  const people = new Set<string>();
  for (const row of rows) {
    const person = (row as { person?: string | null }).person;
    if (person !== undefined && person !== null) people.add(person);
  }
  return people.size >= 1 && people.size < DEFINITIONS.privacy_floor;
}

function withheld(
  minSample: number | undefined,
  value: number | null,
  n: number,
  suppressed: boolean,
): Expected {
  const insufficient = !suppressed && minSample !== undefined && n < minSample;
  return {
    value: suppressed || insufficient ? null : value,
    n: suppressed ? null : n,
    insufficient,
    suppressed,
  };
}

function simple<F>(
  facts: readonly F[],
  at: (f: F) => string | null,
  where: (f: F) => boolean,
  agg: Agg<F>,
  minSample?: number,
) {
  const check = {
    minSample,
    /** Per group, before min_sample and privacy: what a derived metric's input gives. */
    raw(by: readonly string[]) {
      const out = new Map<string, { value: number | null; n: number; suppressed: boolean; period: string }>();
      for (const [k, group] of groupRows(facts.filter(where), at, by)) {
        out.set(k, {
          ...aggregate(agg, group.rows),
          suppressed: isSuppressed(group.rows),
          period: group.period,
        });
      }
      return out;
    },
    expected(by: readonly string[]) {
      const out = new Map<string, Expected>();
      for (const [k, r] of check.raw(by)) out.set(k, withheld(minSample, r.value, r.n, r.suppressed));
      return out;
    },
  };
  return check;
}

interface Side<F> {
  where: (f: F) => boolean;
  agg: Agg<F>;
}

/** Sum-level numerator ÷ denominator per group; n = the denominator's rows; groups without any are absent. */
function ratio<F>(
  facts: readonly F[],
  at: (f: F) => string | null,
  numerator: Side<F>,
  denominator: Side<F>,
  minSample: number,
): Check {
  return {
    minSample,
    expected(by) {
      const out = new Map<string, Expected>();
      for (const [k, group] of groupRows(facts, at, by)) {
        const denominatorRows = group.rows.filter(denominator.where);
        const den = aggregate(denominator.agg, denominatorRows);
        if (den.n === 0) continue;
        const num = aggregate(numerator.agg, group.rows.filter(numerator.where));
        const value = num.value === null || !den.value ? null : num.value / den.value;
        const row = withheld(minSample, value, den.n, isSuppressed(denominatorRows));
        const hidden = row.insufficient || row.suppressed;
        out.set(k, { ...row, numerator: hidden ? null : num.value, denominator: hidden ? null : den.value });
      }
      return out;
    },
  };
}

/** A derived metric of one simple input: `expr(input value, days in the period)`. */
function derived<F>(
  input: ReturnType<typeof simple<F>>,
  expr: (value: number, periodDays: number) => number,
): Check {
  return {
    minSample: undefined,
    expected(by) {
      const out = new Map<string, Expected>();
      for (const [k, r] of input.raw(by)) {
        const value = r.value === null ? null : expr(r.value, daysInMonth(r.period));
        out.set(k, withheld(undefined, value, r.n, r.suppressed));
      }
      return out;
    },
  };
}

// ---- The independent definition of every default metric ----------------------------------------------------

type P = PullRequestFact;
const merged = (p: P) => p.merged_at !== null;
const mergedAt = (p: P) => p.merged_at;
const aiAuthored = (p: P) => p.authorship_class === "ai_authored";
/** A share of the AI-authored pull requests merged in the month that `has` holds for. */
const aiMergedShare = (has: (p: P) => boolean) =>
  ratio(
    pullRequests,
    mergedAt,
    { where: (p) => aiAuthored(p) && has(p), agg: count },
    { where: aiAuthored, agg: count },
    RATE_MIN_SAMPLE,
  );
const deployedAt = (p: P) => p.production_deployed_at;
const count = { kind: "count" } as const;
const all = () => true;
/**
 * The sample-size policy of the default set: a median needs 5 rows, a p75 10, a p90 20 (below that the tail
 * is a single pull request); an average 5; a rate 10 rows of its denominator (change failure rate 5
 * deployments, so that teams deploying weekly still get a monthly rate). Counts and sums need none.
 */
const PERCENTILE_MIN_SAMPLE: Record<number, number> = { 0.5: 5, 0.75: 10, 0.9: 20 };
const RATE_MIN_SAMPLE = 10;
const AVERAGE_MIN_SAMPLE = 5;
const q = (fraction: number, of: Of<P>): Agg<P> => ({ kind: "quantile", q: fraction, of });
const phase = (fraction: number, of: Of<P>) =>
  simple(pullRequests, mergedAt, merged, q(fraction, of), PERCENTILE_MIN_SAMPLE[fraction]);
const shipped = (fraction: number, of: Of<P>) =>
  simple(pullRequests, deployedAt, all, q(fraction, of), PERCENTILE_MIN_SAMPLE[fraction]);
const productionSuccess = (d: DeploymentFact) => d.production_success;
const deploymentDays = simple(deployments, (d) => d.finished_at, productionSuccess, {
  kind: "count_distinct",
  of: (d) => d.finished_at?.slice(0, 10) ?? null, // the UTC day
});

const CHECKS: Record<string, Check> = {
  deployments: simple(deployments, (d) => d.finished_at, productionSuccess, { kind: "count" }),
  deployment_days: deploymentDays,
  deployment_days_per_week: derived(deploymentDays, (days, periodDays) => (days / periodDays) * 7),
  lead_time_for_changes_p50: shipped(0.5, (p) => p.lead),
  lead_time_for_changes_p75: shipped(0.75, (p) => p.lead),
  lead_time_for_changes_p90: shipped(0.9, (p) => p.lead),
  change_failure_rate: ratio(
    deployments,
    (d) => d.finished_at,
    { where: (d) => d.production_success && d.has_incident, agg: { kind: "count" } },
    { where: productionSuccess, agg: { kind: "count" } },
    5,
  ),
  failed_deployment_recovery_time_p50: simple(
    incidents,
    (i) => i.resolved_at,
    (i) => i.change_failure,
    { kind: "quantile", q: 0.5, of: (i) => i.time_to_restore },
    PERCENTILE_MIN_SAMPLE[0.5],
  ),
  time_to_restore_p50: simple(
    incidents,
    (i) => i.resolved_at,
    all,
    { kind: "quantile", q: 0.5, of: (i) => i.time_to_restore },
    PERCENTILE_MIN_SAMPLE[0.5],
  ),
  cycle_time_p50: phase(0.5, (p) => p.cycle),
  cycle_time_p75: phase(0.75, (p) => p.cycle),
  cycle_time_p90: phase(0.9, (p) => p.cycle),
  coding_time_p50: phase(0.5, (p) => p.coding),
  coding_time_p75: phase(0.75, (p) => p.coding),
  coding_time_p90: phase(0.9, (p) => p.coding),
  pickup_time_p50: phase(0.5, (p) => p.pickup),
  pickup_time_p75: phase(0.75, (p) => p.pickup),
  pickup_time_p90: phase(0.9, (p) => p.pickup),
  review_time_p50: phase(0.5, (p) => p.review),
  review_time_p75: phase(0.75, (p) => p.review),
  review_time_p90: phase(0.9, (p) => p.review),
  deploy_time_p50: shipped(0.5, (p) => p.deploy),
  deploy_time_p75: shipped(0.75, (p) => p.deploy),
  deploy_time_p90: shipped(0.9, (p) => p.deploy),
  merged_pull_requests: simple(pullRequests, mergedAt, merged, count),
  closed_pull_requests: simple(pullRequests, (p) => p.closed_at, all, count),
  shipped_pull_requests: simple(pullRequests, deployedAt, all, count),
  ai_authored_share: ratio(
    pullRequests,
    mergedAt,
    { where: (p) => p.authorship_class === "ai_authored", agg: count },
    { where: (p) => p.authorship_class !== "automation", agg: count },
    RATE_MIN_SAMPLE,
  ),
  ai_assisted_share: ratio(
    pullRequests,
    mergedAt,
    { where: (p) => p.authorship_class === "ai_assisted", agg: count },
    { where: (p) => p.authorship_class !== "automation", agg: count },
    RATE_MIN_SAMPLE,
  ),
  revert_rate: ratio(
    pullRequests,
    mergedAt,
    { where: (p) => p.reverted_within_window, agg: count },
    { where: all, agg: count },
    RATE_MIN_SAMPLE,
  ),
  shipped_with_incident_rate: ratio(
    pullRequests,
    deployedAt,
    { where: (p) => p.shipped_with_incident, agg: count },
    { where: all, agg: count },
    RATE_MIN_SAMPLE,
  ),
  ci_runs: simple(pullRequests, mergedAt, merged, { kind: "sum", of: (p) => p.ci_runs }),
  ci_failed_runs: simple(pullRequests, mergedAt, merged, { kind: "sum", of: (p) => p.ci_failures }),
  ci_failure_rate: ratio(
    pullRequests,
    mergedAt,
    { where: all, agg: { kind: "sum", of: (p) => p.ci_failures } },
    { where: all, agg: { kind: "sum", of: (p) => p.ci_runs } },
    RATE_MIN_SAMPLE,
  ),
  review_rounds_avg: simple(
    pullRequests,
    mergedAt,
    merged,
    { kind: "mean", of: (p) => p.review_rounds },
    AVERAGE_MIN_SAMPLE,
  ),
  commits_after_first_review_avg: simple(
    pullRequests,
    mergedAt,
    merged,
    { kind: "mean", of: (p) => p.commits_after_first_review },
    AVERAGE_MIN_SAMPLE,
  ),
  merge_rate: ratio(
    pullRequests,
    (p) => p.closed_at,
    { where: merged, agg: count },
    { where: all, agg: count },
    RATE_MIN_SAMPLE,
  ),
  time_to_merge_hours_p50: phase(0.5, (p) => p.time_to_merge),
  size_lines_p50: phase(0.5, (p) => p.size_lines),
  human_reviews: simple(pullRequests, mergedAt, merged, { kind: "sum", of: (p) => p.human_reviews }),
  human_reviews_per_merged_pr: ratio(
    pullRequests,
    mergedAt,
    { where: all, agg: { kind: "sum", of: (p) => p.human_reviews } },
    { where: all, agg: count },
    RATE_MIN_SAMPLE,
  ),
  agent_opened_pull_requests: simple(
    pullRequests,
    (p) => p.created_at,
    (p) => p.agent_opened,
    count,
  ),
  agent_closed_unmerged: simple(
    pullRequests,
    (p) => p.closed_at,
    (p) => p.agent_opened && !merged(p),
    count,
  ),
  agent_merge_rate: ratio(
    pullRequests,
    (p) => p.closed_at,
    { where: (p) => p.agent_opened && merged(p), agg: count },
    { where: (p) => p.agent_opened, agg: count },
    RATE_MIN_SAMPLE,
  ),
  ai_reviewed_share: ratio(
    pullRequests,
    mergedAt,
    { where: (p) => p.ai_reviewed, agg: count },
    { where: all, agg: count },
    RATE_MIN_SAMPLE,
  ),
  ai_independent_approval_share: aiMergedShare((p) => p.independent_approval === true),
  ai_self_merged_share: aiMergedShare((p) => p.self_merged_without_review === true),
  ai_merged_with_failing_ci_share: aiMergedShare((p) => p.merged_with_failing_ci === true),
};

/** DORA's performance bands (elite, high, medium thresholds; worse is low), as the DORA reports state them. */
const DORA_BANDS: Record<string, { elite: number; high: number; medium: number; lowerIsBetter: boolean }> = {
  deployment_days_per_week: { elite: 5, high: 1, medium: 0.23, lowerIsBetter: false },
  lead_time_for_changes_p50: { elite: 24, high: 168, medium: 720, lowerIsBetter: true },
  change_failure_rate: { elite: 0.05, high: 0.1, medium: 0.15, lowerIsBetter: true },
  failed_deployment_recovery_time_p50: { elite: 1, high: 24, medium: 168, lowerIsBetter: true },
};

function expectedBand(name: string, value: number | null): string | undefined {
  const bands = DORA_BANDS[name];
  if (value === null || !bands) return undefined;
  const better = (threshold: number) => (bands.lowerIsBetter ? value <= threshold : value >= threshold);
  return better(bands.elite)
    ? "elite"
    : better(bands.high)
      ? "high"
      : better(bands.medium)
        ? "medium"
        : "low";
}

const close = (a: number | null | undefined, b: number | null | undefined) =>
  a === b ||
  (typeof a === "number" &&
    typeof b === "number" &&
    Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

// ---- The suite ----------------------------------------------------------------------------------------------

describe("the default metrics against the generator's ground truth", () => {
  /** Rows per slice ("team,authorship_class") and metric. */
  const actual = new Map<string, MetricRow[]>();

  beforeAll(async () => {
    const built = await buildSimulatedWarehouse(org, { name: "metrics-truth", definitions: DEFINITIONS });
    for (const by of SLICES) {
      const names = METRICS.metrics
        .filter((m) => by.every((d) => m.dimensions.includes(d)))
        .map((m) => m.name);
      const rows = await evaluateMetrics({
        warehousePath: built.warehousePath,
        metrics: METRICS,
        names,
        by,
        grain: "month",
      });
      for (const name of names)
        actual.set(
          `${by.join(",")}:${name}`,
          rows.filter((r) => r.metric === name),
        );
    }
  }, 600_000);

  it("leaves only the Copilot metrics to tests/copilot-metrics.test.ts, which evaluates every one", () => {
    const elsewhere = readFileSync(join(ROOT, "tests", "copilot-metrics.test.ts"), "utf8");
    expect(COPILOT_METRICS.map((m) => m.name).filter((name) => !elsewhere.includes(`"${name}"`))).toEqual([]);
    expect(COPILOT_METRICS.length).toBeGreaterThan(0);
  });

  it("has an independent check for every metric in metrics.yaml", () => {
    const names = METRICS.metrics.map((m) => m.name);
    expect(names.filter((name) => !Object.hasOwn(CHECKS, name))).toEqual([]);
    expect(Object.keys(CHECKS).filter((name) => !names.includes(name))).toEqual([]);
  });

  it("lets every metric be read by team, and pull request metrics by authorship class", () => {
    // The AI shares are shares of the classes, and agent work and its governance are of one class, so they are
    // read by team (and repository, size) only.
    const shares = new Set([
      "ai_authored_share",
      "ai_assisted_share",
      "agent_opened_pull_requests",
      "agent_closed_unmerged",
      "agent_merge_rate",
      "ai_independent_approval_share",
      "ai_self_merged_share",
      "ai_merged_with_failing_ci_share",
    ]);
    const missing = METRICS.metrics.flatMap((m) => [
      ...(m.dimensions.includes("team") ? [] : [`${m.name}: team`]),
      ...(m.models.includes("fct_pull_requests") &&
      !shares.has(m.name) &&
      !m.dimensions.includes("authorship_class")
        ? [`${m.name}: authorship_class`]
        : []),
    ]);
    expect(missing).toEqual([]);
  });

  it.each(METRICS.metrics.map((m) => [m.name, m] as const))(
    "%s equals the truth per month and slice",
    (_, metric) => {
      const check = CHECKS[metric.name];
      expect(check, `no independent check for ${metric.name}`).toBeDefined();
      // The declared sample size and DORA bands are the ones this test states independently.
      expect(metric.min_sample).toBe(check!.minSample);
      const bands = DORA_BANDS[metric.name];
      expect(metric.bands).toEqual(bands && { elite: bands.elite, high: bands.high, medium: bands.medium });
      const problems: string[] = [];
      let compared = 0;
      for (const by of SLICES.filter((s) => s.every((d) => metric.dimensions.includes(d)))) {
        const slice = by.length === 0 ? "org" : by.join("×");
        const want = check!.expected(by);
        const got = new Map(
          (actual.get(`${by.join(",")}:${metric.name}`) ?? []).map((r) => [
            [r.period, ...by.map((d) => String(r[d]))].join("|"),
            r,
          ]),
        );
        for (const [k, w] of want) {
          const g = got.get(k);
          compared++;
          if (!g) {
            problems.push(`${slice} ${k}: missing, want ${JSON.stringify(w)}`);
            continue;
          }
          const same =
            close(g.value, w.value) &&
            g.n === w.n &&
            (g.insufficient === true) === w.insufficient &&
            (g.suppressed === true) === w.suppressed &&
            g.band === expectedBand(metric.name, w.value) &&
            (metric.type !== "ratio" ||
              (close(g.numerator, w.numerator) && close(g.denominator, w.denominator)));
          if (!same) {
            const shown = { value: g.value, n: g.n, insufficient: g.insufficient, suppressed: g.suppressed };
            problems.push(
              `${slice} ${k}: got ${JSON.stringify({ ...shown, band: g.band, num: g.numerator, den: g.denominator })}, ` +
                `want ${JSON.stringify({ ...w, band: expectedBand(metric.name, w.value) })}`,
            );
          }
        }
        for (const k of got.keys()) if (!want.has(k)) problems.push(`${slice} ${k}: unexpected row`);
      }
      expect(problems.slice(0, 12)).toEqual([]);
      // The org-wide monthly series has values to compare, not only withheld groups.
      const orgRows = [...check!.expected([]).values()];
      expect(compared).toBeGreaterThan(0);
      expect(orgRows.some((r) => r.value !== null)).toBe(true);
    },
  );

  it("checks the governance shares on an organisation that has every human-in-the-loop case", () => {
    const aiMerged = pullRequests.filter((p) => aiAuthored(p) && merged(p));
    const cases = {
      independentlyApproved: aiMerged.filter((p) => p.independent_approval === true).length,
      notIndependentlyApproved: aiMerged.filter((p) => p.independent_approval === false).length,
      selfMergedWithoutReview: aiMerged.filter((p) => p.self_merged_without_review === true).length,
      mergedWithFailingCi: aiMerged.filter((p) => p.merged_with_failing_ci === true).length,
      mergedWithGreenOrNoCi: aiMerged.filter((p) => p.merged_with_failing_ci === false).length,
      agentClosedUnmerged: pullRequests.filter((p) => p.agent_opened && p.closed_at !== null && !merged(p))
        .length,
    };
    for (const [name, n] of Object.entries(cases)) expect(n, name).toBeGreaterThan(0);
    // Not every AI-authored pull request merged without an independent approval was self-merged: some had
    // another person's comments.
    expect(cases.notIndependentlyApproved).toBeGreaterThan(cases.selfMergedWithoutReview);
    // Merges on red CI are a few percent, more often of AI-authored work than of unmarked work.
    const redShare = (rows: readonly P[]) =>
      rows.filter((p) => p.merged_with_failing_ci).length / rows.length;
    const unmarkedMerged = pullRequests.filter((p) => p.authorship_class === "unmarked" && merged(p));
    expect(redShare(aiMerged)).toBeGreaterThan(redShare(unmarkedMerged));
    expect(redShare(pullRequests.filter(merged))).toBeLessThan(0.05);
  });

  it("withholds small groups: some below min_sample, some under the privacy floor, most shown", () => {
    // The states the comparisons above hold the engine to, counted over every metric and slice.
    const counts = { insufficient: 0, suppressed: 0, shown: 0 };
    for (const metric of METRICS.metrics) {
      for (const by of SLICES.filter((s) => s.every((d) => metric.dimensions.includes(d)))) {
        for (const w of CHECKS[metric.name]?.expected(by).values() ?? []) {
          counts[w.insufficient ? "insufficient" : w.suppressed ? "suppressed" : "shown"]++;
        }
      }
    }
    expect(counts.insufficient).toBeGreaterThan(50);
    expect(counts.suppressed).toBeGreaterThan(10);
    expect(counts.shown).toBeGreaterThan(counts.insufficient);
    // A p90 needs 20 rows: per team and class many months are too small, for the whole org none is.
    const byTeamAndClass = [...CHECKS.cycle_time_p90!.expected(["team", "authorship_class"]).values()];
    expect(byTeamAndClass.filter((r) => r.insufficient).length).toBeGreaterThan(0);
    const wholeOrg = [...CHECKS.cycle_time_p90!.expected([]).values()];
    expect(wholeOrg.filter((r) => r.value !== null).length).toBeGreaterThan(2);
  });
});
