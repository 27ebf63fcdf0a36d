/**
 * Evaluates monthly reviews from the warehouse, read-only: every section's numbers for each month asked for,
 * with a few batched evaluations over the whole range (one per kind of slicing, not one per month), so that
 * two years of reviews cost about what one does.
 */
import { createHash } from "node:crypto";
import type { LedgerEntry } from "../../jobs/run-ledger.ts";
import { canonicalJson } from "../../metrics/definition-hash.ts";
import { type ComparisonRow, compareMetrics, SIZE_DIMENSION } from "../../metrics/metric-compare.ts";
import { CLASS_DIMENSION } from "../../metrics/metric-comparison.ts";
import { type EvaluateOptions, evaluateMetrics, type MetricRow } from "../../metrics/metric-evaluator.ts";
import { findMetric, type Metric, type MetricsFile } from "../../metrics/metrics-file.ts";
import { withDb } from "../../warehouse/duckdb.ts";
import { sourceFreshness } from "../site/source-freshness.ts";
import { addMonths, finalFrom, isFinal, monthEnd, monthRange, monthStart } from "./months.ts";
import {
  AGENT_METRICS,
  AI_CLASSES,
  AI_REVIEWED_METRIC,
  BESIDE_DURATIONS,
  COPILOT_METRICS,
  DELIVERY,
  GOVERNANCE,
  GOVERNED_CLASS,
  HEADLINE,
  IMPACT,
  MERGED_METRIC,
  REVIEW_LOAD,
  reviewMetricNames,
  SHARE_METRICS,
  TOOL_DIMENSION,
  TREND_MONTHS,
} from "./review-plan.ts";
import {
  type Changes,
  type ClassCounts,
  type Comparison,
  type Figure,
  type FollowUp,
  figureOf,
  type Headline,
  type ImpactRow,
  type LinkCoverage,
  type ReviewSnapshot,
  SNAPSHOT_VERSION,
  type SourceIncidentCoverage,
} from "./review-snapshot.ts";

export interface EvaluateReviewsOptions {
  warehousePath: string;
  metrics: MetricsFile;
  /** The months to evaluate, YYYY-MM. */
  months: readonly string[];
  /** The data watermark of the warehouse (latest extraction): decides which months are final. */
  watermark: string | null;
  ledger: readonly LedgerEntry[];
  codeVersion: string;
  metricsHash: string;
  now: Date;
  /**
   * The frozen review of a month, when one is stored. What changed since the previous review is measured
   * against it, else against the previous month evaluated here.
   */
  frozen: (month: string) => ReviewSnapshot | null;
  /** A month's meeting notes (Markdown) and their file, or null; and last month's action items. */
  notes: (month: string) => { file: string; markdown: string } | null;
}

const TEAM = "team";

