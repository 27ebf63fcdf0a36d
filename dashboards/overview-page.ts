/**
 * The overview page: per metric, a weekly chart (inline SVG), the numbers with their n, and the definition
 * hash; then the definitions themselves and the data watermark. Self-contained and deterministic: rows are
 * sorted here, numbers are formatted with a fixed locale, and the only time on the page is `generatedAt`.
 */
import { escapeHtml, jsonForScript } from "../core/html.ts";
import type { MetricRow } from "../metrics/metric-evaluator.ts";
import { renderPage } from "./layout.ts";
import { renderLineChartSvg } from "./svg-chart.ts";

export interface MetricDefinitionSummary {
  name: string;
  label: string;
  description: string;
  hash: string;
  unit: string;
}

export interface OverviewPageInput {
  title: string;
  generatedAt: Date;
  watermark: string | null;
  rows: readonly MetricRow[];
  definitions: readonly MetricDefinitionSummary[];
}

const ROW_FIELDS = new Set(["metric", "period", "value", "n", "definition_hash", "insufficient"]);
const OVERALL = "All";

/** The whole HTML document of the overview page. */
export function renderOverviewPage(input: OverviewPageInput): string {
  const sections = input.definitions.map((d, i) =>
    renderMetricSection(
      d,
      i,
      input.rows.filter((r) => r.metric === d.name),
    ),
  );
  const body = [
    ...sections,
    renderDefinitions(input.definitions),
    `<script type="application/json" id="yardstick-data">${jsonForScript({
      title: input.title,
      generatedAt: input.generatedAt.toISOString(),
      watermark: input.watermark,
      definitions: input.definitions,
      rows: sortRows(input.rows),
    })}</script>`,
  ].join("\n");
  return renderPage({ title: input.title, generatedAt: input.generatedAt, watermark: input.watermark, body });
}

interface Slice {
  key: string;
  label: string;
}

function renderMetricSection(
  d: MetricDefinitionSummary,
  index: number,
  unsorted: readonly MetricRow[],
): string {
  const rows = sortRows(unsorted);
  const head = `<section class="metric" id="metric-${escapeHtml(d.name)}">
<h2>${escapeHtml(d.label)}</h2>
<p class="description">${escapeHtml(d.description)}</p>`;
  const foot = `<p class="muted">Metric <code>${escapeHtml(d.name)}</code> · definition <code>${escapeHtml(d.hash)}</code></p>
</section>`;
  if (rows.length === 0) return `${head}\n<p class="muted">No data for this metric yet.</p>\n${foot}`;

  const periods = axisPeriods(rows.map((r) => r.period));
  const slices = uniqueSlices(rows);
  const byKey = new Map(rows.map((r) => [`${sliceOf(r).key}\u0000${r.period}`, r]));
  const chart = renderLineChartSvg({
    id: `chart${index}`,
    label: `${d.label} per week`,
    categories: periods,
    series: slices.map((s) => ({
      name: s.label,
      values: periods.map((p) => {
        const row = byKey.get(`${s.key}\u0000${p}`);
        return row && !row.insufficient ? row.value : null;
      }),
    })),
  });
  const body = rows
    .map((r) => {
      const value = r.insufficient
        ? `<td class="insufficient">insufficient data</td>`
        : `<td class="num">${escapeHtml(formatValue(r.value, d.unit))}</td>`;
      return `<tr><td>${escapeHtml(r.period)}</td><td>${escapeHtml(sliceOf(r).label)}</td>${value}<td class="num">${escapeHtml(formatCount(r.n))}</td></tr>`;
    })
    .join("\n");
  const table = `<table>
<thead><tr><th>Week of</th><th>Slice</th><th class="num">Value (${escapeHtml(d.unit)})</th><th class="num">n</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
  return `${head}\n${chart}\n${table}\n${foot}`;
}

/**
 * The x axis: for weekly rows every Monday from the first to the last period, so weeks without data show as
 * gaps instead of being silently joined; for any other grain, the periods present.
 */
function axisPeriods(periods: readonly string[]): string[] {
  const present = [...new Set(periods)].sort();
  const days = present.map((p) => Date.parse(`${p}T00:00:00Z`));
  if (days.some((d) => new Date(d).getUTCDay() !== 1)) return present;
  const weeks: string[] = [];
  for (let t = days[0]!; t <= days[days.length - 1]!; t += 7 * 86_400_000) {
    weeks.push(new Date(t).toISOString().slice(0, 10));
  }
  return weeks;
}

function renderDefinitions(definitions: readonly MetricDefinitionSummary[]): string {
  const items = definitions
    .map(
      (d) => `<dt>${escapeHtml(d.label)} <code>${escapeHtml(d.name)}</code></dt>
<dd>${escapeHtml(d.description)}</dd>
<dd>Unit: ${escapeHtml(d.unit)} · Definition hash: <code>${escapeHtml(d.hash)}</code></dd>`,
    )
    .join("\n");
  return `<section class="definitions">
<h2>Definitions</h2>
<p class="muted">From metrics.yaml. Numbers with the same definition hash were computed the same way.</p>
<dl class="definitions">
${items}
</dl>
</section>`;
}

function sliceOf(row: MetricRow): Slice {
  const dimensions = Object.keys(row)
    .filter((k) => !ROW_FIELDS.has(k))
    .sort();
  if (dimensions.length === 0) return { key: "", label: OVERALL };
  const values = dimensions.map((d) => (row[d] === null || row[d] === undefined ? "(none)" : String(row[d])));
  return { key: JSON.stringify(dimensions.map((d, i) => [d, values[i]])), label: values.join(" / ") };
}

// The overall series first, then slices in code-point order (not locale order, which can vary by machine).
function compareSlices(a: Slice, b: Slice): number {
  if (a.key === "" || b.key === "") return a.key === b.key ? 0 : a.key === "" ? -1 : 1;
  return compareText(a.label, b.label) || compareText(a.key, b.key);
}

function uniqueSlices(rows: readonly MetricRow[]): Slice[] {
  const slices = new Map<string, Slice>();
  for (const r of rows) {
    const s = sliceOf(r);
    slices.set(s.key, s);
  }
  return [...slices.values()].sort(compareSlices);
}

function sortRows(rows: readonly MetricRow[]): MetricRow[] {
  return [...rows].sort(
    (a, b) =>
      compareText(a.metric, b.metric) ||
      compareText(a.period, b.period) ||
      compareSlices(sliceOf(a), sliceOf(b)),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const FORMATS: Record<string, Intl.NumberFormat> = {
  count: new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }),
  hours: new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  days: new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  ratio: new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  percent: new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
};
const COUNT = FORMATS.count!;

function formatValue(value: number | null, unit: string): string {
  if (value === null) return "–";
  return (FORMATS[unit] ?? FORMATS.ratio!).format(value);
}

function formatCount(n: number): string {
  return COUNT.format(n);
}
