/**
 * Paging as an async iterator with guards (octokit's paginate plugin): stop when there is no next page,
 * fail loudly when `pageInfo` is missing or the cursor does not move, and report every request's
 * `rateLimit.cost`.
 */
import { YardstickError } from "../../core/errors.ts";
import type { GitHubClient, RateLimitInfo } from "./github-client.ts";
import type { PageInfo, RepositoryPartition, StreamDefinition } from "./streams/stream-definition.ts";

export interface PageEvent<Node> {
  nodes: Node[];
  pageInfo: PageInfo;
  rateLimit: RateLimitInfo | null;
}

export async function* paginate<Response extends { rateLimit?: RateLimitInfo | null }, Node>(
  client: GitHubClient,
  stream: StreamDefinition<Response, Node>,
  partition: RepositoryPartition,
  pageSize: number,
): AsyncGenerator<PageEvent<Node>> {
  let after: string | null = null;
  for (;;) {
    const response: Response = await client.query<Response>(
      stream.document,
      stream.variables(partition, after, pageSize),
    );
    const page = stream.page(response);
    if (page === null) {
      throw new YardstickError(
        `repository ${partition.fullName} was not found on GitHub (or the token cannot see it)`,
      );
    }
    if (!page.pageInfo || typeof page.pageInfo.hasNextPage !== "boolean") {
      throw new YardstickError(
        `GitHub answered ${stream.name} for ${partition.fullName} without pageInfo: cannot page`,
      );
    }
    yield { nodes: page.nodes, pageInfo: page.pageInfo, rateLimit: response.rateLimit ?? null };
    if (!page.pageInfo.hasNextPage) return;
    if (!page.pageInfo.endCursor || page.pageInfo.endCursor === after) {
      throw new YardstickError(
        `GitHub's cursor did not move while paging ${stream.name} of ${partition.fullName} (endCursor ${JSON.stringify(page.pageInfo.endCursor)})`,
      );
    }
    after = page.pageInfo.endCursor;
  }
}
