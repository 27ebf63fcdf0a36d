/**
 * Fault injection: the ways GitHub's GraphQL API fails, served on purpose so that the extractor's retries,
 * waits and page-size halving can be tested against a real HTTP server.
 *
 * A plan fails a share of requests (`rate`, kinds drawn uniformly with a seeded generator) and/or the
 * next requests in a given order (`script`), and/or every request that matches a rule (`rules`: one
 * operation, optionally only with given variables, from its Nth occurrence on — a failure that no retry
 * cures). Rules are checked first, then the script, then the rate. Faulted requests are never charged
 * points, so an extraction costs the same with or without faults, apart from its retries.
 *
 * @example
 *   sim.setFaults({ script: ["bad_gateway_502", "ok", "timeout"], timeoutMs: 50 });
 *   sim.setFaults({ rate: 0.1, seed: 7 });   // 10% of requests fail, every kind
 *   // Every page of acme/api's pull requests fails, from the second on:
 *   sim.setFaults({ rules: [{ kind: "connection_reset", operation: "RepoPullRequests", variables: { name: "api" }, from: 2 }] });
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isNonNullType } from "graphql";
import { InputError, type InputProblem } from "../core/errors.ts";
import { githubSchema } from "./github-schema.ts";
import { type GraphQLResponse, userIdOf } from "./graphql-endpoint.ts";
import { createRng, type Rng } from "./prng.ts";
import type { RateLimitState } from "./rate-limit.ts";

export const FAULT_KINDS = [
  "bad_gateway_502",
  "gateway_timeout_504",
  "timeout",
  "connection_reset",
  "secondary_limit_403",
  "secondary_limit_200",
  "primary_limit",
  "rate_limited_200",
  "partial_data",
  "malformed_json",
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** Requests that fail every time: one operation (optionally with given variables), from its Nth on. */
export interface FaultRule {
  kind: FaultKind;
  /** The operation's name, as in `query RepoPullRequests(...)`; default: every operation. */
  operation?: string;
  /** Variables the request must carry with exactly these values, e.g. `{ name: "api" }`. */
  variables?: Record<string, unknown>;
  /** The first matching request that fails (1-based, default 1: every one). */
  from?: number;
}

/** What a rule looks at: the request's GraphQL body. */
export interface FaultRequest {
  query?: unknown;
  variables?: unknown;
}

export interface FaultPlan {
  /** Requests that fail whenever they match, checked before `script` and `rate`. */
  rules?: FaultRule[];
  /** Share of GraphQL requests that fail, 0..1. */
  rate?: number;
  /** Kinds drawn (uniformly) for `rate`; default all. */
  kinds?: FaultKind[];
  /** Seed of the draws (default 1): the same plan fails the same requests in the same way. */
  seed?: number;
  /** Applied to the next requests in order, before `rate`; "ok" serves a request normally. */
  script?: (FaultKind | "ok")[];
  /** How long a "timeout" holds the request before destroying the socket (default 15,000 ms). */
  timeoutMs?: number;
}

export type FaultStats = Record<FaultKind, number>;

export const DEFAULT_FAULT_TIMEOUT_MS = 15_000;

/** Seconds a secondary-limit 403 asks the client to wait (small, so tests stay fast). */
export const SECONDARY_RETRY_AFTER_SECONDS = 1;

const SECONDARY_DOCS =
  "https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api#secondary-rate-limits";

function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === "string" && (FAULT_KINDS as readonly string[]).includes(value);
}

