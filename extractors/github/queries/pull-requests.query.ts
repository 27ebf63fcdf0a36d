/**
 * Pull requests of one repository, most recently updated first. The extractor stops paging at the first
 * pull request updated before its watermark. Each node lands in the lake as its raw JSON payload, so the
 * fields below are also the contract that `stg_github__pull_requests` reads.
 *
 * Commits and reviews ride along (first page only) in v0; the extraction issue batches the rest by node id.
 */
export const REPO_PULL_REQUESTS_QUERY = /* GraphQL */ `
query RepoPullRequests($owner: String!, $name: String!, $after: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    pullRequests(first: $pageSize, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        fullDatabaseId
        number
        url
        title
        body
        state
        isDraft
        createdAt
        updatedAt
        closedAt
        mergedAt
        additions
        deletions
        changedFiles
        baseRefName
        headRefName
        author { __typename login }
        mergeCommit { oid }
        commits(first: 100) {
          totalCount
          nodes {
            commit {
              oid
              message
              authoredDate
              committedDate
              author { name email date user { login } }
              committer { name email date }
            }
          }
        }
        reviews(first: 50) {
          totalCount
          nodes { id state submittedAt author { __typename login } }
        }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
`;

/** Variables of REPO_PULL_REQUESTS_QUERY. */
export interface RepoPullRequestsVariables {
  owner: string;
  name: string;
  after: string | null;
  pageSize: number;
}

export interface GhActor {
  __typename: string;
  login: string;
}

export interface GhPullRequestNode {
  id: string;
  number: number;
  updatedAt: string;
  [field: string]: unknown;
}

export interface RepoPullRequestsResponse {
  repository: {
    nameWithOwner: string;
    pullRequests: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: GhPullRequestNode[];
    };
  } | null;
  rateLimit: { cost: number; remaining: number; resetAt: string; limit: number } | null;
}
