/**
 * The monthly AI performance review, `reviews/YYYY-MM.html`: a page a leadership meeting can run from. It is
 * rendered from the month's snapshot and nothing else (no build time, no link to later months), so the page
 * of a final, frozen month has the same bytes for ever; what would now differ is listed on the home and data
 * pages as restatements.
 */
import { escapeHtml } from "../../core/html.ts";
import { formatInstant } from "../layout.ts";
import { addMonths, monthLabel } from "../review/months.ts";
import { renderNotes } from "../review/notes.ts";
import { AGENT_METRICS, TREND_MONTHS } from "../review/review-plan.ts";
import type { Figure, FollowUp, ImpactRow, ReviewSnapshot } from "../review/review-snapshot.ts";
import { csvText } from "../site/csv-file.ts";
import {
  comparisonCell,
  comparisonText,
  figureCell,
  measureIn,
  shortHash,
  valueText,
} from "../site/figure-html.ts";
import { incompleteNoteHtml } from "../site/incomplete-note.ts";
import type { PageModule } from "../site/page-registry.ts";
import { type NavLink, relative, renderSitePage } from "../site/site-layout.ts";
import { ledgerSourceOf, sourceLabel } from "../site/source-freshness.ts";
import { renderLineChartSvg } from "../svg-chart.ts";
import { formatCount, formatValue } from "../units.ts";

export const reviewPage: PageModule = {
  name: "review",
  description:
    "One page per month: headline, adoption, impact, governance, delivery, follow-ups, changes, data trust, notes",
  pages: (site) =>
    site.reviews.map((r) => ({
      path: reviewPath(r.month),
      title: `AI performance review: ${monthLabel(r.month)}`,
      key: r.month,
    })),
  render: (site, page, nav) => {
    const entry = site.reviews.find((r) => r.month === page.key);
    if (!entry) throw new Error(`no review for ${page.key}`);
    // A frozen review keeps its bytes for ever; a provisional one says what data is still incomplete.
    if (entry.html !== undefined) return entry.html;
    return renderReview(
      entry.snapshot,
      nav,
      site.reviews.some((r) => r.month === addMonths(page.key, -1)),
      incompleteNoteHtml(site.gaps),
    );
  },
  files: (site, page) => {
    const entry = site.reviews.find((r) => r.month === page.key);
    if (!entry || entry.snapshot.follow_ups.length === 0) return [];
    return [{ path: followUpsCsvPath(entry.month), content: followUpsCsv(entry.snapshot) }];
  },
};

export function reviewPath(month: string): string {
  return `reviews/${month}.html`;
}

const CLASS_LABEL: Record<string, string> = {
  ai_authored: "AI-authored",
  ai_assisted: "AI-assisted",
  unmarked: "unmarked",
  automation: "automation",
};

const SECTIONS = [
  ["headline", "Headline"],
  ["adoption", "Adoption"],
  ["impact", "Impact: AI against unmarked work"],
  ["governance", "Governance: humans in the loop"],
  ["delivery", "Delivery (DORA)"],
  ["follow-ups", "Follow-ups"],
  ["changes", "What changed since the previous review"],
  ["data-trust", "Data trust"],
  ["notes", "Notes and actions"],
  ["definitions", "Definitions used"],
] as const;

/**
 * The whole page of one month's review, from its snapshot alone (and, for a provisional month, a note of
 * the data still incomplete, already-escaped HTML).
 */
