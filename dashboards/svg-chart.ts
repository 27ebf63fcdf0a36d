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
  width?: number;
  height?: number;
}

/** An `<svg>` line chart (one line per series), deterministic for the same input. */
export function renderLineChartSvg(input: LineChartInput): string {
  const width = input.width ?? 720;
  const height = input.height ?? 280;
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "system-ui, sans-serif" },
      grid: { left: 56, right: 24, top: 16, bottom: input.series.length > 1 ? 72 : 40 },
      legend: input.series.length > 1 ? { bottom: 0, type: "plain" } : { show: false },
      xAxis: { type: "category", data: [...input.categories], boundaryGap: false },
      yAxis: { type: "value", minInterval: 1, min: 0 },
      series: input.series.map((s) => ({
        name: s.name,
        type: "line",
        data: [...s.values],
        connectNulls: false,
        showSymbol: true,
        symbolSize: 5,
      })),
    });
    return tidySvg(chart.renderToSVGString(), input.id, input.label);
  } finally {
    chart.dispose();
  }
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
