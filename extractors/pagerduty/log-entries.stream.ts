/**
 * When PagerDuty incidents were resolved: the account's overview log entries since the cursor, of which
 * Yardstick keeps the `resolve_log_entry` ones of the configured services. Incidents are read by the time
 * they were created, so an incident resolved on a later night is not read again: its resolution comes from
 * here, at one request a night when nothing happened (the list is the account's, not per service). A first
 * run (or a backfill) reads them from this run on only: the incidents it reads carry their state.
 */
import { defineLakeStream } from "../lake-stream.ts";
import type { RestContext } from "../rest-source.ts";
import { defineStream } from "../source.ts";
import { nextWatermark, type StreamCursor } from "../stream-context.ts";
import { readWindows, serviceIdsOf } from "./incidents.stream.ts";
import { pagesOf } from "./paginate.ts";
import type { PagerDutyLogEntry } from "./records.ts";

export const PAGERDUTY_LOG_ENTRIES = "pagerduty_log_entries";
const CURSOR: StreamCursor = { name: "log_entries", field: "created_at" };

export const pagerDutyResolutionsLake = defineLakeStream<PagerDutyLogEntry>({
  source: "pagerduty",
  name: "pagerduty_resolutions",
  primaryKey: ["log_entry_id"],
  columns: [
    { name: "log_entry_id", type: "VARCHAR" },
    { name: "incident_id", type: "VARCHAR" },
    { name: "created_at", type: "TIMESTAMP" },
  ],
  toRow: (e) => ({ log_entry_id: e.id, incident_id: e.incident.id, created_at: e.created_at }),
});

export const LOG_ENTRIES = defineStream<RestContext>({
  name: PAGERDUTY_LOG_ENTRIES,
  requests: ["GET /log_entries"],
  lands: [pagerDutyResolutionsLake],
  cursor: CURSOR,
  partitionedBy: "the account (one list for every service)",
  read: (ctx) => {
    const services = new Set(serviceIdsOf(ctx));
    return readWindows(
      ctx,
      PAGERDUTY_LOG_ENTRIES,
      CURSOR,
      async (window) => {
        for await (const page of pagesOf<PagerDutyLogEntry>(ctx, {
          stream: PAGERDUTY_LOG_ENTRIES,
          operation: "GET /log_entries",
          path: "/log_entries",
          items: "log_entries",
          query: { is_overview: true, time_zone: "UTC" },
          window,
          order: "newest_first",
          timeOf: (e) => e.created_at,
        })) {
          for (const entry of page)
            if (entry.type === "resolve_log_entry" && entry.service && services.has(entry.service.id))
              await ctx.sink.add(pagerDutyResolutionsLake, entry);
          await ctx.sink.flush();
        }
      },
      nextWatermark(ctx),
    );
  },
});
