/**
 * The overview page: per metric, a chart over the periods (inline SVG, chronological), a table with one row
 * per period (newest first) and one column per slice where every value has its n, partial periods marked,
 * and the definition hash; then the definitions themselves and the data watermark. Self-contained and
 * deterministic: rows are sorted here, numbers are formatted with a fixed locale, and the only instants on
 * the page are `generatedAt` and the watermark (which alone decides what is partial).
 */
import { escapeHtml } from "../core/html.ts";
import type { MetricRow } from "../metrics/metric-evaluator.ts";
import { METRIC_ROW_FIELDS } from "../metrics/metric-request.ts";
import type { Grain } from "../metrics/metric-schema.ts";
import { formatInstant, renderPage } from "./layout.ts";
import { axisPeriods, isPartialPeriod } from "./periods.ts";
import { renderLineChartSvg } from "./svg-chart.ts";
import {
  formatN,
  formatPeriod,
  formatValue,
  type Measure,
  MISSING,
  plainNumber,
  unitName,
  type ValueAggregation,
} from "./units.ts";

export interface MetricDefinitionSummary {
  name: string;
  label: string;
  description: string;
  hash: string;
  unit: string;
  /** How the values are aggregated (`measureOf(metric).aggregation`): an average of counts keeps decimals. */
  aggregation?: ValueAggregation | undefined;
}

export interface OverviewPageInput {
  title: string;
  generatedAt: Date;
  /** Latest extraction time (ISO) in the warehouse: periods ending after it are marked partial. */
  watermark: string | null;
  /** When the last successful extraction ended (ISO, null: never), shown beside the watermark when given. */
  confirmedAt?: string | null;
  /** The period length every row was evaluated at. */
  grain: Grain;
  rows: readonly MetricRow[];
  definitions: readonly MetricDefinitionSummary[];
  /** The site's navigation, already-escaped HTML, above the title. */
  nav?: string;
  /** Already-escaped HTML shown first in the footer (what data is incomplete). */
  footerNote?: string;
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
  const body = [...sections, renderDefinitions(input.definitions)].join("\n");
  return renderPage({
    title: input.title,
    generatedAt: input.generatedAt,
    watermark: input.watermark,
    ...(input.confirmedAt !== undefined ? { confirmedAt: input.confirmedAt } : {}),
    body,
    ...(input.nav ? { nav: input.nav } : {}),
    ...(input.footerNote ? { footerNote: input.footerNote } : {}),
  });
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
  // The chart follows the whole organisation (the table has every slice): one line per team would make the
  // page grow with the number of teams and the lines unreadable past a handful.
  const overall = slices.filter((s) => s.label === OVERALL);
  const series = (overall.length > 0 ? overall : slices).map((s) => ({
    name: s.label,
    values: periods.map((p) => {
      const row = byKey.get(cellKey(s, p));
      return row && !row.insufficient ? row.value : null;
    }),
  }));
  const chart = renderLineChartSvg({
    id: `chart${index}`,
    label: `${d.label} per ${context.grain}`,
    categories: periods.map((p) => formatPeriod(p, context.grain, "short")),
    series,
    unit: d.unit,
    ...(d.aggregation ? { aggregation: d.aggregation } : {}),
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
  const names = partial.map((p) => formatPeriod(p, grain, "short")).join(", ");
  // "The week of 2024-04-01", "The quarter 2024 Q2": a week is named by its Monday, other grains by name.
  const of = grain === "week" ? " of" : "";
  const what = one ? `The ${grain}${of} ${names} is` : `The ${grain}s${of} ${names} are`;
  const how = charted
    ? `The chart draws ${one ? "it" : "them"} dashed, with hollow markers; the table marks ${one ? "it" : "them"} "(partial)".`
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
      const label = escapeHtml(formatPeriod(p, grain, "short"));
      const period = isPartial ? `${label} <span class="partial">(partial)</span>` : label;
      const cells = slices.map((s) => renderCell(d, p, s, byKey.get(cellKey(s, p)))).join("");
      const attributes = isPartial ? ` class="partial" data-partial="true"` : "";
      return `<tr${attributes}><th scope="row">${period}</th>${cells}</tr>`;
    })
    .join("\n");
  return `<div class="table-wrap" tabindex="0">
<table class="pivot">
<caption>Values in ${escapeHtml(unitName(d.unit))}, newest ${escapeHtml(grain)} first. n: the rows each value is computed from; ${MISSING}: no rows in that ${escapeHtml(grain)}.</caption>
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
  if (row === undefined) return `<td class="num none">${MISSING}</td>`;
  const data = [
    ["metric", d.name],
    ["period", period],
    ["slice", slice.label],
    ["value", row.insufficient ? "" : plainNumber(row.value)],
    ["n", plainNumber(row.n)],
    ...(row.insufficient ? [["insufficient", "true"]] : []),
    ...(row.suppressed ? [["suppressed", "true"]] : []),
  ]
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join("");
  if (row.suppressed || row.n === null)
    return `<td class="num insufficient"${data}><span class="value" title="fewer people than the privacy floor">suppressed</span></td>`;
  const n = `<span class="n">${escapeHtml(formatN(row.n))}</span>`;
  if (row.insufficient)
    return `<td class="num insufficient"${data}><span class="value">insufficient data</span> ${n}</td>`;
  const measure: Measure = { unit: d.unit, aggregation: d.aggregation };
  return `<td class="num"${data}><span class="value">${escapeHtml(formatValue(row.value, measure))}</span> ${n}</td>`;
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
