/**
 * Incidents: issues carrying one of the incident labels metrics.yaml names, found with search across the
 * organisations (one request when nothing changed). Unresolved incidents are re-read on every run so
 * that their closing lands.
 *
 * q example: `org:acme is:issue label:incident,sev1 updated:>=2026-06-01T00:00:00Z sort:updated-asc`
 */
export const SEARCH_INCIDENTS_QUERY = /* GraphQL */ `
query SearchIncidents($q: String!, $after: String, $pageSize: Int!) {
  search(type: ISSUE, query: $q, first: $pageSize, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on Issue {
        id
        number
        url
        title
        body
        state
        stateReason
        createdAt
        updatedAt
        closedAt
        repository { nameWithOwner }
        author { __typename login }
        labels(first: 20) { nodes { name } }
      }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
`;
