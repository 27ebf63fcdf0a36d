/**
 * Fault injection for the REST stand-ins (PagerDuty, incident.io): the ways a REST API fails, served on
 * purpose. A plan fails the next requests in a given order (`script`), every request from the Nth on
 * (`from`, a failure no retry cures), and/or a share of requests (`rate`, kinds drawn with a seeded
 * generator, so the same plan fails the same requests the same way). Never by the clock.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { InputError } from "../../core/errors.ts";
import { createRng, type Rng } from "../prng.ts";

export const REST_FAULT_KINDS = [
  "rate_limited_429",
  "server_error_500",
  "bad_gateway_502",
  "timeout",
  "connection_reset",
  "malformed_json",
] as const;
export type RestFaultKind = (typeof REST_FAULT_KINDS)[number];

export interface RestFaultPlan {
  /** Share of requests that fail, 0..1. */
  rate?: number;
  /** Kinds drawn for `rate`; default all. */
  kinds?: RestFaultKind[];
  /** Seed of the draws (default 1). */
  seed?: number;
  /** Applied to the next requests in order, before `rate`; "ok" serves a request normally. */
  script?: (RestFaultKind | "ok")[];
  /** Every request from the Nth (1-based, counted from when the plan was set) fails with this kind. */
  from?: { request: number; kind: RestFaultKind };
  /** How long a "timeout" holds the request before closing the socket (default 15,000 ms). */
  timeoutMs?: number;
  /** Seconds a 429 asks the client to wait (`Retry-After`, default 1). */
  retryAfterSeconds?: number;
}

export type RestFaultStats = Record<RestFaultKind, number>;

export function validateRestFaultPlan(plan: RestFaultPlan): RestFaultPlan {
  if (plan.rate !== undefined && !(plan.rate >= 0 && plan.rate <= 1))
    throw new InputError(`fault rate must be between 0 and 1, got ${plan.rate}`);
  for (const kind of [...(plan.kinds ?? []), ...(plan.script ?? []), ...(plan.from ? [plan.from.kind] : [])])
    if (kind !== "ok" && !REST_FAULT_KINDS.includes(kind))
      throw new InputError(`unknown fault kind ${kind}: one of ${REST_FAULT_KINDS.join(", ")}`);
  return plan;
}

export class RestFaultInjector {
  private plan: RestFaultPlan | null = null;
  private rng: Rng = createRng(1);
  private script: (RestFaultKind | "ok")[] = [];
  private seen = 0;
  readonly stats: RestFaultStats = Object.fromEntries(REST_FAULT_KINDS.map((k) => [k, 0])) as RestFaultStats;

  set(plan: RestFaultPlan | null): void {
    this.plan = plan ? validateRestFaultPlan(plan) : null;
    this.rng = createRng(plan?.seed ?? 1);
    this.script = [...(plan?.script ?? [])];
    this.seen = 0;
  }

  /** The fault for this request, if any. */
  next(): RestFaultKind | null {
    const plan = this.plan;
    if (!plan) return null;
    this.seen++;
    let kind: RestFaultKind | null = null;
    if (plan.from && this.seen >= plan.from.request) kind = plan.from.kind;
    else if (this.script.length > 0) {
      const step = this.script.shift() as RestFaultKind | "ok";
      kind = step === "ok" ? null : step;
    } else if (plan.rate && this.rng.float() < plan.rate)
      kind = this.rng.pick(plan.kinds ?? [...REST_FAULT_KINDS]);
    if (kind) this.stats[kind]++;
    return kind;
  }

  /** Serves the fault. `errorBody` is the API's error shape for a status and message. */
  serve(
    kind: RestFaultKind,
    req: IncomingMessage,
    res: ServerResponse,
    errorBody: (status: number, message: string) => unknown,
  ): void {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    switch (kind) {
      case "rate_limited_429":
        json(429, errorBody(429, "Too many requests"), {
          "retry-after": String(this.plan?.retryAfterSeconds ?? 1),
          "ratelimit-limit": "960",
          "ratelimit-remaining": "0",
          "ratelimit-reset": String(this.plan?.retryAfterSeconds ?? 1),
        });
        return;
      case "server_error_500":
        json(500, errorBody(500, "Internal server error"));
        return;
      case "bad_gateway_502":
        res.writeHead(502, { "content-type": "text/html" });
        res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
        return;
      case "timeout": {
        const timer = setTimeout(() => req.socket.destroy(), this.plan?.timeoutMs ?? 15_000);
        req.socket.once("close", () => clearTimeout(timer));
        return;
      }
      case "connection_reset":
        req.socket.destroy();
        return;
      case "malformed_json":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"incidents": [{"id": "trunc');
        return;
    }
  }
}
