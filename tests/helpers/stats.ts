/** Independent reference computations for checking metric values (plain JS, not the SQL under test). */

/** Continuous median (linear interpolation between the two middle values), like quantile_cont(x, 0.5). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const lo = sorted[Math.floor(mid)]!;
  const hi = sorted[Math.ceil(mid)]!;
  return lo + (hi - lo) * (mid - Math.floor(mid));
}

/**
 * Continuous quantile q (0..1) by linear interpolation between the closest ranks (position q·(n−1) of the
 * sorted values), like DuckDB's quantile_cont and PostgreSQL's percentile_cont. quantile(v, 0.5) = median(v).
 */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) throw new Error("quantile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lo = sorted[Math.floor(position)]!;
  const hi = sorted[Math.ceil(position)]!;
  return lo + (hi - lo) * (position - Math.floor(position));
}

/** Monday (UTC) of the ISO week an instant falls in, as YYYY-MM-DD. */
export function weekStart(iso: string): string {
  const d = new Date(iso);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** One decimal as a person rounds the decimal they read (26.45 → "26.5"), not the binary double (26.4499…). */
export function oneDecimal(value: number): string {
  const tenths = Number((Math.abs(value) * 10).toPrecision(12));
  return `${value < 0 ? "-" : ""}${(Math.round(tenths) / 10).toFixed(1)}`;
}
