/**
 * What one request cost and how it went, whatever the API family: the record a client hands to its
 * `onRequest` observer after every request (success or failure), which the runner appends to the request
 * ledger (`<data>/ledger/requests.ndjson`, see request-ledger.ts) and the progress display counts. It never
 * holds headers or variables (a token could hide in either); the caller's own tags (stream, repository,
 * label) are copied in. `K` is the family's failure kinds (GitHub's: github-errors.ts `FailureKind`).
 */

/**
 * The API's rate-limit budget as last seen (GitHub: its point budget, from `rateLimit { … }` when the query
 * selects it, else the `x-ratelimit-*` headers).
 */
export interface RateLimitSnapshot {
  /** Points this request cost: `rateLimit.cost`, else the growth of `x-ratelimit-used`; null if unknown. */
  cost: number | null;
  remaining: number;
  /** ISO-8601 UTC. */
  resetAt: string;
  limit: number | null;
  used: number | null;
  source: "body" | "headers";
}

/** One HTTP attempt of a request (every retry, a plugin's or ours, makes one). */
export interface AttemptRecord<K extends string = string> {
  kind: "ok" | K;
  /** HTTP status, or null when no answer came (timeout, reset). */
  status: number | null;
  durationMs: number;
  /** How long we (or the throttling plugin) waited before sending this attempt. */
  waitedMs: number;
  /** The API's own request id (GitHub: x-github-request-id), to quote when reporting a problem. */
  requestId: string | null;
}

export type RequestOutcome = "ok" | "partial" | "failed" | "stopped";

export interface RequestRecord<K extends string = string> {
  /**
   * What was asked: a GraphQL operation name (`query RepoPullRequests(…)` → RepoPullRequests, or
   * "anonymous"), or a REST route (`GET /incidents`).
   */
  operation: string;
  /** The source that sent it (`github`, …): the extract stage stamps it on the ledger's line. */
  source?: string;
  stream?: string;
  repository?: string;
  label?: string;
  /** `variables.pageSize` when the document pages with it. */
  pageSize?: number;
  /** ISO-8601 UTC. */
  startedAt: string;
  /** From the first attempt to the answer, waits included. */
  durationMs: number;
  attempts: AttemptRecord<K>[];
  retries: number;
  /** Why each retry happened: the kind of the attempt it followed. */
  retriesByKind: Partial<Record<K, number>>;
  waitedMs: number;
  /** ok; partial (data with errors, surfaced to the caller); failed; stopped (budget reserve). */
  outcome: RequestOutcome;
  /** The final failure, when the outcome is not ok. */
  failure?: K | "budget_reserve";
  status: number | null;
  requestId: string | null;
  rateLimit: RateLimitSnapshot | null;
}

/** Retries per kind: every attempt but the last was followed by a retry because of its kind. */
export function retriesByKindOf<K extends string>(
  attempts: readonly AttemptRecord<K>[],
): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const attempt of attempts.slice(0, -1)) {
    if (attempt.kind === "ok") continue;
    const kind = attempt.kind as K;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
