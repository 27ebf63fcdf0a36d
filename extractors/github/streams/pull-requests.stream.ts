/**
 * Pull requests changed since each scope's cursor, found with search across whole organisations, landed
 * with their commits and the workflow runs of each push, reviews and head-commit CI (all in the same page),
 * then the rare overflow — more commits, reviews or check suites than one page holds — read by batched
 * follow-up queries before the cursor moves. With `github.discovery: scan`, each repository is paged
 * newest-first instead.
 */
import { defineLakeStream } from "../../lake-stream.ts";
import { definePartitionedStream } from "../../source.ts";
import { advanceCursor, cursorKey, nextWatermark, type StreamCursor, startOf } from "../../stream-context.ts";
import { ask, type GitHubContext, partitionOf } from "../github-context.ts";
import { pages } from "../paginate.ts";
import { COMMIT_CHECKS_QUERY } from "../queries/commit-checks.query.ts";
import { PULL_REQUEST_COMMITS_PAGE_QUERY } from "../queries/pull-request-commits.query.ts";
import { PULL_REQUEST_REVIEWS_PAGE_QUERY } from "../queries/pull-request-reviews.query.ts";
import { REPO_PULL_REQUESTS_QUERY } from "../queries/pull-requests.query.ts";
import { SEARCH_PULL_REQUESTS_QUERY } from "../queries/search-pull-requests.query.ts";
import {
  checkSuitesStream,
  commitStatusesStream,
  landChecks,
  pushCheckSuitesStream,
  readCommitChecks,
} from "./commit-checks.ts";
import type {
  CheckSuiteNode,
  CommitNode,
  PageInfo,
  PullRequestNode,
  RateLimitFields,
  ReviewNode,
} from "./records.ts";
import type { RepositoryInfo } from "./repositories.stream.ts";
import { searchScopes } from "./search-scopes.ts";
import { advanceSearchCursor, windowedSearch } from "./windowed-search.ts";

const PHASE = "pull_requests";
const OVERFLOW = "pull_request_overflow";
const CURSOR: StreamCursor = { name: "pull_requests", field: "updatedAt" };

/**
 * The pull request without the child lists that have streams of their own (commits, reviews, head-commit
 * CI), so that each fact lands once; their counts and page info stay.
 */
