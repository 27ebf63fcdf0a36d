/**
 * PagerDuty incidents of the configured services, by the time they were created: since the cursor (less
 * the overlap), in windows of at most 180 days (PagerDuty's `since`/`until` span at most six months); a
 * first run or a backfill of everything reads `date_range=all`. One request when nothing is new, whatever
 * the number of services: they go in one `service_ids[]` filter.
 */
import { defineLakeStream } from "../lake-stream.ts";
import { type RestContext, scopeOf, windowsOf } from "../rest-source.ts";
import { defineStream } from "../source.ts";
import {
  advanceCursor,
  BEGINNING_OF_TIME,
  cursorKey,
  nextWatermark,
  readPartition,
  type StreamCursor,
  startOf,
} from "../stream-context.ts";
import { pagesOf, WINDOW_DAYS } from "./paginate.ts";
import type { PagerDutyIncident } from "./records.ts";

export const PAGERDUTY_INCIDENTS = "pagerduty_incidents";
const CURSOR: StreamCursor = { name: "incidents", field: "created_at" };

export const pagerDutyIncidentsLake = defineLakeStream<PagerDutyIncident>({
  source: "pagerduty",
  name: PAGERDUTY_INCIDENTS,
  primaryKey: ["incident_id"],
  columns: [
    { name: "incident_id", type: "VARCHAR" },
    { name: "service_id", type: "VARCHAR" },
    { name: "created_at", type: "TIMESTAMP" },
  ],
  toRow: (i) => ({ incident_id: i.id, service_id: i.service.id, created_at: i.created_at }),
});

export const serviceIdsOf = (ctx: RestContext) => (ctx.config.pagerduty?.services ?? []).map((s) => s.id);

export const INCIDENTS = defineStream<RestContext>({
  name: PAGERDUTY_INCIDENTS,
  requests: ["GET /incidents"],
  lands: [pagerDutyIncidentsLake],
  cursor: CURSOR,
  partitionedBy: "the configured services, in one filter",
  read: (ctx) =>
    readWindows(ctx, PAGERDUTY_INCIDENTS, CURSOR, async (window) => {
      for await (const page of pagesOf<PagerDutyIncident>(ctx, {
        stream: PAGERDUTY_INCIDENTS,
        operation: "GET /incidents",
        path: "/incidents",
        items: "incidents",
        query: { "service_ids[]": serviceIdsOf(ctx), sort_by: "created_at:asc", time_zone: "UTC" },
        window,
        order: "oldest_first",
        timeOf: (i) => i.created_at,
      })) {
        for (const incident of page) await ctx.sink.add(pagerDutyIncidentsLake, incident);
        await ctx.sink.flush();
      }
    }),
});

/**
 * Reads a stream window by window from its cursor to this run's start, moving the cursor to the end of each
 * window once its pages are durable, and to the next watermark at the end. A window whose request fails for
 * good costs this stream only (its cursor stays; the next run reads it again). Without a cursor (or with
 * --full) it reads everything, unless `firstRun` says where a first run starts (log entries: now, since
 * the incidents read in the same run carry their state).
 */
export async function readWindows(
  ctx: RestContext,
  stream: string,
  cursor: StreamCursor,
  readWindow: (window: [Date, Date] | null) => Promise<void>,
  firstRun?: Date,
): Promise<void> {
  const key = cursorKey(ctx, cursor, scopeOf("services", serviceIdsOf(ctx)));
  const known = ctx.cursors.get(key) !== undefined && !ctx.full;
  const from = firstRun && !known && !ctx.since ? firstRun : startOf(ctx, key);
  const windows: ([Date, Date] | null)[] =
    from.getTime() <= BEGINNING_OF_TIME.getTime() ? [null] : windowsOf(from, ctx.runStartedAt, WINDOW_DAYS);
  Object.assign(ctx.current, { phase: stream, partition: "services" });
  await readPartition(ctx, stream, "services", async () => {
    for (const window of windows) {
      await readWindow(window);
      await advanceCursor(
        ctx,
        key,
        new Date(Math.min((window?.[1] ?? ctx.runStartedAt).getTime(), nextWatermark(ctx).getTime())),
      );
    }
    await advanceCursor(ctx, key, nextWatermark(ctx));
  });
}
