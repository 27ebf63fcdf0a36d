/** One repository named in yardstick.yaml outside the configured organisations. */
export const REPOSITORY_QUERY = /* GraphQL */ `
query Repository($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    id databaseId nameWithOwner isFork isArchived pushedAt updatedAt createdAt
    defaultBranchRef { name target { oid } }
  }
  rateLimit { cost remaining resetAt limit }
}
`;