export function renderReview(
  s: ReviewSnapshot,
  nav: readonly NavLink[],
  hasPrevious: boolean,
  incompleteNote = "",
): string {
  const path = reviewPath(s.month);
  const status =
    s.status === "final"
      ? `Final: frozen ${formatInstant(s.evaluated_at)}. Its outcome windows (reverts ${s.windows.revert_window_days} days, incidents ${s.windows.incident_lookahead_days} days) have closed; these numbers will not change. Where today's definitions or data give another value, the Data trust page lists it as restated.`
      : `Provisional: reverts (${s.windows.revert_window_days} days) and incidents (${s.windows.incident_lookahead_days} days) of this month's work are still coming in. The review becomes final with data from ${s.final_from} on.`;
  const previous = hasPrevious
    ? `<p class="note"><a href="${escapeHtml(relative(path, reviewPath(addMonths(s.month, -1))))}">Previous review: ${escapeHtml(monthLabel(addMonths(s.month, -1)))}</a></p>`
    : "";
  const body = [
    previous,
    actionsFromLastMonth(s),
    headline(s),
    adoption(s),
    impact(s),
    governance(s),
    delivery(s),
    followUps(s),
    changes(s),
    dataTrust(s),
    notes(s),
    definitions(s),
  ].join("\n");
  return renderSitePage({
    path,
    title: `AI performance review: ${monthLabel(s.month)}`,
    subtitle: status,
    nav,
    toc: SECTIONS.map(([id, label]) => ({ id, label })),
    body: `<p><span class="badge ${s.status}">${s.status}</span></p>\n${body}`,
    footer: `${incompleteNote}<p>Evaluated ${escapeHtml(formatInstant(s.evaluated_at))} from data as of ${escapeHtml(s.data_watermark ? formatInstant(s.data_watermark) : "no data")} · metrics.yaml <code>${escapeHtml(shortHash(s.metrics_hash))}</code> · code ${escapeHtml(s.code_version)} · Every number is shown with n, the rows behind it. Groups of fewer people than the privacy floor are never shown, and no figure is about a person.</p>`,
  });
}

// ---- Sections ----

function section(id: string, body: string): string {
  const label = SECTIONS.find(([s]) => s === id)?.[1] ?? id;
  return `<section id="${id}" aria-labelledby="${id}-h">\n<h2 id="${id}-h">${escapeHtml(label)}</h2>\n${body}\n</section>`;
}

function labelOf(s: ReviewSnapshot, metric: string): string {
  return s.definitions[metric]?.label ?? metric;
}

function missingNote(s: ReviewSnapshot, names: readonly string[]): string {
  const missing = names.filter((n) => s.missing_metrics.includes(n));
  return missing.length === 0
    ? ""
    : `<p class="note">Not shown: metrics.yaml defines no ${missing.map((m) => `<code>${escapeHtml(m)}</code>`).join(", ")}.</p>`;
}

function actionsFromLastMonth(s: ReviewSnapshot): string {
  if (s.notes.previous_actions.length === 0) return "";
  return `<aside class="card" aria-label="Actions from last month"><h3>Actions from last month's review</h3><ul>${s.notes.previous_actions
    .map((a) => `<li>${renderInline(a)}</li>`)
    .join("")}</ul></aside>`;
}

function headline(s: ReviewSnapshot): string {
  const cards = s.headline.map((h) => {
    const m = measureIn(s, h.metric);
    const name = h.class
      ? `${labelOf(s, h.metric)}, ${CLASS_LABEL[h.class] ?? h.class}`
      : labelOf(s, h.metric);
    const current = h.current;
    const vs =
      h.vs_unmarked !== undefined ? `<p class="vs">vs unmarked: ${comparisonText(h.vs_unmarked, m)}</p>` : "";
    const band = current?.band ? ` <span class="badge">${escapeHtml(current.band)}</span>` : "";
    return `<div class="card" data-headline="${escapeHtml(h.metric)}"${h.class ? ` data-class="${escapeHtml(h.class)}"` : ""}>
<h3>${escapeHtml(name)}</h3>
<div class="big" data-metric="${escapeHtml(h.metric)}" data-value="${escapeHtml(current && !current.suppressed && !current.insufficient ? String(current.value ?? "") : "")}" data-n="${escapeHtml(String(current?.n ?? ""))}">${escapeHtml(valueText(current, m))}${band}</div>
<p>n = ${escapeHtml(formatCount(current?.n))} · last month ${escapeHtml(valueText(h.previous, m))} · 3-month median ${escapeHtml(formatValue(h.trailing_median, m))}</p>
${vs}
<p><code title="${escapeHtml(current?.definition_hash ?? "")}">${escapeHtml(shortHash(current?.definition_hash ?? s.definitions[h.metric]?.hash ?? ""))}</code></p>
</div>`;
  });
  return section(
    "headline",
    `<div class="cards">${cards.join("\n")}</div>${missingNote(s, ["ai_authored_share", "ai_assisted_share", "cycle_time_p50", "lead_time_for_changes_p50", "change_failure_rate", "deployment_days_per_week", "revert_rate"])}`,
  );
}

function percentSeries(figures: readonly (Figure | null)[]): (number | null)[] {
  return figures.map((f) => (f && !f.suppressed && !f.insufficient ? f.value : null));
}

