/**
 * The SVG line chart: value axes in the metric's unit with ticks chosen from the data, series told apart
 * without colour, and a name and description for assistive technology. Expected ticks are worked out by hand.
 */
import { describe, expect, it } from "vitest";
import { type LineChartInput, MARKERS, renderLineChartSvg, valueAxis } from "../dashboards/svg-chart.ts";

const WEEKS = ["2024-03-04", "2024-03-11", "2024-03-18", "2024-03-25"];

function chart(overrides: Partial<LineChartInput> = {}): string {
  return renderLineChartSvg({
    id: "chart0",
    label: "AI share per week",
    categories: WEEKS,
    series: [{ name: "All", values: [0.02, 0.05, 0.08, 0.11] }],
    unit: "ratio",
    aggregation: "ratio",
    ...overrides,
  });
}

/** The value axis labels, bottom to top: the right-aligned texts left of the plot. */
function yLabels(svg: string): string[] {
  return [...svg.matchAll(/<text [^>]*text-anchor="end"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

/** The `d` of the filled markers of each colour, from the points ECharts draws for series data. */
function markerShapes(svg: string): Map<string, Set<string>> {
  const shapes = new Map<string, Set<string>>();
  for (const m of svg.matchAll(
    /<path d="([^"]+)" transform="matrix[^"]*" fill="(#[0-9a-f]{6})" ecmeta_series_index/g,
  )) {
    const set = shapes.get(m[2]!) ?? new Set<string>();
    set.add(m[1]!);
    shapes.set(m[2]!, set);
  }
  return shapes;
}

describe("the value axis", () => {
  it("labels ratios from 0.02 to 0.11 in percent, every 4% from 0% to 12%", () => {
    // Five steps at most: 1% needs 11, 2% needs 6, 4% needs 3 (0, 4, 8, 12).
    expect(valueAxis([0.02, 0.05, 0.08, 0.11], { unit: "ratio", aggregation: "ratio" })).toEqual({
      min: 0,
      max: 0.12,
      step: 0.04,
    });
    expect(yLabels(chart())).toEqual(["0%", "4%", "8%", "12%"]);
  });

  it("labels a share that reaches 97% every 20% up to 100%", () => {
    const svg = chart({ series: [{ name: "All", values: [0.5, 0.97, null, 0.8] }] });
    expect(yLabels(svg)).toEqual(["0%", "20%", "40%", "60%", "80%", "100%"]);
  });

  it("labels hours with h, from zero, in round steps", () => {
    const svg = chart({
      series: [{ name: "All", values: [2, 26.4, 12, 8] }],
      unit: "hours",
      aggregation: "median",
    });
    // 26.4 / 5 = 5.28: 5 h would need 6 steps, so 10 h (0, 10, 20, 30).
    expect(yLabels(svg)).toEqual(["0 h", "10 h", "20 h", "30 h"]);
  });

  it("labels counts as whole numbers, even when the largest is 1", () => {
    const counts = { unit: "count", aggregation: "count" as const };
    expect(yLabels(chart({ series: [{ name: "All", values: [3, 7, 12, 9] }], ...counts }))).toEqual([
      "0",
      "4",
      "8",
      "12",
    ]);
    expect(yLabels(chart({ series: [{ name: "All", values: [0, 1, 1, 0] }], ...counts }))).toEqual([
      "0",
      "1",
    ]);
  });

  it("keeps decimals for an average of counts", () => {
    const svg = chart({
      series: [{ name: "All", values: [0.2, 0.63, 0.9, 0.4] }],
      unit: "count",
      aggregation: "average",
    });
    // 0.9 / 5 = 0.18: 0.1 would need 9 steps, 0.2 needs 5 (0 to 1).
    expect(yLabels(svg)).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
  });

  it("reaches below zero for negative values, still through zero", () => {
    // Span 15: 1 h needs 15 steps, 2 h needs 8 (-4 to 12), 4 h needs 4 (-4, 0, 4, 8, 12).
    expect(valueAxis([-3, 12], { unit: "hours" })).toEqual({ min: -4, max: 12, step: 4 });
  });

  it("draws one unit of axis when there is nothing but zero or no value at all", () => {
    expect(valueAxis([0, 0], { unit: "count", aggregation: "count" })).toEqual({ min: 0, max: 1, step: 1 });
    expect(valueAxis([null, null], { unit: "ratio" })).toEqual({ min: 0, max: 1, step: 0.2 });
  });
});

describe("series without colour", () => {
  const four = [
    { name: "ai_authored", values: [0.02, 0.03, 0.04, 0.05] },
    { name: "ai_assisted", values: [0.05, 0.06, null, 0.08] },
    { name: "automation", values: [0.01, 0.01, 0.02, 0.02] },
    { name: "unmarked", values: [0.9, 0.88, 0.86, 0.85] },
  ];

  it("gives every series its own marker shape, on every point", () => {
    const svg = chart({ series: four });
    const shapes = markerShapes(svg);
    expect(shapes.size).toBe(4);
    const perSeries = [...shapes.values()];
    for (const set of perSeries) expect(set.size).toBe(1);
    expect(new Set(perSeries.map((s) => [...s][0])).size).toBe(4);
    // 15 points with a value, one marker each.
    expect(svg.match(/ecmeta_ssr_type="chart"/g)).toHaveLength(15);
    expect(MARKERS.slice(0, 4)).toEqual(["circle", "rect", "triangle", "diamond"]);
  });

  it("shows each series' marker in the legend beside its name", () => {
    const svg = chart({ series: four });
    const legend = svg.slice(svg.indexOf('fill-opacity="0"'));
    const entries = [
      ...legend.matchAll(/<path d="([^"]+)" transform="translate\([^)]*\)" fill="(#[0-9a-f]{6})" class=/g),
    ];
    expect(entries.map((e) => e[2])).toEqual(["#0969da", "#d55e00", "#009e73", "#6f42c1"]);
    expect(new Set(entries.map((e) => e[1])).size).toBe(4);
    for (const s of four) expect(legend).toContain(`>${s.name}</text>`);
  });

  it("draws partial points hollow in the series' own shape, on a dashed line", () => {
    const svg = chart({ series: four, partialFrom: 3 });
    const filled = markerShapes(svg);
    const hollow = [
      ...svg.matchAll(/<path d="([^"]+)" transform="matrix[^"]*" fill="#fff" stroke="(#[0-9a-f]{6})"/g),
    ];
    expect(hollow).toHaveLength(4);
    for (const [, d, colour] of hollow) expect(filled.get(colour!)).toEqual(new Set([d]));
    expect(svg).toContain('stroke-dasharray="8,4"');
  });
});

