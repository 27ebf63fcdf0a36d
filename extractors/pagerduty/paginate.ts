/**
 * PagerDuty's classic pagination over a window of time: `limit`/`offset` while `more`. Its offset stops at
 * 10,000 (`offset + limit` may not pass it): a window with more than that goes on as a narrower window from
 * the last item's time — after it when the list is oldest first (incidents, `sort_by=created_at:asc`),
 * before it when newest first (log entries) — so an item at that very second may come twice (delivery is
 * at-least-once).
 */
import { askRest, type RestContext, windowsOf } from "../rest-source.ts";
import { BEGINNING_OF_TIME } from "../stream-context.ts";
import type { PagerDutyPage } from "./records.ts";

/** The furthest `offset + limit` may reach. */
export const OFFSET_CAP = 10_000;
/** PagerDuty's longest `since`..`until` span is six months. */
export const WINDOW_DAYS = 180;

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
  /** The order the API lists items in. */
  order: "oldest_first" | "newest_first";
}

/** Yields each page's items over the window, in the API's order. */
export async function* pagesOf<I>(ctx: RestContext, read: WindowRead<I>): AsyncGenerator<I[]> {
  let since = read.window?.[0] ?? null;
  let until = read.window?.[1] ?? ctx.runStartedAt;
  const limit = ctx.config.pagerduty?.pageSize ?? 100;
  for (;;) {
    let offset = 0;
    let last: string | null = null;
    for (;;) {
      const range =
        read.window === null && since === null
          ? { date_range: "all" }
          : { since: (since ?? BEGINNING_OF_TIME).toISOString(), until: until.toISOString() };
      const page = await askRest<PagerDutyPage & Record<string, unknown>>(ctx, {
        operation: read.operation,
        path: read.path,
        stream: read.stream,
        query: { ...read.query, ...range, limit, offset, total: false },
      });
      const items = (page[read.items] as I[] | undefined) ?? [];
      yield items;
      if (items.length > 0) last = read.timeOf(items[items.length - 1] as I);
      if (!page.more || items.length === 0) return;
      offset += items.length;
      if (offset + limit > OFFSET_CAP) break;
    }
    // Past PagerDuty's offset cap: go on from the last item's time, in windows PagerDuty accepts (at most
    // six months) when the read was of everything.
    if (read.window === null && since === null && until === ctx.runStartedAt) {
      const [from, to] =
        read.order === "oldest_first"
          ? [new Date(last as string), ctx.runStartedAt]
          : [BEGINNING_OF_TIME, new Date(Date.parse(last as string) + 1000)];
      for (const window of windowsOf(from, to, WINDOW_DAYS)) yield* pagesOf(ctx, { ...read, window });
      return;
    }
    if (read.order === "oldest_first") since = new Date(last as string);
    else until = new Date(Date.parse(last as string) + 1000);
  }
}