/** Evaluates each month's review; `status` says whether its outcome windows have closed. */
export async function evaluateReviews(options: EvaluateReviewsOptions): Promise<ReviewSnapshot[]> {
  const months = [...new Set(options.months)].sort();
  if (months.length === 0) return [];
  const { metrics } = options;
  const has = (name: string) => findMetric(metrics, name) !== undefined;
  const missing = reviewMetricNames().filter((n) => !has(n));
  const first = months[0]!;
  const last = months[months.length - 1]!;
  const from = monthStart(addMonths(first, -(TREND_MONTHS - 1) - 3));
  const to = monthEnd(last);
  const base = { warehousePath: options.warehousePath, metrics, grain: "month" as const, from, to };
  const evaluate = async (names: readonly string[], by: string[], extra: Partial<EvaluateOptions> = {}) => {
    const present = names.filter(has);
    return present.length === 0 ? [] : evaluateMetrics({ ...base, names: present, by, ...extra });
  };
  const allowing = (names: readonly string[], dimension: string) =>
    names.filter((n) => findMetric(metrics, n)?.dimensions.includes(dimension));

  const orgNames = [
    ...HEADLINE.filter((h) => h.class === null).map((h) => h.metric),
    ...SHARE_METRICS,
    ...DELIVERY,
    AI_REVIEWED_METRIC,
    ...COPILOT_METRICS,
    MERGED_METRIC,
    ...AGENT_METRICS,
    ...GOVERNANCE.filter((n) => !findMetric(metrics, n)?.dimensions.includes(CLASS_DIMENSION)),
  ];
  const classNames = allowing(
    [...HEADLINE.filter((h) => h.class !== null).map((h) => h.metric), ...GOVERNANCE, REVIEW_LOAD],
    CLASS_DIMENSION,
  );
  const org = await evaluate([...new Set(orgNames)], []);
  const byClass = await evaluate([...new Set(classNames)], [CLASS_DIMENSION], { compare: true });
  const byTeam = await evaluate(allowing(SHARE_METRICS, TEAM), [TEAM]);
  const byTool = await evaluate(allowing([MERGED_METRIC], TOOL_DIMENSION), [TOOL_DIMENSION]);
  const agents = await evaluate(allowing(AGENT_METRICS, TEAM), [TEAM]);
  const impactNames = allowing(IMPACT, CLASS_DIMENSION);
  const compare = (extra: { from: string; to: string; grain: string; origin?: string }) =>
    impactNames.length === 0
      ? Promise.resolve([] as ComparisonRow[])
      : compareMetrics({
          warehousePath: options.warehousePath,
          file: metrics,
          names: impactNames,
          by: [],
          withinSize: true,
          beside: BESIDE_DURATIONS,
          ...extra,
        });
  const impactMonth = await compare({ from: monthStart(first), to, grain: "month" });
  // Trailing quarters: three evaluations whose quarters start one month apart cover every month's quarter.
  const impactQuarter: ComparisonRow[] = [];
  for (let shift = 0; shift < 3 && shift < months.length; shift++) {
    const origin = monthStart(addMonths(first, shift - 2));
    impactQuarter.push(...(await compare({ from: origin, to, grain: "quarter", origin })));
  }
  const facts = await readFacts(options.warehousePath, from, to);

  const windows = {
    revert_window_days: metrics.definitions.revert_window_days,
    incident_lookahead_days: metrics.definitions.incident_lookahead_days,
  };
  const classificationHash = hashOf(metrics.definitions.ai_signals);
  // Copilot's definitions only where the warehouse has its figures (see COPILOT_METRICS).
  const copilotShown = COPILOT_METRICS.filter((m) => org.some((r) => r.metric === m));
  const definitions = definitionsOf(metrics, [...reviewMetricNames().filter(has), ...copilotShown]);

  const snapshots = months.map((month) => {
    const period = monthStart(month);
    const figure = (
      rows: readonly MetricRow[],
      metric: string,
      p: string,
      match: Record<string, string> = {},
    ) => figureOf(rows.find((r) => r.metric === metric && r.period === p && matches(r, match)));
    const trendMonths = monthRange(addMonths(month, -(TREND_MONTHS - 1)), month);

    const headline: Headline[] = HEADLINE.filter((h) => has(h.metric)).map((h) => {
      const rows = h.class === null ? org : byClass;
      const match: Record<string, string> = h.class === null ? {} : { [CLASS_DIMENSION]: h.class };
      const at = (offset: number) => figure(rows, h.metric, monthStart(addMonths(month, offset)), match);
      const before = [-1, -2, -3].map(at).map((f) => f?.value ?? null);
      const row =
        h.class === null
          ? undefined
          : byClass.find(
              (r) => r.metric === h.metric && r.period === period && r[CLASS_DIMENSION] === h.class,
            );
      return {
        metric: h.metric,
        class: h.class,
        current: at(0),
        previous: at(-1),
        trailing_median: median(before.filter((v): v is number => v !== null)),
        ...(h.class === null ? {} : { vs_unmarked: comparisonOf(row) }),
      };
    });

    const trend = SHARE_METRICS.filter(has).map((metric) => ({
      metric,
      figures: trendMonths.map((m) => figure(org, metric, monthStart(m))),
    }));
    const tools = [
      ...new Set(byTool.map((r) => r[TOOL_DIMENSION]).filter((t): t is string => typeof t === "string")),
    ].sort();
    const byToolShares = tools.map((tool) => ({
      tool,
      shares: trendMonths.map((m) => shareOf(byTool, org, MERGED_METRIC, monthStart(m), tool)),
    }));
    const teams = [
      ...new Set(byTeam.map((r) => r[TEAM]).filter((t): t is string => typeof t === "string")),
    ].sort();
    const teamMatrix = teams.map((team) => ({
      team,
      figures: trendMonths.map((m) =>
        sumOf(SHARE_METRICS.map((s) => figure(byTeam, s, monthStart(m), { team }))),
      ),
    }));
    const agentTeams = [
      ...new Set(
        agents
          .filter((r) => r.period === period)
          .map((r) => r[TEAM])
          .filter((t): t is string => typeof t === "string"),
      ),
    ].sort();
    // The whole organisation first: a team's agent work often involves too few people to be shown.
    const agentWork = [
      {
        team: null,
        figures: Object.fromEntries(AGENT_METRICS.filter(has).map((m) => [m, figure(org, m, period)])),
      },
      ...agentTeams.map((team) => ({
        team,
        figures: Object.fromEntries(
          AGENT_METRICS.filter(has).map((m) => [m, figure(agents, m, period, { team })]),
        ),
      })),
    ];

    const governance = GOVERNANCE.filter(has)
      .map((metric) =>
        findMetric(metrics, metric)?.dimensions.includes(CLASS_DIMENSION)
          ? figure(byClass, metric, period, { [CLASS_DIMENSION]: GOVERNED_CLASS })
          : figure(org, metric, period),
      )
      .filter((f): f is Figure => f !== null);
    const reviewLoad = byClass
      .filter((r) => r.metric === REVIEW_LOAD && r.period === period && isAiClass(r[CLASS_DIMENSION]))
      .map((r) => impactRowOf(r, null));

    const quarterStart = monthStart(addMonths(month, -2));
    const notes = options.notes(month);
    const previousNotes = options.notes(addMonths(month, -1));
    const status = isFinal(month, options.watermark, windows) ? "final" : "provisional";
    return {
      version: SNAPSHOT_VERSION,
      month,
      status,
      final_from: finalFrom(month, windows),
      windows,
      evaluated_at: options.now.toISOString(),
      code_version: options.codeVersion,
      metrics_hash: options.metricsHash,
      data_watermark: options.watermark,
      definitions,
      classification_hash: classificationHash,
      teams: facts.teams,
      repositories: facts.repositories,
      headline,
      adoption: {
        months: trendMonths,
        trend,
        by_tool: byToolShares,
        team_matrix: teamMatrix,
        agent_work: agentWork,
        ai_reviewed: figure(org, AI_REVIEWED_METRIC, period),
        // A key only when there is a figure: reviews without Copilot figures stay as they were.
        ...((copilot) => (copilot.length > 0 ? { copilot } : {}))(
          COPILOT_METRICS.map((m) => figure(org, m, period)).filter((f): f is Figure => f !== null),
        ),
      },
      impact: {
        month: impactRows(impactMonth, period),
        quarter: impactRows(impactQuarter, quarterStart),
        quarter_from: addMonths(month, -2),
      },
      governance,
      review_load: reviewLoad,
      delivery: DELIVERY.filter(has).map((metric) => ({
        metric,
        current: figure(org, metric, period),
        previous: figure(org, metric, monthStart(addMonths(month, -1))),
      })),
      follow_ups: facts.followUps.filter((f) => f.month === month).map(({ month: _, ...f }) => f),
      class_counts: facts.classCounts.get(month) ?? {},
      // Filled in below, once every month of the batch is evaluated.
      changes: changesSince(null, month, { ledger: options.ledger }),
      data_trust: {
        sources: sourceFreshness(options.ledger),
        coverage: facts.coverage,
        ...(facts.coverageBySource.some((c) => c.source !== "github")
          ? { coverage_by_source: facts.coverageBySource }
          : {}),
      },
      notes: {
        file: notes?.file ?? null,
        markdown: notes?.markdown ?? null,
        previous_actions: previousNotes ? actionItems(previousNotes.markdown) : [],
      },
      missing_metrics: missing,
      refrozen: [],
    } satisfies ReviewSnapshot;
  });
  // What changed: against the previous month's frozen review, else its evaluation in this batch.
  const byMonth = new Map(snapshots.map((s) => [s.month, s]));
  for (const snapshot of snapshots) {
    const before = addMonths(snapshot.month, -1);
    const previous = options.frozen(before) ?? byMonth.get(before) ?? null;
    snapshot.changes = changesSince(previous, snapshot.month, {
      definitions,
      teams: facts.teams,
      repositories: facts.repositories,
      ledger: options.ledger,
      classificationHash,
      recount: facts.classCounts.get(before) ?? {},
    });
  }
  return snapshots;
}

