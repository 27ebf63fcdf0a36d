/**
 * `definitions.html`: every metric of metrics.yaml as a reader needs it — label, description, how it is
 * computed, its unit, minimum sample and bands, its owner and its definition hash.
 */
import { escapeHtml } from "../../core/html.ts";
import type { Metric } from "../../metrics/metrics-file.ts";
import type { PageModule } from "../site/page-registry.ts";
import { siteFooter } from "../site/site-footer.ts";
import { renderSitePage } from "../site/site-layout.ts";

export const definitionsPage: PageModule = {
  name: "definitions",
  description: "Every metric of metrics.yaml: label, description, how it is computed, owner, hash",
  pages: () => [{ path: "definitions.html", title: "Metric definitions", key: "" }],
  render: (site, page, nav) => {
    const d = site.metrics.definitions;
    const items = site.metrics.metrics.map(
      (m) => `<section id="metric-${escapeHtml(m.name)}" aria-labelledby="metric-${escapeHtml(m.name)}-h">
<h2 id="metric-${escapeHtml(m.name)}-h">${escapeHtml(m.label)}</h2>
<p>${escapeHtml(m.description)}</p>
<dl>
<dt>Computed as</dt><dd><code>${escapeHtml(computedAs(m))}</code></dd>
<dt>Unit</dt><dd>${escapeHtml(m.unit)}${m.min_sample !== undefined ? `; below ${escapeHtml(String(m.min_sample))} rows a value shows "insufficient data"` : ""}</dd>
${m.bands ? `<dt>Bands</dt><dd>elite ${escapeHtml(String(m.bands.elite))}, high ${escapeHtml(String(m.bands.high))}, medium ${escapeHtml(String(m.bands.medium))} (${escapeHtml(m.direction.replace(/_/g, " "))})</dd>` : ""}
<dt>Slices</dt><dd>${escapeHtml(m.dimensions.join(", ") || "none")}</dd>
<dt>Owner</dt><dd>${escapeHtml(m.owner)}</dd>
<dt>Name and hash</dt><dd><code>${escapeHtml(m.name)}</code> · <code>${escapeHtml(m.definitionHash)}</code></dd>
</dl>
</section>`,
    );
    const intro = `<p>One file, metrics.yaml (<code>${escapeHtml(site.metrics.hash)}</code>), defines every number on this site, so every team computes them the same way. A definition's hash changes whenever what it computes changes; two numbers with the same hash were computed the same way. Groups of fewer than ${escapeHtml(String(d.privacy_floor))} people are never shown. A pull request counts as reverted when reverted within ${escapeHtml(String(d.revert_window_days))} days of its merge.</p>`;
    return renderSitePage({
      path: page.path,
      title: page.title,
      nav,
      toc: site.metrics.metrics.map((m) => ({ id: `metric-${m.name}`, label: m.label })),
      body: `${intro}\n${items.join("\n")}`,
      footer: siteFooter(site),
    });
  },
};

/** How a metric is computed, in one line of its own terms. */
export function computedAs(m: Metric): string {
  switch (m.type) {
    case "simple": {
      const agg =
        m.agg === "percentile" ? `p${Math.round((m.agg_params?.percentile ?? 0) * 1000) / 10}` : m.agg;
      return `${agg}(${m.expr}) over ${m.model}${m.filter ? ` where ${m.filter}` : ""}, by ${m.time_dimension}`;
    }
    case "ratio": {
      const side = (s: { metric: Metric; filter?: string | undefined }) =>
        s.filter ? `${s.metric.name} where ${s.filter}` : s.metric.name;
      return `${side(m.sides.numerator)} ÷ ${side(m.sides.denominator)}`;
    }
    case "derived":
      return `${m.expr} (from ${m.inputs.map((i) => i.metric.name).join(", ")})`;
  }
}
