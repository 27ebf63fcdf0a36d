/** Non-archived repositories of an organisation, most recently pushed first (1 point per 100). */
export const ORG_REPOSITORIES_QUERY = /* GraphQL */ `
query OrgRepositories($org: String!, $after: String) {
  organization(login: $org) {
    repositories(first: 100, after: $after, isArchived: false, orderBy: {field: PUSHED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes { id databaseId nameWithOwner isFork isArchived pushedAt updatedAt createdAt defaultBranchRef { name target { oid } } }
    }
  }
  rateLimit { cost remaining resetAt limit }
}
`;

export interface OrgRepositoriesResponse {
  organization: {
    repositories: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: {
        id: string;
        nameWithOwner: string;
        isFork: boolean;
        pushedAt: string | null;
        updatedAt: string;
        defaultBranchRef: { name: string; target: { oid: string } | null } | null;
      }[];
    };
  } | null;
  rateLimit: { cost: number; remaining: number; resetAt: string; limit: number } | null;
}