function adoption(s: ReviewSnapshot): string {
  const a = s.adoption;
  const share = { unit: "ratio", aggregation: "ratio" as const };
  const months = a.months.map((m) => m);
  const parts: string[] = [];
  if (a.trend.length > 0) {
    parts.push(
      `<h3>AI share of merged pull requests, last ${TREND_MONTHS} months</h3>`,
      renderLineChartSvg({
        id: "adoption-trend",
        label: `AI share of merged pull requests by class, ${monthLabel(a.months[0]!)} to ${monthLabel(s.month)}`,
        categories: months,
        series: a.trend.map((t) => ({ name: labelOf(s, t.metric), values: percentSeries(t.figures) })),
        unit: "ratio",
        aggregation: "ratio",
      }),
      table(
        "AI share of merged pull requests by class and month",
        ["Month", ...a.trend.map((t) => labelOf(s, t.metric))],
        months
          .map((m, i) => ({ m, i }))
          // Months before the data begins say nothing: the table starts with the first that has a figure.
          .filter(({ i }) =>
            months.slice(0, i + 1).some((_, j) => a.trend.some((t) => t.figures[j] !== null)),
          )
          .map(({ m, i }) => [
            `<th scope="row">${escapeHtml(m)}</th>`,
            ...a.trend.map((t) => figureCell(t.figures[i] ?? null, share, { "data-period": m })),
          ]),
      ),
    );
  }
  if (a.by_tool.length > 0) {
    parts.push(
      "<h3>By tool</h3>",
      renderLineChartSvg({
        id: "adoption-tools",
        label: `Share of merged pull requests by AI tool, ${monthLabel(a.months[0]!)} to ${monthLabel(s.month)}`,
        categories: months,
        series: a.by_tool.map((t) => ({ name: t.tool, values: percentSeries(t.shares) })),
        unit: "ratio",
        aggregation: "ratio",
      }),
      table(
        "Share of merged pull requests by the AI tool that marked them, this month",
        ["Tool", "Share"],
        a.by_tool.map((t) => [
          `<th scope="row">${escapeHtml(t.tool)}</th>`,
          figureCell(t.shares[t.shares.length - 1] ?? null, share, { "data-tool": t.tool }),
        ]),
      ),
    );
  }
  if (a.team_matrix.length > 0) {
    const recent = months.slice(-6);
    const offset = months.length - recent.length;
    parts.push(
      table(
        "AI share (AI-authored and AI-assisted) of merged pull requests by team, last six months",
        ["Team", ...recent],
        a.team_matrix.map((t) => [
          `<th scope="row">${escapeHtml(t.team)}</th>`,
          ...recent.map((m, i) =>
            figureCell(t.figures[offset + i] ?? null, share, { "data-team": t.team, "data-period": m }),
          ),
        ]),
      ),
    );
  }
  if (a.agent_work.length > 0) {
    const metrics = AGENT_METRICS.filter((m) => s.definitions[m]);
    parts.push(
      table(
        "Agent work this month, by the team that asked the agent",
        ["Team", ...metrics.map((m) => labelOf(s, m))],
        a.agent_work.map((t) => [
          `<th scope="row">${escapeHtml(t.team ?? "All teams")}</th>`,
          ...metrics.map((m) =>
            figureCell(t.figures[m] ?? null, measureIn(s, m), { "data-team": t.team ?? "" }),
          ),
        ]),
      ),
    );
  }
  if (a.copilot && a.copilot.length > 0) {
    parts.push(
      table(
        "GitHub Copilot usage this month, organisation-wide (GitHub's own daily figures, kept past its 28 days)",
        ["Figure", "Value"],
        a.copilot.map((f) => [
          `<th scope="row">${escapeHtml(labelOf(s, f.metric))}</th>`,
          figureCell(f, measureIn(s, f.metric), { "data-metric": f.metric }),
        ]),
      ),
    );
  }
  if (a.ai_reviewed) {
    const m = measureIn(s, a.ai_reviewed.metric);
    parts.push(
      `<p>${escapeHtml(labelOf(s, a.ai_reviewed.metric))}: <strong data-metric="${escapeHtml(a.ai_reviewed.metric)}">${escapeHtml(valueText(a.ai_reviewed, m))}</strong> (n = ${escapeHtml(formatCount(a.ai_reviewed.n))}).</p>`,
    );
  }
  parts.push(missingNote(s, [...AGENT_METRICS, "ai_reviewed_share"]));
  return section("adoption", parts.join("\n"));
}

