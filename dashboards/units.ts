/**
 * How Yardstick writes a metric's numbers for people, in one place for pages, charts and CLI tables, so a
 * value reads the same wherever it is shown. Pure: no I/O, no clock, no locale of the machine (en-US, fixed).
 *
 * The display rules, by unit (the precision follows the unit and how the value was aggregated):
 *
 * | unit       | count, count_distinct, sum_boolean; sum, min, max of counts | anything else |
 * |------------|-------------------------------------------------------------|---------------|
 * | `count`    | `1,234`                                                     | `0.63`        |
 * | `lines`    | `1,234`                                                     | `1,234`       |
 * | `days`     | `12 d`                                                      | `3.5 d`       |
 * | `hours`    | `26.4 h`                                                    | `26.4 h`      |
 * | `ratio`    | `9.1%` (the ratio × 100)                                    | `9.1%`        |
 * | `percent`  | `9.1%` (already in percent)                                 | `9.1%`        |
 * | `per_week` | `3.25`                                                      | `3.25`        |
 *
 * "Counts" are the units `count` and `lines`. "Anything else" is average, median, percentile, and ratio
 * and derived metrics: an average of 0.63 review rounds must not print as 1, while a fraction of a changed
 * line is noise. Hours and shares are never whole.
 *
 * - Hours stay hours however large: a column, an axis and a band threshold (lead time's 168 h) then read in
 *   one unit. A metric that is naturally days declares `unit: days`.
 * - Decimals are fixed per metric (`26.0 h` beside `26.4 h`) so that a column lines up; thousands are
 *   grouped.
 * - A number that rounds to zero at its precision prints as `0` (with its unit): never `-0`, `0.0` or `+0`.
 * - Differences carry a sign and the unit (`+1.5 h`); a difference of two shares is in percentage points
 *   (`+2.1 pp`). Interval bounds use the difference's precision and carry a sign too: `[-0.3, +5.1]`.
 * - When the aggregation is unknown, a count or days value that is a whole number prints as one and any
 *   other keeps decimals, so nothing is rounded away.
 *
 * Machines get `plainNumber`: full precision, no grouping, no unit (CSV, data attributes).
 */
import type { VsUnmarked } from "../metrics/metric-comparison.ts";
import type { Aggregation, Grain, UNITS } from "../metrics/metric-schema.ts";

export type Unit = (typeof UNITS)[number];

/** How a value came about: a simple metric's `agg`, or the type of a ratio or derived metric. */
export type ValueAggregation = Aggregation | "ratio" | "derived";

/** What a number measures: its unit and, when known, how it was aggregated (which decides its decimals). */
export interface Measure {
  /** One of UNITS; any other text is printed as a plain number with two decimals. */
  unit: string;
  aggregation?: ValueAggregation | undefined;
}

/** The measure of a metric definition: `measureOf(metric)` for any simple, ratio or derived metric. */
export function measureOf(metric: { type: string; unit: string; agg?: Aggregation | undefined }): Measure {
  const aggregation: ValueAggregation | undefined =
    metric.type === "simple"
      ? metric.agg
      : metric.type === "ratio" || metric.type === "derived"
        ? metric.type
        : undefined;
  return { unit: metric.unit, aggregation };
}

const UNIT_NAMES: Readonly<Record<string, string>> = {
  count: "counts",
  hours: "hours (h)",
  days: "days (d)",
  ratio: "percent (%)",
  percent: "percent (%)",
  per_week: "times per week",
  lines: "lines",
};

/** What the values of a unit are, as a caption says it: "Values in hours (h)"; an unknown unit as it is. */
export function unitName(unit: string): string {
  return Object.hasOwn(UNIT_NAMES, unit) ? UNIT_NAMES[unit]! : unit;
}

/** What a missing or withheld number shows on a page. */
export const MISSING = "–";

// Aggregations whose value is a whole number whatever is aggregated.
const ALWAYS_WHOLE: ReadonlySet<string> = new Set(["count", "count_distinct", "sum_boolean"]);
// Aggregations that keep whole numbers whole: a sum, min or max of counts is a count.
const KEEPS_WHOLE: ReadonlySet<string> = new Set(["sum", "min", "max"]);
// Units whose raw values are whole numbers (things counted), unlike hours or shares.
const COUNTED: ReadonlySet<string> = new Set(["count", "lines"]);

