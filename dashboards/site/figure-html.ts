/**
 * How one number looks on a page: its value in its unit, its n, its band, or why it is withheld — and the
 * same numbers in data attributes (unformatted), so a test or a tool reads exactly what the engine computed.
 */
import { escapeHtml } from "../../core/html.ts";
import type { VsUnmarked } from "../../metrics/metric-comparison.ts";
import type { Comparison, Figure, ReviewSnapshot } from "../review/review-snapshot.ts";
import {
  describeComparison,
  formatCount,
  formatN,
  formatValue,
  type Measure,
  plainNumber,
} from "../units.ts";

/** The measure of a metric as the snapshot recorded its definition. */
export function measureIn(snapshot: ReviewSnapshot, metric: string): Measure {
  const d = snapshot.definitions[metric];
  return d ? { unit: d.unit, aggregation: d.aggregation as Measure["aggregation"] } : { unit: "count" };
}

/** A figure's value as text: the formatted number, or "insufficient data" / "suppressed" / "no data". */
export function valueText(figure: Figure | null, measure: Measure): string {
  if (!figure) return "no data";
  if (figure.suppressed) return "suppressed (privacy floor)";
  if (figure.insufficient) return "insufficient data";
  return formatValue(figure.value, measure);
}

/** Data attributes carrying a figure's numbers for machines. */
export function figureData(figure: Figure | null, extra: Record<string, string | null> = {}): string {
  const attrs: Record<string, string | null> = {
    "data-metric": figure?.metric ?? null,
    "data-value": figure && !figure.suppressed && !figure.insufficient ? plainNumber(figure.value) : "",
    "data-n": figure ? plainNumber(figure.n) : "",
    "data-hash": figure?.definition_hash ?? null,
    ...extra,
  };
  return Object.entries(attrs)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join("");
}

/** A table cell with a value and its n (`<td class="num">9.1% <span class="n">n = 250</span></td>`). */
export function figureCell(
  figure: Figure | null,
  measure: Measure,
  extra: Record<string, string | null> = {},
): string {
  const withheld = !figure || figure.suppressed || figure.insufficient;
  const band = figure?.band ? ` <span class="badge">${escapeHtml(figure.band)}</span>` : "";
  const n = figure && !figure.suppressed ? ` <span class="n">${escapeHtml(formatN(figure.n))}</span>` : "";
  return `<td class="num${withheld ? " withheld" : ""}"${figureData(figure, extra)}>${escapeHtml(valueText(figure, measure))}${band}${n}</td>`;
}

/**
 * A comparison to unmarked work as a cell: the verdict, both values, both n and k, and the numbers as data
 * attributes (`extra` adds more, e.g. `{ metric, cls }` → data-metric, data-cls).
 */
export function comparisonCell(
  c: Comparison | null | undefined,
  measure: Measure,
  extra: Record<string, string> = {},
): string {
  if (!c) return `<td class="withheld">insufficient data</td>`;
  const vs = asVsUnmarked(c);
  const { text, detail } = describeComparison(vs, measure);
  const data = {
    "data-difference": plainNumber(c.difference),
    "data-low": plainNumber(c.low),
    "data-high": plainNumber(c.high),
    "data-n": plainNumber(c.n),
    "data-baseline-n": plainNumber(c.baseline_n),
    "data-k": plainNumber(c.k),
    "data-baseline-k": plainNumber(c.baseline_k),
    "data-value": plainNumber(c.value),
    "data-baseline-value": plainNumber(c.baseline_value),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`data-${k}`, v])),
  };
  const attrs = Object.entries(data)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join("");
  const values =
    c.value === null && c.baseline_value === null
      ? ""
      : `${formatValue(c.value, measure)} vs ${formatValue(c.baseline_value, measure)}; `;
  const sizes = `${values}n = ${formatCount(c.n)} vs ${formatCount(c.baseline_n)}; k = ${formatCount(c.k)} vs ${formatCount(c.baseline_k)}`;
  const withheld = c.difference === null ? ' class="withheld"' : "";
  return `<td${withheld}${attrs}>${escapeHtml(text)}${detail ? ` <span class="muted">(${escapeHtml(detail)})</span>` : ""}<br><span class="n">${escapeHtml(sizes)}</span></td>`;
}

/** `sha256:0123456789ab…`: enough of a hash to tell definitions apart; the full one is in a title. */
export function shortHash(hash: string): string {
  return hash.length > 19 ? `${hash.slice(0, 19)}…` : hash;
}

/** A comparison to unmarked work inline, for prose: the verdict in a span carrying the numbers. */
export function comparisonText(c: Comparison | null | undefined, measure: Measure): string {
  if (!c) return `<span class="withheld">insufficient data</span>`;
  const { text, detail } = describeComparison(asVsUnmarked(c), measure);
  return `<span data-difference="${escapeHtml(plainNumber(c.difference))}" data-low="${escapeHtml(plainNumber(c.low))}" data-high="${escapeHtml(plainNumber(c.high))}">${escapeHtml(text)}${detail ? ` (${escapeHtml(detail)})` : ""}</span> <span class="n">n = ${escapeHtml(formatCount(c.n))} vs ${escapeHtml(formatCount(c.baseline_n))}; k = ${escapeHtml(formatCount(c.k))} vs ${escapeHtml(formatCount(c.baseline_k))}</span>`;
}

/** A stored comparison in the engine's shape, for the formatter (the snapshot keeps no df). */
function asVsUnmarked(c: Comparison): VsUnmarked {
  return {
    ...c,
    df: null,
    no_interval: c.no_interval as VsUnmarked["no_interval"],
    method: c.method as VsUnmarked["method"],
  };
}
