/**
 * Charts rendered to SVG at build time with ECharts' server-side renderer (no DOM, no browser): the page then
 * shows its charts from file://, with scripts off, in print, and in e-mail, and never fetches a library.
 */
import * as echarts from "echarts";
import { escapeHtml } from "../core/html.ts";

export interface LineSeries {
  name: string;
  /** One value per category, in the same order; null leaves a gap. */
  values: readonly (number | null)[];
}

export interface LineChartInput {
  /** Unique within the page: prefixes the SVG's internal ids so that several charts can share a page. */
  id: string;
  /** Accessible name of the chart. */
  label: string;
  categories: readonly string[];
  series: readonly LineSeries[];
  /**
   * Index of the first category whose values are provisional (a partial period): from the last complete
   * point on, each line is dashed and those points are drawn as hollow diamonds. Absent: every point is final.
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
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "system-ui, sans-serif" },
      grid: { left: 56, right: 24, top: 16, bottom: input.series.length > 1 ? 72 : 40 },
      // Without a canvas ECharts estimates text widths, and short: a wider gap keeps long names from overlapping.
      legend: input.series.length > 1 ? { bottom: 0, type: "plain", itemGap: 24 } : { show: false },
      xAxis: { type: "category", data: [...input.categories], boundaryGap: false },
      yAxis: { type: "value", minInterval: 1, min: 0 },
      series: input.series.flatMap((s, i) => lineSeries(s, PALETTE[i % PALETTE.length]!, input.partialFrom)),
    });
    return tidySvg(chart.renderToSVGString(), input.id, input.label);
  } finally {
    chart.dispose();
  }
}

// Colours fixed per series position (not left to ECharts' theme) so that a line and its dashed partial tail
// are the same colour; Okabe–Ito-like hues that stay apart for colour-blind readers and in greyscale print.
const PALETTE = ["#0969da", "#d55e00", "#009e73", "#6f42c1", "#cc79a7", "#8a6d00", "#56b4e9", "#1f2328"];

/**
 * One line, or two when the last periods are partial: the solid line up to the last complete point, and a
 * dashed one (same name, so one legend entry) from that point on, whose partial points are hollow diamonds.
 */
function lineSeries(s: LineSeries, color: string, partialFrom: number | undefined): object[] {
  const common = { name: s.name, type: "line", connectNulls: false, color, symbolSize: 5, showSymbol: true };
  if (partialFrom === undefined || partialFrom >= s.values.length) {
    return [{ ...common, data: [...s.values] }];
  }
  const solid = s.values.map((v, i) => (i < partialFrom ? v : null));
  const tail = s.values.map((v, i) =>
    i < partialFrom - 1 ? null : i < partialFrom ? v : { value: v, symbol: "emptyDiamond", symbolSize: 9 },
  );
  return [
    { ...common, data: solid },
    { ...common, data: tail, lineStyle: { type: "dashed" } },
  ];
}

/**
 * ECharts numbers its ids and class names with process-wide counters (zr0-c0, zr1-cls-5, …): replace them with
 * the chart's own id and numbers counted within this chart, so the output does not depend on how many charts
 * were drawn before and ids never clash on one page. The namespace declarations go too: an inline <svg> in
 * HTML does not need them, and the page then contains no http(s) address at all. So does ECharts' embedded
 * <style>: it only holds hover effects for its optional client script, which a static page does not load.
 */
function tidySvg(svg: string, id: string, label: string): string {
  const prefix = id.replace(/[^A-Za-z0-9_-]/g, "_");
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
