/**
 * The extract stage: repositories, then pull requests (with commits, reviews and head-commit CI), default
 * branches (with their CI), deployments and incidents — each reading only what changed since its cursor,
 * landing it in the lake, then moving the cursor. Nightly cost grows with the activity since the last run,
 * not with the number of repositories.
 *
 * A request that fails for good costs only the repository or scope it was reading (`incomplete` in the
 * summary); the budget reserve or an outage stops the run cleanly, and the streams it did not reach are
 * listed as incomplete too. Either way what landed is durable and the cursors say how far: the next run
 * fills the gap.
 */
import type { Config } from "../core/config.ts";
import { dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { CursorStore } from "./cursor-store.ts";
import {
  type ExtractContext,
  type IncompleteRead,
  incompleteLabel,
  newPageSizes,
} from "./github/extract-context.ts";
import type { GitHubClient } from "./github/github-client.ts";
import { readDefaultBranches } from "./github/phases/default-branch.phase.ts";
import { readDeployments } from "./github/phases/deployments.phase.ts";
import { readIncidents } from "./github/phases/incidents.phase.ts";
import { readPullRequests } from "./github/phases/pull-requests.phase.ts";
import { readRepositories } from "./github/phases/repositories.phase.ts";
import { searchScopes } from "./github/phases/search-scopes.ts";
import { GITHUB_STREAMS } from "./github/streams/github-streams.ts";
import { LakeSink } from "./lake-sink.ts";
import { sweepTemporaries } from "./lake-writer.ts";
import { createExtractProgress, type ExtractProgress } from "./progress/extract-progress.ts";
import type { RunSummary } from "./progress/run-summary.ts";
import { RunStop } from "./run-stop.ts";

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
  /** Live display or step log lines (default: step lines through the logger). Feed the client's records to it too. */
  progress?: ExtractProgress;
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
  /**
   * Set when the run stopped cleanly before the end (GitHub budget under the reserve, or GitHub not
   * answering); the next run resumes.
   */
  stopped?: { reason: string; resetAt?: string };
  /**
   * What this run could not read (empty when it read everything): a stream of a repository or scope whose
   * request failed for good, and after a stop the streams it did not reach. The next run fills the gap.
   */
  incomplete: IncompleteRead[];
  /** Rows, requests, points, retries and waits, as the progress display counted them. */
  run: RunSummary;
}

export async function extract(options: ExtractOptions): Promise<ExtractSummary> {
  const { config, logger, runId } = options;
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const paths = dataPaths(config.dataDir);
  for (const stream of GITHUB_STREAMS) sweepTemporaries(paths.lake, stream.source, stream.name);
  const progress =
    options.progress ?? createExtractProgress({ output: { write: () => true }, logger, live: false });
  const sink = new LakeSink({
    lakeDir: paths.lake,
    runId,
    now,
    onRow: () => progress.rowsWritten(ctx.current.phase, ctx.current.partition, 1),
  });
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
    pageSizes: newPageSizes(),
    progress,
    current: { phase: "repositories", partition: "-" },
    incomplete: [],
    failuresInARow: 0,
  };

  // `partitions`: how many repositories (or search scopes) the stream reads one by one, shown as done/total;
  // unknown for the listing of repositories, none for deployments (read in batches of repositories).
  const phase = async <T>(name: string, work: () => Promise<T>, partitions?: number): Promise<T> => {
    ctx.current = { phase: name, partition: "-" };
    progress.streamStarted(name, partitions);
    try {
      return await work();
    } finally {
      await sink.flush();
      progress.streamFinished(name);
    }
  };

  let stopped: ExtractSummary["stopped"];
  let repositories: Awaited<ReturnType<typeof readRepositories>> = [];
  let scopes = 0;
  // [stream, its work, how many partitions its progress counts (known once the repositories are read)]
  const phases: [string, () => Promise<unknown>, () => number | undefined][] = [
    [
      "repositories",
      async () => {
        repositories = await readRepositories(ctx);
        scopes = searchScopes(config.github.orgs, repositories).length;
      },
      () => undefined,
    ],
    [
      "pull_requests",
      () => readPullRequests(ctx, repositories),
      () => (config.github.discovery === "scan" ? repositories.length : scopes),
    ],
    ["default_branch", () => readDefaultBranches(ctx, repositories), () => repositories.length],
    ["deployments", () => readDeployments(ctx, repositories), () => undefined],
    ["incidents", () => readIncidents(ctx, repositories), () => scopes],
  ];
  for (const [name, work, partitions] of phases) {
    if (stopped) {
      ctx.incomplete.push({ stream: name, reason: stopped.reason });
      continue;
    }
    try {
      await phase(name, work, partitions());
    } catch (error) {
      if (!(error instanceof RunStop)) throw error;
      // Thrown between requests, never mid-write: what landed is durable and the cursors say how far.
      await sink.flush();
      const resetAt = error.resetAt;
      stopped = { reason: error.message, ...(resetAt ? { resetAt } : {}) };
      ctx.incomplete.push({ stream: name, reason: error.message });
      progress.stopped(error.message, resetAt);
      logger.warn(`extract stopped early: ${error.message}; the next run resumes from here`);
    }
  }
  await sink.flush();
  if (ctx.incomplete.length > 0) {
    logger.warn(
      `extract incomplete: ${ctx.incomplete.map(incompleteLabel).join(", ")} could not be read; the next run fills the gap`,
      { step: "extract_incomplete", incomplete: ctx.incomplete.map(incompleteLabel) },
    );
  }

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
    ...(stopped ? { stopped } : {}),
    incomplete: [...ctx.incomplete],
    run: { ...progress.finish(), incomplete: [...ctx.incomplete] },
  };
}

/** Rows one stream landed in a run. */
export function rowsOf(summary: { streams: readonly StreamSummary[] }, stream: string): number {
  return summary.streams.find((s) => s.stream === stream)?.rows ?? 0;
}
