/**
 * The primary GraphQL rate limit, one budget per token: `limit` points per 60-minute window that starts
 * with the token's first charged request. As on GitHub, a query runs while any points remain and is
 * charged in full (so `used` can pass `limit`); once nothing remains, queries are refused until reset.
 */

export interface RateLimitState {
  limit: number;
  used: number;
  remaining: number;
  /** When the window resets (UTC). */
  resetAt: Date;
}

/** GitHub's default for a personal access token. */
export const DEFAULT_POINTS_PER_HOUR = 5000;

const WINDOW_MS = 60 * 60 * 1000;

export class RateLimiter {
  private readonly windows = new Map<string, { used: number; resetAt: Date }>();

  constructor(
    readonly limit: number = DEFAULT_POINTS_PER_HOUR,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private window(token: string): { used: number; resetAt: Date } {
    const now = this.clock();
    let window = this.windows.get(token);
    if (!window || window.resetAt.getTime() <= now.getTime()) {
      window = { used: 0, resetAt: new Date(Math.ceil((now.getTime() + WINDOW_MS) / 1000) * 1000) };
      this.windows.set(token, window);
    }
    return window;
  }

  /** The token's budget now, without charging. */
  peek(token: string): RateLimitState {
    const window = this.window(token);
    return {
      limit: this.limit,
      used: window.used,
      remaining: Math.max(0, this.limit - window.used),
      resetAt: window.resetAt,
    };
  }

  /** Charges `cost` points if any remain; returns the budget after the charge, or `exceeded`. */
  charge(token: string, cost: number): { exceeded: boolean; state: RateLimitState } {
    const window = this.window(token);
    if (window.used >= this.limit) return { exceeded: true, state: this.peek(token) };
    window.used += cost;
    return { exceeded: false, state: this.peek(token) };
  }
}
