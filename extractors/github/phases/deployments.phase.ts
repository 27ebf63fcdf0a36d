/**
 * Deployments and every status. New deployments are found with one request per 50 repositories (their
 * newest few each), so a quiet organisation costs a handful of requests whatever its size; a repository
 * with more new deployments than that is paged on its own. Statuses change after a deployment is created,
 * so every deployment still in flight (no final status yet) is re-read by id on later runs, within the
 * lookback (`github.deploymentLookbackDays`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../../core/atomic-fs.ts";
import { dataPaths } from "../../../core/config.ts";
import {
  advanceCursor,
  ask,
  chunk,
  type ExtractContext,
  nextWatermark,
  startOf,
} from "../extract-context.ts";
import { pages } from "../paginate.ts";
import {
  DEPLOYMENTS_BY_ID_QUERY,
  REPOSITORIES_DEPLOYMENTS_QUERY,
  REPOSITORY_DEPLOYMENTS_PAGE_QUERY,
} from "../queries/deployments.query.ts";
import { deploymentsStream } from "../streams/github-streams.ts";
import type { DeploymentNode, PageInfo, RateLimitFields } from "../streams/records.ts";
import { partitionOf } from "../streams/stream-definition.ts";
import type { RepositoryInfo } from "./repositories.phase.ts";

const PHASE = "deployments";
const REPOSITORIES_PER_REQUEST = 50;
const NEWEST_PER_REPOSITORY = 10;
const IDS_PER_REQUEST = 50;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Latest statuses after which a deployment's outcome no longer changes. */
const FINAL_STATES = new Set(["SUCCESS", "FAILURE", "ERROR", "INACTIVE", "DESTROYED", "ABANDONED"]);

interface DeploymentsConnection {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: DeploymentNode[];
}

/** Deployments still in flight: id → repository and creation time. */
type InFlight = Record<string, { repository: string; createdAt: string }>;

export async function readDeployments(
  ctx: ExtractContext,
  repositories: readonly RepositoryInfo[],
): Promise<void> {
  const stateFile = join(dataPaths(ctx.config.dataDir).state, "deployments-in-flight.json");
  const lookbackStart = ctx.runStartedAt.getTime() - ctx.config.github.deploymentLookbackDays * DAY_MS;
  const inFlight: InFlight = {};
  for (const [id, d] of Object.entries(readInFlight(stateFile)))
    if (Date.parse(d.createdAt) >= lookbackStart) inFlight[id] = d;

  const land = async (repository: string, deployment: DeploymentNode) => {
    await ctx.sink.add(deploymentsStream, { repository, deployment });
    const latest = (deployment.latestStatus as { state?: string } | null)?.state;
    if (latest && FINAL_STATES.has(latest)) delete inFlight[deployment.id];
    else inFlight[deployment.id] = { repository, createdAt: deployment.createdAt };
  };

  // Those in flight at the previous run first: their later statuses land now.
  for (const ids of chunk(Object.keys(inFlight), IDS_PER_REQUEST)) {
    const data = await ask<{
      nodes: ((DeploymentNode & { repository: { nameWithOwner: string } }) | null)[];
      rateLimit: RateLimitFields | null;
    }>(ctx, PHASE, DEPLOYMENTS_BY_ID_QUERY, { ids }, { tolerate: true });
    for (const [i, node] of data.nodes.entries()) {
      if (node) await land(node.repository.nameWithOwner, node);
      else delete inFlight[ids[i]!]; // deleted on GitHub
    }
  }

  for (const batch of chunk(repositories, REPOSITORIES_PER_REQUEST)) {
    const data = await ask<{
      nodes: ({ id: string; nameWithOwner: string; deployments: DeploymentsConnection } | null)[];
      rateLimit: RateLimitFields | null;
    }>(
      ctx,
      PHASE,
      REPOSITORIES_DEPLOYMENTS_QUERY,
      {
        ids: batch.map((r) => r.id),
        perRepository: NEWEST_PER_REPOSITORY,
      },
      { tolerate: true },
    );
    for (const [i, node] of data.nodes.entries()) {
      const repo = batch[i]!;
      if (!node) continue;
      const key = `github/deployments/${repo.fullName}`;
      const from = startOf(ctx, key).getTime();
      let reachedOld = false;
      for (const deployment of node.deployments.nodes) {
        if (Date.parse(deployment.createdAt) < from) reachedOld = true;
        else await land(repo.fullName, deployment);
      }
      const { hasNextPage, endCursor } = node.deployments.pageInfo;
      if (!reachedOld && hasNextPage && endCursor) await pageOlder(ctx, repo, endCursor, from, land);
      // What is still in flight is saved before the cursor moves past it, or a kill here would lose it.
      await ctx.sink.flush();
      saveInFlight(stateFile, inFlight);
      await advanceCursor(ctx, key, nextWatermark(ctx));
    }
  }
  await ctx.sink.flush();
  saveInFlight(stateFile, inFlight);
}

function saveInFlight(file: string, inFlight: InFlight): void {
  writeFileAtomic(file, JSON.stringify(inFlight, null, 1) + "\n");
}

async function pageOlder(
  ctx: ExtractContext,
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
