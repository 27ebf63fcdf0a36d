/**
 * CI of many commits at once, by node id: check suites (an Actions workflow run is a check suite) with
 * their check runs, and legacy commit statuses. Failure rate is measured on suites, not on check runs,
 * which scale with the size of a matrix.
 */
export const COMMIT_CHECKS_QUERY = /* GraphQL */ `
query CommitChecks($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Commit {
      id
      oid
      committedDate
      checkSuites(first: 20) {
        totalCount
        nodes {
          id
          databaseId
          status
          conclusion
          createdAt
          updatedAt
          app { slug }
          branch { name }
          workflowRun { databaseId runNumber event createdAt updatedAt url workflow { name databaseId } }
          checkRuns(first: 50) { totalCount nodes { databaseId name status conclusion startedAt completedAt } }
        }
      }
      status { state contexts { context state createdAt targetUrl } }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
`;