// ---- Rows into figures ----

function matches(row: MetricRow, match: Record<string, string>): boolean {
  return Object.entries(match).every(([k, v]) => row[k] === v);
}

function comparisonOf(row: MetricRow | undefined): Comparison | null {
  const vs = row?.vs_unmarked;
  if (!row || !vs) return null;
  return {
    value: row.value,
    n: row.n,
    k: vs.k,
    baseline_value: vs.baseline_value,
    baseline_n: vs.baseline_n,
    baseline_k: vs.baseline_k,
    difference: vs.difference,
    low: vs.low,
    high: vs.high,
    method: vs.method,
    repositories: vs.repositories,
    no_interval: vs.no_interval,
    ...(row.insufficient ? { insufficient: true as const } : {}),
    ...(row.suppressed ? { suppressed: true as const } : {}),
  };
}

function isAiClass(value: unknown): boolean {
  return (AI_CLASSES as readonly unknown[]).includes(value);
}

function impactRowOf(row: ComparisonRow, sizeBucket: string | null): ImpactRow {
  const comparison = comparisonOf(row) ?? emptyComparison(row);
  return {
    metric: row.metric,
    class: String(row[CLASS_DIMENSION]),
    size_bucket: sizeBucket,
    comparison,
    ...(row.beside
      ? {
          merge_rate: { value: row.beside.value, n: row.beside.n, baseline_value: row.beside.baseline_value },
        }
      : {}),
  };
}

