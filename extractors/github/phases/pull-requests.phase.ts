/**
 * Pull requests changed since each scope's cursor, found with search across whole organisations, landed
 * with their commits, reviews and head-commit CI (all in the same page), then the rare overflow — more
 * commits, reviews or check suites than one page holds — read by batched follow-up queries before the
 * cursor moves. With `github.discovery: scan`, each repository is paged newest-first instead.
 */
import {
  advanceCursor,
  advanceSearchCursor,
  ask,
  chunk,
  type ExtractContext,
  inPartition,
  nextWatermark,
  startOf,
} from "../extract-context.ts";
import { pages } from "../paginate.ts";
import { COMMIT_CHECKS_QUERY } from "../queries/commit-checks.query.ts";
import { PULL_REQUEST_COMMITS_PAGE_QUERY } from "../queries/pull-request-commits.query.ts";
import { PULL_REQUEST_REVIEWS_PAGE_QUERY } from "../queries/pull-request-reviews.query.ts";
import { REPO_PULL_REQUESTS_QUERY } from "../queries/pull-requests.query.ts";
import { SEARCH_PULL_REQUESTS_QUERY } from "../queries/search-pull-requests.query.ts";
import {
  type CommitContext,
  checkSuitesStream,
  commitStatusesStream,
  pullRequestCommitsStream,
  pullRequestReviewsStream,
  pullRequestsStream,
} from "../streams/github-streams.ts";
import type {
  CheckSuiteNode,
  CommitNode,
  PageInfo,
  PullRequestNode,
  RateLimitFields,
  ReviewNode,
  StatusNode,
} from "../streams/records.ts";
import { partitionOf } from "../streams/stream-definition.ts";
import type { RepositoryInfo } from "./repositories.phase.ts";
import { searchScopes } from "./search-scopes.ts";
import { windowedSearch } from "./windowed-search.ts";

const PHASE = "pull_requests";
const OVERFLOW = "pull_request_overflow";
/** Commits per CommitChecks request: 50 × 20 suites ≈ 11 points. */
const CHECKS_BATCH = 50;

export async function readPullRequests(
  ctx: ExtractContext,
  repositories: readonly RepositoryInfo[],
): Promise<void> {
  if (ctx.config.github.discovery === "scan") {
    for (const repo of repositories)
      await inPartition(ctx, PHASE, repo.fullName, () => scanRepository(ctx, repo));
    return;
  }
  for (const scope of searchScopes(ctx.config.github.orgs, repositories)) {
    await inPartition(ctx, PHASE, scope, () => searchScope(ctx, scope));
  }
}

async function searchScope(ctx: ExtractContext, scope: string): Promise<void> {
  const key = `github/pull_requests/${scope}`;
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
async function scanRepository(ctx: ExtractContext, repo: RepositoryInfo): Promise<void> {
  const key = `github/pull_requests/${repo.fullName}`;
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
async function landPullRequests(ctx: ExtractContext, prs: readonly PullRequestNode[]): Promise<void> {
  const moreCommits: { pr: PullRequestNode; after: string }[] = [];
  const moreReviews: { pr: PullRequestNode; after: string }[] = [];
  const moreChecks: { repository: string; commitId: string; oid: string }[] = [];
  for (const pr of prs) {
    const repository = pr.repository.nameWithOwner;
    await ctx.sink.add(pullRequestsStream, pr);
    for (const { commit } of pr.commits.nodes) {
      await ctx.sink.add(pullRequestCommitsStream, { pullRequestId: pr.id, repository, commit });
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
      for (const { commit } of page.nodes) {
        await ctx.sink.add(pullRequestCommitsStream, {
          pullRequestId: pr.id,
          repository: pr.repository.nameWithOwner,
          commit,
        });
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
}

/** CI of commits by node id, in batches; used for overflowing heads and for default-branch commits. */
export async function readCommitChecks(
  ctx: ExtractContext,
  commits: readonly { repository: string; commitId: string; oid: string }[],
  context: CommitContext,
  phase: string,
): Promise<void> {
  for (const batch of chunk(commits, CHECKS_BATCH)) {
    const data = await ask<{
      nodes: ({
        id: string;
        oid: string;
        checkSuites: { nodes: CheckSuiteNode[] };
        status: StatusNode | null;
      } | null)[];
      rateLimit: RateLimitFields | null;
    }>(ctx, phase, COMMIT_CHECKS_QUERY, { ids: batch.map((c) => c.commitId) }, { tolerate: true });
    for (const [i, node] of data.nodes.entries()) {
      if (!node) continue; // a commit GitHub no longer has (force-pushed away): nothing to land
      await landChecks(ctx, batch[i]!.repository, node.oid, context, node.checkSuites.nodes, node.status);
    }
  }
}

async function landChecks(
  ctx: ExtractContext,
  repository: string,
  commitOid: string,
  context: CommitContext,
  suites: readonly CheckSuiteNode[],
  status: StatusNode | null,
): Promise<void> {
  for (const suite of suites)
    await ctx.sink.add(checkSuitesStream, { repository, commitOid, context, suite });
  for (const s of status?.contexts ?? [])
    await ctx.sink.add(commitStatusesStream, { repository, commitOid, context, status: s });
}
