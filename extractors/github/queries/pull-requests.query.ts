/**
 * Pull requests of one repository, most recently updated first: the per-repository scan, used for
 * repositories named outside the configured organisations and when search cannot be used. The extractor
 * stops paging at the first pull request updated before its watermark.
 */
import { PULL_REQUEST_FIELDS } from "./pull-request-fields.ts";

export const REPO_PULL_REQUESTS_QUERY = /* GraphQL */ `
query RepoPullRequests($owner: String!, $name: String!, $after: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    pullRequests(first: $pageSize, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...PullRequestFields }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${PULL_REQUEST_FIELDS}`;
