/**
 * Charts rendered to SVG at build time with ECharts' server-side renderer (no DOM, no browser): the page then
 * shows its charts from file://, with scripts off, in print, and in e-mail, and never fetches a library.
 * Every chart reads without colour (each series has its own marker shape, repeated in the legend), names
 * itself for assistive technology (`role="img"`, a `<title>` and a `<desc>` with the latest values), and
 * labels its value axis in the metric's unit through the one formatter, dashboards/units.ts.
 */
import * as echarts from "echarts";
import { escapeHtml } from "../core/html.ts";
import { formatAxisTick, formatValue, isWholeValued, type Measure, type ValueAggregation } from "./units.ts";

export interface LineSeries {
  name: string;
  /** One value per category, in the same order; null leaves a gap. */
  values: readonly (number | null)[];
}

export interface LineChartInput {
  /** Unique within the page: prefixes the SVG's internal ids so that several charts can share a page. */
  id: string;
  /** Accessible name of the chart, also its `<title>`. */
  label: string;
  /** The axis labels, already formatted (e.g. `formatPeriod(p, grain, "short")`). */
  categories: readonly string[];
  series: readonly LineSeries[];
  /** The metric's unit (count, hours, ratio, …): the value axis is labelled in it. Absent: plain numbers. */
  unit?: string;
  /** How the values were aggregated: an average of counts keeps decimals on the axis, a count does not. */
  aggregation?: ValueAggregation;
  /** The chart's `<desc>`; absent, it lists each series' latest value. */
  description?: string;
  /**
   * Index of the first category whose values are provisional (a partial period): from the last complete
   * point on, each line is dashed and those points are drawn hollow. Absent: every point is final.
   */
  partialFrom?: number;
  width?: number;
  height?: number;
}

/** An `<svg>` line chart (one line per series), deterministic for the same input. */
export function renderLineChartSvg(input: LineChartInput): string {
  // As wide as the page's content column (and an A4 landscape print area), so it scales down, never up.
  const width = input.width ?? 1000;
  const height = input.height ?? 300;
  const measure: Measure = { unit: input.unit ?? "", aggregation: input.aggregation };
  const axis = valueAxis(
    input.series.flatMap((s) => s.values),
    measure,
  );
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "system-ui, sans-serif" },
      grid: { left: 64, right: 24, top: 16, bottom: input.series.length > 1 ? 72 : 40 },
      // Without a canvas ECharts estimates text widths, and short: a wider gap keeps long names apart.
      legend:
        input.series.length > 1
          ? { bottom: 0, type: "plain", itemGap: 24, itemWidth: 32, itemHeight: 10 }
          : { show: false },
      xAxis: { type: "category", data: [...input.categories], boundaryGap: false },
      yAxis: {
        type: "value",
        min: axis.min,
        max: axis.max,
        interval: axis.step,
        axisLabel: { formatter: (value: number) => formatAxisTick(value, measure, axis.step) },
      },
      series: input.series.flatMap((s, i) => lineSeries(s, i, input.partialFrom)),
    });
    const svg = tidySvg(chart.renderToSVGString(), input.id, input.label);
    return withTitleAndDesc(svg, input.id, input.label, input.description ?? summarize(input, measure));
  } finally {
    chart.dispose();
  }
}

/** The value axis: from `min` to `max` in steps of `step`, every tick a label. */
export interface ValueAxis {
  min: number;
  max: number;
  step: number;
}

// At most this many steps: a 300-pixel chart then has a label every 40 pixels or more.
const MAX_STEPS = 5;
// Steps read at a glance: 1, 2, 4 and 5 times a power of ten (0, 4, 8, 12% rather than 0, 2.5, 5, 7.5, 10).
const NICE = [1, 2, 4, 5];

/**
 * The value axis for `values`: it includes zero (a chart that starts elsewhere exaggerates every change),
 * ends on a tick just above the data, and steps by the smallest nice step that needs at most five steps.
 * Whole-valued measures (counts) step by whole numbers. E.g. ratios from 0.02 to 0.11 → 0 to 0.12 by 0.04
 * (0%, 4%, 8%, 12%).
 */
export function valueAxis(values: readonly (number | null)[], measure: Measure): ValueAxis {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const whole = isWholeValued(measure, finite);
  const lo = Math.min(0, ...finite);
  let hi = Math.max(0, ...finite);
  // No data, or all zero: an axis of one unit (100% for a share) rather than a degenerate one.
  if (hi === lo) hi = lo + 1;
  const span = hi - lo;
  for (let exponent = Math.floor(Math.log10(span / MAX_STEPS)); ; exponent++) {
    for (const mantissa of NICE) {
      const step = round(mantissa * 10 ** exponent);
      if (whole && step < 1) continue;
      const min = round(Math.floor(lo / step + 1e-9) * step);
      const max = round(Math.ceil(hi / step - 1e-9) * step);
      if (round((max - min) / step) <= MAX_STEPS) return { min, max, step };
    }
    // Guards the loop: lo and hi are finite, so some power of ten always fits.
    if (exponent > 308) return { min: lo, max: hi, step: span };
  }
}

// Products of decimal steps pick up binary noise (3 × 0.1 = 0.30000000000000004): keep twelve digits.
function round(value: number): number {
  return Number(value.toPrecision(12));
}