/** Checks a plan (from code or from CLI flags); every problem is listed in one InputError. */
export function validateFaultPlan(plan: FaultPlan): FaultPlan {
  const problems: InputProblem[] = [];
  const known = FAULT_KINDS.join(", ");
  if (plan.rate !== undefined && !(Number.isFinite(plan.rate) && plan.rate >= 0 && plan.rate <= 1)) {
    problems.push({ field: "rate", message: `must be a number from 0 to 1: got ${plan.rate}` });
  }
  if (plan.kinds !== undefined) {
    if (plan.kinds.length === 0) problems.push({ field: "kinds", message: "must name at least one kind" });
    plan.kinds.forEach((kind, i) => {
      if (!isFaultKind(kind))
        problems.push({ field: `kinds[${i}]`, message: `unknown fault kind "${kind}" (known: ${known})` });
    });
  }
  plan.script?.forEach((step, i) => {
    if (step !== "ok" && !isFaultKind(step))
      problems.push({ field: `script[${i}]`, message: `unknown fault kind "${step}" (known: ok, ${known})` });
  });
  plan.rules?.forEach((rule, i) => {
    if (!isFaultKind(rule.kind))
      problems.push({
        field: `rules[${i}].kind`,
        message: `unknown fault kind "${rule.kind}" (known: ${known})`,
      });
    if (rule.from !== undefined && !(Number.isInteger(rule.from) && rule.from >= 1))
      problems.push({ field: `rules[${i}].from`, message: `must be an integer ≥ 1: got ${rule.from}` });
    if (rule.operation !== undefined && !/^[A-Za-z_]\w*$/.test(rule.operation))
      problems.push({
        field: `rules[${i}].operation`,
        message: `must be a GraphQL operation name: got "${rule.operation}"`,
      });
  });
  if (plan.seed !== undefined && !Number.isInteger(plan.seed)) {
    problems.push({ field: "seed", message: `must be an integer: got ${plan.seed}` });
  }
  if (plan.timeoutMs !== undefined && !(Number.isFinite(plan.timeoutMs) && plan.timeoutMs >= 0)) {
    problems.push({
      field: "timeoutMs",
      message: `must be a number of milliseconds ≥ 0: got ${plan.timeoutMs}`,
    });
  }
  if (problems.length > 0) throw new InputError("fault plan is invalid", problems);
  return plan;
}

/** Parses `--fault-kinds 502,timeout` style lists: full kind names, comma-separated. */
export function parseFaultKinds(text: string): FaultKind[] {
  const kinds = text
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
  validateFaultPlan({ kinds: kinds as FaultKind[] });
  return kinds as FaultKind[];
}

export function emptyFaultStats(): FaultStats {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as FaultStats;
}

/** Decides, request by request, which fault (if any) to serve under one plan. */
export class FaultInjector {
  private readonly script: (FaultKind | "ok")[];
  /** Matching requests seen so far, per rule. */
  private readonly matched: number[];
  private readonly rng: Rng;
  private readonly kinds: readonly FaultKind[];
  readonly timeoutMs: number;

  constructor(private readonly plan: FaultPlan) {
    validateFaultPlan(plan);
    this.script = [...(plan.script ?? [])];
    this.matched = (plan.rules ?? []).map(() => 0);
    this.rng = createRng(plan.seed ?? 1);
    this.kinds = plan.kinds ?? FAULT_KINDS;
    this.timeoutMs = plan.timeoutMs ?? DEFAULT_FAULT_TIMEOUT_MS;
  }

  /** The fault for the next request (its body, for the rules), or null to serve it normally. */
  next(request: FaultRequest = {}): FaultKind | null {
    const rules = this.plan.rules ?? [];
    for (const [i, rule] of rules.entries()) {
      if (!ruleMatches(rule, request)) continue;
      this.matched[i] = (this.matched[i] ?? 0) + 1;
      if (this.matched[i]! >= (rule.from ?? 1)) return rule.kind;
    }
    const step = this.script.shift();
    if (step !== undefined) return step === "ok" ? null : step;
    const rate = this.plan.rate ?? 0;
    if (rate <= 0) return null;
    // Two draws per request whatever the outcome, so one request's fate does not shift the next one's.
    const hit = this.rng.float() < rate;
    const kind = this.rng.pick(this.kinds);
    return hit ? kind : null;
  }
}

