/**
 * GitHub's kinds of answer under the shared request policy (http/retry-policy.ts): which retry budget each
 * spends, how long to wait after it, and the rules the shared transport applies to GitHub's GraphQL answers
 * (classification and reactions from github-errors.ts, the point budget from rate-limit-budget.ts).
 */
import type { AttemptEvidence } from "../http/request-attempts.ts";
import {
  type RequestPolicy,
  type RetryClass,
  type Wait,
  type WaitRule,
  waitBeforeRetry as waitByRule,
} from "../http/retry-policy.ts";
import type { FamilyRules } from "../http/transport.ts";
import {
  type AttemptClassification,
  type AttemptKind,
  classifyAttempt,
  type FailureKind,
  reactionOf,
} from "./github-errors.ts";
import type { RateLimitBudget } from "./rate-limit-budget.ts";

export function retryClassOf(kind: AttemptKind): RetryClass | null {
  switch (kind) {
    case "bad_gateway":
    case "gateway_timeout":
    case "server_error":
    case "timeout":
    case "connection_reset":
    case "network":
    case "malformed_json":
    case "something_went_wrong":
    case "partial_data":
      return "transient";
    case "secondary_limit":
    case "primary_limit":
    case "rate_limited":
      return "limit";
    default:
      return null;
  }
}

/**
 * Primary limit: `retry-after` if sent, else until `x-ratelimit-reset`. Secondary limits (and RATE_LIMITED
 * while points remain): `retry-after`, else 60 s, doubling. Anything else: the growing backoff.
 */
export function waitRuleOf(kind: AttemptKind): WaitRule {
  switch (kind) {
    case "primary_limit":
      return "until_reset";
    case "secondary_limit":
    case "rate_limited":
      return "retry_after";
    default:
      return "backoff";
  }
}

/** What is known about a failed GitHub attempt when deciding the wait after it. */
export interface FailedGitHubAttempt {
  kind: AttemptKind;
  retryAfterSeconds: number | null;
  /** `x-ratelimit-reset` as a time, when sent. */
  resetAt: Date | null;
}

/**
 * The wait before retrying after `failed`, which is the `previous + 1`-th failure of its class in this
 * request (see http/retry-policy.ts).
 */
export function waitBeforeRetry(
  policy: RequestPolicy,
  failed: FailedGitHubAttempt,
  previous: number,
  now: Date,
): Wait {
  const { retryAfterSeconds, resetAt } = failed;
  return waitByRule(policy, { rule: waitRuleOf(failed.kind), retryAfterSeconds, resetAt }, previous, now);
}

/** The rules the shared transport applies to GitHub's GraphQL answers, reading `budget` from each. */
export function gitHubRules(budget: RateLimitBudget): FamilyRules<FailureKind, AttemptClassification> {
  return {
    classify: classifyAttempt,
    reactionOf,
    retryClassOf,
    waitRuleOf,
    observeBudget(evidence: AttemptEvidence, classification: AttemptClassification) {
      const kind = classification.kind;
      const headers = (evidence.headers ?? {}) as Record<string, string | undefined>;
      const served = kind === "ok" || kind === "partial_data" || kind === "not_found";
      const rateLimit = evidence.status !== undefined ? budget.observe(headers, evidence.body, served) : null;
      const reset = Number(headers["x-ratelimit-reset"]);
      const resetAt =
        Number.isFinite(reset) && headers["x-ratelimit-reset"] !== undefined ? new Date(reset * 1000) : null;
      return { rateLimit, resetAt };
    },
  };
}
