/**
 * The extract stage: every configured source's declared streams (source.ts), in order — for GitHub the
 * repositories, then pull requests (with commits, reviews and head-commit CI), default branches (with their
 * CI), deployments and incidents — each reading only what changed since its cursor, landing it in the lake,
 * then moving the cursor. Nightly cost grows with the activity since the last run, not with the number of
 * repositories.
 *
 * A request that fails for good costs only the partition (repository, search scope) it was reading
 * (`incomplete` in the summary); the budget reserve or an outage stops the source cleanly (RunStop), and the
 * streams it did not reach are listed as incomplete too. Either way what landed is durable and the cursors
 * say how far: the next run fills the gap.
 */
import type { Config } from "../core/config.ts";
import { dataPaths } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { CursorStore } from "./cursor-store.ts";
import type { GitHubClient } from "./github/github-client.ts";
import { githubSource } from "./github/source.ts";
import { LakeSink } from "./lake-sink.ts";
import { sweepTemporaries } from "./lake-writer.ts";
import { createExtractProgress, type ExtractProgress } from "./progress/extract-progress.ts";
import type { RunSummary } from "./progress/run-summary.ts";
import { RunStop } from "./run-stop.ts";
import type { Source, Stream } from "./source.ts";
import { configuredSources } from "./sources.ts";
import { type IncompleteRead, incompleteLabel, inPartition, type StreamContext } from "./stream-context.ts";

export interface ExtractOptions {
  config: Config;
  /** The GitHub source's client (githubSource.createClient, or createGitHubClient in tests). */
  client: GitHubClient;
  /**
   * Every other configured source's client, by source name (each source's createClient; jobs/extract-stage.ts
   * makes them). A configured source without one is a programming error.
   */
  clients?: Readonly<Record<string, unknown>>;
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
  /** Requests per stream: repositories, pull_requests, pull_request_overflow, default_branch, deployments, incidents. */
  requestsByPhase: Record<string, number>;
  /** Requests per source (`github`, …): every configured source, 0 when it sent none. */
  requestsBySource: Record<string, number>;
  durationMs: number;
  /**
   * Set when the run stopped cleanly before the end (GitHub budget under the reserve, or a source not
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
  const progress =
    options.progress ?? createExtractProgress({ output: { write: () => true }, logger, live: false });
  const current = { phase: "-", partition: "-" };
  const sink = new LakeSink({
    lakeDir: paths.lake,
    runId,
    now,
    onRow: () => progress.rowsWritten(current.phase, current.partition, 1),
  });
  const base: Omit<StreamContext, "source"> = {
    config,
    logger,
    runId,
    now,
    runStartedAt: now(),
    sink,
    cursors: new CursorStore(paths.state),
    since: options.since,
    full: options.full,
    counters: { requests: 0, points: 0, byPhase: {}, bySource: {} },
    progress,
    current,
    incomplete: [],
    failuresInARow: 0,
  };
  const open = <C extends StreamContext, Client>(source: Source<C, Client, unknown>, client: Client) =>
    new SourceRun(
      source,
      source.open({ ...base, source: { name: source.name, label: source.label } }, client, options),
    );
  // Every configured source with its client, in the order they are read.
  const runs: SourceRun[] = configuredSources(config).map((source) => {
    const client = source === githubSource ? options.client : options.clients?.[source.name];
    if (client === undefined) throw new Error(`extract: no client for the configured source ${source.name}`);
    return open(source, client);
  });

  for (const run of runs)
    for (const lake of run.source.lakeStreams) sweepTemporaries(paths.lake, lake.source, lake.name);
  // A source that stops cleanly stops only itself; the summary says the first stop.
  let stopped: ExtractSummary["stopped"];
  for (const run of runs) {
    const stop = await run.read();
    stopped ??= stop;
  }
  await sink.flush();
  const incomplete = base.incomplete;
  if (incomplete.length > 0) {
    logger.warn(
      `extract incomplete: ${incomplete.map(incompleteLabel).join(", ")} could not be read; the next run fills the gap`,
      { step: "extract_incomplete", incomplete: incomplete.map(incompleteLabel) },
    );
  }

  const counts = sink.summary();
  return {
    repositories: runs.flatMap((run) => run.repositories()),
    streams: runs.flatMap((run) =>
      run.source.lakeStreams.map((s) => ({
        stream: s.name,
        rows: counts[s.name]?.rows ?? 0,
        files: counts[s.name]?.files ?? 0,
      })),
    ),
    requests: base.counters.requests,
    points: base.counters.points,
    requestsByPhase: { ...base.counters.byPhase },
    requestsBySource: Object.fromEntries(
      runs.map((run) => [run.source.name, base.counters.bySource[run.source.name] ?? 0]),
    ),
    durationMs: Date.now() - started,
    ...(stopped ? { stopped } : {}),
    incomplete: [...incomplete],
    run: { ...progress.finish(), incomplete: [...incomplete] },
  };
}

/** One source's streams in one run, read in order; a clean stop ends the source's reading. */
class SourceRun<C extends StreamContext = StreamContext> {
  constructor(
    readonly source: Source<C, unknown, unknown>,
    private readonly ctx: C,
  ) {}

  repositories(): string[] {
    return this.source.repositories?.(this.ctx) ?? [];
  }

  /** Reads every stream; resolves to the stop, if the source stopped cleanly before its last stream. */
  async read(): Promise<ExtractSummary["stopped"]> {
    const { ctx } = this;
    let stopped: ExtractSummary["stopped"];
    for (const stream of this.source.streams) {
      if (stopped) {
        ctx.incomplete.push({ source: this.source.name, stream: stream.name, reason: stopped.reason });
        continue;
      }
      try {
        await this.readStream(stream);
      } catch (error) {
        if (!(error instanceof RunStop)) throw error;
        // Thrown between requests, never mid-write: what landed is durable and the cursors say how far.
        await ctx.sink.flush();
        const resetAt = error.resetAt;
        stopped = { reason: error.message, ...(resetAt ? { resetAt } : {}) };
        ctx.incomplete.push({ source: this.source.name, stream: stream.name, reason: error.message });
        ctx.progress.stopped(error.message, resetAt);
        ctx.logger.warn(`extract stopped early: ${error.message}; the next run resumes from here`);
      }
    }
    return stopped;
  }

  /**
   * One stream with its progress: a partitioned stream partition by partition (shown as done/total, each
   * failing alone), another whole; the sink is flushed after it, whatever happened.
   */
  private async readStream(stream: Stream<C>): Promise<void> {
    const { ctx } = this;
    const partitions = "partitions" in stream ? stream.partitions(ctx) : undefined;
    Object.assign(ctx.current, { phase: stream.name, partition: "-" });
    ctx.progress.streamStarted(stream.name, partitions?.length);
    try {
      if ("read" in stream) await stream.read(ctx);
      else
        for (const partition of partitions ?? []) {
          if (stream.skip?.(ctx, partition)) continue;
          await inPartition(ctx, stream.name, partition.name, () => stream.readPartition(ctx, partition));
        }
    } finally {
      await ctx.sink.flush();
      ctx.progress.streamFinished(stream.name);
    }
  }
}

/** Rows one stream landed in a run. */
export function rowsOf(summary: { streams: readonly StreamSummary[] }, stream: string): number {
  return summary.streams.find((s) => s.stream === stream)?.rows ?? 0;
}
