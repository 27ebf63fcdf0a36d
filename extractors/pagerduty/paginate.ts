/**
 * PagerDuty's classic pagination over a window of time: `limit`/`offset` while `more`, oldest first. Its
 * offset stops at 10,000 (`offset + limit` may not pass it): a window with more than that goes on as a new
 * window from the last item's time (an item at that very second may come twice: delivery is at-least-once).
 */
import { askRest, type RestContext } from "../rest-source.ts";
import type { PagerDutyPage } from "./records.ts";

/** PagerDuty's largest page. */
export const PAGE_LIMIT = 100;
/** The furthest `offset + limit` may reach. */
export const OFFSET_CAP = 10_000;

export interface WindowRead<I> {
  stream: string;
  operation: string;
  path: string;
  /** The list's field: `incidents`, `log_entries`. */
  items: string;
  query: Record<string, string | number | boolean | readonly string[]>;
  /** The window, or null for everything (`date_range=all`). */
  window: [Date, Date] | null;
  /** The time an item is ordered by. */
  timeOf: (item: I) => string;
}

/** Yields each page's items, oldest first, over the window. */
export async function* pagesOf<I>(ctx: RestContext, read: WindowRead<I>): AsyncGenerator<I[]> {
  let since = read.window?.[0] ?? null;
  for (;;) {
    let offset = 0;
    let last: string | null = null;
    for (;;) {
      const range =
        read.window === null && since === null
          ? { date_range: "all" }
          : {
              since: (since as Date).toISOString(),
              until: (read.window?.[1] ?? ctx.runStartedAt).toISOString(),
            };
      const page = await askRest<PagerDutyPage & Record<string, unknown>>(ctx, {
        operation: read.operation,
        path: read.path,
        stream: read.stream,
        query: { ...read.query, ...range, limit: PAGE_LIMIT, offset, total: false },
      });
      const items = (page[read.items] as I[] | undefined) ?? [];
      yield items;
      if (items.length > 0) last = read.timeOf(items[items.length - 1] as I);
      if (!page.more || items.length === 0) return;
      offset += items.length;
      if (offset + PAGE_LIMIT > OFFSET_CAP) break;
    }
    // Past PagerDuty's offset cap: go on from the last item's time.
    since = new Date(last as string);
  }
}
