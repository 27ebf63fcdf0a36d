/**
 * The CI of commits — check suites and commit statuses — as two lake streams, and the batched reading of
 * it by commit id. The pull_requests stream lands it for every commit pushed to a pull request (read within
 * its page — jobs only for the head — or here when a commit has more suites than the page holds); the
 * default_branch stream for the default branch's commits.
 */
import { defineLakeStream } from "../../lake-stream.ts";
import { chunk } from "../../stream-context.ts";
import { ask, type GitHubContext } from "../github-context.ts";
import { COMMIT_CHECKS_QUERY } from "../queries/commit-checks.query.ts";
import type { CheckSuiteNode, RateLimitFields, StatusNode } from "./records.ts";

/** Commits per CommitChecks request: 50 × 20 suites ≈ 11 points. */
const CHECKS_BATCH = 50;

/**
 * Where a commit's CI was found: on a pull request's head commit (suites with their jobs), on another commit
 * pushed to a pull request (suites without their jobs), or on the default branch (with their jobs).
 */
export type CommitContext = "pull_request_head" | "pull_request_commit" | "default_branch";

export interface CheckSuiteRecord {
  repository: string;
  commitOid: string;
  context: CommitContext;
  suite: CheckSuiteNode;
}

/** A lake stream of check suites, keyed by suite, with the commit and repository they ran for. */
function checkSuitesLake(name: string) {
  return defineLakeStream<CheckSuiteRecord>({
    source: "github",
    name,
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
}

export const checkSuitesStream = checkSuitesLake("check_suites");

/**
 * Check suites of the commits pushed to a pull request other than its head, as the pull request page holds
 * them: without their jobs (check runs). A lake stream of its own, so that no key lands in one run with two
 * payload shapes (the same suite may also land in check_suites, with its jobs, from the default branch);
 * staging reads both.
 */
export const pushCheckSuitesStream = checkSuitesLake("push_check_suites");

export interface CommitStatusRecord {
  repository: string;
  commitOid: string;
  context: CommitContext;
  status: { context: string; state: string; createdAt: string; targetUrl: string | null };
}

export const commitStatusesStream = defineLakeStream<CommitStatusRecord>({
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

/** CI of commits by node id, in batches; used for overflowing heads and for default-branch commits. */
export async function readCommitChecks(
  ctx: GitHubContext,
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

export async function landChecks(
  ctx: GitHubContext,
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
