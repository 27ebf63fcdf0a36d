/**
 * The overview page: per metric, a chart over the periods (inline SVG, chronological), a table with one row
 * per period (newest first) and one column per slice where every value has its n, partial periods marked,
 * and the definition hash; then the definitions themselves and the data watermark. Self-contained and
 * deterministic: rows are sorted here, numbers are formatted with a fixed locale, and the only instants on
 * the page are `generatedAt` and the watermark (which alone decides what is partial).
 */
import { escapeHtml, jsonForScript } from "../core/html.ts";
import type { MetricRow } from "../metrics/metric-evaluator.ts";
import { METRIC_ROW_FIELDS } from "../metrics/metric-request.ts";
import type { Grain } from "../metrics/metric-schema.ts";
import { formatInstant, renderPage } from "./layout.ts";
import { axisPeriods, isPartialPeriod } from "./periods.ts";
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
  /** Latest extraction time (ISO) in the warehouse: periods ending after it are marked partial. */
  watermark: string | null;
  /** The period length every row was evaluated at. */
  grain: Grain;
  rows: readonly MetricRow[];
  definitions: readonly MetricDefinitionSummary[];
}

const OVERALL = "All";

/** The whole HTML document of the overview page. */
export function renderOverviewPage(input: OverviewPageInput): string {
  const sections = input.definitions.map((d, i) =>
    renderMetricSection(
      d,
      i,
      input.rows.filter((r) => r.metric === d.name),
      { grain: input.grain, watermark: input.watermark },
    ),
  );
  const body = [
    ...sections,
    renderDefinitions(input.definitions),
    `<script type="application/json" id="yardstick-data">${jsonForScript({
      title: input.title,
      generatedAt: input.generatedAt.toISOString(),
      watermark: input.watermark,
      grain: input.grain,
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

const PERIOD_HEADING: Record<Grain, string> = {
  day: "Day",
  week: "Week of",
  month: "Month",
  quarter: "Quarter",
};

function renderMetricSection(
  d: MetricDefinitionSummary,
  index: number,
  unsorted: readonly MetricRow[],
  context: { grain: Grain; watermark: string | null },
): string {
  const rows = sortRows(unsorted);
  const head = `<section class="metric" id="metric-${escapeHtml(d.name)}">
<h2>${escapeHtml(d.label)}</h2>
<p class="description">${escapeHtml(d.description)}</p>`;
  const foot = `<p class="muted">Metric <code>${escapeHtml(d.name)}</code> · definition <code>${escapeHtml(d.hash)}</code></p>
</section>`;
  if (rows.length === 0) return `${head}\n<p class="muted">No data for this metric yet.</p>\n${foot}`;

  const periods = axisPeriods(
    rows.map((r) => r.period),
    context.grain,
  );
  const partial = new Set(periods.filter((p) => isPartialPeriod(p, context.grain, context.watermark)));
  const firstPartial = periods.findIndex((p) => partial.has(p));
  const slices = uniqueSlices(rows);
  const byKey = new Map(rows.map((r) => [cellKey(sliceOf(r), r.period), r]));
  const series = slices.map((s) => ({
    name: s.label,
    values: periods.map((p) => {
      const row = byKey.get(cellKey(s, p));
      return row && !row.insufficient ? row.value : null;
    }),
  }));
  const chart = renderLineChartSvg({
    id: `chart${index}`,
    label: `${d.label} per ${context.grain}`,
    categories: periods,
    series,
    ...(firstPartial >= 0 ? { partialFrom: firstPartial } : {}),
  });
  const charted =
    firstPartial >= 0 && series.some((s) => s.values.slice(firstPartial).some((v) => v !== null));
  const note =
    partial.size === 0
      ? ""
      : `\n<p class="note partial-note">${escapeHtml(partialNote([...partial], charted, context))}</p>`;
  const table = renderPivotTable(d, [...periods].reverse(), slices, byKey, partial, context.grain);
  return `${head}\n${chart}${note}\n${table}\n${foot}`;
}

function partialNote(
  partial: readonly string[],
  charted: boolean,
  context: { grain: Grain; watermark: string | null },
): string {
  const { grain } = context;
  const one = partial.length === 1;
  const what = one ? `The ${grain} of ${partial[0]} is` : `The ${grain}s of ${partial.join(", ")} are`;
  const how = charted
    ? `The chart draws ${one ? "it" : "them"} dashed, with hollow diamonds; the table marks ${one ? "it" : "them"} "(partial)".`
    : `${one ? "It has" : "They have"} no value to chart yet; the table marks ${one ? "it" : "them"} "(partial)".`;
  return `${what} partial: the data was taken at ${formatInstant(context.watermark!)}, before the ${grain} ended, so its numbers can still change. ${how}`;
}

/**
 * One row per period (newest first: the question a leader asks is "how are we doing lately"), one column per
 * slice ("All" first). Each cell shows the value and its n, and carries the same numbers in data attributes
 * so that tests and tools read them without parsing prose.
 */
function renderPivotTable(
  d: MetricDefinitionSummary,
  periodsNewestFirst: readonly string[],
  slices: readonly Slice[],
  byKey: ReadonlyMap<string, MetricRow>,
  partial: ReadonlySet<string>,
  grain: Grain,
): string {
  const header = slices.map((s) => `<th scope="col" class="num">${escapeHtml(s.label)}</th>`).join("");
  const body = periodsNewestFirst
    .map((p) => {
      const isPartial = partial.has(p);
      const period = isPartial ? `${escapeHtml(p)} <span class="partial">(partial)</span>` : escapeHtml(p);
      const cells = slices.map((s) => renderCell(d, p, s, byKey.get(cellKey(s, p)))).join("");
      const attributes = isPartial ? ` class="partial" data-partial="true"` : "";
      return `<tr${attributes}><th scope="row">${period}</th>${cells}</tr>`;
    })
    .join("\n");
  return `<div class="table-wrap">
<table class="pivot">
<caption>Values in ${escapeHtml(d.unit)}, newest ${escapeHtml(grain)} first. n: the rows each value is computed from; –: no rows in that ${escapeHtml(grain)}.</caption>
<thead><tr><th scope="col">${PERIOD_HEADING[grain]}</th>${header}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</div>`;
}

function renderCell(
  d: MetricDefinitionSummary,
  period: string,
  slice: Slice,
  row: MetricRow | undefined,
): string {
  if (row === undefined) return `<td class="num none">–</td>`;
  const data = [
    ["metric", d.name],
    ["period", period],
    ["slice", slice.label],
    ["value", row.insufficient || row.value === null ? "" : String(row.value)],
    ["n", row.n === null ? "" : String(row.n)],
    ...(row.insufficient ? [["insufficient", "true"]] : []),
    ...(row.suppressed ? [["suppressed", "true"]] : []),
  ]
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join("");
  if (row.suppressed || row.n === null)
    return `<td class="num insufficient"${data}><span class="value" title="fewer people than the privacy floor">suppressed</span></td>`;
  const n = `<span class="n">n=${escapeHtml(formatCount(row.n))}</span>`;
  if (row.insufficient)
    return `<td class="num insufficient"${data}><span class="value">insufficient data</span> ${n}</td>`;
  return `<td class="num"${data}><span class="value">${escapeHtml(formatValue(row.value, d.unit))}</span> ${n}</td>`;
}

function cellKey(slice: Slice, period: string): string {
  return `${slice.key}\u0000${period}`;
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
    .filter((k) => !METRIC_ROW_FIELDS.has(k))
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
