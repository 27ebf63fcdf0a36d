/**
 * The simulator's REST routes: GitHub's Copilot metrics (`GET /orgs/{org}/copilot/metrics` and
 * `GET /orgs/{org}/team/{team_slug}/copilot/metrics`, also under /api/v3 as on GitHub Enterprise Server),
 * answering in the documented shape from the generated organisation's Copilot usage
 * (generator/copilot-usage.ts): the last 28 days before the simulator's "now" up to yesterday, days with
 * fewer than five licensed members withheld, `since`/`until`, `page`/`per_page` with a Link header, the
 * REST `x-ratelimit-*` headers (resource "core", one request each), and GitHub's error bodies (401, 404,
 * 422). Faults are the same plan's as the GraphQL endpoint's, served the REST way (faults.ts for the
 * kinds both share; a 429 with Retry-After for GraphQL's 200-with-errors limits; a 403 with
 * x-ratelimit-remaining 0 for a spent budget).
 */
import type { ServerResponse } from "node:http";
import type { Dataset } from "./dataset.ts";
import { type FaultContext, type FaultKind, SECONDARY_RETRY_AFTER_SECONDS, serveFault } from "./faults.ts";
import { type CopilotPopulation, copilotDays, copilotPopulation } from "./generator/copilot-usage.ts";
import type { GraphQLResponse } from "./graphql-endpoint.ts";
import type { TeamDefinition } from "./ground-truth.ts";
import { RateLimiter, type RateLimitState } from "./rate-limit.ts";

const ROUTE = /^(?:\/api\/v3)?\/orgs\/([^/]+)\/(?:team\/([^/]+)\/)?copilot\/metrics\/?$/;
const DOCS = "https://docs.github.com/rest/copilot/copilot-metrics";
const WINDOW_DAYS = 28;
const DAY_MS = 86_400_000;

/** The fault rules' name for these routes (`rules: [{ operation: "RestCopilotMetrics", … }]`). */
export const REST_COPILOT_OPERATION = "RestCopilotMetrics";

export interface RestRequest {
  organization: string;
  team: string | null;
  query: URLSearchParams;
}

/** The route a path asks for, or null when it is not one of these routes. */
export function matchRestRoute(url: string): RestRequest | null {
  const parsed = new URL(url, "http://simulator");
  const match = ROUTE.exec(parsed.pathname);
  if (!match) return null;
  return {
    organization: decodeURIComponent(match[1] as string),
    team: match[2] === undefined ? null : decodeURIComponent(match[2]),
    query: parsed.searchParams,
  };
}

export interface RestAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export class RestEndpoint {
  private population: CopilotPopulation;
  readonly limiter: RateLimiter;

  constructor(
    dataset: Dataset,
    private readonly teams: readonly TeamDefinition[],
    private readonly clock: () => Date,
    limit?: number,
  ) {
    this.population = copilotPopulation(dataset, teams);
    this.limiter = new RateLimiter(limit, clock);
  }

  setDataset(dataset: Dataset): void {
    this.population = copilotPopulation(dataset, this.teams);
  }

