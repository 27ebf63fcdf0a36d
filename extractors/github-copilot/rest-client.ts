/**
 * GitHub's REST API as an API family on the shared transport (http/transport.ts): what its answers mean
 * (its documented status codes, the `x-ratelimit-*` budget, secondary limits on 403/429 with `retry-after`),
 * its pagination (`Link: <…>; rel="next"`) and its pacing. A GET returns the parsed JSON; a request that
 * failed for good is a GitHubRestError. The token goes in the Authorization header and nowhere else: every
 * message passes through the redactor, and a `next` link to another host is refused rather than followed
 * with the token.
 */
import type { Logger } from "../../core/logger.ts";
import { createPacing } from "../http/pacing.ts";
import { createRedactor } from "../http/redact.ts";
import type { AttemptClassification, AttemptEvidence } from "../http/request-attempts.ts";
import { type Reaction, RequestError } from "../http/request-error.ts";
import type { RateLimitSnapshot, RequestRecord } from "../http/request-record.ts";
import { normaliseRequestPolicy, type RequestPolicyOptions } from "../http/retry-policy.ts";
import {
  createTransport,
  type FamilyRules,
  type HttpAnswer,
  realSleep,
  realTimeout,
} from "../http/transport.ts";
import { RunStop } from "../run-stop.ts";

/** What a REST answer can mean (besides ok). */
export type RestKind =
  | "timeout"
  | "network"
  | "server_error"
  | "malformed_json"
  | "secondary_limit"
  | "primary_limit"
  | "auth"
  | "forbidden"
  | "not_found"
  | "unprocessable"
  | "bad_request";

const REACTIONS: Record<"ok" | RestKind, Reaction> = {
  ok: "ok",
  timeout: "retriable",
  network: "retriable",
  server_error: "retriable",
  malformed_json: "retriable",
  secondary_limit: "wait_until",
  primary_limit: "wait_until",
  auth: "fatal",
  forbidden: "fatal",
  not_found: "fatal",
  unprocessable: "fatal",
  bad_request: "fatal",
};

const header = (evidence: AttemptEvidence, name: string): string | undefined => {
  const value = evidence.headers?.[name];
  return value === undefined ? undefined : String(value);
};

