/**
 * A stand-in for incident.io's public API (v2), serving the generated organisation's incidents
 * (generator/external-incidents.ts) as `GET /v2/incidents` answers them: `page_size` up to 250, the next
 * page's cursor in `pagination_meta.after` (passed back as `after`), filters `updated_at[gte]` and
 * `created_at[gte]` (a date or a time), newest first, `Authorization: Bearer …`, errors as `{ type, status,
 * request_id, errors: [{ code, message, source }] }`, rate limits as 429 with `Retry-After` (see
 * rest-faults.ts). Each incident has its status, severity, type ("Default"), the custom fields "Affected
 * service" (its repository's name) and, for some, "Root cause", and its "Reported at" and "Resolved at"
 * timestamps. `now` hides what happens after it.
 *
 * @example
 *   const io = await startIncidentIoServer({ org: generateOrg({ seed: 7 }) });
 *   // GET `${io.url}/v2/incidents?page_size=50` with `Authorization: Bearer <any>`
 */
import type { IncomingMessage } from "node:http";
import { type ExternalIncident, externalIncidents } from "../generator/external-incidents.ts";
import type { GeneratedOrg } from "../ground-truth.ts";
import type { RestFaultPlan } from "./rest-faults.ts";
import { type RestStandIn, startRestStandIn } from "./rest-standin.ts";

export interface IncidentIoServerOptions {
  org: GeneratedOrg;
  seed?: number;
  /** Accepted keys (default: any non-empty key). */
  tokens?: string[];
  /** The stand-in's "now": later incidents and resolutions are not served yet (default: the real clock). */
  now?: () => Date;
  faults?: RestFaultPlan;
  host?: string;
  port?: number;
}

export interface IncidentIoServer extends RestStandIn {
  incidents: ExternalIncident[];
}

/** The custom field naming the affected service (its values: the repositories' names). */
export const AFFECTED_SERVICE = "Affected service";
/** The custom field where responders write the root cause. */
export const ROOT_CAUSE = "Root cause";
const SEVERITIES = { sev1: ["Critical", 3], sev2: ["Major", 2], sev3: ["Minor", 1] } as const;

const errorBody = (status: number, message: string, field?: string) => ({
  type:
    status === 429
      ? "rate_limit_exceeded"
      : status === 401
        ? "authentication_error"
        : status === 422
          ? "validation_error"
          : "internal_error",
  status,
  request_id: `req-${status}`,
  errors: [
    { code: status === 422 ? "invalid_value" : "error", message, ...(field ? { source: { field } } : {}) },
  ],
});

class BadInput extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export async function startIncidentIoServer(options: IncidentIoServerOptions): Promise<IncidentIoServer> {
  const incidents = externalIncidents(options.org, options.seed ?? 1);
  const now = options.now ?? (() => new Date());
  const field = (id: string, name: string, type: string) => ({ id, name, field_type: type, description: "" });

  const incidentJson = (i: ExternalIncident, at: number) => {
    const resolved = i.resolvedAt !== null && Date.parse(i.resolvedAt) <= at;
    const updatedAt = resolved ? i.updatedAt : i.createdAt;
    const [severity, rank] = SEVERITIES[i.severity];
    const repoName = (i.service.repository ?? "").split("/")[1] ?? "";
    const entries: unknown[] = [
      {
        custom_field: field("01CFAFFECTED", AFFECTED_SERVICE, "single_select"),
        values: [{ value_option: { id: `01OPT${repoName.toUpperCase()}`, value: repoName, sort_key: 10 } }],
      },
    ];
    if (i.reference && i.referenceIn === "field")
      entries.push({
        custom_field: field("01CFROOTCAUSE", ROOT_CAUSE, "text"),
        values: [{ value_text: i.reference }],
      });
    const timestamps: unknown[] = [
      {
        incident_timestamp: { id: "01TSREPORTED", name: "Reported at", rank: 1 },
        value: { value: i.createdAt },
      },
    ];
    if (resolved)
      timestamps.push({
        incident_timestamp: { id: "01TSRESOLVED", name: "Resolved at", rank: 4 },
        value: { value: i.resolvedAt },
      });
    return {
      id: i.incidentIoId,
      reference: `INC-${i.number}`,
      name: i.title,
      summary: `Customers affected on ${repoName}.${i.reference && i.referenceIn === "text" ? ` root cause: ${i.reference}` : ""}`,
      mode: "standard",
      visibility: "public",
      created_at: i.createdAt,
      updated_at: updatedAt,
      incident_status: resolved
        ? { id: "01STCLOSED", name: "Closed", category: "closed", rank: 4 }
        : { id: "01STINVESTIGATING", name: "Investigating", category: "active", rank: 1 },
      severity: { id: `01SEV${rank}`, name: severity, rank },
      incident_type: { id: "01TYPEDEFAULT", name: "Default" },
      custom_field_entries: entries,
      incident_timestamp_values: timestamps,
      permalink: `https://app.incident.io/acme/incidents/${i.number}`,
    };
  };

  const timeParam = (query: URLSearchParams, name: string): number | null => {
    const value = query.get(name);
    if (value === null) return null;
    const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(at)) throw new BadInput(`${name} must be a date (YYYY-MM-DD) or an ISO 8601 time`, name);
    return at;
  };

  const standIn = await startRestStandIn({
    host: options.host,
    port: options.port,
    faults: options.faults,
    authorised(req: IncomingMessage) {
      const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
      return match !== null && (options.tokens === undefined || options.tokens.includes(match[1] as string));
    },
    errorBody: (status, message) => errorBody(status, message),
    route(path, query) {
      try {
        if (path !== "/v2/incidents") return { status: 404, body: errorBody(404, "Not found") };
        const at = now().getTime();
        const size = Number(query.get("page_size") ?? 25);
        if (!Number.isInteger(size) || size < 1 || size > 250)
          throw new BadInput("page_size must be between 1 and 250", "page_size");
        const updatedFrom = timeParam(query, "updated_at[gte]");
        const createdFrom = timeParam(query, "created_at[gte]");
        const all = incidents
          .filter((i) => Date.parse(i.createdAt) <= at)
          .map((i) => incidentJson(i, at))
          .filter((i) => updatedFrom === null || Date.parse(i.updated_at) >= updatedFrom)
          .filter((i) => createdFrom === null || Date.parse(i.created_at) >= createdFrom)
          .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
        const after = query.get("after");
        let start = 0;
        if (after !== null) {
          const index = all.findIndex((i) => i.id === after);
          if (index < 0)
            throw new BadInput("after must be the id of an incident of the previous page", "after");
          start = index + 1;
        }
        const page = all.slice(start, start + size);
        const more = start + size < all.length;
        return {
          status: 200,
          body: {
            incidents: page,
            pagination_meta: {
              ...(more && page.length > 0 ? { after: page[page.length - 1]!.id } : {}),
              page_size: size,
              total_record_count: all.length,
            },
          },
        };
      } catch (error) {
        if (error instanceof BadInput)
          return { status: 422, body: errorBody(422, error.message, error.field) };
        throw error;
      }
    },
  });
  return { ...standIn, incidents };
}