  /** Answers one request (charging one request of the token's core budget unless `charge` is false). */
  handle(token: string, request: RestRequest, baseUrl: string, charge = true): RestAnswer {
    const budget = charge
      ? this.limiter.charge(token, 1)
      : { exceeded: false, state: this.limiter.peek(token) };
    const headers = restRateLimitHeaders(budget.state);
    if (budget.exceeded)
      return {
        status: 403,
        headers: { ...headers, "x-ratelimit-remaining": "0" },
        body: {
          message: "API rate limit exceeded.",
          documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
        },
      };
    const today = Date.parse(`${this.clock().toISOString().slice(0, 10)}T00:00:00Z`);
    const first = today - WINDOW_DAYS * DAY_MS;
    const yesterday = today - DAY_MS;
    const q = request.query;
    const invalid = (message: string): RestAnswer => ({
      status: 422,
      headers,
      body: { message: "Validation Failed", errors: [{ message }], documentation_url: DOCS, status: "422" },
    });
    const instant = (name: string): number | undefined | RestAnswer => {
      const text = q.get(name);
      if (text === null) return undefined;
      const ms = Date.parse(text);
      if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
        return invalid(`${name} must be an ISO 8601 timestamp (YYYY-MM-DDTHH:MM:SSZ)`);
      return ms;
    };
    const since = instant("since");
    const until = instant("until");
    if (typeof since === "object") return since;
    if (typeof until === "object") return until;
    const perPage = Number(q.get("per_page") ?? 28);
    const page = Number(q.get("page") ?? 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
      return invalid("per_page must be 1 to 100");
    if (!Number.isInteger(page) || page < 1) return invalid("page must be 1 or more");
    const from = Math.max(first, since === undefined ? first : Math.floor(since / DAY_MS) * DAY_MS);
    const to = Math.min(yesterday, until === undefined ? yesterday : Math.floor(until / DAY_MS) * DAY_MS);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const days =
      from > to ? [] : copilotDays(this.population, request.organization, request.team, day(from), day(to));
    if (days === undefined)
      return { status: 404, headers, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
    const pages = Math.max(1, Math.ceil(days.length / perPage));
    const body = days.slice((page - 1) * perPage, page * perPage);
    const link = (n: number, rel: string) => {
      const next = new URLSearchParams(q);
      next.set("page", String(n));
      return `<${baseUrl}?${next.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page < pages) links.push(link(page + 1, "next"), link(pages, "last"));
    if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
    return {
      status: 200,
      headers: { ...headers, ...(links.length ? { link: links.join(", ") } : {}) },
      body,
    };
  }
}

export function restRateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "x-ratelimit-limit": String(state.limit),
    "x-ratelimit-remaining": String(state.remaining),
    "x-ratelimit-used": String(state.used),
    "x-ratelimit-reset": String(Math.floor(state.resetAt.getTime() / 1000)),
    "x-ratelimit-resource": "core",
  };
}

/** Serves one fault on a REST route, as GitHub's REST API fails. */
export async function serveRestFault(
  kind: FaultKind,
  ctx: Omit<FaultContext, "execute" | "rateLimit"> & { rateLimit: RateLimitState; execute: () => RestAnswer },
): Promise<void> {
  const { res } = ctx;
  const headers = restRateLimitHeaders(ctx.rateLimit);
  switch (kind) {
    case "timeout":
    case "connection_reset":
    case "bad_gateway_502":
    case "gateway_timeout_504":
      return serveFault(kind, {
        ...ctx,
        execute: async () => ctx.execute().body as GraphQLResponse,
      });
    case "partial_data":
      // REST has no partial answers: GitHub's REST failure is a 500 with its message.
      return send(res, 500, { message: "Server Error" }, headers);
    case "secondary_limit_403":
      return send(
        res,
        403,
        {
          message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${ctx.requestId}.`,
          documentation_url:
            "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        },
        { ...headers, "retry-after": String(SECONDARY_RETRY_AFTER_SECONDS) },
      );
    case "secondary_limit_200":
    case "rate_limited_200":
      // GraphQL's 200-with-errors limits are a 429 with Retry-After on REST.
      return send(
        res,
        429,
        {
          message: "Too Many Requests",
          documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
        },
        { ...headers, "retry-after": String(SECONDARY_RETRY_AFTER_SECONDS) },
      );
    case "primary_limit": {
      const resetSeconds = Math.floor(ctx.now().getTime() / 1000) + 2;
      return send(
        res,
        403,
        {
          message:
            "API rate limit exceeded for user ID 1. (But here's the good news: Authenticated requests get a higher rate limit.)",
          documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
        },
        { ...headers, "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetSeconds) },
      );
    }
    case "malformed_json": {
      const answer = ctx.execute();
      const text = JSON.stringify(answer.body);
      const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      return send(res, 200, cut, { ...headers, ...answer.headers }, true);
    }
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  raw = false,
): void {
  if (res.headersSent) return;
  const text = raw ? String(body) : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-github-media-type": "github.v3; format=json",
  });
  res.end(text);
}
