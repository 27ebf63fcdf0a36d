/**
 * The primary point budget as the client last saw it, and the reserve rule: before a request, if fewer
 * than `reserve` points remain and the reset is not close enough to wait for, the run stops cleanly
 * (BudgetReserveReached) instead of spending the last points — which other tools on the same token, or
 * tomorrow's catch-up, may need.
 */
import type { RateLimitSnapshot } from "../http/request-record.ts";

export type ReserveDecision =
  | { action: "proceed" }
  | { action: "wait"; ms: number; resetAt: string; remaining: number }
  | { action: "stop"; resetAt: string; remaining: number };

interface Seen {
  remaining: number;
  resetAt: Date;
  limit: number | null;
  used: number | null;
}

export class RateLimitBudget {
  private last: Seen | null = null;
  /** `used` after the last successful answer, to price requests whose query does not select rateLimit. */
  private lastUsed: { used: number; resetAt: number } | null = null;
  private waitedFor: number | null = null;

  /**
   * Reads one answer's budget: `rateLimit { cost remaining resetAt limit }` from the body when the query
   * selected it, else the `x-ratelimit-*` headers. `charged` says the answer was served (not a fault or a
   * limit), so the growth of `used` since the previous served answer is this request's cost.
   */
  observe(
    headers: Record<string, string | number | undefined>,
    body: unknown,
    charged: boolean,
  ): RateLimitSnapshot | null {
    const fromBody = bodyRateLimit(body);
    const fromHeaders = headerRateLimit(headers);
    if (!fromBody && !fromHeaders) return null;
    const remaining = fromBody?.remaining ?? fromHeaders!.remaining;
    const resetAt = fromBody?.resetAt ?? fromHeaders!.resetAt;
    const limit = fromBody?.limit ?? fromHeaders?.limit ?? null;
    const used = fromHeaders?.used ?? (limit !== null ? limit - remaining : null);
    let cost: number | null = fromBody?.cost ?? null;
    if (cost === null && charged && used !== null && this.lastUsed?.resetAt === resetAt.getTime()) {
      cost = Math.max(0, used - this.lastUsed.used);
    }
    if (charged && used !== null) this.lastUsed = { used, resetAt: resetAt.getTime() };
    this.last = { remaining, resetAt, limit, used };
    return {
      cost,
      remaining,
      resetAt: resetAt.toISOString(),
      limit,
      used,
      source: fromBody ? "body" : "headers",
    };
  }

  /** The budget as last seen, or null before the first answer. */
  snapshot(): { remaining: number; resetAt: string; limit: number | null; used: number | null } | null {
    if (!this.last) return null;
    return { ...this.last, resetAt: this.last.resetAt.toISOString() };
  }

  /**
   * Before a request expected to cost `expectedCost` points: proceed while `remaining − expectedCost`
   * stays at or above the reserve; else wait for a reset at most `maxWaitMs` away, or stop. A reset
   * already waited for that did not bring points back (clock skew, another client) stops, not loops.
   */
  beforeRequest(reserve: number, maxWaitMs: number, now: Date, expectedCost = 1): ReserveDecision {
    const last = this.last;
    if (!last || last.remaining - expectedCost >= reserve) return { action: "proceed" };
    const untilReset = last.resetAt.getTime() - now.getTime();
    const resetAt = last.resetAt.toISOString();
    const waited = this.waitedFor === last.resetAt.getTime();
    if (untilReset <= 0 && !waited) return { action: "proceed" };
    if (waited || untilReset + 1000 > maxWaitMs)
      return { action: "stop", resetAt, remaining: last.remaining };
    return { action: "wait", ms: untilReset + 1000, resetAt, remaining: last.remaining };
  }

  /** Notes that the client waited for this reset (so a reset that changes nothing stops the run). */
  waitedForReset(resetAt: string): void {
    this.waitedFor = new Date(resetAt).getTime();
  }
}

function bodyRateLimit(
  body: unknown,
): { cost: number | null; remaining: number; resetAt: Date; limit: number | null } | null {
  const data = (body as { data?: { rateLimit?: unknown } } | null)?.data;
  const r = (data && typeof data === "object" ? data.rateLimit : undefined) as
    | { cost?: unknown; remaining?: unknown; resetAt?: unknown; limit?: unknown }
    | undefined;
  if (!r || typeof r.remaining !== "number" || typeof r.resetAt !== "string") return null;
  const resetAt = new Date(r.resetAt);
  if (Number.isNaN(resetAt.getTime())) return null;
  return {
    cost: typeof r.cost === "number" ? r.cost : null,
    remaining: r.remaining,
    resetAt,
    limit: typeof r.limit === "number" ? r.limit : null,
  };
}

function headerRateLimit(
  headers: Record<string, string | number | undefined>,
): { remaining: number; resetAt: Date; limit: number | null; used: number | null } | null {
  const remaining = Number(headers["x-ratelimit-remaining"]);
  const reset = Number(headers["x-ratelimit-reset"]);
  if (
    headers["x-ratelimit-remaining"] === undefined ||
    !Number.isFinite(remaining) ||
    !Number.isFinite(reset)
  )
    return null;
  const limit = Number(headers["x-ratelimit-limit"]);
  const used = Number(headers["x-ratelimit-used"]);
  return {
    remaining,
    resetAt: new Date(reset * 1000),
    limit: headers["x-ratelimit-limit"] !== undefined && Number.isFinite(limit) ? limit : null,
    used: headers["x-ratelimit-used"] !== undefined && Number.isFinite(used) ? used : null,
  };
}
