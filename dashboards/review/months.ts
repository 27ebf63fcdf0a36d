/**
 * Calendar months as `YYYY-MM` strings (UTC): the review's unit. Pure arithmetic, no clock: which month is
 * "last complete" and which are final follows from the data watermark, so a site rebuilt later from the same
 * data says the same.
 */
import { formatPeriod } from "../units.ts";

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether `value` is a month written YYYY-MM. */
export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** `addMonths("2026-01", -2)` → `"2025-11"`. */
export function addMonths(month: string, count: number): string {
  const [year, m] = parse(month);
  const date = new Date(Date.UTC(year, m - 1 + count, 1));
  return date.toISOString().slice(0, 7);
}

/** First day, `YYYY-MM-01`. */
export function monthStart(month: string): string {
  parse(month);
  return `${month}-01`;
}

/** Last day, e.g. `2024-02-29`. */
export function monthEnd(month: string): string {
  const [year, m] = parse(month);
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
}

/** Every month from `first` to `last`, both included (empty when first is after last). */
export function monthRange(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** The month an ISO instant falls in (UTC). */
export function monthOf(iso: string): string {
  return new Date(iso).toISOString().slice(0, 7);
}

/** The last month that had ended when the data was taken: the month before the watermark's. */
export function lastCompleteMonth(watermark: string): string {
  return addMonths(monthOf(watermark), -1);
}

/**
 * The first day (`YYYY-MM-DD`) on which a month's outcomes are in: its end plus the longer of the revert
 * window and the incident look-ahead. A review is final once the data watermark has reached that day.
 */
export function finalFrom(
  month: string,
  windows: { revert_window_days: number; incident_lookahead_days: number },
): string {
  const days = Math.max(windows.revert_window_days, windows.incident_lookahead_days);
  const end = Date.parse(`${monthEnd(month)}T00:00:00Z`);
  return new Date(end + (days + 1) * 86_400_000).toISOString().slice(0, 10);
}

/** Whether data taken at `watermark` has every outcome of `month` (see finalFrom). */
export function isFinal(
  month: string,
  watermark: string | null,
  windows: { revert_window_days: number; incident_lookahead_days: number },
): boolean {
  return watermark !== null && Date.parse(watermark) >= Date.parse(`${finalFrom(month, windows)}T00:00:00Z`);
}

/** `March 2026`. */
export function monthLabel(month: string): string {
  return formatPeriod(monthStart(month), "month", "long");
}

function parse(month: string): [number, number] {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`not a month written YYYY-MM: ${month}`);
  return [Number(match[1]), Number(match[2])];
}