interface Style {
  /** Multiplies the raw value into what is shown (a ratio of 0.091 shows as 9.1). */
  scale: number;
  decimals: number;
  /** After a value ("%", " h"); after a difference (" pp", " h"). */
  suffix: string;
  differenceSuffix: string;
}

/**
 * True when every value of `measure` is a whole number, so it prints (and an axis ticks) without decimals.
 * With the aggregation unknown, decided by `values`: whole when there are some and all are integers.
 */
export function isWholeValued(measure: Measure, values: readonly number[] = []): boolean {
  const { unit, aggregation } = measure;
  if (unit !== "count" && unit !== "lines" && unit !== "days") return false;
  if (unit === "lines") return true;
  if (aggregation === undefined) return values.length > 0 && values.every((v) => Number.isInteger(v));
  if (ALWAYS_WHOLE.has(aggregation)) return true;
  return COUNTED.has(unit) && KEEPS_WHOLE.has(aggregation);
}

function styleOf(measure: Measure, values: readonly number[]): Style {
  const whole = isWholeValued(measure, values);
  switch (measure.unit) {
    case "ratio":
      return { scale: 100, decimals: 1, suffix: "%", differenceSuffix: " pp" };
    case "percent":
      return { scale: 1, decimals: 1, suffix: "%", differenceSuffix: " pp" };
    case "hours":
      return { scale: 1, decimals: 1, suffix: " h", differenceSuffix: " h" };
    case "days":
      return { scale: 1, decimals: whole ? 0 : 1, suffix: " d", differenceSuffix: " d" };
    case "count":
      return { scale: 1, decimals: whole ? 0 : 2, suffix: "", differenceSuffix: "" };
    case "lines":
      return { scale: 1, decimals: 0, suffix: "", differenceSuffix: "" };
    case "per_week":
      return { scale: 1, decimals: 2, suffix: "", differenceSuffix: "" };
    default:
      return { scale: 1, decimals: 2, suffix: "", differenceSuffix: "" };
  }
}

const grouped = new Map<number, Intl.NumberFormat>();

// Intl rounds the shortest decimal form of the number half away from zero (26.45 → "26.5"), as a person
// rounding the digits they see would; toFixed rounds the binary double (26.45 → "26.4").
function digits(magnitude: number, decimals: number): string {
  let format = grouped.get(decimals);
  if (format === undefined) {
    format = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      useGrouping: true,
    });
    grouped.set(decimals, format);
  }
  return format.format(magnitude);
}

// Arithmetic on doubles leaves noise in the last digits: 78.4333… − 77.8833… is 0.54999999999999716, and
// 0.0515 × 100 is 5.1499999999999995, where the numbers meant 0.55 and 5.15. Twelve significant digits drop
// the noise and keep every digit a metric can mean, so the rounding below rounds what the arithmetic meant.
function scaled(value: number, scale: number): number {
  return Number((value * scale).toPrecision(12));
}

/** `value` in `decimals`, with "-" or, when `plus`, "+" before it; "0" when it rounds to zero. */
function signedDigits(value: number, decimals: number, plus: boolean): string {
  const text = digits(Math.abs(value), decimals);
  if (/^[0.,]*$/.test(text)) return "0";
  return `${value < 0 ? "-" : plus ? "+" : ""}${text}`;
}

/**
 * A metric value for people: `formatValue(0.0912, { unit: "ratio" })` → "9.1%", `(26.44, hours)` → "26.4 h",
 * `(0.625, { unit: "count", aggregation: "average" })` → "0.63", `(1234, count)` → "1,234"; null → "–".
 */
export function formatValue(value: number | null | undefined, measure: Measure): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  const style = styleOf(measure, [value]);
  return `${signedDigits(scaled(value, style.scale), style.decimals, false)}${style.suffix}`;
}

/**
 * A number for machines (CSV, JSON-like attributes): every digit it has, no grouping, no unit, never "-0";
 * "" for null and for NaN or infinities, which no reader would parse as intended.
 * `plainNumber(1234.5)` → "1234.5".
 */
export function plainNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "";
  return String(value === 0 ? 0 : value);
}

/** A whole count for people, grouped: `formatCount(1234)` → "1,234"; null → "–". */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return MISSING;
  return signedDigits(count, 0, false);
}

/** The sample size beside a value: `formatN(1234)` → "n = 1,234"; null (suppressed) → "n = –". */
export function formatN(n: number | null | undefined): string {
  return `n = ${formatCount(n)}`;
}

