/**
 * Deployments and every status. New deployments are found with one request per 50 repositories (their
 * newest few each), so a quiet organisation costs a handful of requests whatever its size; a repository
 * with more new deployments than that is paged on its own. Statuses change after a deployment is created,
 * so every deployment still in flight (no final status yet) is re-read by id on later runs, within the
 * lookback (`github.deploymentLookbackDays`).
 *
 * A deployment of another ref than the default branch (a hotfix or release branch, a tag, a bare SHA)
 * may ship a commit the default branch's history does not hold: the newest ancestors of that commit are
 * read once, when the deployment is first seen, so that what it shipped is decided by ancestry. Deployments
 * of the default branch cost nothing more.
 *
 * A request that fails for good costs only the repositories it was for (a batch of 50 when the batch request
 * fails, else one) or, for the re-read of deployments in flight, leaves them in flight for the next run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../../core/atomic-fs.ts";
import { dataPaths } from "../../../core/config.ts";
import { defineLakeStream } from "../../lake-stream.ts";
import { defineStream } from "../../source.ts";
import {
  advanceCursor,
  chunk,
  cursorKey,
  nextWatermark,
  readPartition,
  type StreamCursor,
  startOf,
} from "../../stream-context.ts";
import { ask, type GitHubContext, partitionOf } from "../github-context.ts";
import { pages } from "../paginate.ts";
import { DEPLOYED_COMMIT_HISTORY_QUERY } from "../queries/default-branch-commits.query.ts";
import {
  DEPLOYMENTS_BY_ID_QUERY,
  REPOSITORIES_DEPLOYMENTS_QUERY,
  REPOSITORY_DEPLOYMENTS_PAGE_QUERY,
} from "../queries/deployments.query.ts";
import type { CommitNode, DeploymentNode, PageInfo, RateLimitFields } from "./records.ts";
import type { RepositoryInfo } from "./repositories.stream.ts";

const PHASE = "deployments";
const CURSOR: StreamCursor = { name: "deployments", field: "createdAt" };
const REPOSITORIES_PER_REQUEST = 50;
const NEWEST_PER_REPOSITORY = 10;
const IDS_PER_REQUEST = 50;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Ancestors read of a deployed commit outside the default branch: a hotfix or release branch of up to about
 * this many commits past its cut is placed by ancestry; a longer one falls back to the merge-time window.
 */
export const DEPLOYED_HISTORY_DEPTH = 100;
/** Latest statuses after which a deployment's outcome no longer changes. */
const FINAL_STATES = new Set(["SUCCESS", "FAILURE", "ERROR", "INACTIVE", "DESTROYED", "ABANDONED"]);

export interface DeploymentRecord {
  repository: string;
  deployment: DeploymentNode;
}

