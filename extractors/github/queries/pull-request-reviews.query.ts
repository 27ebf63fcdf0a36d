/** Reviews of one pull request beyond the first page that the pull request query already brought. */
export const PULL_REQUEST_REVIEWS_PAGE_QUERY = /* GraphQL */ `
query PullRequestReviewsPage($id: ID!, $after: String) {
  node(id: $id) {
    ... on PullRequest {
      id
      reviews(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          fullDatabaseId
          state
          submittedAt
          author { __typename login }
          authorAssociation
          commit { oid }
          comments { totalCount }
        }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
`;
