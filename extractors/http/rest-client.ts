/**
 * A JSON REST API family on the shared transport (transport.ts): GET requests with a token in a header,
 * paced, retried and recorded the same way for every REST source (PagerDuty, incident.io). What an answer
 * means is common to them: 2xx with a JSON body is ok; 429 is a rate limit (wait what `Retry-After` asks,
 * else what `ratelimit-reset` says, else a minute, doubling); 5xx, timeouts, resets and a 2xx body that
 * is not JSON are transient (back off and retry); 401/403 are a refused token and 400/404 a refused
 * request (no retry cures either: the run stops with the API's own message, which is redacted). A family
 * only names itself, its base URL, its auth header and how its error bodies read.
 */
import type { Logger } from "../../core/logger.ts";
import { createPacing } from "./pacing.ts";
import { createRedactor } from "./redact.ts";
import type { AttemptClassification, AttemptEvidence } from "./request-attempts.ts";
import { type Reaction, RequestError } from "./request-error.ts";
import type { RequestRecord } from "./request-record.ts";
import { normaliseRequestPolicy, type RequestPolicyOptions } from "./retry-policy.ts";
import { createTransport, type FamilyRules, type HttpAnswer, realSleep, realTimeout } from "./transport.ts";

export const REST_FAILURE_KINDS = [
  "rate_limited",
  "server_error",
  "timeout",
  "network",
  "malformed_json",
  "unauthorized",
  "bad_request",
] as const;
export type RestFailureKind = (typeof REST_FAILURE_KINDS)[number];

const REACTIONS: Record<"ok" | RestFailureKind, Reaction> = {
  ok: "ok",
  rate_limited: "wait_until",
  server_error: "retriable",
  timeout: "retriable",
  network: "retriable",
  malformed_json: "retriable",
  unauthorized: "fatal",
  bad_request: "fatal",
};

/** A REST request that failed for good: its kind, the API's message (redacted), its record. */
export class RestRequestError extends RequestError {
  override name = "RestRequestError";
  override get reaction(): Reaction {
    return REACTIONS[this.kind as RestFailureKind] ?? "fatal";
  }
}

export interface RestClientOptions extends RequestPolicyOptions {
  /** How messages call the API: "PagerDuty". */
  label: string;
  /** The API's root, e.g. https://api.pagerduty.com (paths are appended). */
  baseUrl: string;
  token: string;
  /** The headers that carry the token (and any the API requires, e.g. an Accept version). */
  headers: (token: string) => Record<string, string>;
  /** The API's own message in an error body, e.g. PagerDuty's `{error:{message,code}}`. */
  errorMessage: (body: unknown) => string | null;
  logger: Logger;
  onRequest?: (record: RequestRecord) => void;
  /** Minimum pause between two requests (default 0). */
  requestIntervalMs?: number;
}

export interface RestGet {
  /** The route as the ledger names it: `GET /incidents`. */
  operation: string;
  path: string;
  /** Query parameters; an array repeats the name (`service_ids[]=A&service_ids[]=B`). */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  stream: string;
}

export interface RestClient {
  label: string;
  /** One GET, retried as its answers call for; resolves with the JSON body and the request's record. */
  get<T>(request: RestGet): Promise<{ body: T; record: RequestRecord }>;
}