// Colours fixed per series position (not left to ECharts' theme) so that a line and its dashed partial tail
// are the same colour; Okabe–Ito-like hues that stay apart for colour-blind readers and in greyscale print.
const PALETTE = ["#0969da", "#d55e00", "#009e73", "#6f42c1", "#cc79a7", "#8a6d00", "#56b4e9", "#1f2328"];

// One marker shape per series position, so series differ without colour (greyscale print, colour blindness).
// The last four are outlines drawn as paths, since ECharts has only four plain shapes that stay apart at 7px.
export const MARKERS = [
  "circle",
  "rect",
  "triangle",
  "diamond",
  "path://M0,0L10,0L5,10Z",
  "path://M3.5,0H6.5V3.5H10V6.5H6.5V10H3.5V6.5H0V3.5H3.5Z",
  "path://M0,2L2,0L5,3L8,0L10,2L7,5L10,8L8,10L5,7L2,10L0,8L3,5Z",
  "path://M5,0L6.2,3.4L10,3.5L7,5.8L8.1,9.5L5,7.3L1.9,9.5L3,5.8L0,3.5L3.8,3.4Z",
] as const;

/** Colour, marker and line of the series at `index`: beyond eight series lines turn dotted, then repeat. */
export function seriesStyle(index: number): { color: string; marker: string; line: "solid" | "dotted" } {
  const cycle = Math.floor(index / PALETTE.length);
  return {
    color: PALETTE[index % PALETTE.length]!,
    marker: MARKERS[index % MARKERS.length]!,
    line: cycle % 2 === 0 ? "solid" : "dotted",
  };
}

/**
 * One line, or two when the last periods are partial: the line up to the last complete point, and a dashed
 * one (same name, so one legend entry) from that point on, whose partial points are the series' marker,
 * hollow.
 */
function lineSeries(s: LineSeries, index: number, partialFrom: number | undefined): object[] {
  const { color, marker, line } = seriesStyle(index);
  const common = {
    name: s.name,
    type: "line",
    connectNulls: false,
    color,
    symbol: marker,
    symbolSize: 8,
    showSymbol: true,
    // Every point keeps its marker: an isolated value between gaps has no line, only its marker.
    showAllSymbol: true,
    lineStyle: { type: line, width: 2 },
  };
  if (partialFrom === undefined || partialFrom >= s.values.length) {
    return [{ ...common, data: [...s.values] }];
  }
  const solid = s.values.map((v, i) => (i < partialFrom ? v : null));
  const hollow = { color: "#fff", borderColor: color, borderWidth: 1.5 };
  const tail = s.values.map((v, i) =>
    i < partialFrom - 1 ? null : i < partialFrom ? v : { value: v, symbolSize: 10, itemStyle: hollow },
  );
  return [
    { ...common, data: solid },
    { ...common, data: tail, lineStyle: { type: "dashed", width: 2 } },
  ];
}

/**
 * The text a screen reader gives after the chart's name: the span of the axis and each series' latest value
 * (with its category, and "partial" when it is provisional), so the chart's point is there without seeing it.
 */
function summarize(input: LineChartInput, measure: Measure): string {
  const categories = input.categories;
  if (categories.length === 0 || input.series.length === 0) return "No data to chart.";
  const span =
    categories.length === 1 ? `${categories[0]}.` : `From ${categories[0]} to ${categories.at(-1)}.`;
  const latest = input.series.map((s) => {
    const at = s.values.findLastIndex((v) => v !== null);
    if (at < 0) return `${s.name}: no value`;
    const partial = input.partialFrom !== undefined && at >= input.partialFrom ? ", partial" : "";
    return `${s.name}: ${formatValue(s.values[at], measure)} (${categories[at] ?? ""}${partial})`;
  });
  return `${span} Latest ${latest.length === 1 ? "value" : "values"}: ${latest.join("; ")}.`;
}

/** The `<title>` and `<desc>` an SVG image is named and described by, first inside it, both escaped. */
function withTitleAndDesc(svg: string, id: string, title: string, desc: string): string {
  const prefix = idPrefix(id);
  return svg.replace(
    /^<svg\b[^>]*>/,
    (open) =>
      `${open.replace(/ class="chart" /, ` aria-describedby="${prefix}-desc" class="chart" `)}\n<title id="${prefix}-title">${escapeHtml(title)}</title>\n<desc id="${prefix}-desc">${escapeHtml(desc)}</desc>`,
  );
}

function idPrefix(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * ECharts numbers its ids and class names with process-wide counters (zr0-c0, zr1-cls-5, …): replace them with
 * the chart's own id and numbers counted within this chart, so the output does not depend on how many charts
 * were drawn before and ids never clash on one page. The namespace declarations go too: an inline <svg> in
 * HTML does not need them, and the page then contains no http(s) address at all. So does ECharts' embedded
 * <style>: it only holds hover effects for its optional client script, which a static page does not load.
 */
function tidySvg(svg: string, id: string, label: string): string {
  const prefix = idPrefix(id);
  const renumbered = new Map<string, string>();
  const counters = new Map<string, number>();
  return svg
    .replace(/\bzr\d+-([a-z]+-?)?(\d+)\b/g, (token, kind: string | undefined) => {
      let name = renumbered.get(token);
      if (name === undefined) {
        const next = counters.get(kind ?? "") ?? 0;
        counters.set(kind ?? "", next + 1);
        name = `${prefix}-${kind ?? ""}${next}`;
        renumbered.set(token, name);
      }
      return name;
    })
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, "")
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>\n?/g, "")
    .replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(label)}" class="chart" `);
}