function emptyComparison(row: MetricRow): Comparison {
  return {
    value: row.value,
    n: row.n,
    k: null,
    baseline_value: null,
    baseline_n: null,
    baseline_k: null,
    difference: null,
    low: null,
    high: null,
    method: "none",
    repositories: null,
    no_interval: null,
  };
}

/** The AI classes' rows of one period, pooled first, then within each size bucket, in plan order. */
function impactRows(rows: readonly ComparisonRow[], period: string): ImpactRow[] {
  const out: ImpactRow[] = [];
  for (const metric of IMPACT) {
    const own = rows.filter(
      (r) => r.metric === metric && r.period === period && isAiClass(r[CLASS_DIMENSION]),
    );
    const pooled = own.filter((r) => !(SIZE_DIMENSION in r));
    const sized = own
      .filter((r) => SIZE_DIMENSION in r)
      .sort((a, b) => String(a[SIZE_DIMENSION]).localeCompare(String(b[SIZE_DIMENSION])));
    for (const cls of AI_CLASSES) {
      for (const r of pooled.filter((x) => x[CLASS_DIMENSION] === cls)) out.push(impactRowOf(r, null));
      for (const r of sized.filter((x) => x[CLASS_DIMENSION] === cls))
        out.push(impactRowOf(r, String(r[SIZE_DIMENSION] ?? "")));
    }
  }
  return out;
}

/** A tool's share of merged pull requests in a period: its count over the org's (n = the org's merged). */
function shareOf(
  byTool: readonly MetricRow[],
  org: readonly MetricRow[],
  metric: string,
  period: string,
  tool: string,
): Figure | null {
  const total = org.find((r) => r.metric === metric && r.period === period);
  const own = byTool.find((r) => r.metric === metric && r.period === period && r[TOOL_DIMENSION] === tool);
  if (!total) return null;
  if (total.suppressed || own?.suppressed)
    return { metric, value: null, n: null, definition_hash: total.definition_hash, suppressed: true };
  const count = own?.value ?? 0;
  return {
    metric,
    value: total.value ? count / total.value : null,
    n: total.n,
    definition_hash: total.definition_hash,
  };
}