/**
 * The AI-against-unmarked comparison in two tables: pooled (one row per metric, a column per AI class, the
 * merge rate beside durations), then within size buckets (a row per metric and class, a column per bucket),
 * leaving out rows where no bucket has anything to compare.
 */
function impactTable(s: ReviewSnapshot, rows: readonly ImpactRow[], caption: string, key: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(caption)}: no data.</p>`;
  const metrics = [...new Set(rows.map((r) => r.metric))];
  const classes = [...new Set(rows.map((r) => r.class))];
  const pooled = (metric: string, cls: string) =>
    rows.find((r) => r.metric === metric && r.class === cls && r.size_bucket === null);
  const share = { unit: "ratio", aggregation: "ratio" as const };
  const hasMergeRate = rows.some((r) => r.merge_rate);
  const body = metrics.map((metric) => {
    const m = measureIn(s, metric);
    const cells = classes.map((cls) => {
      const r = pooled(metric, cls);
      return r
        ? comparisonCell(r.comparison, m, { metric, cls, table: key, size: "" })
        : `<td class="withheld">no data</td>`;
    });
    const merge = hasMergeRate
      ? classes
          .map((cls) => {
            const r = pooled(metric, cls)?.merge_rate;
            return `<td class="num">${r ? `${escapeHtml(formatValue(r.value, share))} <span class="n">vs ${escapeHtml(formatValue(r.baseline_value, share))}</span>` : ""}</td>`;
          })
          .join("")
      : "";
    return [`<th scope="row">${escapeHtml(labelOf(s, metric))}</th>`, ...cells, merge];
  });
  const headings = [
    "Metric",
    ...classes.map((c) => `${CLASS_LABEL[c] ?? c} vs unmarked`),
    ...(hasMergeRate ? classes.map((c) => `Merge rate, ${CLASS_LABEL[c] ?? c} vs unmarked`) : []),
  ];
  // Smallest first, as metrics.yaml lists them ("0-10", "11-100", …, "501+").
  const buckets = [...new Set(rows.map((r) => r.size_bucket).filter((b): b is string => b !== null))].sort(
    (a, b) => (Number.parseInt(a, 10) || 0) - (Number.parseInt(b, 10) || 0) || a.localeCompare(b),
  );
  const sized = metrics.flatMap((metric) =>
    classes.flatMap((cls) => {
      const cellsOf = buckets.map((b) =>
        rows.find((r) => r.metric === metric && r.class === cls && r.size_bucket === b),
      );
      if (cellsOf.every((r) => !r || r.comparison.difference === null)) return [];
      const m = measureIn(s, metric);
      return [
        [
          `<th scope="row">${escapeHtml(labelOf(s, metric))}, ${escapeHtml(CLASS_LABEL[cls] ?? cls)}</th>`,
          ...cellsOf.map((r, i) =>
            r
              ? comparisonCell(r.comparison, m, { metric, cls, table: key, size: buckets[i]! })
              : `<td class="withheld">no data</td>`,
          ),
        ],
      ];
    }),
  );
  const within =
    sized.length > 0
      ? table(`${caption}, within size buckets (changed lines)`, ["Metric and class", ...buckets], sized)
      : `<p class="note">${escapeHtml(caption)}, within size buckets: no bucket has enough on both sides to compare.</p>`;
  return `${table(caption, headings, body)}
${within}`;
}

function impact(s: ReviewSnapshot): string {
  return section(
    "impact",
    `<p class="note">Differences are AI-authored or AI-assisted work minus unmarked work in the same period and slice, with 95% intervals that treat repositories as the independent units. An interval that includes zero reads "no detectable difference"; a side below its minimum sample reads "insufficient data". Durations exist only for merged pull requests, so each class's merge rate is shown beside them. These are associations, not causes; "unmarked" means no AI marker was found.</p>
