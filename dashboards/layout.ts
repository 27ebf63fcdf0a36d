/**
 * The shell every dashboard page shares: one self-contained HTML document (inline CSS, no external requests),
 * print CSS for A4 landscape, and a footer that says how fresh the data is and when the page was made.
 */
import { escapeHtml } from "../core/html.ts";

export interface PageShell {
  title: string;
  /** Already-escaped HTML of the site's navigation, shown above the title. */
  nav?: string;
  generatedAt: Date;
  /** Latest extraction time in the warehouse (ISO), or null when there is no data. */
  watermark: string | null;
  /**
   * When the last successful extraction ended (ISO; null: never): when the data was last confirmed current.
   * After quiet nights it is later than the watermark, which moves only when something changed. Shown
   * beside the watermark when given.
   */
  confirmedAt?: string | null;
  /** Already-escaped HTML for the main part of the page. */
  body: string;
  /** Already-escaped HTML shown first in the footer (e.g. what data is incomplete); none by default. */
  footerNote?: string;
}

/** `2024-06-03 14:05 UTC`: one unambiguous way to show an instant on every page. */
export function formatInstant(iso: string | Date): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function renderPage(page: PageShell): string {
  const watermark = page.watermark ? formatInstant(page.watermark) : "no data yet";
  const confirmed =
    page.confirmedAt === undefined
      ? null
      : escapeHtml(page.confirmedAt ? formatInstant(page.confirmedAt) : "never");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Yardstick">
<title>${escapeHtml(page.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="page-header">
${page.nav ?? ""}
<h1>${escapeHtml(page.title)}</h1>
<p class="as-of">Data as of <strong>${escapeHtml(watermark)}</strong>${confirmed === null ? "" : ` (the newest change extracted) · last confirmed current <strong>${confirmed}</strong> (the last successful extraction)`}</p>
</header>
<main>
${page.body}
</main>
<footer class="page-footer">
${page.footerNote ?? ""}<p>Data as of ${escapeHtml(watermark)} ${confirmed === null ? "(latest extraction)" : `(the newest change extracted) · last confirmed current ${confirmed} (the last successful extraction)`} · Generated ${escapeHtml(formatInstant(page.generatedAt))} by Yardstick · Every number is shown with n, the rows it is computed from; definitions and their hashes are listed above.</p>
</footer>
</body>
</html>
`;
}

const CSS = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1080px; padding: 24px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 0 0 4px; }
h3 { font-size: 1rem; margin: 16px 0 4px; }
.as-of, .muted { color: var(--muted); margin: 0; }
.site-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 0 0 12px; padding: 0; font-size: 0.9rem; }
.site-nav a[aria-current="page"] { font-weight: 700; color: var(--ink); text-decoration: none; }
@media print { .site-nav { display: none; } }
.page-header { border-bottom: 1px solid var(--line); padding-bottom: 12px; margin-bottom: 24px; }
.metric { margin: 0 0 32px; break-inside: avoid; }
.metric .description { color: var(--muted); margin: 0 0 8px; }
svg.chart { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin: 8px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; }
td.insufficient .value { color: var(--muted); font-style: italic; }
td.none { color: var(--muted); }
td .n { color: var(--muted); font-size: 0.8em; margin-left: 4px; white-space: nowrap; }
th[scope="row"] { background: none; font-weight: 400; white-space: nowrap; }
tr.partial th[scope="row"], tr.partial td { background: var(--panel); }
.partial { font-style: italic; }
span.partial { color: var(--muted); }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: 0.85rem; padding-top: 4px; }
.table-wrap { overflow-x: auto; }
.note { color: var(--muted); font-size: 0.9rem; margin: 4px 0 8px; }
dl.definitions dt { font-weight: 600; margin-top: 12px; }
dl.definitions dd { margin: 0 0 0 16px; }
code { font: 0.85em ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.page-footer { border-top: 1px solid var(--line); margin-top: 32px; padding-top: 8px; color: var(--muted);
  font-size: 0.85rem; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .metric, table, svg.chart { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;
