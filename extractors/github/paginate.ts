/**
 * Paging as an async iterator with guards (octokit's paginate plugin): stop when there is no next page,
 * fail loudly when `pageInfo` is missing or the cursor does not move, so that a misbehaving server can
 * never make the extractor loop or silently stop early.
 */
import { YardstickError } from "../../core/errors.ts";
import type { PageInfo } from "./streams/records.ts";

export interface Connection<N> {
  pageInfo: PageInfo;
  nodes: N[];
}

/**
 * Yields each page of a connection. `fetch(after)` asks for the page after a cursor and returns the
 * connection, or null when its parent does not exist (an error naming `what`).
 */
export async function* pages<N, C extends Connection<N> = Connection<N>>(
  what: string,
  fetch: (after: string | null) => Promise<C | null>,
  startAfter: string | null = null,
): AsyncGenerator<C> {
  let after = startAfter;
  for (;;) {
    const page = await fetch(after);
    if (page === null)
      throw new YardstickError(`${what} was not found on GitHub (or the token cannot see it)`);
    if (!page.pageInfo || typeof page.pageInfo.hasNextPage !== "boolean") {
      throw new YardstickError(`GitHub answered ${what} without pageInfo: cannot page`);
    }
    yield page;
    if (!page.pageInfo.hasNextPage) return;
    if (!page.pageInfo.endCursor || page.pageInfo.endCursor === after) {
      throw new YardstickError(
        `GitHub's cursor did not move while paging ${what} (endCursor ${JSON.stringify(page.pageInfo.endCursor)})`,
      );
    }
    after = page.pageInfo.endCursor;
  }
}