export const pullRequestsStream = defineLakeStream<PullRequestNode>({
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

export const pullRequestCommitsStream = defineLakeStream<PullRequestCommitRecord>({
  source: "github",
  name: "pull_request_commits",
  primaryKey: ["pull_request_id", "commit_oid"],
  columns: [
    { name: "pull_request_id", type: "VARCHAR" },
    { name: "commit_oid", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
  ],
  toRow: (r) => ({ pull_request_id: r.pullRequestId, commit_oid: r.commit.oid, repository: r.repository }),
  // The commit's check suites land in check_suites, once per suite.
  toPayload: (r) => {
    const { checkSuites: _suites, ...commit } = r.commit;
    return commit;
  },
});

export interface ReviewRecord {
  pullRequestId: string;
  repository: string;
  review: ReviewNode;
}

export const pullRequestReviewsStream = defineLakeStream<ReviewRecord>({
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

/** A search scope (`org:acme`), or with `github.discovery: scan` a repository. */
interface PullRequestPartition {
  name: string;
  repository?: RepositoryInfo;
}

export const PULL_REQUESTS = definePartitionedStream<GitHubContext, PullRequestPartition>({
  name: PHASE,
  requests: [
    SEARCH_PULL_REQUESTS_QUERY,
    REPO_PULL_REQUESTS_QUERY,
    PULL_REQUEST_COMMITS_PAGE_QUERY,
    PULL_REQUEST_REVIEWS_PAGE_QUERY,
    COMMIT_CHECKS_QUERY,
  ],
  lands: [
    pullRequestsStream,
    pullRequestCommitsStream,
    pullRequestReviewsStream,
    checkSuitesStream,
    pushCheckSuitesStream,
    commitStatusesStream,
  ],
  cursor: CURSOR,
  partitionedBy: "search scope (one per organisation); with github.discovery: scan, repository",
  partitions: (ctx) =>
    ctx.config.github.discovery === "scan"
      ? ctx.repositories.map((repository) => ({ name: repository.fullName, repository }))
      : searchScopes(ctx.config.github.orgs, ctx.repositories).map((scope) => ({ name: scope })),
  readPartition: (ctx, partition) =>
    partition.repository ? scanRepository(ctx, partition.repository) : searchScope(ctx, partition.name),
});

async function searchScope(ctx: GitHubContext, scope: string): Promise<void> {
  const key = cursorKey(ctx, CURSOR, scope);
  const events = windowedSearch<PullRequestNode | { __typename: string }>(ctx, {
    phase: PHASE,
    document: SEARCH_PULL_REQUESTS_QUERY,
    base: `${scope} is:pr archived:false`,
    from: startOf(ctx, key),
    to: ctx.runStartedAt,
    pageSize: ctx.config.github.pageSize,
  });
  for await (const event of events) {
    if (event.kind === "page") {
      const prs = event.nodes.filter((n): n is PullRequestNode => n.__typename === "PullRequest");
      await landPullRequests(ctx, prs);
      // A page fully landed: a run stopped or killed after it resumes from here, not from the window start.
      await advanceSearchCursor(ctx, key, event.lastUpdatedAt);
    } else {
      // A finished window is durable: a killed run resumes after it.
      await advanceSearchCursor(ctx, key, event.to);
    }
  }
  await advanceCursor(ctx, key, nextWatermark(ctx));
}

/** The per-repository path: newest first, stopping at the first pull request older than the cursor. */
async function scanRepository(ctx: GitHubContext, repo: RepositoryInfo): Promise<void> {
  const key = cursorKey(ctx, CURSOR, repo.fullName);
  const from = startOf(ctx, key).toISOString();
  const { owner, name } = partitionOf(repo.fullName);
  for await (const page of pages<PullRequestNode>(`pull requests of ${repo.fullName}`, async (after) => {
    const data = await ask<{
      repository: { pullRequests: { pageInfo: PageInfo; nodes: PullRequestNode[] } } | null;
      rateLimit: RateLimitFields | null;
    }>(ctx, PHASE, REPO_PULL_REQUESTS_QUERY, { owner, name, after, pageSize: ctx.config.github.pageSize });
    return data.repository?.pullRequests ?? null;
  })) {
    const fresh = page.nodes.filter((pr) => pr.updatedAt >= from);
    await landPullRequests(ctx, fresh);
    if (fresh.length < page.nodes.length) break;
  }
  await advanceCursor(ctx, key, nextWatermark(ctx));
}

/** Lands a page of pull requests and everything that came with them, then reads their overflow. */
async function landPullRequests(ctx: GitHubContext, prs: readonly PullRequestNode[]): Promise<void> {
  const moreCommits: { pr: PullRequestNode; after: string }[] = [];
  const moreReviews: { pr: PullRequestNode; after: string }[] = [];
  const moreChecks: { repository: string; commitId: string; oid: string }[] = [];
  const morePushChecks: { repository: string; commitId: string; oid: string }[] = [];
  for (const pr of prs) {
    const repository = pr.repository.nameWithOwner;
    const headOid = pr.headCommit.nodes[0]?.commit.oid;
    await ctx.sink.add(pullRequestsStream, pr);
    for (const { commit } of pr.commits.nodes) {
      await ctx.sink.add(pullRequestCommitsStream, { pullRequestId: pr.id, repository, commit });
      await landPushChecks(ctx, repository, commit, headOid, morePushChecks);
    }
    if (pr.commits.pageInfo.hasNextPage && pr.commits.pageInfo.endCursor) {
      moreCommits.push({ pr, after: pr.commits.pageInfo.endCursor });
    }
    for (const review of pr.reviews.nodes) {
      await ctx.sink.add(pullRequestReviewsStream, { pullRequestId: pr.id, repository, review });
    }
    if (pr.reviews.pageInfo.hasNextPage && pr.reviews.pageInfo.endCursor) {
      moreReviews.push({ pr, after: pr.reviews.pageInfo.endCursor });
    }
    const head = pr.headCommit.nodes[0]?.commit;
    if (head) {
      if (head.checkSuites.totalCount > head.checkSuites.nodes.length) {
        moreChecks.push({ repository, commitId: head.id, oid: head.oid });
      } else {
        await landChecks(ctx, repository, head.oid, "pull_request_head", head.checkSuites.nodes, head.status);
      }
    }
  }
  for (const { pr, after } of moreCommits) {
    for await (const page of pages<{ commit: CommitNode }>(
      `commits of ${pr.repository.nameWithOwner}#${pr.number}`,
      async (cursor) => {
        const data = await ask<{
          node: { commits: { pageInfo: PageInfo; nodes: { commit: CommitNode }[] } } | null;
          rateLimit: RateLimitFields | null;
        }>(ctx, OVERFLOW, PULL_REQUEST_COMMITS_PAGE_QUERY, { id: pr.id, after: cursor, pageSize: 100 });
        return data.node?.commits ?? null;
      },
      after,
    )) {
      const headOid = pr.headCommit.nodes[0]?.commit.oid;
      for (const { commit } of page.nodes) {
        const repository = pr.repository.nameWithOwner;
        await ctx.sink.add(pullRequestCommitsStream, { pullRequestId: pr.id, repository, commit });
        await landPushChecks(ctx, repository, commit, headOid, morePushChecks);
      }
    }
  }
  for (const { pr, after } of moreReviews) {
    for await (const page of pages<ReviewNode>(
      `reviews of ${pr.repository.nameWithOwner}#${pr.number}`,
      async (cursor) => {
        const data = await ask<{
          node: { reviews: { pageInfo: PageInfo; nodes: ReviewNode[] } } | null;
          rateLimit: RateLimitFields | null;
        }>(ctx, OVERFLOW, PULL_REQUEST_REVIEWS_PAGE_QUERY, { id: pr.id, after: cursor });
        return data.node?.reviews ?? null;
      },
      after,
    )) {
      for (const review of page.nodes) {
        await ctx.sink.add(pullRequestReviewsStream, {
          pullRequestId: pr.id,
          repository: pr.repository.nameWithOwner,
          review,
        });
      }
    }
  }
  await readCommitChecks(ctx, moreChecks, "pull_request_head", OVERFLOW);
  await readCommitChecks(ctx, morePushChecks, "pull_request_commit", OVERFLOW);
}

/**
 * The workflow runs of one push to a pull request (its commit's check suites, without their jobs), so that a
 * push that failed CI and was then fixed still counts its failure, into push_check_suites. The head commit's
 * suites land with their jobs from headCommit instead; a commit with more suites than the page holds is read
 * by id afterwards (with their jobs, into check_suites).
 */
async function landPushChecks(
  ctx: GitHubContext,
  repository: string,
  commit: CommitNode,
  headOid: string | undefined,
  overflow: { repository: string; commitId: string; oid: string }[],
): Promise<void> {
  const suites = commit.checkSuites as { totalCount: number; nodes: CheckSuiteNode[] } | undefined;
  if (!suites || commit.oid === headOid) return;
  if (suites.totalCount > suites.nodes.length) {
    overflow.push({ repository, commitId: commit.id, oid: commit.oid });
    return;
  }
  for (const suite of suites.nodes) {
    await ctx.sink.add(pushCheckSuitesStream, {
      repository,
      commitOid: commit.oid,
      context: "pull_request_commit",
      suite,
    });
  }
}