/** GitHub's own message in an error body (`{ "message": …, "documentation_url": … }`), if any. */
function messageOf(body: unknown): string {
  if (body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string")
    return (body as { message: string }).message;
  return typeof body === "string" ? body.slice(0, 200) : "";
}

export const githubRestRules: FamilyRules<RestKind, AttemptClassification<RestKind>> = {
  classify(evidence) {
    const retryAfter = Number(header(evidence, "retry-after"));
    const base = {
      requestId: header(evidence, "x-github-request-id") ?? null,
      retryAfterSeconds:
        header(evidence, "retry-after") !== undefined && Number.isFinite(retryAfter) ? retryAfter : null,
    };
    const is = (kind: "ok" | RestKind, message: string) => ({ ...base, kind, message });
    if (evidence.timedOut) return is("timeout", "no answer in time");
    const status = evidence.status;
    if (status === undefined) {
      const cause = (evidence.error as { cause?: { code?: string } } | undefined)?.cause?.code;
      return is(
        "network",
        `no answer (${cause ?? String((evidence.error as Error | undefined)?.message ?? "network error")})`,
      );
    }
    const said = messageOf(evidence.body);
    const spent = header(evidence, "x-ratelimit-remaining") === "0";
    if (status >= 200 && status < 300)
      return typeof evidence.body === "string"
        ? is("malformed_json", `${status} with a body that is not JSON`)
        : is("ok", "ok");
    if (status === 401) return is("auth", `401 ${said || "Bad credentials"}: check the token`);
    if ((status === 403 || status === 429) && spent && base.retryAfterSeconds === null)
      return is("primary_limit", `${status} rate limit spent until x-ratelimit-reset`);
    if (
      status === 429 ||
      (status === 403 && (base.retryAfterSeconds !== null || /secondary rate limit|abuse/i.test(said)))
    )
      return is("secondary_limit", `${status} secondary rate limit${said ? `: ${said}` : ""}`);
    if (status === 403) return is("forbidden", `403 ${said || "Forbidden"}`);
    if (status === 404) return is("not_found", `404 ${said || "Not Found"}`);
    if (status === 422) return is("unprocessable", `422 ${said || "Unprocessable Entity"}`);
    if (status >= 500) return is("server_error", `${status} ${said || "server error"}`.trim());
    return is("bad_request", `${status} ${said}`.trim());
  },
  reactionOf: (kind) => REACTIONS[kind],
  retryClassOf: (kind) =>
    kind === "ok" || REACTIONS[kind] === "fatal"
      ? null
      : kind === "secondary_limit" || kind === "primary_limit"
        ? "limit"
        : "transient",
  waitRuleOf: (kind) =>
    kind === "secondary_limit" ? "retry_after" : kind === "primary_limit" ? "until_reset" : "backoff",
  observeBudget(evidence) {
    const remaining = Number(header(evidence, "x-ratelimit-remaining"));
    const reset = Number(header(evidence, "x-ratelimit-reset"));
    if (
      !Number.isFinite(remaining) ||
      !Number.isFinite(reset) ||
      header(evidence, "x-ratelimit-remaining") === undefined
    )
      return { rateLimit: null, resetAt: null };
    const resetAt = new Date(reset * 1000);
    const number = (name: string) => {
      const n = Number(header(evidence, name));
      return header(evidence, name) === undefined || !Number.isFinite(n) ? null : n;
    };
    const rateLimit: RateLimitSnapshot = {
      cost: null,
      remaining,
      resetAt: resetAt.toISOString(),
      limit: number("x-ratelimit-limit"),
      used: number("x-ratelimit-used"),
      source: "headers",
    };
    return { rateLimit, resetAt };
  },
};

/** A REST request that failed for good: its kind says whether only its partition is lost (see RequestError). */
export class GitHubRestError extends RequestError {
  override name = "GitHubRestError";
  override get reaction(): Reaction {
    return REACTIONS[this.kind as RestKind] ?? "fatal";
  }
}

/** GitHub's REST budget is under the reserve (or spent until a reset too far to wait for): stop cleanly. */
export class RestBudgetStop extends RunStop {
  override name = "RestBudgetStop";
  constructor(
    message: string,
    override readonly resetAt: string,
  ) {
    super(message);
  }
}

export interface GitHubRestClientOptions {
  /** REST base: https://api.github.com, https://HOST/api/v3, or the simulator's http://127.0.0.1:PORT. */
  baseUrl: string;
  token: string;
  logger: Logger;
  onRequest?: (record: RequestRecord<RestKind>) => void;
  /** Pause between requests (github.requestIntervalMs). */
  requestIntervalMs: number;
  /** Stop cleanly before `x-ratelimit-remaining` falls under this (github.reserve). */
  reserve: number;
  policy?: RequestPolicyOptions;
  now?: () => Date;
}

export interface RestPage {
  body: unknown;
  /** The `rel="next"` link, when there is another page. */
  next: string | null;
  record: RequestRecord<RestKind>;
}

export interface GitHubRestClient {
  readonly baseUrl: string;
  /**
   * GET one page: `path` with its query (or a `next` link from the previous page). `operation` is the route
   * as the ledger names it (`GET /orgs/{org}/copilot/metrics`), never the concrete path.
   */
  get(
    pathOrUrl: string,
    options: { operation: string; stream: string; label?: string; query?: Record<string, string | number> },
  ): Promise<RestPage>;
}

/** The REST base of a GraphQL endpoint: …/graphql → …, and GitHub Enterprise Server's …/api/graphql → …/api/v3. */
export function restBaseOf(graphqlUrl: string): string {
  const base = graphqlUrl.replace(/\/+$/, "").replace(/\/graphql$/, "");
  return /\/api$/.test(base) ? `${base}/v3` : base;
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1] ?? null;
  }
  return null;
}