/** The repositories behind a value: `formatK(12)` → "k = 12". */
export function formatK(k: number | null | undefined): string {
  return `k = ${formatCount(k)}`;
}

// One precision for a difference and its bounds: the measure's, or decimals if any of them needs them.
function differenceStyle(measure: Measure, numbers: readonly (number | null | undefined)[]): Style {
  return styleOf(
    measure,
    numbers.filter((v): v is number => typeof v === "number"),
  );
}

/**
 * A difference with its sign and unit: `formatDifference(0.021, { unit: "ratio" })` → "+2.1 pp",
 * `(-1.54, hours)` → "-1.5 h", `(12, count)` → "+12"; one that rounds to zero → "0" (no sign, no unit).
 */
export function formatDifference(difference: number | null | undefined, measure: Measure): string {
  if (difference === null || difference === undefined || !Number.isFinite(difference)) return MISSING;
  return differenceText(difference, differenceStyle(measure, [difference]));
}

/**
 * An interval of a difference, bounds signed and without the unit (it goes with the difference beside it):
 * `formatInterval(-0.003, 0.051, { unit: "ratio" })` → "[-0.3, +5.1]";
 * `(-2.04, 0.5, hours)` → "[-2.0, +0.5]".
 */
export function formatInterval(low: number, high: number, measure: Measure): string {
  return boundsText(low, high, differenceStyle(measure, [low, high]));
}

function boundsText(low: number, high: number, style: Style): string {
  const bound = (v: number) => signedDigits(scaled(v, style.scale), style.decimals, true);
  return `[${bound(low)}, ${bound(high)}]`;
}

/** A signed difference in `style`, its unit after it unless it rounds to zero. */
function differenceText(difference: number, style: Style): string {
  const text = signedDigits(scaled(difference, style.scale), style.decimals, true);
  return text === "0" ? text : `${text}${style.differenceSuffix}`;
}

/** How a comparison to unmarked work reads, from the strongest statement the numbers allow to none. */
export type ComparisonVerdict =
  /** The interval lies on one side of zero. */
  | "difference"
  /** The interval includes zero: the data cannot tell the two apart. */
  | "no_detectable_difference"
  /** A count or sum (method none), or no interval for another reason: the difference alone. */
  | "difference_only"
  /** The difference, but fewer repositories than an interval needs. */
  | "too_few_repositories"
  /** A side withheld (below min_sample, under the privacy floor) or absent: nothing to compare. */
  | "insufficient_data";

export interface ComparisonText {
  verdict: ComparisonVerdict;
  /** What a reader sees first: "+2.1 pp [+0.4, +3.8]", "no detectable difference", "insufficient data", … */
  text: string;
  /** The numbers behind "no detectable difference", for a secondary line or a tooltip; null otherwise. */
  detail: string | null;
}

/**
 * A comparison to unmarked work in words and numbers, for a page cell or a table:
 * - interval excludes zero: `{ text: "+2.1 pp [+0.4, +3.8]" }`;
 * - interval includes zero: `{ text: "no detectable difference", detail: "+0.4 pp [-0.3, +1.1]" }`;
 * - too few repositories: `{ text: "+25.1 h, too few repositories for an interval (k=1 vs 7, 8 in all)" }`;
 * - method none: `{ text: "+12" }`; a side withheld: `{ text: "insufficient data" }`.
 */
export function describeComparison(vs: VsUnmarked, measure: Measure): ComparisonText {
  const { difference, low, high } = vs;
  if (difference === null || !Number.isFinite(difference))
    return { verdict: "insufficient_data", text: "insufficient data", detail: null };
  if (vs.no_interval === "too_few_repositories") {
    const counts = `k=${formatCount(vs.k)} vs ${formatCount(vs.baseline_k)}, ${formatCount(vs.repositories)} in all`;
    return {
      verdict: "too_few_repositories",
      text: `${formatDifference(difference, measure)}, too few repositories for an interval (${counts})`,
      detail: null,
    };
  }
  if (vs.method === "none" || low === null || high === null)
    return { verdict: "difference_only", text: formatDifference(difference, measure), detail: null };
  // The difference and both bounds at one precision (with the aggregation unknown, any fraction decides it).
  const style = differenceStyle(measure, [difference, low, high]);
  const numbers = `${differenceText(difference, style)} ${boundsText(low, high, style)}`;
  // Decided on the unrounded bounds: an interval from 0.0004 up does exclude zero, though it prints "0".
  if (low <= 0 && high >= 0)
    return { verdict: "no_detectable_difference", text: "no detectable difference", detail: numbers };
  return { verdict: "difference", text: numbers, detail: null };
}