function ruleMatches(rule: FaultRule, request: FaultRequest): boolean {
  if (rule.operation !== undefined) {
    const query = typeof request.query === "string" ? request.query : "";
    const name = /\b(?:query|mutation|subscription)\s+([A-Za-z_]\w*)/.exec(query)?.[1];
    if (name !== rule.operation) return false;
  }
  if (rule.variables) {
    const given = (request.variables ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(rule.variables))
      if (JSON.stringify(given[key]) !== JSON.stringify(value)) return false;
  }
  return true;
}

/** What a fault needs from the server to answer one request. */
export interface FaultContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  token: string;
  /** The token's budget, unchanged (faults are not charged). */
  rateLimit: RateLimitState;
  /** Runs the request normally, without charging it (for partial data and malformed JSON). */
  execute: () => Promise<GraphQLResponse>;
  now: () => Date;
  timeoutMs: number;
  /** Remembers a pending timer so that closing the server cancels it. */
  hold: (timer: NodeJS.Timeout) => void;
  release: (timer: NodeJS.Timeout) => void;
  /** 1 for the first 502 served, 2 for the second… (502 bodies alternate JSON and HTML). */
  occurrence: number;
}

/** Serves one fault of `kind`. */
export async function serveFault(kind: FaultKind, ctx: FaultContext): Promise<void> {
  const { res } = ctx;
  switch (kind) {
    case "bad_gateway_502":
      // GitHub answers a query that ran past its 10 s limit with this JSON from the GraphQL service, or
      // with the gateway's bare HTML page; neither carries rate-limit headers (nothing was charged).
      if (ctx.occurrence % 2 === 1) {
        return send(res, 502, "application/json; charset=utf-8", {
          data: null,
          errors: [{ message: somethingWentWrong(ctx.requestId) }],
        });
      }
      return send(res, 502, "text/html", NGINX_502);
    case "gateway_timeout_504":
      return send(res, 504, "application/json; charset=utf-8", {
        message:
          "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
      });
    case "timeout": {
      const socket = ctx.req.socket;
      const timer = setTimeout(() => {
        ctx.release(timer);
        socket.destroy();
      }, ctx.timeoutMs);
      ctx.hold(timer);
      socket.once("close", () => {
        clearTimeout(timer);
        ctx.release(timer);
      });
      return;
    }
    case "connection_reset":
      // A TCP RST, so the client sees ECONNRESET rather than a clean close.
      ctx.req.socket.resetAndDestroy();
      return;
    case "secondary_limit_403":
      return send(
        res,
        403,
        "application/json; charset=utf-8",
        {
          message: secondaryLimitMessage(ctx.requestId),
          documentation_url: SECONDARY_DOCS,
        },
        { ...rateLimitHeaders(ctx.rateLimit), "retry-after": String(SECONDARY_RETRY_AFTER_SECONDS) },
      );
    case "secondary_limit_200":
      // Octokit's throttling plugin only looks for this message on 403/429: a client must check itself.
      return send(
        res,
        200,
        "application/json; charset=utf-8",
        { errors: [{ message: secondaryLimitMessage(ctx.requestId) }] },
        rateLimitHeaders(ctx.rateLimit),
      );
    case "primary_limit": {
      // The budget looks spent until a moment from now: the reset is one to two seconds ahead.
      const resetSeconds = Math.floor(ctx.now().getTime() / 1000) + 2;
      return send(
        res,
        200,
        "application/json; charset=utf-8",
        {
          errors: [
            {
              type: "RATE_LIMITED",
              code: "graphql_rate_limit",
              message: `API rate limit exceeded for user ID ${userIdOf(ctx.token)}.`,
            },
          ],
        },
        {
          ...rateLimitHeaders(ctx.rateLimit),
          "x-ratelimit-remaining": "0",
          "x-ratelimit-used": String(ctx.rateLimit.limit),
          "x-ratelimit-reset": String(resetSeconds),
        },
      );
    }
    case "rate_limited_200":
      return send(
        res,
        200,
        "application/json; charset=utf-8",
        {
          errors: [
            {
              type: "RATE_LIMITED",
              code: "graphql_rate_limit",
              message: `API rate limit exceeded for user ID ${userIdOf(ctx.token)}.`,
            },
          ],
        },
        rateLimitHeaders(ctx.rateLimit),
      );
    case "partial_data": {
      const body = await ctx.execute();
      return send(
        res,
        200,
        "application/json; charset=utf-8",
        losePart(body, somethingWentWrong(ctx.requestId)),
        rateLimitHeaders(ctx.rateLimit),
      );
    }
    case "malformed_json": {
      const text = JSON.stringify(await ctx.execute());
      // Cut inside the document: the closing brace is the last character, so any cut is invalid JSON.
      const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      return send(res, 200, "application/json; charset=utf-8", cut, rateLimitHeaders(ctx.rateLimit), true);
    }
  }
}

