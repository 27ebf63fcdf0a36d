/**
 * Every lake stream the GitHub extractor writes. One row per record, keyed so that staging can dedupe
 * (latest `_extracted_at` wins). Child records carry their parent's key.
 */
import type {
  CheckSuiteNode,
  CommitNode,
  DeploymentNode,
  IssueNode,
  PullRequestNode,
  RepositoryNode,
  ReviewNode,
} from "./records.ts";
import { defineStream } from "./stream-definition.ts";

export const repositoriesStream = defineStream<RepositoryNode>({
  source: "github",
  name: "repositories",
  primaryKey: ["repository_id"],
  columns: [
    { name: "repository_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
    { name: "pushed_at", type: "TIMESTAMP" },
  ],
  toRow: (r) => ({ repository_id: r.id, repository: r.nameWithOwner, pushed_at: r.pushedAt }),
});

/**
 * The pull request without the child lists that have streams of their own (commits, reviews, head-commit
 * CI), so that each fact lands once; their counts and page info stay.
 */
export const pullRequestsStream = defineStream<PullRequestNode>({
  source: "github",
  name: "pull_requests",
  primaryKey: ["pull_request_id"],
  columns: [
    { name: "pull_request_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
    { name: "updated_at", type: "TIMESTAMP" },
  ],
  toRow: (pr) => ({
    pull_request_id: pr.id,
    repository: pr.repository.nameWithOwner,
    updated_at: pr.updatedAt,
  }),
  toPayload: (pr) => {
    const { headCommit, ...rest } = pr;
    return {
      ...rest,
      headCommit: headCommit.nodes[0]
        ? { id: headCommit.nodes[0].commit.id, oid: headCommit.nodes[0].commit.oid }
        : null,
      commits: { totalCount: pr.commits.totalCount },
      reviews: { totalCount: pr.reviews.totalCount },
    };
  },
});

export interface PullRequestCommitRecord {
  pullRequestId: string;
  repository: string;
  commit: CommitNode;
}

export const pullRequestCommitsStream = defineStream<PullRequestCommitRecord>({
  source: "github",
  name: "pull_request_commits",
  primaryKey: ["pull_request_id", "commit_oid"],
  columns: [
    { name: "pull_request_id", type: "VARCHAR" },
    { name: "commit_oid", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
  ],
  toRow: (r) => ({ pull_request_id: r.pullRequestId, commit_oid: r.commit.oid, repository: r.repository }),
  toPayload: (r) => r.commit,
});

export interface ReviewRecord {
  pullRequestId: string;
  repository: string;
  review: ReviewNode;
}

export const pullRequestReviewsStream = defineStream<ReviewRecord>({
  source: "github",
  name: "pull_request_reviews",
  primaryKey: ["review_id"],
  columns: [
    { name: "review_id", type: "VARCHAR" },
    { name: "pull_request_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
  ],
  toRow: (r) => ({ review_id: r.review.id, pull_request_id: r.pullRequestId, repository: r.repository }),
  toPayload: (r) => r.review,
});

/** Where a commit's CI was found: on a pull request's head commit, or on the default branch. */
export type CommitContext = "pull_request_head" | "default_branch";

export interface CheckSuiteRecord {
  repository: string;
  commitOid: string;
  context: CommitContext;
  suite: CheckSuiteNode;
}

export const checkSuitesStream = defineStream<CheckSuiteRecord>({
  source: "github",
  name: "check_suites",
  primaryKey: ["check_suite_id"],
  columns: [
    { name: "check_suite_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
    { name: "commit_oid", type: "VARCHAR" },
    { name: "commit_context", type: "VARCHAR" },
  ],
  toRow: (r) => ({
    check_suite_id: r.suite.id,
    repository: r.repository,
    commit_oid: r.commitOid,
    commit_context: r.context,
  }),
  toPayload: (r) => r.suite,
});

export interface CommitStatusRecord {
  repository: string;
  commitOid: string;
  context: CommitContext;
  status: { context: string; state: string; createdAt: string; targetUrl: string | null };
}

export const commitStatusesStream = defineStream<CommitStatusRecord>({
  source: "github",
  name: "commit_statuses",
  primaryKey: ["repository", "commit_oid", "context", "created_at"],
  columns: [
    { name: "repository", type: "VARCHAR" },
    { name: "commit_oid", type: "VARCHAR" },
    { name: "context", type: "VARCHAR" },
    { name: "created_at", type: "TIMESTAMP" },
    { name: "commit_context", type: "VARCHAR" },
  ],
  toRow: (r) => ({
    repository: r.repository,
    commit_oid: r.commitOid,
    context: r.status.context,
    created_at: r.status.createdAt,
    commit_context: r.context,
  }),
  toPayload: (r) => r.status,
});

export interface BranchCommitRecord {
  repository: string;
  branch: string;
  commit: CommitNode;
}

export const defaultBranchCommitsStream = defineStream<BranchCommitRecord>({
  source: "github",
  name: "default_branch_commits",
  primaryKey: ["repository", "commit_oid"],
  columns: [
    { name: "repository", type: "VARCHAR" },
    { name: "commit_oid", type: "VARCHAR" },
    { name: "branch", type: "VARCHAR" },
  ],
  toRow: (r) => ({ repository: r.repository, commit_oid: r.commit.oid, branch: r.branch }),
  toPayload: (r) => r.commit,
});

export interface DeployedCommitRecord {
  repository: string;
  /** The deployed commit whose history listed this one. */
  deployedOid: string;
  commit: CommitNode;
}

/**
 * The newest ancestors of each deployed commit outside the default branch (hotfix and release branches), one
 * row per (deployed commit, ancestor), so that what such a deployment contains is decided by ancestry from
 * its own list: a bounded number of rows per deployed commit, however long its branch lives.
 */
export const deployedCommitsStream = defineStream<DeployedCommitRecord>({
  source: "github",
  name: "deployed_commits",
  primaryKey: ["repository", "deployed_oid", "commit_oid"],
  columns: [
    { name: "repository", type: "VARCHAR" },
    { name: "commit_oid", type: "VARCHAR" },
    { name: "deployed_oid", type: "VARCHAR" },
  ],
  toRow: (r) => ({ repository: r.repository, commit_oid: r.commit.oid, deployed_oid: r.deployedOid }),
  toPayload: (r) => r.commit,
});

export interface DeploymentRecord {
  repository: string;
  deployment: DeploymentNode;
}

export const deploymentsStream = defineStream<DeploymentRecord>({
  source: "github",
  name: "deployments",
  primaryKey: ["deployment_id"],
  columns: [
    { name: "deployment_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
    { name: "created_at", type: "TIMESTAMP" },
  ],
  toRow: (r) => ({
    deployment_id: r.deployment.id,
    repository: r.repository,
    created_at: r.deployment.createdAt,
  }),
  toPayload: (r) => r.deployment,
});

export const incidentsStream = defineStream<IssueNode>({
  source: "github",
  name: "incidents",
  primaryKey: ["issue_id"],
  columns: [
    { name: "issue_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
    { name: "updated_at", type: "TIMESTAMP" },
  ],
  toRow: (i) => ({ issue_id: i.id, repository: i.repository.nameWithOwner, updated_at: i.updatedAt }),
});

/** Every stream, in the order a reader of the lake would meet them. */
export const GITHUB_STREAMS = [
  repositoriesStream,
  pullRequestsStream,
  pullRequestCommitsStream,
  pullRequestReviewsStream,
  checkSuitesStream,
  commitStatusesStream,
  defaultBranchCommitsStream,
  deploymentsStream,
  deployedCommitsStream,
  incidentsStream,
] as const;
