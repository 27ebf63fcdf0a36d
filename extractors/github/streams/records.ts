/** The shapes of the records GitHub's answers hold, as far as the extractor itself reads them. */

export interface Actor {
  __typename: string;
  login: string;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface RepositoryNode {
  id: string;
  databaseId?: number;
  nameWithOwner: string;
  isFork: boolean;
  isArchived?: boolean;
  pushedAt: string | null;
  updatedAt: string;
  defaultBranchRef: { name: string; target: { oid: string } | null } | null;
}

export interface CommitNode {
  id: string;
  oid: string;
  [field: string]: unknown;
}

export interface CheckSuiteNode {
  id: string;
  [field: string]: unknown;
}

export interface StatusNode {
  state: string;
  contexts: { context: string; state: string; createdAt: string; targetUrl: string | null }[];
}

export interface ReviewNode {
  id: string;
  [field: string]: unknown;
}

export interface PullRequestNode {
  id: string;
  number: number;
  updatedAt: string;
  repository: { nameWithOwner: string };
  commits: { totalCount: number; pageInfo: PageInfo; nodes: { commit: CommitNode }[] };
  headCommit: {
    nodes: {
      commit: {
        id: string;
        oid: string;
        checkSuites: { totalCount: number; nodes: CheckSuiteNode[] };
        status: StatusNode | null;
      };
    }[];
  };
  reviews: { totalCount: number; pageInfo: PageInfo; nodes: ReviewNode[] };
  [field: string]: unknown;
}

export interface IssueNode {
  __typename: "Issue";
  id: string;
  number: number;
  updatedAt: string;
  repository: { nameWithOwner: string };
  [field: string]: unknown;
}

export interface DeploymentNode {
  id: string;
  createdAt: string;
  [field: string]: unknown;
}

export interface RateLimitFields {
  cost: number;
  remaining: number;
  resetAt: string;
  limit: number;
}
