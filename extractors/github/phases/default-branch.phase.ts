/**
 * Default-branch history since each repository's cursor, with the CI of those commits. A repository whose
 * last push is older than its cursor costs nothing: nothing can have landed on its default branch.
 */
import {
  advanceCursor,
  ask,
  type ExtractContext,
  inPartition,
  isoSeconds,
  nextWatermark,
  startOf,
} from "../extract-context.ts";
import { pages } from "../paginate.ts";
import { DEFAULT_BRANCH_COMMITS_QUERY } from "../queries/default-branch-commits.query.ts";
import { defaultBranchCommitsStream } from "../streams/github-streams.ts";
import type { CommitNode, PageInfo } from "../streams/records.ts";
import { partitionOf } from "../streams/stream-definition.ts";
import { readCommitChecks } from "./pull-requests.phase.ts";
import type { RepositoryInfo } from "./repositories.phase.ts";

const PHASE = "default_branch";
const PAGE_SIZE = 100;

interface HistoryAnswer {
  repository: {
    defaultBranchRef: {
      name: string;
      target: { history?: { pageInfo: PageInfo; nodes: CommitNode[] } };
    } | null;
  } | null;
}

export async function readDefaultBranches(
  ctx: ExtractContext,
  repositories: readonly RepositoryInfo[],
): Promise<void> {
  for (const repo of repositories) {
    const branch = repo.defaultBranch;
    if (!branch) continue; // an empty repository
    const key = `github/default_branch_commits/${repo.fullName}`;
    const since = startOf(ctx, key);
    const unpushed = repo.pushedAt !== null && Date.parse(repo.pushedAt) < since.getTime();
    if (!ctx.full && !ctx.since && ctx.cursors.get(key) && unpushed) continue;
    await inPartition(ctx, PHASE, repo.fullName, async () => {
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
      await readCommitChecks(ctx, commits, "default_branch", PHASE);
      await advanceCursor(ctx, key, nextWatermark(ctx));
    });
  }
}
