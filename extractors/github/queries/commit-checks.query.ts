/**
 * CI of many commits at once, by node id: check suites (an Actions workflow run is a check suite) with
 * their check runs, and legacy commit statuses. Used for default-branch commits, and for pull request head
 * commits with more suites than PullRequestFields reads. Failure rate is measured on suites, not on check
 * runs, which scale with the size of a matrix. Cost for 50 commits: 50 + 50×20 = 1,050 requests ≈ 11 points.
 */
import { CHECK_SUITE_FIELDS } from "./pull-request-fields.ts";

export const COMMIT_CHECKS_QUERY = /* GraphQL */ `
query CommitChecks($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Commit {
      id
      oid
      committedDate
      checkSuites(first: 20) { totalCount nodes { ...CheckSuiteFields } }
      status { state contexts { context state createdAt targetUrl } }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
${CHECK_SUITE_FIELDS}`;