${impactTable(s, s.impact.month, `AI against unmarked work, ${monthLabel(s.month)}`, "month")}
${impactTable(s, s.impact.quarter, `AI against unmarked work, ${monthLabel(s.impact.quarter_from)} to ${monthLabel(s.month)}`, "quarter")}`,
  );
}

function governance(s: ReviewSnapshot): string {
  const rows = s.governance.map((g) => [
    `<th scope="row">${escapeHtml(labelOf(s, g.metric))}</th>`,
    figureCell(g, measureIn(s, g.metric)),
  ]);
  const load =
    s.review_load.length > 0
      ? impactTable(
          s,
          s.review_load,
          "Human reviews per merged pull request, AI against unmarked work",
          "review-load",
        )
      : "";
  return section(
    "governance",
    `${rows.length > 0 ? table(`Human in the loop: AI-authored pull requests merged in ${monthLabel(s.month)}`, ["Measure", "Share"], rows) : ""}
${load}
${missingNote(s, ["ai_independent_approval_share", "ai_self_merged_share", "ai_merged_with_failing_ci_share", "human_reviews_per_merged_pr"])}`,
  );
}

function delivery(s: ReviewSnapshot): string {
  const rows = s.delivery.map((d) => {
    const m = measureIn(s, d.metric);
    return [
      `<th scope="row">${escapeHtml(labelOf(s, d.metric))}</th>`,
      figureCell(d.current, m, { "data-period": s.month }),
      figureCell(d.previous, m, { "data-period": addMonths(s.month, -1) }),
    ];
  });
  return section(
    "delivery",
    table(
      `The DORA keys, ${monthLabel(s.month)} against ${monthLabel(addMonths(s.month, -1))}, with their bands`,
      ["Metric", monthLabel(s.month), monthLabel(addMonths(s.month, -1))],
      rows,
    ),
  );
}

function safeUrl(url: string): string | null {
  return /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : null;
}

/**
 * The page lists this many follow-ups at most (the ones with an incident first, then the reverted ones), so
 * that its size depends on the organisation's teams and months, not on how many pull requests it merges;
 * the whole list is in a CSV file beside the page.
 */
export const FOLLOW_UP_ROWS = 40;

export function followUpsCsvPath(month: string): string {
  return `reviews/${month}-follow-ups.csv`;
}

/** Incidents first, then reverts; then by repository and number (a stable order for a frozen page). */
function bySeverity(a: FollowUp, b: FollowUp): number {
  return (
    Number(b.incidents.length > 0) - Number(a.incidents.length > 0) ||
    Number(b.reverted_by !== null) - Number(a.reverted_by !== null) ||
    (a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0) ||
    a.number - b.number
  );
}

/** The month's whole follow-up list as CSV (cells neutralised for spreadsheets). */
export function followUpsCsv(s: ReviewSnapshot): string {
  return csvText(
    [
      "repository",
      "number",
      "url",
      "class",
      "tools",
      "evidence",
      "evidence_where",
      "reverted_by",
      "incidents",
    ],
    [...s.follow_ups]
      .sort(bySeverity)
      .map((f) => [
        f.repository,
        f.number,
        f.url,
        f.authorship_class,
        f.tools,
        f.evidence,
        f.evidence_where,
        f.reverted_by,
        f.incidents.join(" "),
      ]),
  );
}

function followUps(s: ReviewSnapshot): string {
  if (s.follow_ups.length === 0)
    return section(
      "follow-ups",
      `<p>No AI-attributed pull request merged in ${escapeHtml(monthLabel(s.month))} was reverted or shipped with an incident.</p>`,
    );
  const shown = [...s.follow_ups].sort(bySeverity).slice(0, FOLLOW_UP_ROWS);
  const csv = relative(reviewPath(s.month), followUpsCsvPath(s.month));
  const whole =
    s.follow_ups.length > shown.length
      ? `<p class="note">The ${formatCount(shown.length)} below are the first of ${formatCount(s.follow_ups.length)}: those with an incident first, then those reverted. All ${formatCount(s.follow_ups.length)} are in <a href="${escapeHtml(csv)}">the follow-up list (CSV)</a>.</p>`
      : `<p class="note">The same list as a file: <a href="${escapeHtml(csv)}">follow-ups (CSV)</a>.</p>`;
  const rows = shown.map((f) => {
    const url = safeUrl(f.url);
    const name = `${f.repository}#${f.number}`;
    const link = url
      ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(name)}</a>`
      : escapeHtml(name);
    const outcome = [
      f.reverted_by !== null ? `reverted by #${f.reverted_by}` : null,
      f.incidents.length > 0
        ? `incident ${f.incidents.map((i) => (typeof i === "number" ? `#${i}` : i)).join(", ")}`
        : null,
    ]
      .filter(Boolean)
      .join("; ");
    return [
      `<th scope="row">${link}</th>`,
      `<td>${escapeHtml(CLASS_LABEL[f.authorship_class] ?? f.authorship_class)}</td>`,
      `<td>${escapeHtml(f.tools ?? "")}</td>`,
      `<td>${escapeHtml(f.evidence ?? "")}${f.evidence_where ? ` <span class="muted">(${escapeHtml(f.evidence_where)})</span>` : ""}</td>`,
      `<td>${escapeHtml(outcome)}</td>`,
    ];
  });
  return section(
    "follow-ups",
    `<p class="note">AI-attributed pull requests merged in ${escapeHtml(monthLabel(s.month))} that were reverted or shipped with an incident: the audit list to follow up, postmortem style. No author names: the question is the process, not the person.</p>
${whole}
${table("AI-attributed pull requests reverted or linked to an incident", ["Pull request", "Class", "Tool", "Evidence that classified it", "Outcome"], rows)}`,
  );
}

