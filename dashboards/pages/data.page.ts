/**
 * `data.html`, data trust: how fresh each source is, what partial extractions could not read yet, how well pull requests and incidents link to
 * deployments (per repository: the least covered on the page, all in a CSV file beside it), which months are still provisional, and restatements — figures of frozen
 * reviews that today's definitions or data would give differently.
 */
import { escapeHtml } from "../../core/html.ts";
import { formatInstant } from "../layout.ts";
import { monthLabel } from "../review/months.ts";
import { csvText } from "../site/csv-file.ts";
import { shortHash } from "../site/figure-html.ts";
import { gapWhen } from "../site/incomplete-note.ts";
import type { PageModule } from "../site/page-registry.ts";
import type { CoverageRow, SourceCoverageRow } from "../site/site-data.ts";
import { siteFooter } from "../site/site-footer.ts";
import { relative, renderSitePage } from "../site/site-layout.ts";
import { ledgerSourceOf, sourceLabel } from "../site/source-freshness.ts";
import { formatCount, formatValue, type Measure } from "../units.ts";
import { reviewPath } from "./review.page.ts";

const SHARE: Measure = { unit: "ratio", aggregation: "ratio" };

/**
 * The page lists this many repositories at most (the least covered first), so that its size depends on the
 * organisation's teams and months, not on its number of repositories; all are in a CSV file beside it.
 */
export const COVERAGE_ROWS = 30;
export const COVERAGE_CSV = "data-link-coverage.csv";

/** The whole organisation's row of rpt_link_coverage. */
const ALL_REPOSITORIES = "(all)";

/**
 * The whole organisation first, then the least covered repositories: by the share of merged pull requests
 * linked to production, then by name.
 */
function lowestCoverage(rows: readonly CoverageRow[]): CoverageRow[] {
  const share = (c: CoverageRow) =>
    c.repository === ALL_REPOSITORIES
      ? -1
      : c.merged_pull_requests > 0
        ? c.merged_linked_to_production / c.merged_pull_requests
        : 2;
  return [...rows].sort(
    (a, b) => share(a) - share(b) || (a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0),
  );
}

export function coverageCsv(rows: readonly CoverageRow[]): string {
  return csvText(
    [
      "repository",
      "merged_pull_requests",
      "merged_linked_to_production",
      "merged_linked_by_window",
      "incidents",
      "incidents_linked_to_deployment",
      "pull_requests",
      "pull_requests_with_ai_signal",
    ],
    lowestCoverage(rows).map((c) => [
      c.repository,
      c.merged_pull_requests,
      c.merged_linked_to_production,
      c.merged_linked_by_window,
      c.incidents,
      c.incidents_linked_to_deployment,
      c.pull_requests,
      c.pull_requests_with_ai_signal,
    ]),
  );
}

/** How each source's incidents link to deployments: the whole source, whatever its repositories. */
function sourceCoverage(rows: readonly SourceCoverageRow[]): string {
  if (rows.length === 0) return "";
  const pct = (a: number, b: number) => (b > 0 ? formatValue(a / b, SHARE) : "–");
  const body = rows
    .map(
      (r) =>
        `<tr data-incident-source="${escapeHtml(r.source)}"><th scope="row">${escapeHtml(sourceLabel(ledgerSourceOf(r.source)))}</th><td class="num">${escapeHtml(formatCount(r.incidents))}</td><td class="num">${escapeHtml(pct(r.incidents_linked_to_deployment, r.incidents))} <span class="n">${escapeHtml(`${formatCount(r.incidents_linked_to_deployment)} of ${formatCount(r.incidents)}`)}</span></td><td class="num">${escapeHtml(formatCount(r.incidents_linked_by_reference))}</td><td class="num">${escapeHtml(formatCount(r.incidents_linked_latest_before))}</td><td class="num">${escapeHtml(formatCount(r.incidents_without_repository))}</td></tr>`,
    )
    .join("\n");
  return `<p class="note">Incidents link to the deployment their text or fields name (a pull request, commit or deployment), else to the latest successful production deployment of their repository before them.</p>
<div class="table-wrap" tabindex="0"><table><caption>Incident links per source</caption>
<thead><tr><th scope="col">Source</th><th scope="col">Incidents</th><th scope="col">Linked to a deployment</th><th scope="col">…by a reference</th><th scope="col">…by the latest deployment before</th><th scope="col">Without a repository</th></tr></thead>
<tbody>${body}</tbody></table></div>`;
}