/** `Retry-After` in seconds (a number, or an HTTP date), else `ratelimit-reset` (seconds to wait). */
function retryAfterOf(headers: AttemptEvidence["headers"]): number | null {
  const value = headers?.["retry-after"];
  if (value !== undefined && value !== "") {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds);
    const at = Date.parse(String(value));
    if (Number.isFinite(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  const reset = Number(headers?.["ratelimit-reset"]);
  return Number.isFinite(reset) && headers?.["ratelimit-reset"] !== undefined ? Math.max(0, reset) : null;
}

function restRules(
  errorMessage: (body: unknown) => string | null,
): FamilyRules<RestFailureKind, AttemptClassification<RestFailureKind>> {
  return {
    classify(evidence) {
      const headers = evidence.headers;
      const requestId =
        (headers?.["x-request-id"] as string | undefined) ??
        (headers?.["x-request-guid"] as string | undefined) ??
        null;
      const base = { requestId, retryAfterSeconds: retryAfterOf(headers) };
      if (evidence.timedOut) return { ...base, kind: "timeout", message: "no answer in time" };
      if (evidence.status === undefined) {
        const code = (evidence.error as { cause?: { code?: string } } | undefined)?.cause?.code;
        return { ...base, kind: "network", message: `no answer${code ? ` (${code})` : ""}` };
      }
      const status = evidence.status;
      const said = errorMessage(evidence.body);
      const message = `${status}${said ? `: ${said}` : ""}`;
      if (status === 429) return { ...base, kind: "rate_limited", message };
      if (status >= 500) return { ...base, kind: "server_error", message };
      if (status === 401 || status === 403) return { ...base, kind: "unauthorized", message };
      if (status >= 400) return { ...base, kind: "bad_request", message };
      if (evidence.body === null || typeof evidence.body !== "object")
        return { ...base, kind: "malformed_json", message: `${status} with a body that is not JSON` };
      return { ...base, kind: "ok", message: String(status) };
    },
    reactionOf: (kind) => REACTIONS[kind],
    retryClassOf: (kind) =>
      kind === "ok" || REACTIONS[kind] === "fatal" ? null : kind === "rate_limited" ? "limit" : "transient",
    waitRuleOf: (kind) => (kind === "rate_limited" ? "retry_after" : "backoff"),
  };
}

export function createRestClient(options: RestClientOptions): RestClient {
  const { label, token, logger } = options;
  const redactor = createRedactor(token);
  const transport = createTransport<RestFailureKind, AttemptClassification<RestFailureKind>>({
    label,
    logger,
    redactor,
    policy: normaliseRequestPolicy(options),
    rules: restRules(options.errorMessage),
    onRequest: options.onRequest,
    now: () => new Date(),
    sleep: realSleep,
    startTimeout: realTimeout,
  });
  const pacing = createPacing(options.requestIntervalMs ?? 0).key(label);
  const base = options.baseUrl.replace(/\/$/, "");

  const urlOf = (request: RestGet): string => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) params.append(name, v);
      else params.append(name, String(value));
    }
    const query = params.toString();
    return `${base}${request.path}${query ? `?${query}` : ""}`;
  };

  const exchange =
    (url: string) =>
    async (signal: AbortSignal): Promise<HttpAnswer> => {
      const res = await fetch(url, {
        signal,
        headers: { accept: "application/json", ...options.headers(token) },
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: a 2xx answer that is not JSON is classified malformed_json and retried.
      }
      return { status: res.status, headers: Object.fromEntries(res.headers), body };
    };

  const fail = (
    operation: string,
    message: string,
    kind: string,
    status: number | null,
    record: RequestRecord,
  ) =>
    new RestRequestError(
      redactor.text(`${label}: ${operation}: ${message}`),
      kind,
      status,
      record.requestId ?? null,
      record,
    );

  return {
    label,
    get<T>(request: RestGet) {
      const url = urlOf(request);
      const req = transport.begin(request.operation, { stream: request.stream });
      return transport.send(
        req,
        () => pacing.schedule(() => transport.attempt(req, exchange(url), (answer) => answer)),
        {
          ok: (r) => ({ body: r.lastBody as T, record: transport.finish(r, "ok") }),
          unreached: (r, thrown) =>
            fail(request.operation, String(thrown), "bad_request", null, transport.finish(r, "failed")),
          tolerated: (r, last) =>
            fail(
              request.operation,
              last.classification.message,
              last.kind,
              last.status,
              transport.finish(r, "partial"),
            ),
          fatal: (r, last) =>
            fail(
              request.operation,
              last.classification.message,
              last.kind,
              last.status,
              transport.finish(r, "failed", last.kind as RestFailureKind),
            ),
          exhausted: (r, last) =>
            fail(
              request.operation,
              `${last.classification.message}, after ${r.attempts.length} attempts`,
              last.kind,
              last.status,
              transport.finish(r, "failed", last.kind as RestFailureKind),
            ),
        },
      );
    },
  };
}
