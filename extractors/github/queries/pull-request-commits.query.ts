/**
 * Commits of pull requests whose first page (50, in PullRequestFields) did not hold them all: by node id,
 * batched, then paged per pull request. Full messages carry the co-author trailers; each commit comes with
 * the workflow runs of its push.
 */
import { CHECK_SUITE_SUMMARY_FIELDS, COMMIT_FIELDS } from "./pull-request-fields.ts";

export const PULL_REQUEST_COMMITS_PAGE_QUERY = /* GraphQL */ `
query PullRequestCommitsPage($id: ID!, $after: String, $pageSize: Int!) {
  node(id: $id) {
    ... on PullRequest {
      id
      commits(first: $pageSize, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { commit { ...CommitFields } }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${COMMIT_FIELDS}${CHECK_SUITE_SUMMARY_FIELDS}`;
