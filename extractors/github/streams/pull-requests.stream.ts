/** Pull requests per repository, newest update first; the raw node is the lake payload. */
import {
  type GhPullRequestNode,
  REPO_PULL_REQUESTS_QUERY,
  type RepoPullRequestsResponse,
} from "../queries/pull-requests.query.ts";
import type { StreamDefinition } from "./stream-definition.ts";

export const pullRequestsStream: StreamDefinition<RepoPullRequestsResponse, GhPullRequestNode> = {
  source: "github",
  name: "pull_requests",
  document: REPO_PULL_REQUESTS_QUERY,
  partition: "repository",
  variables: (repo, after, pageSize) => ({ owner: repo.owner, name: repo.name, after, pageSize }),
  page: (response) => response.repository?.pullRequests ?? null,
  cursorValue: (node) => node.updatedAt,
  columns: [
    { name: "pull_request_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
    { name: "updated_at", type: "TIMESTAMP" },
  ],
  toRow: (node, repo) => ({
    pull_request_id: node.id,
    repository: repo.fullName,
    updated_at: node.updatedAt,
  }),
};