export const deploymentsStream = defineLakeStream<DeploymentRecord>({
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
export const deployedCommitsStream = defineLakeStream<DeployedCommitRecord>({
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

export const DEPLOYMENTS = defineStream<GitHubContext>({
  name: PHASE,
  requests: [
    DEPLOYMENTS_BY_ID_QUERY,
    REPOSITORIES_DEPLOYMENTS_QUERY,
    REPOSITORY_DEPLOYMENTS_PAGE_QUERY,
    DEPLOYED_COMMIT_HISTORY_QUERY,
  ],
  lands: [deploymentsStream, deployedCommitsStream],
  cursor: CURSOR,
  partitionedBy: `${REPOSITORIES_PER_REQUEST} repositories a request (then a repository), and the deployments in flight`,
  read: (ctx) => readDeployments(ctx, ctx.repositories),
});

interface DeploymentsConnection {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: DeploymentNode[];
}

/** Deployments still in flight: id → repository and creation time. */
type InFlight = Record<string, { repository: string; createdAt: string }>;

async function readDeployments(ctx: GitHubContext, repositories: readonly RepositoryInfo[]): Promise<void> {
  const stateFile = join(dataPaths(ctx.config.dataDir).state, "deployments-in-flight.json");
  const lookbackStart = ctx.runStartedAt.getTime() - ctx.config.github.deploymentLookbackDays * DAY_MS;
  const inFlight: InFlight = {};
  for (const [id, d] of Object.entries(readInFlight(stateFile)))
    if (Date.parse(d.createdAt) >= lookbackStart) inFlight[id] = d;

  // Deployed commits outside the default branch whose history this run still has to read, per repository.
  const offBranch = new Map<string, Set<string>>();
  const historyRead = new Set<string>();
  const land = async (repository: string, deployment: DeploymentNode, defaultBranch?: string | null) => {
    await ctx.sink.add(deploymentsStream, { repository, deployment });
    const oid = typeof deployment.commitOid === "string" ? deployment.commitOid : null;
    const ref = (deployment.ref as { name?: string } | null | undefined)?.name ?? null;
    if (
      defaultBranch !== undefined &&
      oid &&
      ref !== defaultBranch &&
      !historyRead.has(`${repository}@${oid}`)
    ) {
      const queued = offBranch.get(repository) ?? new Set<string>();
      queued.add(oid);
      offBranch.set(repository, queued);
    }
    const latest = (deployment.latestStatus as { state?: string } | null)?.state;
    if (latest && FINAL_STATES.has(latest)) delete inFlight[deployment.id];
    else inFlight[deployment.id] = { repository, createdAt: deployment.createdAt };
  };

  // Those in flight at the previous run first: their later statuses land now. A batch that cannot be read
  // stays in flight, for the next run.
  for (const ids of chunk(Object.keys(inFlight), IDS_PER_REQUEST)) {
    await readPartition(ctx, PHASE, "deployments in flight", async () => {
      const data = await ask<{
        nodes: ((DeploymentNode & { repository: { nameWithOwner: string } }) | null)[];
        rateLimit: RateLimitFields | null;
      }>(ctx, PHASE, DEPLOYMENTS_BY_ID_QUERY, { ids }, { tolerate: true });
      for (const [i, node] of data.nodes.entries()) {
        if (node) await land(node.repository.nameWithOwner, node);
        else delete inFlight[ids[i]!]; // deleted on GitHub
      }
    });
  }

  for (const batch of chunk(repositories, REPOSITORIES_PER_REQUEST)) {
    type Answer = {
      nodes: ({ id: string; nameWithOwner: string; deployments: DeploymentsConnection } | null)[];
      rateLimit: RateLimitFields | null;
    };
    let data: Answer | undefined;
    const names = batch.map((r) => r.fullName);
    await readPartition(ctx, PHASE, names, async () => {
      data = await ask<Answer>(
        ctx,
        PHASE,
        REPOSITORIES_DEPLOYMENTS_QUERY,
        {
          ids: batch.map((r) => r.id),
          perRepository: NEWEST_PER_REPOSITORY,
        },
        { tolerate: true },
      );
    });
    for (const [i, node] of (data?.nodes ?? []).entries()) {
      const repo = batch[i]!;
      if (!node) continue;
      const read = await readPartition(ctx, PHASE, repo.fullName, async () => {
        const key = cursorKey(ctx, CURSOR, repo.fullName);
        const from = startOf(ctx, key).getTime();
        let reachedOld = false;
        for (const deployment of node.deployments.nodes) {
          if (Date.parse(deployment.createdAt) < from) reachedOld = true;
          else await land(repo.fullName, deployment, repo.defaultBranch);
        }
        const { hasNextPage, endCursor } = node.deployments.pageInfo;
        if (!reachedOld && hasNextPage && endCursor)
          await pageOlder(ctx, repo, endCursor, from, (r, d) => land(r, d, repo.defaultBranch));
        // Before the cursor moves past these deployments, or a kill here would never read their history.
        for (const oid of offBranch.get(repo.fullName) ?? []) {
          await readDeployedHistory(ctx, repo.fullName, oid);
          historyRead.add(`${repo.fullName}@${oid}`);
        }
        offBranch.delete(repo.fullName);
        // What is still in flight is saved before the cursor moves past it, or a kill here would lose it.
        await ctx.sink.flush();
        saveInFlight(stateFile, inFlight);
        await advanceCursor(ctx, key, nextWatermark(ctx));
      });
      // Its cursor did not move: the next run finds these deployments (and their history) again.
      if (!read) offBranch.delete(repo.fullName);
    }
  }
  await ctx.sink.flush();
  saveInFlight(stateFile, inFlight);
}

/** The newest ancestors of a deployed commit (itself first), as GitHub's history lists them. */
async function readDeployedHistory(ctx: GitHubContext, repository: string, oid: string): Promise<void> {
  const { owner, name } = partitionOf(repository);
  const data = await ask<{
    repository: { object: { oid: string; history?: { nodes: CommitNode[] } } | null } | null;
    rateLimit: RateLimitFields | null;
  }>(
    ctx,
    PHASE,
    DEPLOYED_COMMIT_HISTORY_QUERY,
    { owner, name, oid, depth: DEPLOYED_HISTORY_DEPTH },
    { repository },
  );
  // A commit GitHub no longer has (force-pushed away and collected) leaves the deployment to the fallback.
  for (const commit of data.repository?.object?.history?.nodes ?? [])
    await ctx.sink.add(deployedCommitsStream, { repository, deployedOid: oid, commit });
}

function saveInFlight(file: string, inFlight: InFlight): void {
  writeFileAtomic(file, JSON.stringify(inFlight, null, 1) + "\n");
}

async function pageOlder(
  ctx: GitHubContext,
  repo: RepositoryInfo,
  after: string,
  from: number,
  land: (repository: string, deployment: DeploymentNode) => Promise<void>,
): Promise<void> {
  const { owner, name } = partitionOf(repo.fullName);
  for await (const page of pages<DeploymentNode>(
    `deployments of ${repo.fullName}`,
    async (cursor) => {
      const data = await ask<{
        repository: { deployments: DeploymentsConnection } | null;
        rateLimit: RateLimitFields | null;
      }>(ctx, PHASE, REPOSITORY_DEPLOYMENTS_PAGE_QUERY, { owner, name, after: cursor, pageSize: 50 });
      return data.repository?.deployments ?? null;
    },
    after,
  )) {
    for (const deployment of page.nodes) {
      if (Date.parse(deployment.createdAt) < from) return;
      await land(repo.fullName, deployment);
    }
  }
}

function readInFlight(file: string): InFlight {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as InFlight;
  } catch {
    return {};
  }
}
