/**
 * The one place that decides what a GitHub answer means (octokit `error.ts`, tap-github
 * `validate_response`): every HTTP attempt is classified into a kind, and every kind has one reaction —
 * retriable (back off and try again), wait_until (a rate limit: wait as GitHub asks), tolerated (data with
 * errors the caller may accept, e.g. NOT_FOUND on one batched node) or fatal. Errors keep the evidence
 * (status, GitHub's request id, GraphQL errors, partial data, the request record) but never the token:
 * octokit puts request headers on its errors, so only what we need is copied out, redacted. The retry
 * class and wait of each kind are in github-retry-rules.ts.
 */

import { createRedactor } from "../http/redact.ts";
import type {
  AttemptEvidence,
  AttemptClassification as GenericClassification,
} from "../http/request-attempts.ts";
import { type Reaction, RequestError } from "../http/request-error.ts";
import type { RequestRecord } from "../http/request-record.ts";
import { RunStop } from "../run-stop.ts";

export type FailureKind =
  /** 502: GitHub stopped a query that ran past its 10 s limit (or a gateway hiccup). */
  | "bad_gateway"
  /** 504: the same, from the gateway. */
  | "gateway_timeout"
  /** Any other 5xx. */
  | "server_error"
  /** No answer within the per-request timeout. */
  | "timeout"
  /** The connection was reset or closed before an answer. */
  | "connection_reset"
  /** Another network failure (refused, DNS, TLS…). */
  | "network"
  /** A 2xx whose body is not the JSON GraphQL answers with. */
  | "malformed_json"
  /** 200 "Something went wrong while executing your query" without data. */
  | "something_went_wrong"
  /** 200 with data and errors at paths other than NOT_FOUND (a resource limit cut part of the answer). */
  | "partial_data"
  /** 403/429, or a 200 whose errors say "secondary rate limit". */
  | "secondary_limit"
  /** The primary budget is spent: RATE_LIMITED with `x-ratelimit-remaining: 0`. */
  | "primary_limit"
  /** RATE_LIMITED while points remain: treated like a secondary limit (back off). */
  | "rate_limited"
  /** 200 with data whose only errors are NOT_FOUND at paths. */
  | "not_found"
  | "auth"
  | "forbidden"
  /** The document or its variables were rejected (validation, node limit, 400/422). */
  | "query"
  /** The caller aborted the request. */
  | "cancelled"
  | "fatal";

export type AttemptKind = "ok" | FailureKind;

const REACTIONS: Record<AttemptKind, Reaction> = {
  ok: "ok",
  bad_gateway: "retriable",
  gateway_timeout: "retriable",
  server_error: "retriable",
  timeout: "retriable",
  connection_reset: "retriable",
  network: "retriable",
  malformed_json: "retriable",
  something_went_wrong: "retriable",
  partial_data: "retriable",
  secondary_limit: "wait_until",
  primary_limit: "wait_until",
  rate_limited: "wait_until",
  not_found: "tolerated",
  auth: "fatal",
  forbidden: "fatal",
  query: "fatal",
  cancelled: "fatal",
  fatal: "fatal",
};

/** What to do about an attempt of this kind. */
export function reactionOf(kind: AttemptKind): Reaction {
  return REACTIONS[kind];
}

/** Failures that say the query is too heavy for GitHub at this page size (the page size halves). */
export function isHeavyQueryFailure(kind: string): boolean {
  return kind === "bad_gateway" || kind === "gateway_timeout" || kind === "timeout";
}

export interface GraphQLErrorEntry {
  type?: string;
  message: string;
  path?: (string | number)[];
}

export interface AttemptClassification extends GenericClassification<FailureKind> {
  graphqlErrors: GraphQLErrorEntry[];
}

const SECONDARY = /secondary rate limit/i;
const SOMETHING_WENT_WRONG = /something went wrong while executing your query/i;
const RESET = /ECONNRESET|other side closed|socket hang up|EPIPE|terminated|UND_ERR_SOCKET/i;
const TIMED_OUT = /ETIMEDOUT|UND_ERR_(?:HEADERS|BODY|CONNECT)_TIMEOUT|timed? ?out/i;

