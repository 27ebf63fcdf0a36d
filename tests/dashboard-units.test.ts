/**
 * The one formatter of metric numbers (dashboards/units.ts). Every expected string here is written by hand
 * from the display rules, never produced by the code under test.
 */
import { describe, expect, it } from "vitest";
import {
  comparisonSentence,
  describeComparison,
  formatAxisTick,
  formatComparison,
  formatCount,
  formatDifference,
  formatInterval,
  formatK,
  formatN,
  formatPeriod,
  formatValue,
  isWholeValued,
  type Measure,
  measureOf,
  plainNumber,
  unitName,
  type ValueAggregation,
} from "../dashboards/units.ts";
import type { VsUnmarked } from "../metrics/metric-comparison.ts";

const AGGREGATIONS: readonly ValueAggregation[] = [
  "count",
  "count_distinct",
  "sum",
  "sum_boolean",
  "average",
  "min",
  "max",
  "median",
  "percentile",
  "ratio",
  "derived",
];

/**
 * 12.345 (stored as 12.34499…, read by a person as 12.345) in every unit under every aggregation.
 * Whole-valued aggregations of counted units print integers; everything else keeps the unit's decimals,
 * rounded half away from zero on the decimal a person reads.
 */
const EVERY_UNIT: Record<string, Record<ValueAggregation, string>> = {
  count: {
    count: "12",
    count_distinct: "12",
    sum: "12",
    sum_boolean: "12",
    average: "12.35",
    min: "12",
    max: "12",
    median: "12.35",
    percentile: "12.35",
    ratio: "12.35",
    derived: "12.35",
  },
  lines: {
    count: "12",
    count_distinct: "12",
    sum: "12",
    sum_boolean: "12",
    average: "12",
    min: "12",
    max: "12",
    median: "12",
    percentile: "12",
    ratio: "12",
    derived: "12",
  },
  days: {
    count: "12 d",
    count_distinct: "12 d",
    sum: "12.3 d",
    sum_boolean: "12 d",
    average: "12.3 d",
    min: "12.3 d",
    max: "12.3 d",
    median: "12.3 d",
    percentile: "12.3 d",
    ratio: "12.3 d",
    derived: "12.3 d",
  },
  hours: {
    count: "12.3 h",
    count_distinct: "12.3 h",
    sum: "12.3 h",
    sum_boolean: "12.3 h",
    average: "12.3 h",
    min: "12.3 h",
    max: "12.3 h",
    median: "12.3 h",
    percentile: "12.3 h",
    ratio: "12.3 h",
    derived: "12.3 h",
  },
  ratio: {
    count: "1,234.5%",
    count_distinct: "1,234.5%",
    sum: "1,234.5%",
    sum_boolean: "1,234.5%",
    average: "1,234.5%",
    min: "1,234.5%",
    max: "1,234.5%",
    median: "1,234.5%",
    percentile: "1,234.5%",
    ratio: "1,234.5%",
    derived: "1,234.5%",
  },
  percent: {
    count: "12.3%",
    count_distinct: "12.3%",
    sum: "12.3%",
    sum_boolean: "12.3%",
    average: "12.3%",
    min: "12.3%",
    max: "12.3%",
    median: "12.3%",
    percentile: "12.3%",
    ratio: "12.3%",
    derived: "12.3%",
  },
  per_week: {
    count: "12.35",
    count_distinct: "12.35",
    sum: "12.35",
    sum_boolean: "12.35",
    average: "12.35",
    min: "12.35",
    max: "12.35",
    median: "12.35",
    percentile: "12.35",
    ratio: "12.35",
    derived: "12.35",
  },
};