/** The sum of shares over one denominator (AI-authored + AI-assisted); withheld when any part is. */
function sumOf(parts: readonly (Figure | null)[]): Figure | null {
  const present = parts.filter((p): p is Figure => p !== null);
  if (present.length === 0) return null;
  const first = present[0]!;
  const hash = present.map((p) => p.definition_hash).join("+");
  if (present.some((p) => p.suppressed))
    return { metric: "ai_share", value: null, n: null, definition_hash: hash, suppressed: true };
  if (present.some((p) => p.insufficient || p.value === null))
    return { metric: "ai_share", value: null, n: first.n, definition_hash: hash, insufficient: true };
  return {
    metric: "ai_share",
    value: present.reduce((s, p) => s + (p.value as number), 0),
    n: first.n,
    definition_hash: hash,
  };
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---- Definitions, changes, freshness ----

function hashOf(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}

const HASHED_FIELDS = [
  "type",
  "model",
  "agg",
  "agg_params",
  "expr",
  "filter",
  "time_dimension",
  "numerator",
  "denominator",
  "metrics",
  "unit",
  "min_sample",
] as const;

function definitionsOf(metrics: MetricsFile, names: readonly string[]): ReviewSnapshot["definitions"] {
  const out: ReviewSnapshot["definitions"] = {};
  for (const name of [...names].sort()) {
    const m = findMetric(metrics, name) as Metric;
    const fields: Record<string, unknown> = {};
    for (const f of HASHED_FIELDS) {
      const v = (m as unknown as Record<string, unknown>)[f];
      if (v !== undefined) fields[f] = v;
    }
    out[name] = {
      hash: m.definitionHash,
      label: m.label,
      unit: m.unit,
      aggregation: m.type === "simple" ? m.agg : m.type,
      direction: m.direction,
      fields: canonicalJson(fields),
    };
  }
  return out;
}

function changesSince(
  previous: ReviewSnapshot | null,
  month: string,
  current: {
    definitions?: ReviewSnapshot["definitions"];
    teams?: string[];
    repositories?: string[];
    ledger: readonly LedgerEntry[];
    classificationHash?: string;
    recount?: ClassCounts;
  },
): Changes {
  const { ledger, definitions: defs, teams, repositories, classificationHash, recount } = current;
  const inMonth = ledger.filter(
    (e) => e.startedAt.slice(0, 7) === month && (e.status === "failed" || e.status === "partial"),
  );
  const runs = inMonth.map((e) => ({
    run_id: e.runId,
    stage: e.stage,
    status: e.status,
    at: e.startedAt,
    error: e.error ?? null,
  }));
  if (!previous || !defs || !teams || !repositories || !classificationHash || !recount) {
    return {
      previous_month: null,
      definitions: [],
      teams_added: [],
      teams_removed: [],
      repositories_added: [],
      repositories_removed: [],
      runs,
      classification: null,
    };
  }
  const names = [...new Set([...Object.keys(previous.definitions), ...Object.keys(defs)])].sort();
  const definitions = names.flatMap((metric) => {
    const old = previous.definitions[metric];
    const fresh = defs[metric];
    if (old?.hash === fresh?.hash) return [];
    const fields: string[] = [];
    if (old && fresh) {
      const a = JSON.parse(old.fields) as Record<string, unknown>;
      const b = JSON.parse(fresh.fields) as Record<string, unknown>;
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
        if (canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null)) fields.push(key);
      if (fields.length === 0) fields.push("what it reads (warehouse columns or definitions:)");
    }
    return [{ metric, old_hash: old?.hash ?? null, new_hash: fresh?.hash ?? null, fields }];
  });
  const added = (a: string[], b: string[]) => b.filter((x) => !a.includes(x));
  return {
    previous_month: previous.month,
    definitions,
    teams_added: added(previous.teams, teams),
    teams_removed: added(teams, previous.teams),
    repositories_added: added(previous.repositories, repositories),
    repositories_removed: added(repositories, previous.repositories),
    runs,
    classification:
      previous.classification_hash === classificationHash
        ? null
        : {
            old_hash: previous.classification_hash,
            new_hash: classificationHash,
            previous_counts: previous.class_counts,
            recounted: recount,
          },
  };
}

/** Action items of a notes file: unchecked task-list lines (`- [ ] …`), in order. */
export function actionItems(markdown: string): string[] {
  const out: string[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    const match = /^\s*[-*+]\s+\[ \]\s+(.+?)\s*$/.exec(line);
    if (match) out.push(match[1]!);
  }
  return out;
}

// ---- Facts read directly from the marts ----

