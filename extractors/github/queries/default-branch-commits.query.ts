/**
 * Default-branch history since a watermark: which merged pull requests each deployment shipped is known
 * from the commits between two deployments. CI of these commits is read by COMMIT_CHECKS_QUERY.
 */
export const DEFAULT_BRANCH_COMMITS_QUERY = /* GraphQL */ `
query DefaultBranchCommits($owner: String!, $name: String!, $since: GitTimestamp!, $after: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    defaultBranchRef {
      name
      target {
        ... on Commit {
          history(first: $pageSize, since: $since, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes {
              id
              oid
              authoredDate
              committedDate
              message
              parents(first: 2) { totalCount nodes { oid } }
              author { name email user { login } }
              committer { name email user { login } }
              associatedPullRequests(first: 1) { nodes { id number } }
            }
          }
        }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
`;
