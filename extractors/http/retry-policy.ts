/**
 * How long to wait before a retry, how many retries a request gets, and the longest any wait may be —
 * GitHub's guidance on rate limits and retries (which PagerDuty's and incident.io's resemble) as pure
 * functions, so that a client only applies them. Shared by every API family: each family maps its own kinds
 * of failure to a retry class and a wait rule (GitHub's: github/github-retry-rules.ts).
 *
 * - `backoff` (transient failures: 5xx, timeouts, resets, malformed or partial answers): (n+1)² × base, as
 *   octokit's retry plugin does, for at most `maxRetries` retries per request.
 * - `retry_after` (secondary limits, a 429): `retry-after`, else 60 s, doubling on each further hit, for at
 *   most `maxRateLimitRetries`.
 * - `until_reset` (a spent budget): `retry-after` if sent, else until the reset (+1 s).
 *
 * `retryAfterBaseMs` is the length of one "second" of relative waits (tests turn it down to 1 ms). Waits
 * until an absolute reset time are real time. No wait is longer than `maxWaitMs`: a backoff is clamped to
 * it; a reset further away than that is not waited for at all — the run stops cleanly instead.
 */

export interface RequestPolicyOptions {
  /** Per-attempt timeout (default 30 s): no answer by then aborts the attempt, which is retried. */
  timeoutMs?: number;
  /** One "second" of relative waits (default 1,000 ms). */
  retryAfterBaseMs?: number;
  /** Retries per request after transient failures (default 4). */
  maxRetries?: number;
  /** Retries per request after rate limits (default 3). */
  maxRateLimitRetries?: number;
  /** The longest single wait (default 15 minutes). */
  maxWaitMs?: number;
  /** Seconds to wait after a secondary limit without `retry-after` (GitHub: "at least one minute"). */
  secondaryFallbackSeconds?: number;
  /** For a family with a budget: stop before `remaining` falls under this many points (default 200; `github.reserve`). */
  reserve?: number;
  /**
   * An attempt without an answer for this long is said in the log ("waiting for GitHub: …, 10 s so far"),
   * and again each time as long again passes (default 5 s), so that a hanging request is never silent.
   */
  slowNoticeMs?: number;
}

export type RequestPolicy = Required<RequestPolicyOptions>;

export const DEFAULT_REQUEST_POLICY: RequestPolicy = {
  timeoutMs: 30_000,
  retryAfterBaseMs: 1000,
  maxRetries: 4,
  maxRateLimitRetries: 3,
  maxWaitMs: 15 * 60 * 1000,
  secondaryFallbackSeconds: 60,
  reserve: 200,
  slowNoticeMs: 5000,
};

export function normaliseRequestPolicy(options: RequestPolicyOptions = {}): RequestPolicy {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_REQUEST_POLICY, ...defined };
}

/** Retry budgets: transient failures and rate limits are counted separately. */
export type RetryClass = "transient" | "limit";

/**
 * How long to wait after a kind of failure: a growing backoff, what `retry-after` asks (doubling on each
 * further hit), or until the budget's reset.
 */
export type WaitRule = "backoff" | "retry_after" | "until_reset";

/** How many retries of this class a request may make. */
export function retryBudget(policy: RequestPolicy, retryClass: RetryClass): number {
  return retryClass === "transient" ? policy.maxRetries : policy.maxRateLimitRetries;
}

/** What is known about a failed attempt when deciding the wait after it. */
export interface FailedAttempt {
  /** The wait rule of its kind. */
  rule: WaitRule;
  retryAfterSeconds: number | null;
  /** When the budget resets (GitHub: `x-ratelimit-reset`), when sent. */
  resetAt: Date | null;
}

export interface Wait {
  ms: number;
  /** The wait the API asked for was longer than `maxWaitMs` and was clamped. */
  clamped: boolean;
  /** A budget reset further away than `maxWaitMs`: do not wait, stop. */
  beyondCap: boolean;
}

/**
 * The wait before retrying after `failed`, which is the `previous + 1`-th failure of its class in this
 * request.
 */
export function waitBeforeRetry(
  policy: RequestPolicy,
  failed: FailedAttempt,
  previous: number,
  now: Date,
): Wait {
  const base = policy.retryAfterBaseMs;
  const clamp = (ms: number): Wait => ({
    ms: Math.min(Math.max(0, ms), policy.maxWaitMs),
    clamped: ms > policy.maxWaitMs,
    beyondCap: false,
  });
  switch (failed.rule) {
    case "until_reset": {
      if (failed.retryAfterSeconds !== null) return clamp(failed.retryAfterSeconds * base);
      const untilReset = failed.resetAt ? failed.resetAt.getTime() - now.getTime() + 1000 : 0;
      if (untilReset > policy.maxWaitMs) return { ms: 0, clamped: false, beyondCap: true };
      return clamp(untilReset);
    }
    case "retry_after": {
      const first = failed.retryAfterSeconds ?? policy.secondaryFallbackSeconds;
      return clamp(first * 2 ** previous * base);
    }
    case "backoff":
      return clamp((previous + 1) ** 2 * base);
  }
}

/**
 * Whether a wait until a budget's reset is worth it: the API asks for `retryAfterSeconds` of real time,
 * and the cap applies to that, whatever `retryAfterBaseMs` compresses it to.
 */
export function resetWaitWithinCap(policy: RequestPolicy, retryAfterSeconds: number): boolean {
  return retryAfterSeconds * 1000 <= policy.maxWaitMs;
}
