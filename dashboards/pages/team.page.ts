/**
 * One page per team, `teams/<team>.html`: the team's monthly trends over the review's window — throughput,
 * cycle time, AI share and quality — each as a chart and a table with n.
 */
import { escapeHtml } from "../../core/html.ts";
import type { MetricRow } from "../../metrics/metric-evaluator.ts";
import { findMetric } from "../../metrics/metrics-file.ts";
import { monthStart } from "../review/months.ts";
import { figureOf } from "../review/review-snapshot.ts";
import { figureCell } from "../site/figure-html.ts";
import type { PageModule } from "../site/page-registry.ts";
import type { SiteData } from "../site/site-data.ts";
import { siteFooter } from "../site/site-footer.ts";
import { renderSitePage } from "../site/site-layout.ts";
import { renderLineChartSvg } from "../svg-chart.ts";
import { type Measure, measureOf } from "../units.ts";

/** The metrics a team page follows, month by month, where metrics.yaml defines them with a team slice. */
export const TEAM_METRICS = [
  "merged_pull_requests",
  "cycle_time_p50",
  "ai_authored_share",
  "ai_assisted_share",
  "review_rounds_avg",
  "revert_rate",
  "ci_failure_rate",
  "lead_time_for_changes_p50",
  "deployment_days_per_week",
] as const;

export const teamPage: PageModule = {
  name: "team",
  description: "One page per team: its monthly trends (throughput, cycle time, AI share, quality, delivery)",
  pages: (site) =>
    site.teams.map((t) => ({ path: t.path, title: `Team ${t.team}: monthly trends`, key: t.team })),
  render: (site, page, nav) => {
    const team = site.teams.find((t) => t.team === page.key);
    if (!team) throw new Error(`no team ${page.key}`);
    const sections = TEAM_METRICS.filter((name) => team.rows.some((r) => r.metric === name)).map((name, i) =>
      metricSection(site, name, team.months, team.rows, i),
    );
    return renderSitePage({
      path: page.path,
      title: page.title,
      subtitle: `${team.months[0] ?? ""} to ${team.months[team.months.length - 1] ?? ""}, one point per month; the current month is partial.`,
      nav,
      toc: TEAM_METRICS.filter((name) => team.rows.some((r) => r.metric === name)).map((name) => ({
        id: `metric-${name}`,
        label: findMetric(site.metrics, name)?.label ?? name,
      })),
      body: sections.length > 0 ? sections.join("\n") : "<p>No data for this team yet.</p>",
      footer: siteFooter(site),
    });
  },
};

function metricSection(
  site: SiteData,
  name: string,
  months: readonly string[],
  rows: readonly MetricRow[],
  index: number,
): string {
  const metric = findMetric(site.metrics, name)!;
  const measure: Measure = measureOf(metric);
  const figures = months.map((m) =>
    figureOf(rows.find((r) => r.metric === name && r.period === monthStart(m))),
  );
  const values = figures.map((f) => (f && !f.suppressed && !f.insufficient ? f.value : null));
  const chart = renderLineChartSvg({
    id: `team-chart-${index}`,
    label: `${metric.label} per month`,
    categories: months,
    series: [{ name: metric.label, values }],
    unit: measure.unit,
    ...(measure.aggregation ? { aggregation: measure.aggregation } : {}),
    partialFrom: months.length - 1,
  });
  const body = [...months]
    .map(
      (m, i) =>
        `<tr><th scope="row">${escapeHtml(m)}${i === months.length - 1 ? " (partial)" : ""}</th>${figureCell(figures[i] ?? null, measure, { "data-period": m })}</tr>`,
    )
    .reverse()
    .join("\n");
  return `<section id="metric-${escapeHtml(name)}" aria-labelledby="metric-${escapeHtml(name)}-h">
<h2 id="metric-${escapeHtml(name)}-h">${escapeHtml(metric.label)}</h2>
<p class="note">${escapeHtml(metric.description)}</p>
${chart}
<div class="table-wrap" tabindex="0"><table><caption>${escapeHtml(metric.label)} per month</caption>
<thead><tr><th scope="col">Month</th><th scope="col">Value</th></tr></thead>
<tbody>${body}</tbody></table></div>
<p class="muted">Definition <code>${escapeHtml(metric.definitionHash)}</code></p>
</section>`;
}