describe("a metric value for people", () => {
  for (const [unit, byAggregation] of Object.entries(EVERY_UNIT)) {
    it(`prints 12.345 in ${unit} by how it was aggregated`, () => {
      for (const aggregation of AGGREGATIONS) {
        expect(formatValue(12.345, { unit, aggregation }), `${unit} ${aggregation}`).toBe(
          byAggregation[aggregation],
        );
      }
    });
  }

  it("keeps the decimals of an average of counts and prints a count whole, grouped", () => {
    const average: Measure = { unit: "count", aggregation: "average" };
    expect(formatValue(0.63, average)).toBe("0.63");
    expect(formatValue(0.625, average)).toBe("0.63");
    expect(formatValue(2, average)).toBe("2.00");
    expect(formatValue(1234, { unit: "count", aggregation: "count" })).toBe("1,234");
    expect(formatValue(1234567, { unit: "count", aggregation: "sum" })).toBe("1,234,567");
    expect(formatValue(1.4, { unit: "count", aggregation: "ratio" })).toBe("1.40");
  });

  it("prints shares of a ratio as percent with one decimal, rounding the decimal a person reads", () => {
    const share: Measure = { unit: "ratio", aggregation: "ratio" };
    expect(formatValue(0.0912, share)).toBe("9.1%");
    expect(formatValue(0.09, share)).toBe("9.0%");
    expect(formatValue(1, share)).toBe("100.0%");
    // 0.0515 × 100 is 5.1499999… in binary; the person reads 5.15 and rounds it up.
    expect(formatValue(0.0515, share)).toBe("5.2%");
    expect(formatValue(0.00051, share)).toBe("0.1%");
    expect(formatValue(9.12, { unit: "percent" })).toBe("9.1%");
  });

  it("prints hours with one decimal and h, however large, and never switches to days", () => {
    const hours: Measure = { unit: "hours", aggregation: "median" };
    expect(formatValue(26.44, hours)).toBe("26.4 h");
    expect(formatValue(26.45, hours)).toBe("26.5 h");
    expect(formatValue(72, hours)).toBe("72.0 h");
    expect(formatValue(1234.56, hours)).toBe("1,234.6 h");
    expect(formatValue(3.46, { unit: "days", aggregation: "median" })).toBe("3.5 d");
    expect(formatValue(12, { unit: "days", aggregation: "count_distinct" })).toBe("12 d");
  });

  it("prints per-week rates with two decimals, enough for a band of 0.23", () => {
    const perWeek: Measure = { unit: "per_week", aggregation: "derived" };
    expect(formatValue(3.254, perWeek)).toBe("3.25");
    expect(formatValue(0.23, perWeek)).toBe("0.23");
    expect(formatValue(5, perWeek)).toBe("5.00");
  });

  it("prints a value that rounds to zero as 0, never -0 or -0.00, and negatives with a minus", () => {
    const average: Measure = { unit: "count", aggregation: "average" };
    expect(formatValue(-0.004, average)).toBe("0");
    expect(formatValue(-0, average)).toBe("0");
    expect(formatValue(-0.006, average)).toBe("-0.01");
    expect(formatValue(0, { unit: "hours" })).toBe("0 h");
    expect(formatValue(-0.04, { unit: "hours" })).toBe("0 h");
    expect(formatValue(0.0004, { unit: "ratio" })).toBe("0%");
    expect(formatValue(-1234.56, { unit: "hours" })).toBe("-1,234.6 h");
  });

  it("prints a missing value as a dash", () => {
    expect(formatValue(null, { unit: "count" })).toBe("–");
    expect(formatValue(undefined, { unit: "hours" })).toBe("–");
    expect(formatValue(Number.NaN, { unit: "ratio" })).toBe("–");
  });

  it("without an aggregation prints whole counts whole and keeps the decimals of any other", () => {
    expect(formatValue(12, { unit: "count" })).toBe("12");
    expect(formatValue(0.63, { unit: "count" })).toBe("0.63");
    expect(formatValue(4, { unit: "days" })).toBe("4 d");
    expect(formatValue(1.234, { unit: "widgets" })).toBe("1.23");
  });

  it("reads the aggregation off a metric definition", () => {
    expect(measureOf({ type: "simple", unit: "count", agg: "average" })).toEqual({
      unit: "count",
      aggregation: "average",
    });
    expect(measureOf({ type: "ratio", unit: "ratio" })).toEqual({ unit: "ratio", aggregation: "ratio" });
    expect(measureOf({ type: "derived", unit: "per_week" })).toEqual({
      unit: "per_week",
      aggregation: "derived",
    });
    expect(isWholeValued({ unit: "count", aggregation: "max" })).toBe(true);
    expect(isWholeValued({ unit: "hours", aggregation: "max" })).toBe(false);
    expect(isWholeValued({ unit: "days", aggregation: "sum" })).toBe(false);
    expect(isWholeValued({ unit: "count" }, [1, 2])).toBe(true);
    expect(isWholeValued({ unit: "count" }, [1, 2.5])).toBe(false);
  });

  it("names each unit as a caption says it", () => {
    expect(unitName("ratio")).toBe("percent (%)");
    expect(unitName("hours")).toBe("hours (h)");
    expect(unitName("count")).toBe("counts");
    expect(unitName("furlongs")).toBe("furlongs");
  });
});