function changes(s: ReviewSnapshot): string {
  const c = s.changes;
  const items: string[] = [];
  if (!c.previous_month) items.push("<li>No earlier review to compare with.</li>");
  for (const d of c.definitions)
    items.push(
      `<li>Definition of <code>${escapeHtml(d.metric)}</code> changed: <code>${escapeHtml(shortHash(d.old_hash ?? "(none)"))}</code> → <code>${escapeHtml(shortHash(d.new_hash ?? "(removed)"))}</code>${d.fields.length > 0 ? ` (${escapeHtml(d.fields.join(", "))})` : ""}.</li>`,
    );
  const list = (label: string, values: string[]) => {
    if (values.length > 0)
      items.push(`<li>${escapeHtml(label)}: ${values.map((v) => escapeHtml(v)).join(", ")}.</li>`);
  };
  list("Teams added", c.teams_added);
  list("Teams removed", c.teams_removed);
  list("Repositories added", c.repositories_added);
  list("Repositories removed", c.repositories_removed);
  for (const r of c.runs)
    items.push(
      `<li>Run <code>${escapeHtml(r.run_id)}</code>: ${escapeHtml(r.stage)} ${escapeHtml(r.status === "partial" ? "stopped early" : "failed")} (${escapeHtml(formatInstant(r.at))})${r.error ? `: ${escapeHtml(r.error.slice(0, 200))}` : ""}.</li>`,
    );
  if (c.classification) {
    const classes = [
      ...new Set([
        ...Object.keys(c.classification.previous_counts),
        ...Object.keys(c.classification.recounted),
      ]),
    ].sort();
    const moved = classes
      .map(
        (k) =>
          `${CLASS_LABEL[k] ?? k} ${c.classification!.previous_counts[k] ?? 0} → ${c.classification!.recounted[k] ?? 0}`,
      )
      .join(", ");
    items.push(
      `<li>The classification rules changed (<code>${escapeHtml(shortHash(c.classification.old_hash))}</code> → <code>${escapeHtml(shortHash(c.classification.new_hash))}</code>). ${escapeHtml(monthLabel(c.previous_month ?? s.month))}'s merged pull requests by class, as reviewed and now: ${escapeHtml(moved)}.</li>`,
    );
  }
  if (c.previous_month && items.length === 0)
    items.push(
      `<li>Nothing: the same definitions, teams and repositories as ${escapeHtml(monthLabel(c.previous_month))}, and no failed run.</li>`,
    );
  return section("changes", `<ul>${items.join("\n")}</ul>`);
}

