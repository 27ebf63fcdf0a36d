/** incident.io's public API (v2) shapes Yardstick reads (the fields it uses; the payload keeps the whole object). */

export interface IncidentIoIncident {
  id: string;
  /** e.g. INC-123 */
  reference?: string;
  name: string;
  summary?: string;
  created_at: string;
  updated_at: string;
  incident_status?: { id?: string; name: string; category: string };
  severity?: { id?: string; name: string; rank?: number } | null;
  incident_type?: { id?: string; name: string } | null;
  custom_field_entries?: unknown[];
  incident_timestamp_values?: unknown[];
  permalink?: string;
}

/** A page of `GET /v2/incidents`: the next page's cursor is `pagination_meta.after`. */
export interface IncidentIoPage {
  incidents: IncidentIoIncident[];
  pagination_meta?: { after?: string | null; page_size?: number; total_record_count?: number };
}

/**
 * incident.io's error body: `{ type, status, request_id, errors: [{ code, message, source: { field } }] }`.
 */
export function incidentIoErrorMessage(body: unknown): string | null {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    const type = (body as { type?: unknown } | null)?.type;
    return typeof type === "string" ? type : null;
  }
  return errors
    .map((e: { message?: unknown; code?: unknown; source?: { field?: unknown } }) => {
      const field = typeof e?.source?.field === "string" ? ` (${e.source.field})` : "";
      return `${typeof e?.message === "string" ? e.message : String(e?.code ?? "error")}${field}`;
    })
    .join("; ");
}