/** Classifies one HTTP attempt. Pure: the same evidence always gets the same kind. */
export function classifyAttempt(evidence: AttemptEvidence): AttemptClassification {
  const headers = evidence.headers ?? {};
  const requestId = headerText(headers, "x-github-request-id") ?? null;
  const retryAfter = Number(headerText(headers, "retry-after"));
  const base = {
    requestId,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
    graphqlErrors: graphqlErrorsOf(evidence.body),
  };
  const result = (kind: AttemptKind, message: string): AttemptClassification => ({ ...base, kind, message });
  if (evidence.cancelled) return result("cancelled", "the request was cancelled");
  if (evidence.timedOut) return result("timeout", "GitHub did not answer in time");
  const status = evidence.status;
  if (status === undefined) {
    const text = networkErrorText(evidence.error);
    if (RESET.test(text)) return result("connection_reset", `the connection was reset (${text})`);
    if (TIMED_OUT.test(text)) return result("timeout", `the connection timed out (${text})`);
    return result("network", `could not reach GitHub (${text})`);
  }
  const errors = base.graphqlErrors;
  const bodyMessage = messageOf(evidence.body);
  const remaining = headerText(headers, "x-ratelimit-remaining");
  if (status === 401) return result("auth", "GitHub rejected the token (401 Bad credentials)");
  if (status === 429 || (status === 403 && SECONDARY.test(bodyMessage)))
    return result("secondary_limit", `secondary rate limit (${status})`);
  if (status === 403 && remaining === "0") return result("primary_limit", "primary rate limit spent (403)");
  if (status === 403) return result("forbidden", `GitHub refused the request (403): ${bodyMessage}`);
  if (status === 502) return result("bad_gateway", "GitHub answered 502 Bad Gateway");
  if (status === 504) return result("gateway_timeout", "GitHub answered 504 Gateway Timeout");
  if (status >= 500) return result("server_error", `GitHub answered ${status}`);
  if (status >= 400) return result("query", `GitHub rejected the request (${status}): ${bodyMessage}`);

  const body = evidence.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return result("malformed_json", "GitHub's answer was not JSON");
  }
  const data = (body as { data?: unknown }).data;
  const hasData = data !== null && typeof data === "object";
  if (errors.length === 0) {
    return hasData
      ? result("ok", "ok")
      : result("malformed_json", "GitHub's answer held neither data nor errors");
  }
  const first = errors[0]!.message;
  if (errors.some((e) => e.type === "RATE_LIMITED")) {
    return remaining === "0"
      ? result("primary_limit", "primary rate limit spent (RATE_LIMITED)")
      : result("rate_limited", "RATE_LIMITED while points remain");
  }
  if (errors.some((e) => SECONDARY.test(e.message)))
    return result("secondary_limit", "secondary rate limit (200)");
  if (hasData && errors.every((e) => e.path !== undefined)) {
    return errors.every((e) => e.type === "NOT_FOUND")
      ? result("not_found", `not found: ${errors.map((e) => e.message).join("; ")}`)
      : result("partial_data", `partial answer: ${first}`);
  }
  if (SOMETHING_WENT_WRONG.test(first)) return result("something_went_wrong", first);
  return result("query", `GitHub rejected the query: ${errors.map((e) => e.message).join("; ")}`);
}

/** A GitHub request that failed for good, with the evidence (never the token). */
export class GitHubRequestError extends RequestError {
  override name = "GitHubRequestError";
  declare readonly kind: FailureKind;
  constructor(
    message: string,
    kind: FailureKind,
    status: number | null,
    requestId: string | null,
    readonly graphqlErrors: GraphQLErrorEntry[] = [],
    /** The request's record (attempts, retries, rate limit), when it reached the network. */
    record?: RequestRecord,
  ) {
    super(message, kind, status, requestId, record);
  }

  override get reaction(): Reaction {
    return reactionOf(this.kind);
  }
}

/**
 * GitHub answered with data and errors at paths. The data is kept so the caller can decide: a NOT_FOUND
 * on one node of a batch is usually fine (see `toleratedPartial`), a cut-off answer usually is not.
 */
