/** Reads the numbers a person sees on a published page (the visible tables, not the embedded JSON). */
export interface PageRow {
  period: string;
  slice: string;
  value: string;
  n: number;
}

export function readMetricTable(html: string, metric: string): PageRow[] {
  const start = html.indexOf(`<section class="metric" id="metric-${metric}">`);
  if (start < 0) throw new Error(`no section for ${metric} on the page`);
  const section = html.slice(start, html.indexOf("</section>", start));
  const body = section.slice(section.indexOf("<tbody>"), section.indexOf("</tbody>"));
  const rows: PageRow[] = [];
  for (const tr of body.matchAll(/<tr>(.*?)<\/tr>/gs)) {
    const cells = [...tr[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((m) => m[1]!.trim());
    rows.push({ period: cells[0]!, slice: cells[1]!, value: cells[2]!, n: Number(cells[3]) });
  }
  return rows;
}