export function createGitHubRestClient(options: GitHubRestClientOptions): GitHubRestClient {
  const { token, logger } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const origin = new URL(baseUrl).origin;
  const now = options.now ?? (() => new Date());
  const redactor = createRedactor(token);
  const policy = normaliseRequestPolicy({ reserve: options.reserve, ...options.policy });
  const transport = createTransport<RestKind, AttemptClassification<RestKind>>({
    label: "GitHub REST",
    logger,
    redactor,
    policy,
    rules: githubRestRules,
    onRequest: options.onRequest,
    now,
    sleep: realSleep,
    startTimeout: realTimeout,
  });
  const pacing = createPacing(options.requestIntervalMs).key("github-rest");
  let budget: RateLimitSnapshot | null = null;

  const exchange = (url: string) => async (signal: AbortSignal) => {
    const res = await fetch(url, {
      signal,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "x-github-api-version": "2022-11-28",
        "user-agent": "yardstick",
      },
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: Object.fromEntries(res.headers), body } satisfies HttpAnswer;
  };

  const fail = (
    req: { operation: string; last(): { status: number | null; requestId: string | null } | undefined },
    message: string,
    kind: string,
    record: RequestRecord,
  ) => {
    const last = req.last();
    return new GitHubRestError(
      redactor.text(`GitHub REST ${req.operation}: ${message}`),
      kind,
      last?.status ?? null,
      last?.requestId ?? null,
      record,
    );
  };

  function checkReserve(): void {
    if (!budget) return;
    const resetAt = Date.parse(budget.resetAt);
    if (budget.remaining < policy.reserve && resetAt > now().getTime())
      throw new RestBudgetStop(
        `GitHub's REST budget is down to ${budget.remaining} requests (reserve ${policy.reserve}) until ${budget.resetAt}; stopping cleanly`,
        budget.resetAt,
      );
  }

  async function get(
    pathOrUrl: string,
    opts: { operation: string; stream: string; label?: string; query?: Record<string, string | number> },
  ): Promise<RestPage> {
    const url = new URL(/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${baseUrl}${pathOrUrl}`);
    if (url.origin !== origin)
      throw new GitHubRestError(
        redactor.text(
          `GitHub REST ${opts.operation}: a next link points to ${url.origin}, not ${origin}; not followed`,
        ),
        "bad_request",
        null,
        null,
      );
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
    checkReserve();
    const req = transport.begin(opts.operation, {
      stream: opts.stream,
      ...(opts.label ? { label: opts.label } : {}),
    });
    // The transport keeps no headers in its records (a token could hide there): the Link header is read
    // from the last answer itself.
    let answered: HttpAnswer | undefined;
    const sendOnce = () =>
      pacing.schedule(async () => {
        answered = undefined;
        answered = await transport.attempt(req, exchange(url.toString()), (answer) => answer);
      });
    return transport.send(req, sendOnce, {
      ok: (r) => {
        const last = r.last();
        if (last?.rateLimit) budget = last.rateLimit;
        const answer = r.lastBody;
        const record = transport.finish(r, "ok");
        return { body: answer, next: nextLink(answered?.headers.link as string | undefined), record };
      },
      unreached: (r, thrown) =>
        fail(r, redactor.text(String(thrown)), "bad_request", transport.finish(r, "failed")),
      tolerated: (r, last) =>
        fail(
          r,
          last.classification.message,
          last.kind,
          transport.finish(r, "partial", last.kind as RestKind),
        ),
      fatal: (r, last) =>
        fail(r, last.classification.message, last.kind, transport.finish(r, "failed", last.kind as RestKind)),
      exhausted: (r, last) =>
        fail(r, last.classification.message, last.kind, transport.finish(r, "failed", last.kind as RestKind)),
      beforeRetry: (r, last) => {
        if (last.kind !== "primary_limit" || !last.resetAt) return;
        if (last.resetAt.getTime() - now().getTime() > policy.maxWaitMs) {
          transport.finish(r, "stopped", "primary_limit");
          throw new RestBudgetStop(
            `GitHub's REST budget is spent until ${last.resetAt.toISOString()}, too long to wait; stopping cleanly`,
            last.resetAt.toISOString(),
          );
        }
      },
    });
  }

  return { baseUrl, get };
}
