/**
 * The pull request fields every pull request query selects (through search or per repository), so that a
 * pull request lands with the same payload however it was found. One page carries what the metrics need
 * for almost every pull request — its commits with full messages and the workflow runs of each push, its
 * first reviews, its head commit's CI with its jobs — so that N changed pull requests cost about N/25
 * requests. The rare overflow (more than 50 commits, 10 reviews or 10 check suites on a commit) is read by
 * the batched follow-up queries.
 *
 * Cost (GitHub charges as if every connection were full; per page of 25): commits 25 + their check suites
 * 1,250 + head commit 25 + its check suites 25 + their check runs 250 + reviews 25 + review comments 250 +
 * labels 25 + timeline 25 ≈ 1,900 requests → about 19 points.
 */
export const COMMIT_FIELDS = /* GraphQL */ `
fragment CommitFields on Commit {
  id
  oid
  message
  authoredDate
  committedDate
  additions
  deletions
  author { name email date user { login } }
  committer { name email date user { login } }
  checkSuites(first: 10) { totalCount nodes { ...CheckSuiteSummaryFields } }
}
`;

/**
 * A check suite without its check runs: what the CI of every push to a pull request needs (the run, its
 * workflow and file, its outcome and times). Nested under a page of commits, check runs would cost a
 * request per suite (25 pull requests × 50 commits × 10 suites = 12,500 per page); without them the commits'
 * suites cost 1,250 requests, about 13 points per page.
 */
export const CHECK_SUITE_SUMMARY_FIELDS = /* GraphQL */ `
fragment CheckSuiteSummaryFields on CheckSuite {
  id
  databaseId
  status
  conclusion
  createdAt
  updatedAt
  app { slug }
  branch { name }
  workflowRun { databaseId runNumber event createdAt updatedAt url file { path } workflow { name databaseId } }
}
`;

/** A check suite with its check runs (jobs): for head and default-branch commits. Includes the summary. */
export const CHECK_SUITE_FIELDS = /* GraphQL */ `
fragment CheckSuiteFields on CheckSuite {
  ...CheckSuiteSummaryFields
  checkRuns(first: 20) { totalCount nodes { databaseId name status conclusion startedAt completedAt } }
}
${CHECK_SUITE_SUMMARY_FIELDS}`;

export const REVIEW_FIELDS = /* GraphQL */ `
fragment ReviewFields on PullRequestReview {
  id
  fullDatabaseId
  state
  submittedAt
  author { __typename login }
  authorAssociation
  commit { oid }
  comments { totalCount }
}
`;

export const PULL_REQUEST_FIELDS = /* GraphQL */ `
fragment PullRequestFields on PullRequest {
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
  publishedAt
  closedAt
  mergedAt
  additions
  deletions
  changedFiles
  baseRefName
  headRefName
  headRefOid
  isCrossRepository
  repository { nameWithOwner }
  author { __typename login }
  authorAssociation
  mergedBy { __typename login }
  mergeCommit { oid committedDate }
  reviewDecision
  totalCommentsCount
  labels(first: 20) { totalCount nodes { name } }
  timelineItems(first: 20, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT, REVIEW_REQUESTED_EVENT]) {
    totalCount
    nodes {
      __typename
      ... on ReadyForReviewEvent { createdAt actor { __typename login } }
      ... on ConvertToDraftEvent { createdAt }
      ... on ReviewRequestedEvent { createdAt requestedReviewer { __typename ... on User { login } ... on Bot { login } ... on Team { slug } } }
    }
  }
  commits(first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { commit { ...CommitFields } }
  }
  headCommit: commits(last: 1) {
    nodes {
      commit {
        id
        oid
        checkSuites(first: 10) { totalCount nodes { ...CheckSuiteFields } }
        status { state contexts { context state createdAt targetUrl } }
      }
    }
  }
  reviews(first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ...ReviewFields }
  }
}
${COMMIT_FIELDS}${CHECK_SUITE_FIELDS}${REVIEW_FIELDS}`;