interface Facts {
  teams: string[];
  repositories: string[];
  classCounts: Map<string, ClassCounts>;
  followUps: (FollowUp & { month: string })[];
  coverage: LinkCoverage | null;
  coverageBySource: SourceIncidentCoverage[];
}

async function readFacts(warehousePath: string, from: string, to: string): Promise<Facts> {
  return withDb(warehousePath, "read_only", async (db) => {
    const teams = await db.all<{ team: string }>("select distinct team from dim_teams order by team");
    const repositories = await db.all<{ repository: string }>(
      "select distinct repository from dim_repos order by repository",
    );
    const counts = await db.all<{ month: string; authorship_class: string; n: number }>(
      `select strftime(merged_at, '%Y-%m') as month, authorship_class, count(*)::INTEGER as n
       from fct_pull_requests where is_merged and merged_at >= cast(? as date) and merged_at < cast(? as date) + interval 1 day
       group by all order by all`,
      [from, to],
    );
    const classCounts = new Map<string, ClassCounts>();
    for (const c of counts) {
      const entry = classCounts.get(c.month) ?? {};
      entry[c.authorship_class] = Number(c.n);
      classCounts.set(c.month, entry);
    }
    // The month's AI work that was reverted or shipped with an incident: the audit list. No author names.
    // Incidents arrive as JSON text (GitHub's by number, imported ones by their id) and are parsed below.
    const followUps = await db.all<Omit<FollowUp, "incidents"> & { month: string; incidents: string | null }>(
      `select strftime(p.merged_at, '%Y-%m') as month, p.repository, p.number, p.url, p.authorship_class,
              p.ai_tools as tools, p.strongest_evidence as evidence, p.strongest_evidence_where as evidence_where,
              case when p.reverted_within_window then r.number end as reverted_by,
              (select cast(to_json(list({'number': i.number, 'id': i.external_id} order by i.number, i.external_id))
                        as varchar)
                 from fct_incidents i
                where p.shipped_with_incident and i.deployment_id = p.production_deployment_id) as incidents
       from fct_pull_requests p
       left join fct_pull_requests r on r.pull_request_id = p.reverted_by_pull_request_id
       where p.is_merged and p.authorship_class in ('ai_authored', 'ai_assisted')
         and (p.reverted_within_window or p.shipped_with_incident)
         and p.merged_at >= cast(? as date) and p.merged_at < cast(? as date) + interval 1 day
       order by p.repository, p.number`,
      [from, to],
    );
    const [coverage] = await db.all<LinkCoverage>(
      `select merged_pull_requests, merged_linked_to_production, merged_linked_by_window, incidents,
              incidents_linked_to_deployment, pull_requests, pull_requests_with_ai_signal
       from rpt_link_coverage where repository = '(all)'`,
    );
    const [bySourceTable] = await db.all<{ n: number }>(
      "select count(*)::INTEGER as n from information_schema.tables where table_name = 'rpt_link_coverage_by_source'",
    );
    const coverageBySource =
      Number(bySourceTable?.n ?? 0) > 0
        ? await db.all<SourceIncidentCoverage>(
            `select source, incidents, incidents_linked_to_deployment
             from rpt_link_coverage_by_source order by source`,
          )
        : [];
    return {
      coverageBySource: coverageBySource.map((c) => ({
        source: c.source,
        incidents: Number(c.incidents),
        incidents_linked_to_deployment: Number(c.incidents_linked_to_deployment),
      })),
      teams: teams.map((t) => t.team),
      repositories: repositories.map((r) => r.repository),
      classCounts,
      followUps: followUps.map((f) => ({
        month: f.month,
        repository: f.repository,
        number: Number(f.number),
        url: f.url,
        authorship_class: f.authorship_class,
        tools: f.tools,
        evidence: f.evidence,
        evidence_where: f.evidence_where,
        reverted_by: f.reverted_by === null ? null : Number(f.reverted_by),
        incidents: f.incidents
          ? (JSON.parse(f.incidents) as { number: number | null; id: string | null }[]).map(
              (i) => i.number ?? i.id ?? "?",
            )
          : [],
      })),
      coverage: coverage
        ? (Object.fromEntries(
            Object.entries(coverage).map(([k, v]) => [k, Number(v)]),
          ) as unknown as LinkCoverage)
        : null,
    };
  });
}
