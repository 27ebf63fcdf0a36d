/** Reviews of one pull request beyond the first page that the pull request query already brought. */
import { REVIEW_FIELDS } from "./pull-request-fields.ts";

export const PULL_REQUEST_REVIEWS_PAGE_QUERY = /* GraphQL */ `
query PullRequestReviewsPage($id: ID!, $after: String) {
  node(id: $id) {
    ... on PullRequest {
      id
      reviews(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...ReviewFields }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${REVIEW_FIELDS}`;