export const dataPage: PageModule = {
  name: "data",
  description: "Freshness of every source, link coverage per repository, provisional months, restatements",
  pages: () => [{ path: "data.html", title: "Data trust", key: "" }],
  files: (site) => [{ path: COVERAGE_CSV, content: coverageCsv(site.coverage) }],
  render: (site, page, nav) => {
    const freshness = `<section id="freshness" aria-labelledby="freshness-h"><h2 id="freshness-h">Freshness</h2>
<div class="table-wrap" tabindex="0"><table><caption>Every source and its last reading (an extraction, or for imported files an import)</caption>
<thead><tr><th scope="col">Source</th><th scope="col">Last read whole</th><th scope="col">Last reading</th><th scope="col">Newest data (extraction; for Copilot usage, day)</th></tr></thead>
<tbody>${site.sources
      .map(
        (s) =>
          `<tr data-source="${escapeHtml(s.source)}"><th scope="row">${escapeHtml(sourceLabel(s.source))}</th><td>${escapeHtml(s.last_success ? formatInstant(s.last_success) : "never")}</td><td>${escapeHtml(s.last_attempt ? `${s.last_status}, ${formatInstant(s.last_attempt)}` : "none")}</td><td>${escapeHtml(s.newest ? formatInstant(s.newest) : "no data")}</td></tr>`,
      )
      .join("\n")}</tbody></table></div></section>`;
    const incomplete = `<section id="incomplete" aria-labelledby="incomplete-h"><h2 id="incomplete-h">Incomplete data</h2>
${
  site.gaps.length > 0
    ? `<p class="note">These parts of the data could not be read (a request to GitHub failed for good, or the run stopped early); everything else was read and the figures use it. Their cursors stayed put, so the next run reads them again and fills the gap.</p>
<div class="table-wrap" tabindex="0"><table><caption>Parts of the data not read yet</caption>
<thead><tr><th scope="col">Stream</th><th scope="col">Repository or scope</th><th scope="col">Could not be read</th><th scope="col">Why</th></tr></thead>
<tbody>${site.gaps
        .map(
          (g) =>
            `<tr><th scope="row">${escapeHtml(g.stream)}</th><td>${escapeHtml(g.partition ?? "the rest of the stream")}</td><td>${escapeHtml(gapWhen(g))}</td><td>${escapeHtml(g.reason)}</td></tr>`,
        )
        .join("\n")}</tbody></table></div>`
    : "<p>None: the latest extraction read everything it set out to read.</p>"
}</section>`;
    const pct = (a: number, b: number) => (b > 0 ? formatValue(a / b, SHARE) : "–");
    // The whole organisation's row and the COVERAGE_ROWS least covered repositories.
    const shown = lowestCoverage(site.coverage).slice(0, COVERAGE_ROWS + 1);
    const repositories = site.coverage.filter((c) => c.repository !== ALL_REPOSITORIES).length;
    const csv = relative(page.path, COVERAGE_CSV);
    const coverageNote =
      site.coverage.length > shown.length
        ? `<p class="note">The whole organisation and the ${formatCount(COVERAGE_ROWS)} repositories (of ${formatCount(repositories)}) with the lowest share of merged pull requests linked to production; all are in <a href="${escapeHtml(csv)}">link coverage per repository (CSV)</a>.</p>`
        : `<p class="note">The same table as a file: <a href="${escapeHtml(csv)}">link coverage per repository (CSV)</a>.</p>`;
    const coverageRows = shown.map(
      (c) =>
        `<tr><th scope="row">${escapeHtml(c.repository)}</th><td class="num">${escapeHtml(pct(c.merged_linked_to_production, c.merged_pull_requests))} <span class="n">${escapeHtml(`${formatCount(c.merged_linked_to_production)} of ${formatCount(c.merged_pull_requests)}`)}</span></td><td class="num">${escapeHtml(formatCount(c.merged_linked_by_window))}</td><td class="num">${escapeHtml(pct(c.incidents_linked_to_deployment, c.incidents))} <span class="n">${escapeHtml(`${formatCount(c.incidents_linked_to_deployment)} of ${formatCount(c.incidents)}`)}</span></td><td class="num">${escapeHtml(pct(c.pull_requests_with_ai_signal, c.pull_requests))} <span class="n">${escapeHtml(`${formatCount(c.pull_requests_with_ai_signal)} of ${formatCount(c.pull_requests)}`)}</span></td></tr>`,
    );
    const coverage = `<section id="coverage" aria-labelledby="coverage-h"><h2 id="coverage-h">Link coverage</h2>
<p class="note">Lead time and shipped-with-incident rest on linking pull requests to the deployment that shipped them, and change failure rate on linking incidents to deployments. Linked by merge time means the commit history was missing and the link is a guess.</p>
${coverageNote}
<div class="table-wrap" tabindex="0"><table><caption>Link coverage per repository</caption>
<thead><tr><th scope="col">Repository</th><th scope="col">Merged PRs linked to production</th><th scope="col">…by merge time</th><th scope="col">Incidents linked to a deployment</th><th scope="col">PRs with an AI signal</th></tr></thead>
<tbody>${coverageRows.join("\n")}</tbody></table></div>
${sourceCoverage(site.coverageBySource)}</section>`;
    const provisional = site.reviews.filter((r) => r.snapshot.status === "provisional");
    const months = `<section id="provisional" aria-labelledby="provisional-h"><h2 id="provisional-h">Provisional months</h2>
${provisional.length > 0 ? `<ul>${provisional.map((r) => `<li><a href="${escapeHtml(relative(page.path, reviewPath(r.month)))}">${escapeHtml(monthLabel(r.month))}</a>: final with data from ${escapeHtml(r.snapshot.final_from)} on</li>`).join("\n")}</ul>` : "<p>None: every review is final.</p>"}</section>`;
    const restated = site.reviews.flatMap((r) => r.restatements);
    const restatements = `<section id="restatements" aria-labelledby="restatements-h"><h2 id="restatements-h">Restatements</h2>
<p class="note">A final review is frozen: its page keeps the numbers it was frozen with. Where today's definitions or data would give another value, it is listed here instead.</p>
${
  restated.length > 0
    ? `<div class="table-wrap" tabindex="0"><table><caption>Figures of frozen reviews that would differ today</caption>
<thead><tr><th scope="col">Review</th><th scope="col">Figure</th><th scope="col">Frozen</th><th scope="col">Now</th></tr></thead>
<tbody>${restated
        .map((x) => {
          const label = `${site.metrics.metrics.find((m) => m.name === x.metric)?.label ?? x.metric}${x.class ? ` (${x.class})` : ""}`;
          const plain = (v: number | null) => (v === null ? "–" : String(Math.round(v * 10000) / 10000));
          return `<tr data-month="${escapeHtml(x.month)}" data-metric="${escapeHtml(x.metric)}"><th scope="row"><a href="${escapeHtml(relative(page.path, reviewPath(x.month)))}">${escapeHtml(monthLabel(x.month))}</a></th><td>${escapeHtml(label)}</td><td>${escapeHtml(plain(x.frozen.value))} (n = ${escapeHtml(formatCount(x.frozen.n))}) under <code>${escapeHtml(shortHash(x.frozen.definition_hash))}</code></td><td class="restated">restated: now ${escapeHtml(plain(x.now.value))} (n = ${escapeHtml(formatCount(x.now.n))}) under definition <code>${escapeHtml(x.now.definition_hash)}</code></td></tr>`;
        })
        .join("\n")}</tbody></table></div>`
    : "<p>None: every frozen review still agrees with today's definitions and data.</p>"
}</section>`;
    return renderSitePage({
      path: page.path,
      title: page.title,
      nav,
      toc: [
        { id: "freshness", label: "Freshness" },
        { id: "incomplete", label: "Incomplete data" },
        { id: "coverage", label: "Link coverage" },
        { id: "provisional", label: "Provisional months" },
        { id: "restatements", label: "Restatements" },
      ],
      body: [freshness, incomplete, coverage, months, restatements].join("\n"),
      footer: siteFooter(site),
    });
  },
};
