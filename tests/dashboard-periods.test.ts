import { describe, expect, it } from "vitest";
import { axisPeriods, isPartialPeriod, nextPeriod } from "../dashboards/periods.ts";

describe("periods on a dashboard", () => {
  it("steps to the next day, week or month across month and year ends", () => {
    expect(nextPeriod("2024-02-28", "day")).toBe("2024-02-29");
    expect(nextPeriod("2023-12-25", "week")).toBe("2024-01-01");
    expect(nextPeriod("2024-01-01", "month")).toBe("2024-02-01");
    expect(nextPeriod("2023-12-01", "month")).toBe("2024-01-01");
  });

  it("fills the axis with every period between the first and the last, so gaps stay visible", () => {
    expect(axisPeriods(["2024-03-18", "2024-03-04", "2024-03-04"], "week")).toEqual([
      "2024-03-04",
      "2024-03-11",
      "2024-03-18",
    ]);
    expect(axisPeriods(["2024-03-01", "2023-12-01"], "month")).toEqual([
      "2023-12-01",
      "2024-01-01",
      "2024-02-01",
      "2024-03-01",
    ]);
    expect(axisPeriods([], "day")).toEqual([]);
    // A "week" that does not start on a Monday is shown as given, not stretched into an invented axis.
    expect(axisPeriods(["2024-03-05", "2024-03-19"], "week")).toEqual(["2024-03-05", "2024-03-19"]);
  });

  it("calls a period partial exactly when the watermark falls before its end", () => {
    expect(isPartialPeriod("2024-03-18", "week", "2024-03-24T23:59:59.999Z")).toBe(true);
    expect(isPartialPeriod("2024-03-18", "week", "2024-03-25T00:00:00.000Z")).toBe(false);
    expect(isPartialPeriod("2024-03-18", "week", "2024-03-01T00:00:00.000Z")).toBe(true);
    expect(isPartialPeriod("2024-02-01", "month", "2024-02-29T12:00:00Z")).toBe(true);
    expect(isPartialPeriod("2024-02-01", "month", "2024-03-01T00:00:00Z")).toBe(false);
    expect(isPartialPeriod("2024-03-18", "day", "2024-03-18T23:00:00Z")).toBe(true);
    expect(isPartialPeriod("2024-03-18", "day", "2024-03-19T00:00:00Z")).toBe(false);
    // A quarter runs three months: still partial in its third month, over at the next quarter's start.
    expect(isPartialPeriod("2024-01-01", "quarter", "2024-03-31T23:00:00Z")).toBe(true);
    expect(isPartialPeriod("2024-01-01", "quarter", "2024-04-01T00:00:00Z")).toBe(false);
    expect(axisPeriods(["2024-01-01", "2024-07-01"], "quarter")).toEqual([
      "2024-01-01",
      "2024-04-01",
      "2024-07-01",
    ]);
    // No watermark means no data was ever taken: there is nothing to call partial.
    expect(isPartialPeriod("2024-03-18", "week", null)).toBe(false);
  });
});
