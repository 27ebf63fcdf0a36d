/**
 * Default-branch history since each repository's cursor, with the CI of those commits, and again the CI of
 * the commits of the `github.deploymentLookbackDays` before the cursor: a workflow run (a deployment, when
 * metrics.yaml names its workflow) may start after its commit was read, or still be running then. A
 * repository whose last push is older than its cursor costs nothing: nothing can have landed on its default
 * branch (a run started since on an older commit waits for the next push).
 */
import { defineLakeStream } from "../../lake-stream.ts";
import { definePartitionedStream } from "../../source.ts";
import { advanceCursor, cursorKey, nextWatermark, type StreamCursor, startOf } from "../../stream-context.ts";
import { ask, type GitHubContext, isoSeconds, partitionOf } from "../github-context.ts";
import { pages } from "../paginate.ts";
import { COMMIT_CHECKS_QUERY } from "../queries/commit-checks.query.ts";
import {
  DEFAULT_BRANCH_COMMITS_QUERY,
  DEFAULT_BRANCH_RECENT_COMMITS_QUERY,
} from "../queries/default-branch-commits.query.ts";
import { checkSuitesStream, commitStatusesStream, readCommitChecks } from "./commit-checks.ts";
import type { CommitNode, PageInfo } from "./records.ts";
import type { RepositoryInfo } from "./repositories.stream.ts";

const PHASE = "default_branch";
const PAGE_SIZE = 100;
const DAY_MS = 24 * 60 * 60 * 1000;
const CURSOR: StreamCursor = { name: "default_branch_commits", field: "committedDate" };

export interface BranchCommitRecord {
  repository: string;
  branch: string;
  commit: CommitNode;
}

export const defaultBranchCommitsStream = defineLakeStream<BranchCommitRecord>({
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

interface HistoryAnswer {
  repository: {
    defaultBranchRef: {
      name: string;
      target: { history?: { pageInfo: PageInfo; nodes: CommitNode[] } };
    } | null;
  } | null;
}

interface RepositoryPartition {
  name: string;
  repository: RepositoryInfo;
}

export const DEFAULT_BRANCH = definePartitionedStream<GitHubContext, RepositoryPartition>({
  name: PHASE,
  requests: [DEFAULT_BRANCH_COMMITS_QUERY, DEFAULT_BRANCH_RECENT_COMMITS_QUERY, COMMIT_CHECKS_QUERY],
  lands: [defaultBranchCommitsStream, checkSuitesStream, commitStatusesStream],
  cursor: CURSOR,
  partitionedBy: "repository",
  partitions: (ctx) => ctx.repositories.map((repository) => ({ name: repository.fullName, repository })),
  skip: (ctx, { repository: repo }) => {
    if (!repo.defaultBranch) return true; // an empty repository
    const key = cursorKey(ctx, CURSOR, repo.fullName);
    const since = startOf(ctx, key);
    const unpushed = repo.pushedAt !== null && Date.parse(repo.pushedAt) < since.getTime();
    return Boolean(!ctx.full && !ctx.since && ctx.cursors.get(key) && unpushed);
  },
  readPartition: (ctx, { repository }) => readDefaultBranch(ctx, repository),
});

async function readDefaultBranch(ctx: GitHubContext, repo: RepositoryInfo): Promise<void> {
  const branch = repo.defaultBranch!;
  const key = cursorKey(ctx, CURSOR, repo.fullName);
  const since = startOf(ctx, key);
  const { owner, name } = partitionOf(repo.fullName);
  const commits: { repository: string; commitId: string; oid: string }[] = [];
  const empty = { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] as CommitNode[] };
  for await (const page of pages<CommitNode>(`default branch of ${repo.fullName}`, async (after) => {
    const data = await ask<HistoryAnswer>(
      ctx,
      PHASE,
      DEFAULT_BRANCH_COMMITS_QUERY,
      { owner, name, since: isoSeconds(since), after, pageSize: PAGE_SIZE },
      { repository: repo.fullName },
    );
    if (!data.repository) return null;
    return data.repository.defaultBranchRef?.target.history ?? empty;
  })) {
    for (const commit of page.nodes) {
      await ctx.sink.add(defaultBranchCommitsStream, { repository: repo.fullName, branch, commit });
      commits.push({ repository: repo.fullName, commitId: commit.id, oid: commit.oid });
    }
  }
  if (ctx.cursors.get(key) && !ctx.full && !ctx.since) {
    const from = new Date(since.getTime() - ctx.config.github.deploymentLookbackDays * DAY_MS);
    const read = new Set(commits.map((c) => c.oid));
    const none = { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] as CommitNode[] };
    for await (const page of pages<CommitNode>(`recent CI of ${repo.fullName}`, async (after) => {
      const data = await ask<HistoryAnswer>(
        ctx,
        PHASE,
        DEFAULT_BRANCH_RECENT_COMMITS_QUERY,
        { owner, name, since: isoSeconds(from), until: isoSeconds(since), after, pageSize: PAGE_SIZE },
        { repository: repo.fullName },
      );
      if (!data.repository) return null;
      return data.repository.defaultBranchRef?.target.history ?? none;
    })) {
      for (const commit of page.nodes) {
        if (!read.has(commit.oid))
          commits.push({ repository: repo.fullName, commitId: commit.id, oid: commit.oid });
      }
    }
  }
  await readCommitChecks(ctx, commits, "default_branch", PHASE);
  await advanceCursor(ctx, key, nextWatermark(ctx));
}