describe("the chart's accessible name and description", () => {
  it("has role img, a title with its label and a description with each series' latest value", () => {
    const svg = chart({
      series: [
        { name: "platform", values: [0.02, 0.05, 0.08, 0.11] },
        { name: "mobile", values: [0.1, 0.09, null, null] },
      ],
      partialFrom: 3,
    });
    expect(svg).toMatch(
      /^<svg role="img" aria-label="AI share per week" aria-describedby="chart0-desc" class="chart" /,
    );
    expect(svg).toContain('<title id="chart0-title">AI share per week</title>');
    expect(svg).toContain(
      '<desc id="chart0-desc">From 2024-03-04 to 2024-03-25. Latest values: platform: 11.0% (2024-03-25, partial); mobile: 9.0% (2024-03-11).</desc>',
    );
    // Title and description come first inside the SVG, where assistive technology looks for them.
    expect(
      svg
        .split("\n")
        .slice(1, 3)
        .map((l) => l.slice(0, 12)),
    ).toEqual(['<title id="c', '<desc id="ch']);
  });

  it("escapes hostile labels and series names everywhere they appear", () => {
    const hostile = `</svg><script>alert("x")</script>'`;
    const svg = chart({ label: hostile, series: [{ name: hostile, values: [0.1, null, 0.2, 0.3] }] });
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain('alert("x")');
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
    expect(svg.endsWith("</svg>")).toBe(true);
    const escaped = "&lt;/svg&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;";
    expect(svg).toContain(`aria-label="${escaped}"`);
    expect(svg).toContain(`<title id="chart0-title">${escaped}</title>`);
    expect(svg).toContain(`Latest value: ${escaped}: 30.0% (2024-03-25).`);
  });

  it("takes a description given by the page instead of the summary", () => {
    const svg = chart({ description: "Shares of AI work <by class>." });
    expect(svg).toContain('<desc id="chart0-desc">Shares of AI work &lt;by class&gt;.</desc>');
  });

  it("says there is nothing to chart when there are no periods", () => {
    expect(chart({ categories: [], series: [{ name: "All", values: [] }] })).toContain(
      '<desc id="chart0-desc">No data to chart.</desc>',
    );
  });
});

describe("the SVG itself", () => {
  it("is the same bytes for the same input, with ids of its own that another chart never repeats", () => {
    const first = chart({ id: "chart1" });
    chart({ id: "other" });
    expect(chart({ id: "chart1" })).toBe(first);
    const ids = (svg: string) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);
    const a = ids(first);
    const b = ids(chart({ id: "chart2" }));
    expect(a.length).toBeGreaterThan(2);
    expect(new Set(a).size).toBe(a.length);
    expect(a.every((id) => id.startsWith("chart1-"))).toBe(true);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });

  it("holds no style element, no script and no network address", () => {
    const svg = chart();
    expect(svg).not.toMatch(/<style|<script|https?:|xmlns|href=/i);
  });
});