function dataTrust(s: ReviewSnapshot): string {
  const sources = s.data_trust.sources.map((src) => [
    `<th scope="row">${escapeHtml(sourceLabel(src.source))}</th>`,
    `<td>${escapeHtml(src.last_success ? formatInstant(src.last_success) : "never")}</td>`,
    `<td>${escapeHtml(src.last_status ?? "–")}</td>`,
  ]);
  const cov = s.data_trust.coverage;
  const pct = (a: number, b: number) =>
    b > 0 ? formatValue(a / b, { unit: "ratio", aggregation: "ratio" }) : "–";
  const coverage = cov
    ? table(
        "Link coverage, all repositories",
        ["What", "Linked", "Share"],
        [
          [
            '<th scope="row">Merged pull requests linked to a production deployment</th>',
            `<td class="num">${escapeHtml(formatCount(cov.merged_linked_to_production))} of ${escapeHtml(formatCount(cov.merged_pull_requests))}</td>`,
            `<td class="num">${escapeHtml(pct(cov.merged_linked_to_production, cov.merged_pull_requests))}</td>`,
          ],
          [
            '<th scope="row">…of those by merge time (history missing)</th>',
            `<td class="num">${escapeHtml(formatCount(cov.merged_linked_by_window))}</td>`,
            `<td class="num">${escapeHtml(pct(cov.merged_linked_by_window, cov.merged_linked_to_production))}</td>`,
          ],
          [
            '<th scope="row">Incidents linked to a deployment</th>',
            `<td class="num">${escapeHtml(formatCount(cov.incidents_linked_to_deployment))} of ${escapeHtml(formatCount(cov.incidents))}</td>`,
            `<td class="num">${escapeHtml(pct(cov.incidents_linked_to_deployment, cov.incidents))}</td>`,
          ],
          [
            '<th scope="row">Pull requests with an AI signal</th>',
            `<td class="num">${escapeHtml(formatCount(cov.pull_requests_with_ai_signal))} of ${escapeHtml(formatCount(cov.pull_requests))}</td>`,
            `<td class="num">${escapeHtml(pct(cov.pull_requests_with_ai_signal, cov.pull_requests))}</td>`,
          ],
        ],
      )
    : "";
  const bySource = s.data_trust.coverage_by_source
    ? table(
        "Incidents linked to a deployment, by source",
        ["Source", "Linked", "Share"],
        s.data_trust.coverage_by_source.map((c) => [
          `<th scope="row">${escapeHtml(sourceLabel(ledgerSourceOf(c.source)))}</th>`,
          `<td class="num">${escapeHtml(formatCount(c.incidents_linked_to_deployment))} of ${escapeHtml(formatCount(c.incidents))}</td>`,
          `<td class="num">${escapeHtml(pct(c.incidents_linked_to_deployment, c.incidents))}</td>`,
        ]),
      )
    : "";
  return section(
    "data-trust",
    `${table("Freshness of every source", ["Source", "Last successful extraction", "Last run"], sources)}
${coverage}
${bySource}
<p class="note">This review is ${escapeHtml(s.status)}${s.status === "provisional" ? `; it becomes final with data from ${escapeHtml(s.final_from)} on` : ""}.</p>`,
  );
}

function notes(s: ReviewSnapshot): string {
  if (!s.notes.markdown)
    return section(
      "notes",
      `<p class="muted">No notes for ${escapeHtml(monthLabel(s.month))}. The meeting's notes and actions go in <code>${escapeHtml(`reviews/notes/${s.month}.md`)}</code> beside yardstick.yaml; unchecked task items (<code>- [ ] …</code>) appear at the top of next month's review.</p>`,
    );
  return section("notes", `<div class="notes">${renderNotes(s.notes.markdown)}</div>`);
}

function definitions(s: ReviewSnapshot): string {
  const rows = Object.entries(s.definitions).map(([name, d]) => [
    `<th scope="row">${escapeHtml(d.label)}</th>`,
    `<td><code>${escapeHtml(name)}</code></td>`,
    `<td><code>${escapeHtml(d.hash)}</code></td>`,
  ]);
  return section(
    "definitions",
    `<p class="note">Every number above comes from these metrics.yaml definitions (metrics.yaml <code>${escapeHtml(s.metrics_hash)}</code>); the Definitions page explains each one.</p>
${table("Metric definitions and their hashes", ["Metric", "Name", "Definition hash"], rows)}`,
  );
}

// ---- Small helpers ----

function table(caption: string, headings: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<div class="table-wrap" tabindex="0"><table>
<caption>${escapeHtml(caption)}</caption>
<thead><tr>${headings.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${rows.map((r) => `<tr>${r.join("")}</tr>`).join("\n")}
</tbody>
</table></div>`;
}

/** An action item's text with Markdown rendered but no block around it. */
function renderInline(text: string): string {
  return renderNotes(text).replace(/^<p>|<\/p>\n?$/g, "");
}
