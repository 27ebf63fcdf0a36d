/**
 * `overview.html`: the flow and quality metrics week by week over the last quarter, overall and per team, for
 * whoever wants the detail between reviews. The monthly review is the curated view; this is the raw one.
 */
import { escapeHtml } from "../../core/html.ts";
import { renderOverviewPage } from "../overview-page.ts";
import { incompleteNoteHtml } from "../site/incomplete-note.ts";
import type { PageModule } from "../site/page-registry.ts";
import { relative } from "../site/site-layout.ts";
import { measureOf } from "../units.ts";

export const overviewPage: PageModule = {
  name: "overview",
  description: "The flow and quality metrics per week over the last 13 weeks, overall and per team",
  pages: (site) =>
    site.overview ? [{ path: "overview.html", title: `Weekly overview: ${site.title}`, key: "" }] : [],
  render: (site, page, nav) =>
    renderOverviewPage({
      title: page.title,
      generatedAt: site.generatedAt,
      watermark: site.watermark,
      confirmedAt: site.lastExtraction,
      grain: "week",
      rows: site.overview ?? [],
      definitions: site.metrics.metrics
        .filter((m) => site.overview?.some((r) => r.metric === m.name))
        .map((m) => ({
          name: m.name,
          label: m.label,
          description: m.description,
          hash: m.definitionHash,
          unit: m.unit,
          aggregation: measureOf(m).aggregation,
        })),
      nav: `<nav class="site-nav" aria-label="Site"><ul>${nav
        .map(
          (l) =>
            `<li><a href="${escapeHtml(relative(page.path, l.path))}"${l.path === page.path ? ' aria-current="page"' : ""}>${escapeHtml(l.label)}</a></li>`,
        )
        .join("")}</ul></nav>`,
      footerNote: incompleteNoteHtml(site.gaps),
    }),
};