/**
 * A partial answer: one part of `data` becomes null, with an error at its path. The part is the first item
 * of the shallowest `nodes` list (connection items and `nodes(ids:)` entries are nullable), else the first
 * top-level field (`rateLimit` last); a top-level field the schema declares non-null takes `data` with it,
 * as GraphQL's null propagation does.
 */
export function losePart(body: GraphQLResponse, message: string): GraphQLResponse {
  const data = body.data;
  if (!data || typeof data !== "object") return body;
  const copy = structuredClone(data) as Record<string, unknown>;
  const path = findNodesItem(copy) ?? firstTopLevel(copy);
  if (!path) return body;
  const error = { type: "SOMETHING_WENT_WRONG", path, locations: [], message };
  const errors = [...(body.errors ?? []), error];
  const field = githubSchema().getQueryType()?.getFields()[String(path[0])];
  if (path.length === 1 && field && isNonNullType(field.type)) return { data: null, errors };
  setAt(copy, path, null);
  return { data: copy, errors };
}

function findNodesItem(root: Record<string, unknown>): (string | number)[] | undefined {
  let frontier: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { value, path } of frontier) {
      if (!value || typeof value !== "object") continue;
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          next.push({ value: item, path: [...path, i] });
        });
        continue;
      }
      for (const [key, child] of Object.entries(value)) {
        if (key === "rateLimit") continue;
        if (key === "nodes" && Array.isArray(child)) {
          const i = child.findIndex((item) => item !== null);
          if (i >= 0) return [...path, key, i];
        }
        next.push({ value: child, path: [...path, key] });
      }
    }
    frontier = next;
  }
  return undefined;
}

function firstTopLevel(root: Record<string, unknown>): (string | number)[] | undefined {
  const keys = Object.keys(root).filter((k) => root[k] !== null);
  const key = keys.find((k) => k !== "rateLimit") ?? keys[0];
  return key === undefined ? undefined : [key];
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let target: unknown = root;
  for (const step of path.slice(0, -1)) target = (target as Record<string | number, unknown>)[step];
  (target as Record<string | number, unknown>)[path[path.length - 1] as string | number] = value;
}

function somethingWentWrong(requestId: string): string {
  return `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${requestId}\` when reporting this issue.`;
}

function secondaryLimitMessage(requestId: string): string {
  return `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`;
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "x-ratelimit-limit": String(state.limit),
    "x-ratelimit-remaining": String(state.remaining),
    "x-ratelimit-used": String(state.used),
    "x-ratelimit-reset": String(Math.floor(state.resetAt.getTime() / 1000)),
    "x-ratelimit-resource": "graphql",
  };
}

const NGINX_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: unknown,
  headers: Record<string, string> = {},
  raw = false,
): void {
  if (res.headersSent) return;
  const text = raw || typeof body === "string" ? String(body) : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
