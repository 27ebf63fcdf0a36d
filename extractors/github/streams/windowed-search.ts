/**
 * Search over an `updated:` window, split until every window fits under search's 1,000-result cap.
 * Windows are walked oldest first (`sort:updated-asc`), so a cursor can move to the end of each finished
 * window and a killed backfill resumes where it stopped. An unchanged scope costs exactly one request.
 */
import {
  advanceCursor,
  nextWatermark,
  type StreamContext,
  WATERMARK_OVERLAP_MS,
} from "../../stream-context.ts";
import { ask, type GitHubContext, isoSeconds } from "../github-context.ts";
import type { PageInfo, RateLimitFields } from "./records.ts";

/** GitHub returns at most this many results for one search query string. */
export const SEARCH_CAP = 1000;

export interface SearchResponse<N> {
  search: { issueCount: number; pageInfo: PageInfo; nodes: N[] };
  rateLimit: RateLimitFields | null;
}

/** A page of results (and the `updatedAt` of its last, the newest so far), or the end of a window. */
export type SearchEvent<N> =
  | { kind: "page"; nodes: N[]; lastUpdatedAt: string | null }
  | { kind: "window-done"; to: Date };

export interface WindowedSearch {
  phase: string;
  document: string;
  /** The query without the window, e.g. `org:acme is:pr archived:false`. */
  base: string;
  from: Date;
  to: Date;
  pageSize: number;
}

export async function* windowedSearch<N>(
  ctx: GitHubContext,
  search: WindowedSearch,
): AsyncGenerator<SearchEvent<N>> {
  const windows: [Date, Date][] = [[search.from, search.to]];
  while (windows.length > 0) {
    const [from, to] = windows.shift()!;
    const q = `${search.base} updated:${isoSeconds(from)}..${isoSeconds(to)} sort:updated-asc`;
    let after: string | null = null;
    let first = true;
    for (;;) {
      const data: SearchResponse<N> = await ask<SearchResponse<N>>(ctx, search.phase, search.document, {
        q,
        after,
        pageSize: search.pageSize,
      });
      if (first && data.search.issueCount > SEARCH_CAP && to.getTime() - from.getTime() > 2000) {
        // Too many for one query string: halve the window and walk both halves, older first.
        const mid = new Date(Math.floor((from.getTime() + to.getTime()) / 2000) * 1000);
        windows.unshift([from, mid], [mid, to]);
        ctx.logger.debug("search window split", { q, issueCount: data.search.issueCount });
        break;
      }
      if (first && data.search.issueCount > SEARCH_CAP) {
        ctx.logger.warn(
          `more than ${SEARCH_CAP} results changed within two seconds; only the first ${SEARCH_CAP} are read`,
          { q },
        );
      }
      first = false;
      const last = data.search.nodes.at(-1) as { updatedAt?: string } | undefined;
      yield { kind: "page", nodes: data.search.nodes, lastUpdatedAt: last?.updatedAt ?? null };
      const { hasNextPage, endCursor } = data.search.pageInfo;
      if (!hasNextPage || !endCursor || endCursor === after) {
        yield { kind: "window-done", to };
        break;
      }
      after = endCursor;
    }
  }
}

/**
 * Where a search scope resumes after a durable page or window: results come oldest update first, so
 * everything updated before `upTo` is in the lake; less the overlap, for the search index's lag, and never
 * past this run's own end watermark.
 */
export async function advanceSearchCursor(
  ctx: StreamContext,
  key: string,
  upTo: Date | string | null,
): Promise<void> {
  if (upTo === null) return;
  const at = new Date(upTo).getTime() - WATERMARK_OVERLAP_MS;
  await advanceCursor(ctx, key, new Date(Math.min(at, nextWatermark(ctx).getTime())));
}
