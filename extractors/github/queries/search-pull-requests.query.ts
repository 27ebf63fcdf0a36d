/**
 * Pull requests changed in a time window across whole organisations, through search: one request finds
 * every changed pull request of up to 25 of them, so an unchanged organisation costs one request however
 * many repositories it has. Search returns at most 1,000 results per query string; the extractor halves
 * the `updated:` window until `issueCount` fits.
 *
 * q example: `org:acme is:pr updated:2026-06-01T00:00:00Z..2026-06-02T00:00:00Z sort:updated-asc`
 */
import { PULL_REQUEST_FIELDS } from "./pull-request-fields.ts";

export const SEARCH_PULL_REQUESTS_QUERY = /* GraphQL */ `
query SearchPullRequests($q: String!, $after: String, $pageSize: Int!) {
  search(type: ISSUE, query: $q, first: $pageSize, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes { __typename ...PullRequestFields }
  }
  rateLimit { cost remaining resetAt limit }
}
${PULL_REQUEST_FIELDS}`;
