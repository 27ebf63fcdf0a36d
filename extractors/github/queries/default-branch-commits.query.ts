/**
 * Default-branch history since a watermark: which merged pull requests each deployment shipped is known
 * from the commits between two deployments. CI of these commits is read by COMMIT_CHECKS_QUERY.
 */

/** What the lake keeps of a commit of history: enough to walk its ancestry and credit its pull request. */
export const HISTORY_COMMIT_FIELDS = /* GraphQL */ `
fragment HistoryCommitFields on Commit {
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
`;

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
            nodes { ...HistoryCommitFields }
          }
        }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${HISTORY_COMMIT_FIELDS}`;

/**
 * The default branch's commits of a past window, ids only: their CI is read again, because a workflow run can
 * start after its commit was read (a deploy workflow run by a release train or by hand) or still be running
 * then. Cost: one point per 100 commits.
 */
export const DEFAULT_BRANCH_RECENT_COMMITS_QUERY = /* GraphQL */ `
query DefaultBranchRecentCommits($owner: String!, $name: String!, $since: GitTimestamp!, $until: GitTimestamp!, $after: String, $pageSize: Int!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    defaultBranchRef {
      target {
        ... on Commit {
          history(first: $pageSize, since: $since, until: $until, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes { id oid }
          }
        }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}`;

/**
 * The newest ancestors of a deployed commit that is not on the default branch (a hotfix or release
 * branch): its own commits down to where the branch was cut, so the warehouse can tell by ancestry what
 * that deployment shipped. `depth` is fixed (not an adaptive page size) so that what is read does not
 * depend on how GitHub was behaving.
 */
export const DEPLOYED_COMMIT_HISTORY_QUERY = /* GraphQL */ `
query DeployedCommitHistory($owner: String!, $name: String!, $oid: GitObjectID!, $depth: Int!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    object(oid: $oid) {
      ... on Commit {
        oid
        history(first: $depth) {
          nodes { ...HistoryCommitFields }
        }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${HISTORY_COMMIT_FIELDS}`;