/** `describeComparison` as one cell: the text, then any numbers behind it in parentheses. */
export function formatComparison(vs: VsUnmarked, measure: Measure): string {
  const { text, detail } = describeComparison(vs, measure);
  return detail === null ? text : `${text} (${detail})`;
}

/**
 * A comparison as a sentence about the compared class, for prose on a page: "2.1 pp higher than unmarked
 * work (95% interval +0.4 to +3.8)." or "No detectable difference from unmarked work (+0.4 pp, 95% interval
 * -0.3 to +1.1)." It states an association, never a cause.
 */
export function comparisonSentence(vs: VsUnmarked, measure: Measure): string {
  const described = describeComparison(vs, measure);
  const difference = vs.difference ?? 0;
  const style = differenceStyle(measure, [difference, vs.low, vs.high]);
  const magnitude = differenceText(Math.abs(difference), style).replace(/^\+/, "");
  const side = difference > 0 ? "higher" : "lower";
  // A difference below the precision shown still has a side; "0 pp higher" would read as a contradiction.
  const direction =
    magnitude === "0" ? `Slightly ${side} than unmarked work` : `${magnitude} ${side} than unmarked work`;
  const interval = () => {
    const bound = (v: number) => signedDigits(scaled(v, style.scale), style.decimals, true);
    return `95% interval ${bound(vs.low!)} to ${bound(vs.high!)}`;
  };
  switch (described.verdict) {
    case "insufficient_data":
      return "Insufficient data to compare with unmarked work.";
    case "too_few_repositories":
      return `${difference === 0 ? "The same as unmarked work" : direction}; too few repositories for an interval (k=${formatCount(vs.k)} vs ${formatCount(vs.baseline_k)}, ${formatCount(vs.repositories)} in all).`;
    case "difference_only":
      return difference === 0 ? "The same as unmarked work." : `${direction}.`;
    case "no_detectable_difference":
      return `No detectable difference from unmarked work (${differenceText(difference, style)}, ${interval()}).`;
    case "difference":
      return `${direction} (${interval()}).`;
  }
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/**
 * A period (its first day, YYYY-MM-DD, as rows carry it) as its grain names it:
 * | grain   | "short" (axes, table rows under a heading) | "long" (standing alone) |
 * |---------|--------------------------------------------|-------------------------|
 * | day     | 2026-03-04                                 | 2026-03-04              |
 * | week    | 2026-03-02                                 | week of 2026-03-02      |
 * | month   | 2026-03                                    | March 2026              |
 * | quarter | 2026 Q1                                    | 2026 Q1                 |
 * A quarter reads as a quarter, never as its first day. Text that is not the first day of a period of the
 * grain is returned as it is rather than guessed around.
 */
export function formatPeriod(period: string, grain: Grain, form: "short" | "long" = "long"): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (!match) return period;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.toISOString().slice(0, 10) !== period) return period;
  switch (grain) {
    case "day":
      return period;
    case "week":
      if (date.getUTCDay() !== 1) return period;
      return form === "long" ? `week of ${period}` : period;
    case "month":
      if (day !== 1) return period;
      return form === "long" ? `${MONTHS[month - 1]} ${year}` : period.slice(0, 7);
    case "quarter":
      if (day !== 1 || (month - 1) % 3 !== 0) return period;
      return `${year} Q${(month - 1) / 3 + 1}`;
    default:
      // A grain from outside the type (an unchecked flag) names nothing: the period as it is.
      return period;
  }
}

/**
 * A tick on a value axis, at the precision its step needs: `formatAxisTick(0.04, { unit: "ratio" }, 0.04)` →
 * "4%", `(24, hours, 12)` → "24 h", `(0.4, average count, 0.2)` → "0.4", `(1000, count, 500)` → "1,000".
 */
export function formatAxisTick(value: number, measure: Measure, step: number): string {
  const style = styleOf(measure, [value]);
  const shownStep = scaled(step, style.scale);
  // Enough decimals to tell neighbouring ticks apart, no more (a step of 0.5 needs one, of 0.25 two).
  let decimals = 0;
  while (decimals < 6 && Math.abs(Math.round(shownStep * 10 ** decimals) - shownStep * 10 ** decimals) > 1e-9)
    decimals++;
  return `${signedDigits(scaled(value, style.scale), decimals, false)}${style.suffix}`;
}
