/**
 * A stand-in for PagerDuty's REST API v2, serving the generated organisation's incidents
 * (generator/external-incidents.ts) as `GET /incidents` and `GET /log_entries` answer them: classic
 * pagination (`limit` up to 100, `offset`, `more`; `offset + limit` at most 10,000), `since`/`until` on the
 * creation time (at most six months apart) or `date_range=all`, `service_ids[]`, `sort_by=created_at:asc`,
 * `Authorization: Token token=…`, errors as `{ error: { message, code, errors } }`, rate limits as 429 with
 * `Retry-After` and `ratelimit-*` headers (see rest-faults.ts). Log entries come newest first, as
 * PagerDuty lists them. `now` hides what happens after it: incidents not yet created, resolutions to come.
 *
 * @example
 *   const pd = await startPagerDutyServer({ org: generateOrg({ seed: 7 }) });
 *   // GET `${pd.url}/incidents?service_ids[]=…` with `Authorization: Token token=<any>`
 */
import type { IncomingMessage } from "node:http";
import {
  type ExternalIncident,
  type ExternalService,
  externalIncidents,
  servicesOf,
} from "../generator/external-incidents.ts";
import type { GeneratedOrg } from "../ground-truth.ts";
import type { RestFaultPlan } from "./rest-faults.ts";
import { pageOf, type RestStandIn, startRestStandIn } from "./rest-standin.ts";

export interface PagerDutyServerOptions {
  org: GeneratedOrg;
  /** Seed of the incidents' details (where references are written). */
  seed?: number;
  /** Services without incidents besides one per repository. */
  extraServices?: number;
  /** Accepted keys (default: any non-empty key). */
  tokens?: string[];
  /** The stand-in's "now": later creations and resolutions are not served yet (default: the real clock). */
  now?: () => Date;
  faults?: RestFaultPlan;
  host?: string;
  port?: number;
}

export interface PagerDutyServer extends RestStandIn {
  services: ExternalService[];
  incidents: ExternalIncident[];
}

const SIX_MONTHS_MS = 183 * 24 * 3_600_000;
const PRIORITIES = { sev1: "P1", sev2: "P2", sev3: "P3" } as const;

const errorBody = (status: number, message: string, errors: string[] = []) => ({
  error: {
    message,
    code: status === 401 ? 2006 : status === 429 ? 2020 : status === 400 ? 2001 : 2000,
    errors,
  },
});

class BadInput extends Error {}

