/**
 * Restatements: where today's definitions or data give another value for a month whose review is frozen.
 * The frozen review keeps its numbers; the site lists what they would be now, with the definition now used.
 */
import type { Figure, ReviewSnapshot } from "./review-snapshot.ts";

export interface Restatement {
  month: string;
  metric: string;
  /** The class of a per-class figure, else null. */
  class: string | null;
  frozen: { value: number | null; n: number | null; definition_hash: string };
  now: { value: number | null; n: number | null; definition_hash: string };
}

/** Figures of the frozen review whose value, n or definition differ in the current evaluation of its month. */
export function restatementsOf(frozen: ReviewSnapshot, current: ReviewSnapshot): Restatement[] {
  const out: Restatement[] = [];
  const consider = (metric: string, cls: string | null, a: Figure | null, b: Figure | null) => {
    if (!a && !b) return;
    const same =
      a?.value === b?.value && a?.n === b?.n && a?.definition_hash === b?.definition_hash && !!a === !!b;
    if (same) return;
    out.push({
      month: frozen.month,
      metric,
      class: cls,
      frozen: { value: a?.value ?? null, n: a?.n ?? null, definition_hash: a?.definition_hash ?? "" },
      now: { value: b?.value ?? null, n: b?.n ?? null, definition_hash: b?.definition_hash ?? "" },
    });
  };
  for (const h of frozen.headline) {
    const now = current.headline.find((x) => x.metric === h.metric && x.class === h.class);
    consider(h.metric, h.class, h.current, now?.current ?? null);
  }
  for (const d of frozen.delivery) {
    if (frozen.headline.some((h) => h.metric === d.metric && h.class === null)) continue;
    consider(d.metric, null, d.current, current.delivery.find((x) => x.metric === d.metric)?.current ?? null);
  }
  for (const g of frozen.governance)
    consider(g.metric, null, g, current.governance.find((x) => x.metric === g.metric) ?? null);
  return out;
}
