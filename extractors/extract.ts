/**
 * The extract stage: repositories, then pull requests (with commits, reviews and head-commit CI), default
 * branches (with their CI), deployments and incidents — each reading only what changed since its cursor,
 * landing it in the lake, then moving the cursor. Nightly cost grows with the activity since the last run,
 * not with the number of repositories.
 */
import type { Config } from "../core/config.ts";
import { dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { CursorStore } from "./cursor-store.ts";
import type { ExtractContext } from "./github/extract-context.ts";
import type { GitHubClient } from "./github/github-client.ts";
import { readDefaultBranches } from "./github/phases/default-branch.phase.ts";
import { readDeployments } from "./github/phases/deployments.phase.ts";
import { readIncidents } from "./github/phases/incidents.phase.ts";
import { readPullRequests } from "./github/phases/pull-requests.phase.ts";
import { readRepositories } from "./github/phases/repositories.phase.ts";
import { GITHUB_STREAMS } from "./github/streams/github-streams.ts";
import { LakeSink } from "./lake-sink.ts";
import { sweepTemporaries } from "./lake-writer.ts";

export { WATERMARK_OVERLAP_MS } from "./github/extract-context.ts";

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
  /** Labels that make an issue an incident (metrics.yaml `definitions.incident_labels`). */
  incidentLabels?: readonly string[];
}

export interface StreamSummary {
  stream: string;
  rows: number;
  files: number;
}

export interface ExtractSummary {
  repositories: string[];
  streams: StreamSummary[];
  requests: number;
  points: number;
  /** Requests per phase: repositories, pull_requests, pull_request_overflow, default_branch, deployments, incidents. */
  requestsByPhase: Record<string, number>;
  durationMs: number;
}

export async function extract(options: ExtractOptions): Promise<ExtractSummary> {
  const { config, logger, runId } = options;
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const paths = dataPaths(config.dataDir);
  for (const stream of GITHUB_STREAMS) sweepTemporaries(paths.lake, stream.source, stream.name);
  const sink = new LakeSink({ lakeDir: paths.lake, runId, now });
  const ctx: ExtractContext = {
    config,
    client: options.client,
    logger,
    runId,
    now,
    runStartedAt: now(),
    sink,
    cursors: new CursorStore(paths.state),
    since: options.since,
    full: options.full,
    incidentLabels: options.incidentLabels ?? ["incident"],
    counters: { requests: 0, points: 0, byPhase: {} },
  };

  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const before = sink.summary();
    const requests = ctx.counters.requests;
    const t0 = Date.now();
    const result = await work();
    await sink.flush();
    const after = sink.summary();
    const rows = Object.fromEntries(
      Object.entries(after)
        .map(([stream, c]) => [stream, c.rows - (before[stream]?.rows ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    logger.info(
      `  ${name}: ${describeRows(rows)} · ${ctx.counters.requests - requests} requests · ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    );
    return result;
  };

  const repositories = await phase("repositories", () => readRepositories(ctx));
  logger.info(`extract: ${repositories.length} repositor${repositories.length === 1 ? "y" : "ies"}`);
  await phase("pull requests", () => readPullRequests(ctx, repositories));
  await phase("default branches", () => readDefaultBranches(ctx, repositories));
  await phase("deployments", () => readDeployments(ctx, repositories));
  await phase("incidents", () => readIncidents(ctx, repositories));
  await sink.flush();

  const counts = sink.summary();
  return {
    repositories: repositories.map((r) => r.fullName),
    streams: GITHUB_STREAMS.map((s) => ({
      stream: s.name,
      rows: counts[s.name]?.rows ?? 0,
      files: counts[s.name]?.files ?? 0,
    })),
    requests: ctx.counters.requests,
    points: ctx.counters.points,
    requestsByPhase: { ...ctx.counters.byPhase },
    durationMs: Date.now() - started,
  };
}

/** Rows one stream landed in a run. */
export function rowsOf(summary: { streams: readonly StreamSummary[] }, stream: string): number {
  return summary.streams.find((s) => s.stream === stream)?.rows ?? 0;
}

function describeRows(rows: Record<string, number>): string {
  const parts = Object.entries(rows).map(([stream, n]) => `${n} ${stream.replace(/_/g, " ")}`);
  return parts.length > 0 ? parts.join(", ") : "nothing new";
}