export class GitHubPartialDataError<T = unknown> extends GitHubRequestError {
  override name = "GitHubPartialDataError";
  constructor(
    message: string,
    kind: "partial_data" | "not_found",
    status: number | null,
    requestId: string | null,
    graphqlErrors: GraphQLErrorEntry[],
    readonly data: T,
    record?: RequestRecord,
  ) {
    super(message, kind, status, requestId, graphqlErrors, record);
  }
}

/**
 * The partial data of an error whose GraphQL errors are all of the tolerated types (NOT_FOUND by
 * default), or null. For batched `nodes(ids:)` queries where a deleted node must not stop the run.
 *
 * @example
 *   try { r = await client.query<R>(DOC, { ids }) }
 *   catch (e) { const p = toleratedPartial<R>(e); if (!p) throw e; logger.warn("skipped", { missing: p.missing }); r = p.data }
 */
export function toleratedPartial<T>(
  error: unknown,
  types: readonly string[] = ["NOT_FOUND"],
): { data: T; missing: GraphQLErrorEntry[] } | null {
  if (!(error instanceof GitHubPartialDataError)) return null;
  const errors = error.graphqlErrors;
  if (errors.length === 0 || !errors.every((e) => e.type !== undefined && types.includes(e.type)))
    return null;
  return { data: error.data as T, missing: errors };
}

/**
 * The budget fell under the configured reserve (or a rate limit asks for a longer wait than allowed):
 * the runner stops cleanly, leaving cursors where the last durable batch put them, and a later run
 * resumes after `resetAt`.
 */
export class BudgetReserveReached extends RunStop {
  override name = "BudgetReserveReached";
  constructor(
    override readonly resetAt: string,
    readonly remaining: number,
    readonly reserve: number,
    readonly reason: "reserve" | "rate_limit",
  ) {
    super(
      reason === "reserve"
        ? `GitHub budget: ${remaining} points left and github.reserve keeps ${reserve}; stopping cleanly, resume after ${resetAt}`
        : `GitHub rate limit spent until ${resetAt}, longer than the longest allowed wait; stopping cleanly, resume after it`,
    );
  }
}

/**
 * Turns anything thrown outside an HTTP attempt (bad variables, a plugin's own failure) into a
 * GitHubRequestError with a message fit for a log.
 */
export function classifyGitHubError(error: unknown, token?: string): GitHubRequestError {
  if (error instanceof GitHubRequestError) return error;
  const redactor = createRedactor(token);
  const e = (error ?? {}) as { message?: string; status?: number; name?: string };
  const text = redactor.text(e.message ?? String(error));
  const status = typeof e.status === "number" ? e.status : null;
  if (status === 401) {
    return new GitHubRequestError(
      "GitHub rejected the token (401 Bad credentials): check the variable named by github.tokenEnv",
      "auth",
      status,
      null,
    );
  }
  if (e.name === "AbortError")
    return new GitHubRequestError("the request was cancelled", "cancelled", null, null);
  return new GitHubRequestError(text, "fatal", status, null);
}

function headerText(headers: Record<string, string | number | undefined>, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return value === undefined ? undefined : String(value);
}

function graphqlErrorsOf(body: unknown): GraphQLErrorEntry[] {
  if (!body || typeof body !== "object") return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((raw) => {
    const e = (raw ?? {}) as { type?: unknown; message?: unknown; path?: unknown };
    const entry: GraphQLErrorEntry = { message: String(e.message ?? "unknown error") };
    if (typeof e.type === "string") entry.type = e.type;
    if (Array.isArray(e.path))
      entry.path = e.path.filter((p) => typeof p === "string" || typeof p === "number");
    return entry;
  });
}

function messageOf(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 300);
  if (body && typeof body === "object") {
    const b = body as { message?: unknown; errors?: { message?: unknown }[] };
    if (typeof b.message === "string") return b.message;
    if (Array.isArray(b.errors)) return b.errors.map((e) => String(e?.message ?? "")).join("; ");
  }
  return "";
}

function networkErrorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === "string") parts.push(e.code);
    if (typeof e.message === "string") parts.push(e.message);
    current = e.cause;
  }
  return parts.join(": ") || String(error);
}
