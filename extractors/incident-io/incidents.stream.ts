/**
 * incident.io incidents: every incident updated since the cursor (`updated_at[gte]`, by day: the filter
 * takes dates), paged with `pagination_meta.after`. Incidents change as they are handled (status, severity,
 * custom fields, their "Resolved at"), so the latest update is read again whatever changed. The list is not
 * ordered by update, so the cursor moves once the whole list is durable; a run stopped before re-reads it
 * (at-least-once). One request when nothing changed, however many incident types or fields are mapped:
 * the mapping is the warehouse's (yardstick.yaml reaches dbt as a build input), not the extractor's.
 */
import { defineLakeStream } from "../lake-stream.ts";
import { askRest, type RestContext } from "../rest-source.ts";
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
import type { IncidentIoIncident, IncidentIoPage } from "./records.ts";

export const INCIDENT_IO_INCIDENTS = "incident_io_incidents";
const CURSOR: StreamCursor = { name: "incidents", field: "updated_at" };

export const incidentIoIncidentsLake = defineLakeStream<IncidentIoIncident>({
  source: "incident_io",
  name: INCIDENT_IO_INCIDENTS,
  primaryKey: ["incident_id"],
  columns: [
    { name: "incident_id", type: "VARCHAR" },
    { name: "updated_at", type: "TIMESTAMP" },
  ],
  toRow: (i) => ({ incident_id: i.id, updated_at: i.updated_at }),
});

export const INCIDENTS = defineStream<RestContext>({
  name: INCIDENT_IO_INCIDENTS,
  requests: ["GET /v2/incidents"],
  lands: [incidentIoIncidentsLake],
  cursor: CURSOR,
  partitionedBy: "the account (one list)",
  async read(ctx) {
    const key = cursorKey(ctx, CURSOR, "all");
    const from = startOf(ctx, key);
    const pageSize = ctx.config.incidentIo?.pageSize ?? 250;
    Object.assign(ctx.current, { phase: INCIDENT_IO_INCIDENTS, partition: "all" });
    await readPartition(ctx, INCIDENT_IO_INCIDENTS, "all", async () => {
      let after: string | null = null;
      for (;;) {
        const page: IncidentIoPage = await askRest<IncidentIoPage>(ctx, {
          operation: "GET /v2/incidents",
          path: "/v2/incidents",
          stream: INCIDENT_IO_INCIDENTS,
          query: {
            page_size: pageSize,
            ...(after ? { after } : {}),
            ...(from.getTime() > BEGINNING_OF_TIME.getTime()
              ? { "updated_at[gte]": from.toISOString().slice(0, 10) }
              : {}),
          },
        });
        const incidents = page.incidents ?? [];
        for (const incident of incidents) await ctx.sink.add(incidentIoIncidentsLake, incident);
        await ctx.sink.flush();
        const next = page.pagination_meta?.after ?? null;
        if (incidents.length === 0 || !next || next === after) break;
        after = next;
      }
      await advanceCursor(ctx, key, nextWatermark(ctx));
    });
  },
});
