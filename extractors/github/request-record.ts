/**
 * What one GraphQL request cost and how it went: the record the client hands to its `onRequest` observer
 * after every request (success or failure), which the runner appends to the run ledger
 * (`<data>/ledger/requests.ndjson`) and the progress display counts. It never holds headers or variables
 * (a token could hide in either); the caller's own tags (stream, repository, label) are copied in.
 */
import type { AttemptKind, FailureKind } from "./github-errors.ts";

/** GitHub's point budget as last seen: from `rateLimit { … }` when the query selects it, else headers. */
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

/** One HTTP attempt of a request (the plugins' retries and ours each make one). */
export interface AttemptRecord {
  kind: AttemptKind;
  /** HTTP status, or null when no answer came (timeout, reset). */
  status: number | null;
  durationMs: number;
  /** How long we (or the throttling plugin) waited before sending this attempt. */
  waitedMs: number;
  /** GitHub's x-github-request-id, to quote when reporting a problem. */
  requestId: string | null;
}

export type RequestOutcome = "ok" | "partial" | "failed" | "stopped";

export interface RequestRecord {
  /** GraphQL operation name (`query RepoPullRequests(…)` → RepoPullRequests), or "anonymous". */
  operation: string;
  stream?: string;
  repository?: string;
  label?: string;
  /** `variables.pageSize` when the document pages with it. */
  pageSize?: number;
  /** ISO-8601 UTC. */
  startedAt: string;
  /** From the first attempt to the answer, waits included. */
  durationMs: number;
  attempts: AttemptRecord[];
  retries: number;
  /** Why each retry happened: the kind of the attempt it followed. */
  retriesByKind: Partial<Record<FailureKind, number>>;
  waitedMs: number;
  /** ok; partial (data with errors, surfaced to the caller); failed; stopped (budget reserve). */
  outcome: RequestOutcome;
  /** The final failure, when the outcome is not ok. */
  failure?: FailureKind | "budget_reserve";
  status: number | null;
  requestId: string | null;
  rateLimit: RateLimitSnapshot | null;
}

/** Retries per kind: every attempt but the last was followed by a retry because of its kind. */
export function retriesByKindOf(attempts: readonly AttemptRecord[]): Partial<Record<FailureKind, number>> {
  const counts: Partial<Record<FailureKind, number>> = {};
  for (const attempt of attempts.slice(0, -1)) {
    if (attempt.kind === "ok") continue;
    counts[attempt.kind] = (counts[attempt.kind] ?? 0) + 1;
  }
  return counts;
}

/** The operation name of a GraphQL document, for records and messages (never the variables). */
export function operationNameOf(document: string): string {
  const match = /\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  return match?.[1] ?? "anonymous";
}
