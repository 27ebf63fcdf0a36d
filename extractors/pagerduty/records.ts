/** PagerDuty's REST API v2 shapes Yardstick reads (the fields it uses; the payload keeps the whole object). */

/** A reference to another object: `{ id, type, summary }`. */
export interface PagerDutyReference {
  id: string;
  type: string;
  summary?: string;
  html_url?: string;
}

/** One incident of `GET /incidents`. */
export interface PagerDutyIncident {
  id: string;
  type: "incident";
  incident_number: number;
  title: string;
  description?: string;
  summary?: string;
  status: "triggered" | "acknowledged" | "resolved";
  urgency: "high" | "low";
  priority: (PagerDutyReference & { name?: string }) | null;
  service: PagerDutyReference;
  created_at: string;
  updated_at?: string;
  resolved_at?: string | null;
  last_status_change_at?: string;
  html_url?: string;
}

/** One log entry of `GET /log_entries` (Yardstick keeps `resolve_log_entry` ones). */
export interface PagerDutyLogEntry {
  id: string;
  type: string;
  created_at: string;
  incident: PagerDutyReference;
  service?: PagerDutyReference;
}

/** A page of a classic-paginated list: `{ <items>, limit, offset, more, total }`. */
export interface PagerDutyPage {
  limit: number;
  offset: number;
  more: boolean;
  total: number | null;
}

export interface PagerDutyIncidentsPage extends PagerDutyPage {
  incidents: PagerDutyIncident[];
}

export interface PagerDutyLogEntriesPage extends PagerDutyPage {
  log_entries: PagerDutyLogEntry[];
}

/** PagerDuty's error body: `{ error: { message, code, errors } }`. */
export function pagerDutyErrorMessage(body: unknown): string | null {
  const error = (body as { error?: { message?: unknown; code?: unknown; errors?: unknown } } | null)?.error;
  if (!error || typeof error !== "object") return null;
  const details = Array.isArray(error.errors) ? error.errors.filter((e) => typeof e === "string") : [];
  const message = typeof error.message === "string" ? error.message : "error";
  return `${message}${error.code !== undefined ? ` (code ${String(error.code)})` : ""}${details.length ? `: ${details.join("; ")}` : ""}`;
}
