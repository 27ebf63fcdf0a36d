/**
 * Commits of many pull requests at once, by node id, with full messages (for co-author trailers) and git
 * identities. A pull request with more than `perPr` commits is finished with PULL_REQUEST_COMMITS_PAGE_QUERY.
 * Batches of about 20 keep long messages under GitHub's 10-second timeout.
 */
const COMMIT_FIELDS = /* GraphQL */ `
fragment PullRequestCommitFields on PullRequestCommit {
  commit {
    id
    oid
    message
    authoredDate
    committedDate
    additions
    deletions
    parents(first: 2) { totalCount nodes { oid } }
    author { name email date user { login } }
    committer { name email date user { login } }
  }
}
`;

export const PULL_REQUEST_COMMITS_QUERY = /* GraphQL */ `
query PullRequestCommits($ids: [ID!]!, $perPr: Int!) {
  nodes(ids: $ids) {
    ... on PullRequest {
      id
      commits(first: $perPr) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...PullRequestCommitFields }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${COMMIT_FIELDS}`;

export const PULL_REQUEST_COMMITS_PAGE_QUERY = /* GraphQL */ `
query PullRequestCommitsPage($id: ID!, $after: String, $pageSize: Int!) {
  node(id: $id) {
    ... on PullRequest {
      id
      commits(first: $pageSize, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...PullRequestCommitFields }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${COMMIT_FIELDS}`;
