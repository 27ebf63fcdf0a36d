/**
 * Reads the numbers a person sees on a published page: the table cells of one metric (not the embedded JSON),
 * located by their data attributes, with the value as the visible text of the cell.
 */
export interface PageRow {
  /** Start of the period, YYYY-MM-DD (without the "(partial)" marker). */
  period: string;
  /** "All", or the slice's value(s), e.g. a team name. */
  slice: string;
  /** The value as shown: "12", "6.1" (one decimal for hours), or "insufficient data". */
  value: string;
  n: number;
  /** Present (true) when the cell is withheld by the privacy floor. */
  suppressed?: true;
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);
}

/** Every value cell of `metric`'s table; cells of periods without rows for a slice (shown as "–") are absent. */
export function readMetricTable(html: string, metric: string): PageRow[] {
  const start = html.indexOf(`<section class="metric" id="metric-${metric}">`);
  if (start < 0) throw new Error(`no section for ${metric} on the page`);
  const section = html.slice(start, html.indexOf("</section>", start));
  const rows: PageRow[] = [];
  for (const cell of section.matchAll(/<td\b([^>]*\bdata-metric="[^"]*"[^>]*)>([\s\S]*?)<\/td>/g)) {
    const data = Object.fromEntries(
      [...cell[1]!.matchAll(/\bdata-([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, unescapeHtml(m[2]!)]),
    );
    if (data.metric !== metric) throw new Error(`a cell of ${data.metric} in the section of ${metric}`);
    const shown = cell[2]!.match(/<span class="value"[^>]*>([\s\S]*?)<\/span>/);
    if (!shown) throw new Error(`a cell of ${metric} without a visible value: ${cell[0]}`);
    rows.push({
      period: data.period!,
      slice: data.slice!,
      value: unescapeHtml(shown[1]!.trim()),
      n: Number(data.n),
      ...(data.suppressed === "true" ? { suppressed: true as const } : {}),
    });
  }
  return rows;
}
