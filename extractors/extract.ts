/**
 * The extract stage: for every configured repository and every stream, read what changed since the
 * stream's cursor, land it in the lake, then move the cursor. Nothing here knows a particular stream.
 */
import type { Config } from "../core/config.ts";
import { dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { CursorStore } from "./cursor-store.ts";
import type { GitHubClient, RateLimitInfo } from "./github/github-client.ts";
import { paginate } from "./github/paginate.ts";
import {
  ORG_REPOSITORIES_QUERY,
  type OrgRepositoriesResponse,
} from "./github/queries/org-repositories.query.ts";
import { GITHUB_STREAMS } from "./github/streams/registry.ts";
import type { RepositoryPartition, StreamDefinition } from "./github/streams/stream-definition.ts";
import { sweepTemporaries, writeLakeBatch } from "./lake-writer.ts";

/** The next run re-reads this much before the previous scan began, so nothing updated mid-run is missed. */
export const WATERMARK_OVERLAP_MS = 60 * 60 * 1000;

/** Rows per Parquet batch: large enough for few files, small enough to bound memory on a huge repository. */
export const LAKE_BATCH_ROWS = 2000;

export interface ExtractOptions {
  config: Config;
  client: GitHubClient;
  logger: Logger;
  runId: string;
  now?: () => Date;
  /** Read everything updated at or after this date, whatever the cursors say (backfill). */
  since?: Date;
  /** Ignore cursors and re-read everything. */
  full?: boolean;
}

export interface StreamSummary {
  stream: string;
  repositories: number;
  rows: number;
  files: number;
}

export interface ExtractSummary {
  repositories: string[];
  streams: StreamSummary[];
  requests: number;
  points: number;
  durationMs: number;
}

export async function extract(options: ExtractOptions): Promise<ExtractSummary> {
  const { config, client, logger, runId } = options;
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const paths = dataPaths(config.dataDir);
  const cursors = new CursorStore(paths.state);
  const cost = { requests: 0, points: 0 };

  const repositories = await listRepositories(config, client, cost);
  logger.info(`extract: ${repositories.length} repositor${repositories.length === 1 ? "y" : "ies"}`, {
    repositories: repositories.map((r) => r.fullName),
  });

  const streams: StreamSummary[] = [];
  for (const stream of GITHUB_STREAMS) {
    sweepTemporaries(paths.lake, stream.source, stream.name);
    const summary: StreamSummary = {
      stream: stream.name,
      repositories: repositories.length,
      rows: 0,
      files: 0,
    };
    for (const repo of repositories) {
      const { rows, files } = await extractPartition(stream, repo, {
        ...options,
        now,
        cursors,
        cost,
        lakeDir: paths.lake,
      });
      summary.rows += rows;
      summary.files += files;
      logger.info(`  ${stream.name} ${repo.fullName}: ${rows} row${rows === 1 ? "" : "s"}`);
    }
    streams.push(summary);
  }
  logger.debug("extract: cursors", { cursors: Object.keys(cursors.all()).length, runId });
  return {
    repositories: repositories.map((r) => r.fullName),
    streams,
    requests: cost.requests,
    points: cost.points,
    durationMs: Date.now() - started,
  };
}

async function extractPartition<Response extends { rateLimit?: RateLimitInfo | null }, Node>(
  stream: StreamDefinition<Response, Node>,
  repo: RepositoryPartition,
  ctx: ExtractOptions & {
    now: () => Date;
    cursors: CursorStore;
    cost: { requests: number; points: number };
    lakeDir: string;
  },
): Promise<{ rows: number; files: number }> {
  const key = CursorStore.key(stream.source, stream.name, repo.fullName);
  const cursor = ctx.full ? undefined : ctx.cursors.get(key);
  const watermark = ctx.since?.toISOString() ?? cursor?.watermark ?? null;
  const scanStartedAt = ctx.now();
  let rows = 0;
  let files = 0;
  // Pages are buffered into batches of a few thousand rows: fewer, larger Parquet files. The cursor only
  // moves after the last batch of the partition is durable, so buffering never weakens at-least-once.
  let pending: { values: Record<string, string | number | boolean | null>; payload: unknown }[] = [];
  const flush = async () => {
    const file = await writeLakeBatch({
      lakeDir: ctx.lakeDir,
      source: stream.source,
      stream: stream.name,
      runId: ctx.runId,
      extractedAt: ctx.now(),
      columns: stream.columns,
      rows: pending,
    });
    if (file) files++;
    pending = [];
  };
  for await (const page of paginate(ctx.client, stream, repo, ctx.config.github.pageSize)) {
    ctx.cost.requests++;
    ctx.cost.points += page.rateLimit?.cost ?? 0;
    const fresh =
      watermark === null ? page.nodes : page.nodes.filter((n) => stream.cursorValue(n) >= watermark);
    for (const node of fresh) pending.push({ values: stream.toRow(node, repo), payload: node });
    rows += fresh.length;
    if (pending.length >= LAKE_BATCH_ROWS) await flush();
    // Newest first: once a page holds a record older than the watermark, the rest are older still.
    if (fresh.length < page.nodes.length) break;
  }
  await flush();
  ctx.cursors.set(key, {
    watermark: new Date(scanStartedAt.getTime() - WATERMARK_OVERLAP_MS).toISOString(),
    savedAt: ctx.now().toISOString(),
    runId: ctx.runId,
  });
  return { rows, files };
}

async function listRepositories(
  config: Config,
  client: GitHubClient,
  cost: { requests: number; points: number },
): Promise<RepositoryPartition[]> {
  const names = new Set(config.github.repos);
  for (const org of config.github.orgs) {
    let after: string | null = null;
    for (;;) {
      const response: OrgRepositoriesResponse = await client.query<OrgRepositoriesResponse>(
        ORG_REPOSITORIES_QUERY,
        {
          org,
          after,
        },
      );
      cost.requests++;
      cost.points += response.rateLimit?.cost ?? 0;
      const repos = response.organization?.repositories;
      if (!repos) throw new Error(`organisation ${org} was not found on GitHub (or the token cannot see it)`);
      for (const r of repos.nodes) if (!r.isFork) names.add(r.nameWithOwner);
      if (!repos.pageInfo.hasNextPage || !repos.pageInfo.endCursor || repos.pageInfo.endCursor === after)
        break;
      after = repos.pageInfo.endCursor;
    }
  }
  return [...names].sort().map((fullName) => {
    const [owner = "", name = ""] = fullName.split("/");
    return { owner, name, fullName };
  });
}