export async function startPagerDutyServer(options: PagerDutyServerOptions): Promise<PagerDutyServer> {
  const services = servicesOf(options.org, options.extraServices ?? 0);
  const incidents = externalIncidents(options.org, options.seed ?? 1);
  const now = options.now ?? (() => new Date());
  const base = "https://acme.pagerduty.com";

  const serviceRef = (s: ExternalService) => ({
    id: s.id,
    type: "service_reference",
    summary: s.name,
    self: `https://api.pagerduty.com/services/${s.id}`,
    html_url: `${base}/service-directory/${s.id}`,
  });
  const incidentJson = (i: ExternalIncident, at: number) => {
    const resolved = i.resolvedAt !== null && Date.parse(i.resolvedAt) <= at;
    const title = i.reference ? `${i.title}, root cause: ${i.reference}` : i.title;
    return {
      id: i.pagerDutyId,
      type: "incident",
      summary: `[#${i.number}] ${title}`,
      self: `https://api.pagerduty.com/incidents/${i.pagerDutyId}`,
      html_url: `${base}/incidents/${i.pagerDutyId}`,
      incident_number: i.number,
      title,
      description: title,
      created_at: i.createdAt,
      updated_at: resolved ? i.resolvedAt : i.createdAt,
      status: resolved ? "resolved" : "acknowledged",
      incident_key: null,
      service: serviceRef(i.service),
      assignments: [],
      last_status_change_at: resolved ? i.resolvedAt : i.createdAt,
      resolved_at: resolved ? i.resolvedAt : null,
      urgency: i.severity === "sev3" ? "low" : "high",
      priority: {
        id: `PRI${PRIORITIES[i.severity]}`,
        type: "priority_reference",
        summary: PRIORITIES[i.severity],
        name: PRIORITIES[i.severity],
      },
      alert_counts: { all: 1, triggered: resolved ? 0 : 1, resolved: resolved ? 1 : 0 },
    };
  };

  const numberParam = (query: URLSearchParams, name: string, fallback: number) => {
    const value = query.get(name);
    if (value === null) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new BadInput(`${name} must be a non-negative integer`);
    return n;
  };
  /** The creation-time range a list request asks for: [since, until). */
  const rangeOf = (query: URLSearchParams, at: number): [number, number] => {
    if (query.get("date_range") === "all") return [0, at + 1];
    const since = query.get("since");
    const until = query.get("until");
    const to = until === null ? at + 1 : Date.parse(until);
    const from = since === null ? to - 30 * 24 * 3_600_000 : Date.parse(since);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new BadInput("since and until must be ISO 8601 dates");
    if (to - from > SIX_MONTHS_MS) throw new BadInput("The maximum range of since and until is 6 months");
    return [from, to];
  };
  const paging = (query: URLSearchParams) => {
    const limit = Math.min(numberParam(query, "limit", 25), 100);
    const offset = numberParam(query, "offset", 0);
    if (offset + limit > 10_000) throw new BadInput("Offset + limit must be less than or equal to 10000");
    return { limit, offset };
  };

  const standIn = await startRestStandIn({
    host: options.host,
    port: options.port,
    faults: options.faults,
    authorised(req: IncomingMessage) {
      const match = /^Token token=(.+)$/.exec(req.headers.authorization ?? "");
      return match !== null && (options.tokens === undefined || options.tokens.includes(match[1] as string));
    },
    errorBody: (status, message) => errorBody(status, message),
    route(path, query) {
      try {
        const at = now().getTime();
        if (path === "/incidents") {
          const [from, to] = rangeOf(query, at);
          const wanted = query.getAll("service_ids[]");
          const statuses = query.getAll("statuses[]");
          const { limit, offset } = paging(query);
          const all = incidents
            .filter((i) => {
              const created = Date.parse(i.createdAt);
              return created <= at && created >= from && created < to;
            })
            .filter((i) => wanted.length === 0 || wanted.includes(i.service.id))
            .map((i) => incidentJson(i, at))
            .filter((i) => statuses.length === 0 || statuses.includes(i.status));
          const { page, more } = pageOf(all, offset, limit);
          return {
            status: 200,
            body: {
              incidents: page,
              limit,
              offset,
              more,
              total: query.get("total") === "true" ? all.length : null,
            },
          };
        }
        if (path === "/log_entries") {
          const [from, to] = rangeOf(query, at);
          const { limit, offset } = paging(query);
          const entries = incidents
            .flatMap((i) => {
              const incident = { id: i.pagerDutyId, type: "incident_reference", summary: i.title };
              const trigger = {
                id: `R${i.pagerDutyId.slice(1)}T`,
                type: "trigger_log_entry",
                summary: "Triggered through the API.",
                created_at: i.createdAt,
                incident,
                service: serviceRef(i.service),
              };
              const resolve =
                i.resolvedAt === null
                  ? []
                  : [
                      {
                        id: `R${i.pagerDutyId.slice(1)}R`,
                        type: "resolve_log_entry",
                        summary: "Resolved by an engineer.",
                        created_at: i.resolvedAt,
                        incident,
                        service: serviceRef(i.service),
                      },
                    ];
              return [trigger, ...resolve];
            })
            .filter((e) => {
              const created = Date.parse(e.created_at);
              return created <= at && created >= from && created < to;
            })
            .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
          const { page, more } = pageOf(entries, offset, limit);
          return { status: 200, body: { log_entries: page, limit, offset, more, total: null } };
        }
        return { status: 404, body: errorBody(404, "Not Found") };
      } catch (error) {
        if (error instanceof BadInput)
          return { status: 400, body: errorBody(400, "Invalid Input Provided", [error.message]) };
        throw error;
      }
    },
  });
  return { ...standIn, services, incidents };
}