describe("numbers for machines, n and k", () => {
  it("writes every digit, ungrouped and without a unit, and nothing for a missing number", () => {
    expect(plainNumber(1234.5)).toBe("1234.5");
    expect(plainNumber(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(plainNumber(-0)).toBe("0");
    expect(plainNumber(-3)).toBe("-3");
    expect(plainNumber(null)).toBe("");
    expect(plainNumber(undefined)).toBe("");
    expect(plainNumber(Number.POSITIVE_INFINITY)).toBe("");
  });

  it("groups counts and writes n and k as a reader expects them", () => {
    expect(formatCount(1234)).toBe("1,234");
    expect(formatCount(0)).toBe("0");
    expect(formatCount(null)).toBe("–");
    expect(formatN(1234)).toBe("n = 1,234");
    expect(formatN(7)).toBe("n = 7");
    expect(formatN(null)).toBe("n = –");
    expect(formatK(12)).toBe("k = 12");
  });
});

describe("differences and intervals", () => {
  it("signs a difference and gives its unit, percentage points for shares", () => {
    expect(formatDifference(0.021, { unit: "ratio", aggregation: "ratio" })).toBe("+2.1 pp");
    expect(formatDifference(-0.0049, { unit: "ratio" })).toBe("-0.5 pp");
    expect(formatDifference(2.1, { unit: "percent" })).toBe("+2.1 pp");
    expect(formatDifference(-1.54, { unit: "hours", aggregation: "median" })).toBe("-1.5 h");
    expect(formatDifference(1.25, { unit: "days", aggregation: "median" })).toBe("+1.3 d");
    expect(formatDifference(12, { unit: "count", aggregation: "count" })).toBe("+12");
    expect(formatDifference(0.25, { unit: "count", aggregation: "average" })).toBe("+0.25");
    expect(formatDifference(1234, { unit: "lines", aggregation: "median" })).toBe("+1,234");
    expect(formatDifference(null, { unit: "hours" })).toBe("–");
  });

  it("rounds the difference the arithmetic meant, not the binary noise of a subtraction", () => {
    // 78.4333… − 77.8833… is 0.54999999999999716 in binary: the difference of the two values is 0.55.
    expect(formatDifference(78.43333333333334 - 77.88333333333334, { unit: "hours" })).toBe("+0.6 h");
    expect(formatValue(0.1 + 0.2, { unit: "count", aggregation: "average" })).toBe("0.30");
  });

  it("prints a difference that rounds to zero as 0, without sign or unit", () => {
    expect(formatDifference(-0.0004, { unit: "ratio" })).toBe("0");
    expect(formatDifference(0.04, { unit: "hours" })).toBe("0");
    expect(formatDifference(-0.004, { unit: "count", aggregation: "average" })).toBe("0");
    expect(formatDifference(0, { unit: "count", aggregation: "count" })).toBe("0");
  });

  it("signs both bounds of an interval at the difference's precision, zero as 0", () => {
    expect(formatInterval(-0.003, 0.051, { unit: "ratio" })).toBe("[-0.3, +5.1]");
    expect(formatInterval(-2.04, 0.5, { unit: "hours", aggregation: "median" })).toBe("[-2.0, +0.5]");
    expect(formatInterval(-0.004, 0.3, { unit: "count", aggregation: "average" })).toBe("[0, +0.30]");
    expect(formatInterval(-5.01, -1.5, { unit: "hours" })).toBe("[-5.0, -1.5]");
  });
});

const INTERVAL: VsUnmarked = {
  baseline_value: 0.08,
  baseline_n: 400,
  k: 9,
  baseline_k: 12,
  difference: 0.021,
  low: 0.004,
  high: 0.038,
  method: "newcombe_wilson_eff",
  repositories: 14,
  df: 13,
  no_interval: null,
};
const SHARE: Measure = { unit: "ratio", aggregation: "ratio" };
const MEDIAN_HOURS: Measure = { unit: "hours", aggregation: "median" };

describe("a comparison to unmarked work", () => {
  it("gives the difference and its interval when the interval excludes zero", () => {
    expect(describeComparison(INTERVAL, SHARE)).toEqual({
      verdict: "difference",
      text: "+2.1 pp [+0.4, +3.8]",
      detail: null,
    });
    expect(formatComparison(INTERVAL, SHARE)).toBe("+2.1 pp [+0.4, +3.8]");
    expect(comparisonSentence(INTERVAL, SHARE)).toBe(
      "2.1 pp higher than unmarked work (95% interval +0.4 to +3.8).",
    );
    const slower = {
      ...INTERVAL,
      difference: -3.26,
      low: -5.01,
      high: -1.5,
      method: "jackknife_hd_t" as const,
    };
    expect(formatComparison(slower, MEDIAN_HOURS)).toBe("-3.3 h [-5.0, -1.5]");
    expect(comparisonSentence(slower, MEDIAN_HOURS)).toBe(
      "3.3 h lower than unmarked work (95% interval -5.0 to -1.5).",
    );
  });

  it("says no detectable difference when the interval includes zero, keeping the numbers as detail", () => {
    const spans = { ...INTERVAL, difference: 0.004, low: -0.003, high: 0.011 };
    expect(describeComparison(spans, SHARE)).toEqual({
      verdict: "no_detectable_difference",
      text: "no detectable difference",
      detail: "+0.4 pp [-0.3, +1.1]",
    });
    expect(formatComparison(spans, SHARE)).toBe("no detectable difference (+0.4 pp [-0.3, +1.1])");
    expect(comparisonSentence(spans, SHARE)).toBe(
      "No detectable difference from unmarked work (+0.4 pp, 95% interval -0.3 to +1.1).",
    );
    // Bounds and a difference too small for the precision print as 0, never -0.
    const average: Measure = { unit: "count", aggregation: "average" };
    const tiny = { ...INTERVAL, difference: 0.004, low: -0.004, high: 0.3, method: "jackknife_t" as const };
    expect(formatComparison(tiny, average)).toBe("no detectable difference (0 [0, +0.30])");
  });

  it("decides on the unrounded bounds: an interval ending just below zero excludes it", () => {
    const below = { ...INTERVAL, difference: -0.2, low: -0.5, high: -0.001, method: "jackknife_t" as const };
    expect(formatComparison(below, MEDIAN_HOURS)).toBe("-0.2 h [-0.5, 0]");
  });

  it("says insufficient data when either side is withheld or absent", () => {
    const withheld = { ...INTERVAL, difference: null, low: null, high: null, baseline_value: null };
    expect(describeComparison(withheld, SHARE)).toEqual({
      verdict: "insufficient_data",
      text: "insufficient data",
      detail: null,
    });
    expect(comparisonSentence(withheld, SHARE)).toBe("Insufficient data to compare with unmarked work.");
  });

  it("gives the difference and each side's repositories when there are too few for an interval", () => {
    const few: VsUnmarked = {
      baseline_value: 19.77,
      baseline_n: 13,
      k: 1,
      baseline_k: 7,
      difference: 25.08,
      low: null,
      high: null,
      method: "jackknife_hd_t",
      repositories: 8,
      df: null,
      no_interval: "too_few_repositories",
    };
    expect(describeComparison(few, MEDIAN_HOURS)).toEqual({
      verdict: "too_few_repositories",
      text: "+25.1 h, too few repositories for an interval (k=1 vs 7, 8 in all)",
      detail: null,
    });
    expect(comparisonSentence(few, MEDIAN_HOURS)).toBe(
      "25.1 h higher than unmarked work; too few repositories for an interval (k=1 vs 7, 8 in all).",
    );
  });

  it("gives a count's difference alone: a count has no sampling error to bound", () => {
    const counts: VsUnmarked = { ...INTERVAL, difference: 12, low: null, high: null, method: "none" };
    const count: Measure = { unit: "count", aggregation: "count" };
    expect(describeComparison(counts, count)).toEqual({
      verdict: "difference_only",
      text: "+12",
      detail: null,
    });
    expect(comparisonSentence(counts, count)).toBe("12 higher than unmarked work.");
    expect(formatComparison({ ...counts, difference: 0 }, count)).toBe("0");
    expect(comparisonSentence({ ...counts, difference: 0 }, count)).toBe("The same as unmarked work.");
  });
});

describe("period labels", () => {
  it("names a day by its date in both forms", () => {
    expect(formatPeriod("2026-03-04", "day")).toBe("2026-03-04");
    expect(formatPeriod("2026-03-04", "day", "short")).toBe("2026-03-04");
  });

  it("names a week by its Monday", () => {
    expect(formatPeriod("2026-03-02", "week")).toBe("week of 2026-03-02");
    expect(formatPeriod("2026-03-02", "week", "short")).toBe("2026-03-02");
  });

  it("names a month by its name, or year and month where space is short", () => {
    expect(formatPeriod("2026-03-01", "month")).toBe("March 2026");
    expect(formatPeriod("2025-12-01", "month")).toBe("December 2025");
    expect(formatPeriod("2026-03-01", "month", "short")).toBe("2026-03");
  });

  it("names a quarter as a quarter, never as its first day", () => {
    expect(formatPeriod("2026-01-01", "quarter")).toBe("2026 Q1");
    expect(formatPeriod("2026-04-01", "quarter", "short")).toBe("2026 Q2");
    expect(formatPeriod("2026-07-01", "quarter")).toBe("2026 Q3");
    expect(formatPeriod("2025-10-01", "quarter")).toBe("2025 Q4");
  });

  it("leaves text that is not the start of a period of its grain as it is", () => {
    expect(formatPeriod("2026-02-01", "quarter")).toBe("2026-02-01");
    expect(formatPeriod("2026-03-04", "week")).toBe("2026-03-04");
    expect(formatPeriod("2026-03-15", "month")).toBe("2026-03-15");
    expect(formatPeriod("2026-02-30", "day")).toBe("2026-02-30");
    expect(formatPeriod("last week", "week")).toBe("last week");
  });
});

describe("axis ticks", () => {
  it("label each tick in the unit with the decimals its step needs", () => {
    expect(formatAxisTick(0, SHARE, 0.04)).toBe("0%");
    expect(formatAxisTick(0.04, SHARE, 0.04)).toBe("4%");
    expect(formatAxisTick(0.12, SHARE, 0.04)).toBe("12%");
    expect(formatAxisTick(0.025, SHARE, 0.005)).toBe("2.5%");
    expect(formatAxisTick(24, MEDIAN_HOURS, 12)).toBe("24 h");
    expect(formatAxisTick(-10, MEDIAN_HOURS, 10)).toBe("-10 h");
    expect(formatAxisTick(0.4, { unit: "count", aggregation: "average" }, 0.2)).toBe("0.4");
    expect(formatAxisTick(1, { unit: "count", aggregation: "average" }, 0.2)).toBe("1.0");
    expect(formatAxisTick(1000, { unit: "count", aggregation: "count" }, 500)).toBe("1,000");
  });
});
