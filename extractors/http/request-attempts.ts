/**
 * One logical request and its HTTP attempts, across every retry (a plugin's or ours), and the record it
 * leaves for the ledger. Shared by every API family: what an attempt's kind is comes from the family's
 * rules (transport.ts `FamilyRules`).
 */
import type { Redactor } from "./redact.ts";
import type { AttemptRecord, RateLimitSnapshot, RequestOutcome, RequestRecord } from "./request-record.ts";
import { retriesByKindOf } from "./request-record.ts";
import type { RetryClass } from "./retry-policy.ts";

/** Copied into the request record (progress and the ledger attribute requests with them). */
export interface RequestOptions {
  stream?: string;
  repository?: string;
  label?: string;
  /** Cancels the request (no retry follows). */
  signal?: AbortSignal;
}

/** Everything one HTTP attempt left behind: an answer (status, headers, body) or a failure without one. */
export interface AttemptEvidence {
  status?: number;
  headers?: Record<string, string | number | undefined>;
  /** Parsed JSON, or the raw text when the body did not parse. */
  body?: unknown;
  /** The network-level error when no answer came. */
  error?: unknown;
  /** Our per-request timeout fired. */
  timedOut?: boolean;
  /** The caller's signal aborted the request. */
  cancelled?: boolean;
}

/** What a family's classifier says about one attempt (GitHub's adds the GraphQL errors). */
export interface AttemptClassification<K extends string = string> {
  kind: "ok" | K;
  message: string;
  /** The API's own id of the request. */
  requestId: string | null;
  /** `retry-after`, in seconds, when the API sent one. */
  retryAfterSeconds: number | null;
}

export interface Attempt<K extends string, C extends AttemptClassification<K>> extends AttemptRecord<K> {
  classification: C;
  /** When the budget resets, as the answer said. */
  resetAt: Date | null;
  rateLimit: RateLimitSnapshot | null;
}

/** One logical request: its attempts, across the plugins' retries and ours. */
export class RequestAttempts<K extends string, C extends AttemptClassification<K>> {
  readonly attempts: Attempt<K, C>[] = [];
  /** The body of the last attempt (its data, partial or whole). */
  lastBody: unknown;
  /** Set by whoever already waits before the next attempt (the throttling plugin): the transport does not. */
  presetWaitMs: number | null = null;
  /** A wait before the first attempt (a budget reserve waiting for its reset). */
  reserveWaitMs = 0;

  constructor(
    readonly operation: string,
    readonly options: RequestOptions,
    readonly startedAt: Date,
    readonly pageSize: number | undefined,
    private readonly retryClassOf: (kind: "ok" | K) => RetryClass | null,
  ) {}

  last(): Attempt<K, C> | undefined {
    return this.attempts[this.attempts.length - 1];
  }

  failures(retryClass: RetryClass): number {
    return this.attempts.filter((a) => this.retryClassOf(a.kind) === retryClass).length;
  }
}

/** " after 3 attempts", or nothing for a request answered (or failed) at the first. */
export function attemptsText(req: { attempts: readonly unknown[] }): string {
  return req.attempts.length > 1 ? ` after ${req.attempts.length} attempts` : "";
}

/** The request's record for the ledger, redacted. */
export function buildRecord<K extends string, C extends AttemptClassification<K>>(
  req: RequestAttempts<K, C>,
  outcome: RequestOutcome,
  failure: RequestRecord<K>["failure"] | undefined,
  end: Date,
  redactor: Redactor,
): RequestRecord<K> {
  const attempts: AttemptRecord<K>[] = req.attempts.map((a) => ({
    kind: a.kind,
    status: a.status,
    durationMs: a.durationMs,
    waitedMs: a.waitedMs,
    requestId: a.requestId,
  }));
  const last = req.last();
  const rateLimit = [...req.attempts].reverse().find((a) => a.rateLimit)?.rateLimit ?? null;
  const record: RequestRecord<K> = {
    operation: req.operation,
    ...(req.options.stream !== undefined ? { stream: req.options.stream } : {}),
    ...(req.options.repository !== undefined ? { repository: req.options.repository } : {}),
    ...(req.options.label !== undefined ? { label: req.options.label } : {}),
    ...(req.pageSize !== undefined ? { pageSize: req.pageSize } : {}),
    startedAt: req.startedAt.toISOString(),
    durationMs: end.getTime() - req.startedAt.getTime(),
    attempts,
    retries: Math.max(0, attempts.length - 1),
    retriesByKind: retriesByKindOf(attempts),
    waitedMs: req.reserveWaitMs + attempts.reduce((sum, a) => sum + a.waitedMs, 0),
    outcome,
    ...(failure !== undefined ? { failure } : {}),
    status: last?.status ?? null,
    requestId: last?.requestId ?? null,
    rateLimit,
  };
  return redactor.value(record);
}
