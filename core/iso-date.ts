/**
 * Calendar days written YYYY-MM-DD, parsed strictly: every flag that takes a day (`--since`, `--from`,
 * `--to`, `--origin`) uses this one parser, so 2026-02-30 is refused everywhere rather than rolled over
 * into March by the Date constructor.
 */

/** `YYYY-MM-DD` naming a day that exists (no 2024-02-30). */
export function isIsoDate(value: string): boolean {
  return parseIsoDate(value) !== null;
}

/** The UTC midnight starting the day `YYYY-MM-DD`, or null when the text is not such a day. */
export function parseIsoDate(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return null;
  return date;
}
