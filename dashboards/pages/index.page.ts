/**
 * The home page, `index.html`: the latest complete month's headline, the archive of reviews (final or
 * provisional, with restatements marked), the teams, and links to everything else.
 */
import { escapeHtml } from "../../core/html.ts";
import { monthLabel } from "../review/months.ts";
import { figureCell, measureIn, valueText } from "../site/figure-html.ts";
import type { PageModule } from "../site/page-registry.ts";
import { siteFooter } from "../site/site-footer.ts";
import { relative, renderSitePage } from "../site/site-layout.ts";
import { formatValue } from "../units.ts";
import { reviewPath } from "./review.page.ts";

const PATH = "index.html";

export const indexPage: PageModule = {
  name: "index",
  description: "The latest review's headline, the archive of monthly reviews, the teams, links to everything",
  pages: (site) => [{ path: PATH, title: site.title, key: "" }],
  render: (site, page, nav) => {
    const latest = site.reviews.find((r) => r.month === site.latest) ?? site.reviews[site.reviews.length - 1];
    const parts: string[] = [];
    if (!latest) {
      parts.push(`<p>No data yet: run <code>yardstick run</code> to extract, build and publish.</p>`);
    } else {
      const s = latest.snapshot;
      const rows = s.headline.map((h) => {
        const m = measureIn(s, h.metric);
        const label = `${s.definitions[h.metric]?.label ?? h.metric}${h.class ? ` (${h.class.replace("_", "-")})` : ""}`;
        return `<tr><th scope="row">${escapeHtml(label)}</th>${figureCell(h.current, m, h.class ? { "data-class": h.class } : {})}<td class="num">${escapeHtml(valueText(h.previous, m))}</td><td class="num">${escapeHtml(formatValue(h.trailing_median, m))}</td></tr>`;
      });
      parts.push(
        `<section id="latest" aria-labelledby="latest-h"><h2 id="latest-h">Latest review: ${escapeHtml(monthLabel(s.month))} <span class="badge ${s.status}">${s.status}</span></h2>
<p><a href="${escapeHtml(relative(page.path, reviewPath(s.month)))}">Open the ${escapeHtml(monthLabel(s.month))} review</a> — adoption, impact against unmarked work, governance, delivery, follow-ups and notes.</p>
<div class="table-wrap" tabindex="0"><table><caption>Headline, ${escapeHtml(monthLabel(s.month))}</caption>
<thead><tr><th scope="col">Figure</th><th scope="col">${escapeHtml(monthLabel(s.month))}</th><th scope="col">Last month</th><th scope="col">3-month median</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table></div></section>`,
      );
    }
    const archive = [...site.reviews].reverse().map((r) => {
      const restated =
        r.restatements.length > 0
          ? ` <span class="restated">restated: ${r.restatements.length} figure${r.restatements.length === 1 ? "" : "s"} differ today (see Data trust)</span>`
          : "";
      return `<li><a href="${escapeHtml(relative(page.path, reviewPath(r.month)))}">${escapeHtml(monthLabel(r.month))}</a> <span class="badge ${r.snapshot.status}">${r.snapshot.status}</span>${restated}</li>`;
    });
    parts.push(
      `<section id="reviews" aria-labelledby="reviews-h"><h2 id="reviews-h">Monthly reviews</h2>${archive.length > 0 ? `<ul>${archive.join("\n")}</ul>` : "<p>None yet.</p>"}
<p class="note">A review is provisional until its month's outcome windows have closed (reverts ${escapeHtml(String(site.metrics.definitions.revert_window_days))} days, incidents ${escapeHtml(String(site.metrics.definitions.incident_lookahead_days))} days); then it is frozen and never changes.</p></section>`,
    );
    const teams = site.teams.map(
      (t) => `<li><a href="${escapeHtml(relative(page.path, t.path))}">${escapeHtml(t.team)}</a></li>`,
    );
    parts.push(
      `<section id="teams" aria-labelledby="teams-h"><h2 id="teams-h">Teams</h2>${teams.length > 0 ? `<ul>${teams.join("\n")}</ul>` : "<p>No team has data yet.</p>"}</section>`,
      `<section id="more" aria-labelledby="more-h"><h2 id="more-h">More</h2><ul>
<li><a href="${escapeHtml(relative(page.path, "definitions.html"))}">Definitions</a>: every metric, how it is computed, its owner and hash.</li>
<li><a href="${escapeHtml(relative(page.path, "data.html"))}">Data trust</a>: freshness, link coverage, provisional months and restatements.</li>
<li><a href="${escapeHtml(relative(page.path, "overview.html"))}">Weekly overview</a>: every metric week by week.</li>
</ul></section>`,
    );
    return renderSitePage({
      path: page.path,
      title: page.title,
      subtitle: "Engineering metrics and the monthly AI performance review",
      nav,
      body: parts.join("\n"),
      footer: siteFooter(site),
    });
  },
};
