/**
 * The pull request fields every pull request query selects (per repository or through search), so that a
 * pull request lands in the lake with the same payload whichever way it was found. Commits beyond the
 * last one and reviews beyond the first page are read by their own batched queries.
 *
 * Cost: GitHub charges as if every connection were full, so `reviews(first: 10) { comments }` costs 10
 * per pull request where `first: 50` would cost 50 (most pull requests have fewer than 10 reviews).
 */
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
  commits(last: 1) { totalCount nodes { commit { id oid committedDate } } }
  timelineItems(first: 20, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT, REVIEW_REQUESTED_EVENT]) {
    totalCount
    nodes {
      __typename
      ... on ReadyForReviewEvent { createdAt actor { __typename login } }
      ... on ConvertToDraftEvent { createdAt }
      ... on ReviewRequestedEvent { createdAt requestedReviewer { __typename ... on User { login } ... on Bot { login } ... on Team { slug } } }
    }
  }
  reviews(first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ...ReviewFields }
  }
}

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
