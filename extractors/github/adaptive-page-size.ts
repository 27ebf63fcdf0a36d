/**
 * Page size that adapts to GitHub's 10-second query limit: a query that GitHub stops (502/504) or that
 * times out is too heavy at this size, so the next page asks for half as many records, down to a floor;
 * after a run of clean pages the size grows back, never above the configured one. Apache DevLake cut its
 * pull request page 100 → 30 → 10 by hand over such 502s (as GitHub's own guidance does); this does it per
 * query, as it happens.
 */

import type { RequestRecord } from "../http/request-record.ts";
import { GitHubRequestError, isHeavyQueryFailure } from "./github-errors.ts";

export interface AdaptivePageSizeOptions {
  /** The configured page size: the start and the ceiling. */
  max: number;
  /** The floor (default 5, or `max` when that is smaller). */
  min?: number;
  /** Consecutive clean pages before growing (default 5). */
  growAfter?: number;
  /** Growth per step (default 2: doubling undoes one halving). */
  growFactor?: number;
}

export class AdaptivePageSize {
  readonly max: number;
  readonly min: number;
  private readonly growAfter: number;
  private readonly growFactor: number;
  private size: number;
  private cleanStreak = 0;

  constructor(options: AdaptivePageSizeOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) {
      throw new Error(`page size must be a positive integer: got ${options.max}`);
    }
    this.max = options.max;
    this.min = Math.max(1, Math.min(options.min ?? 5, options.max));
    this.growAfter = Math.max(1, options.growAfter ?? 5);
    this.growFactor = Math.max(1.01, options.growFactor ?? 2);
    this.size = this.max;
  }

  /** The page size to ask for now. */
  current(): number {
    return this.size;
  }

  /** A 502/504/timeout on this query: halve (not below the floor) and start counting clean pages again. */
  heavyFailure(): number {
    this.size = Math.max(this.min, Math.floor(this.size / 2));
    this.cleanStreak = 0;
    return this.size;
  }

  /** A page that came back without a heavy-query failure: after `growAfter` in a row, grow. */
  success(): number {
    this.cleanStreak++;
    if (this.size < this.max && this.cleanStreak >= this.growAfter) {
      this.size = Math.min(this.max, Math.max(this.size + 1, Math.ceil(this.size * this.growFactor)));
      this.cleanStreak = 0;
    }
    return this.size;
  }

  /**
   * Learns from a request's record: any attempt that hit a 502/504/timeout (even if a retry then worked)
   * halves the size; an answered request without one counts as clean.
   */
  observe(record: Pick<RequestRecord, "attempts" | "outcome">): number {
    if (record.attempts.some((a) => isHeavyQueryFailure(a.kind))) return this.heavyFailure();
    if (record.outcome === "ok" || record.outcome === "partial") return this.success();
    return this.size;
  }
}

/** One AdaptivePageSize per query (e.g. per stream): a heavy query does not shrink the light ones. */
export class AdaptivePageSizes {
  private readonly sizes = new Map<string, AdaptivePageSize>();
  constructor(private readonly defaults: Omit<AdaptivePageSizeOptions, "max"> = {}) {}

  for(key: string, max: number): AdaptivePageSize {
    let size = this.sizes.get(key);
    if (!size || size.max !== max) {
      size = new AdaptivePageSize({ ...this.defaults, max });
      this.sizes.set(key, size);
    }
    return size;
  }
}

/**
 * Sends one page request at the adaptive size. If it still fails with a 502/504/timeout after the
 * client's own retries, the same page is asked again at half the size, down to the floor; the size then
 * carries over to the next pages.
 *
 * @example
 *   const { data, pageSize } = await requestAdaptivePage(size, (n) =>
 *     client.request<R>(DOC, { ...vars, pageSize: n }, { stream: "pull_requests", repository }));
 */
export async function requestAdaptivePage<T>(
  size: AdaptivePageSize,
  send: (pageSize: number) => Promise<{ data: T; record: RequestRecord }>,
): Promise<{ data: T; record: RequestRecord; pageSize: number }> {
  for (;;) {
    const pageSize = size.current();
    try {
      const answer = await send(pageSize);
      size.observe(answer.record);
      return { ...answer, pageSize };
    } catch (error) {
      const record = error instanceof GitHubRequestError ? error.record : undefined;
      if (record) size.observe(record);
      if (error instanceof GitHubRequestError && isHeavyQueryFailure(error.kind) && pageSize > size.min) {
        // observe() has halved already when the record shows the failure; make sure the size moves.
        if (size.current() === pageSize) size.heavyFailure();
        continue;
      }
      throw error;
    }
  }
}
