/**
 * The shell of every page of the site: the same navigation, a table of contents on long pages, a skip link,
 * one heading hierarchy, inline CSS only (no request of any kind), and print rules for A4. Every link is
 * relative, so the site works from file:// wherever it is copied.
 */
import { escapeHtml } from "../../core/html.ts";

export interface NavLink {
  /** Site-relative path, e.g. `reviews/2026-03.html`. */
  path: string;
  label: string;
}

export interface SitePage {
  /** Site-relative path of this page: links are made relative to it. */
  path: string;
  title: string;
  /** One line under the title (e.g. "Provisional: outcomes still coming in"). */
  subtitle?: string;
  nav: readonly NavLink[];
  /** Sections for the table of contents (id and heading), on long pages. */
  toc?: readonly { id: string; label: string }[];
  /** Already-escaped HTML of the main content. */
  body: string;
  /** Already-escaped HTML for the footer (data freshness, generation time). */
  footer: string;
}

/** The path from `from` (a site page) to `to` (another site path): `relative("reviews/a.html", "index.html")` → `../index.html`. */
export function relative(from: string, to: string): string {
  const depth = from.split("/").length - 1;
  return `${"../".repeat(depth)}${to}`;
}

export function renderSitePage(page: SitePage): string {
  const nav = page.nav
    .map((link) => {
      const current = link.path === page.path ? ' aria-current="page"' : "";
      return `<li><a href="${escapeHtml(relative(page.path, link.path))}"${current}>${escapeHtml(link.label)}</a></li>`;
    })
    .join("");
  const toc =
    page.toc && page.toc.length > 0
      ? `<nav class="toc" aria-label="On this page"><h2 class="toc-title">On this page</h2><ol>${page.toc
          .map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.label)}</a></li>`)
          .join("")}</ol></nav>`
      : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Yardstick">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(page.title)}</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
<nav class="site-nav" aria-label="Site"><ul>${nav}</ul></nav>
<h1>${escapeHtml(page.title)}</h1>
${page.subtitle ? `<p class="subtitle">${escapeHtml(page.subtitle)}</p>` : ""}
</header>
${toc}
<main id="main">
${page.body}
</main>
<footer class="site-footer">
${page.footer}
</footer>
</body>
</html>
`;
}

const CSS = `
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa; --accent: #0550ae;
  --good: #116329; --bad: #a40e26; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1120px; padding: 16px 24px 32px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
.site-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 0 0 12px; padding: 0;
  font-size: 0.9rem; }
.site-nav a[aria-current="page"] { font-weight: 700; color: var(--ink); text-decoration: none; }
.site-header { border-bottom: 1px solid var(--line); padding-bottom: 12px; margin-bottom: 16px; }
h1 { font-size: 1.6rem; margin: 0; }
h2 { font-size: 1.25rem; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
h4 { font-size: 0.95rem; margin: 14px 0 4px; }
.subtitle, .muted, .note { color: var(--muted); }
.subtitle { margin: 4px 0 0; }
.note { font-size: 0.9rem; margin: 4px 0 8px; }
.toc { background: var(--panel); border: 1px solid var(--line); padding: 8px 16px; margin: 0 0 16px; }
.toc-title { font-size: 0.95rem; border: 0; margin: 0 0 4px; padding: 0; }
.toc ol { margin: 0; padding-left: 20px; columns: 2; font-size: 0.9rem; }
.badge { display: inline-block; border: 1px solid var(--line); border-radius: 4px; padding: 0 6px;
  font-size: 0.8rem; color: var(--muted); }
.badge.final { border-color: var(--good); color: var(--good); }
.badge.provisional { border-style: dashed; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; margin: 8px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.card h3 { margin: 0 0 4px; font-size: 0.95rem; }
.card .big { font-size: 1.5rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.card p { margin: 2px 0; font-size: 0.85rem; color: var(--muted); }
.card p.vs { color: var(--ink); }
svg.chart { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin: 8px 0 16px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; }
td .n { color: var(--muted); font-size: 0.8em; margin-left: 4px; white-space: nowrap; }
th[scope="row"] { background: none; font-weight: 400; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }
.table-wrap { overflow-x: auto; }
.withheld { color: var(--muted); font-style: italic; }
.restated { color: var(--bad); }
code { font: 0.85em ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.notes { border-left: 3px solid var(--line); padding-left: 12px; }
.site-footer { border-top: 1px solid var(--line); margin-top: 32px; padding-top: 8px; color: var(--muted);
  font-size: 0.85rem; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  .site-nav, .skip, .toc { display: none; }
  h2 { break-after: avoid; margin-top: 14px; }
  .card, table, svg.chart, figure { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  th, td { padding: 2px 4px; }
}
`;
