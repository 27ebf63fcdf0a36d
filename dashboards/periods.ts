/**
 * Periods on a dashboard: the axis of a chart (every period from the first to the last, so that a period
 * without data shows as a gap instead of being silently joined) and which periods are still partial. A period
 * is partial when the data watermark falls before its end: the numbers in it can still grow. Computed from
 * the watermark, never from the wall clock, so a page rebuilt later from the same warehouse says the same.
 */
import type { Grain } from "../metrics/metric-schema.ts";

const DAY_MS = 86_400_000;

/** The start of the period after `period` (YYYY-MM-DD, UTC), e.g. `nextPeriod("2024-01-01", "month")` → `"2024-02-01"`. */
export function nextPeriod(period: string, grain: Grain): string {
  const start = new Date(`${period}T00:00:00Z`);
  if (Number.isNaN(start.getTime())) throw new Error(`not a period start (YYYY-MM-DD): ${period}`);
  const next =
    grain === "day"
      ? start.getTime() + DAY_MS
      : grain === "week"
        ? start.getTime() + 7 * DAY_MS
        : Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + (grain === "quarter" ? 3 : 1), 1);
  return new Date(next).toISOString().slice(0, 10);
}

/**
 * Every period from the earliest to the latest of `periods`, in chronological order. Periods that are not a
 * start of `grain` (which the evaluator never produces) are kept as they are rather than guessed around.
 */
export function axisPeriods(periods: readonly string[], grain: Grain): string[] {
  const present = [...new Set(periods)].sort();
  if (present.length === 0) return [];
  if (!present.every((p) => isPeriodStart(p, grain))) return present;
  const last = present[present.length - 1]!;
  const axis: string[] = [];
  for (let p = present[0]!; p <= last; p = nextPeriod(p, grain)) axis.push(p);
  return axis;
}

/**
 * True when the data watermark (ISO instant of the latest extraction) is before the end of `period`, i.e.
 * the period was not over when the data was taken. With no watermark there is no data, so nothing is partial.
 */
export function isPartialPeriod(period: string, grain: Grain, watermark: string | null): boolean {
  if (watermark === null) return false;
  const taken = Date.parse(watermark);
  if (Number.isNaN(taken)) return false;
  return taken < Date.parse(`${nextPeriod(period, grain)}T00:00:00Z`);
}

function isPeriodStart(period: string, grain: Grain): boolean {
  const date = new Date(`${period}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== period) return false;
  if (grain === "week") return date.getUTCDay() === 1;
  if (grain === "month") return date.getUTCDate() === 1;
  if (grain === "quarter") return date.getUTCDate() === 1 && date.getUTCMonth() % 3 === 0;
  return true;
}
