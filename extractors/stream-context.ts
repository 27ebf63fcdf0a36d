/**
 * What every stream of every source reads with: configuration, the lake sink, the cursors, the clock, the
 * run's bookkeeping and the source being read — a source adds its client (GitHub: github/github-context.ts).
 * And the rules every stream keeps: a partition whose request fails for good costs only itself, a cursor
 * moves only forward and only over what is durable, the next run overlaps the last. Effects are injected
 * so tests drive the clock and read the counts.
 */
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { CursorStore } from "./cursor-store.ts";
import { failsOnlyItsPartition } from "./http/request-error.ts";
import type { RequestRecord } from "./http/request-record.ts";
import type { LakeSink } from "./lake-sink.ts";
import type { ExtractProgress } from "./progress/extract-progress.ts";
import { SourceUnavailable } from "./run-stop.ts";

/** The next run re-reads this much before the previous scan began, so nothing updated mid-run is missed. */
export const WATERMARK_OVERLAP_MS = 60 * 60 * 1000;

/** The start of GitHub (and of anything a source keeps): "everything" for a window or a history `since`. */
export const BEGINNING_OF_TIME = new Date("2008-01-01T00:00:00Z");

/**
 * Requests that fail for good one after another, with no answer between them, before the run decides a
 * source is down and stops reading it: one failure is a bad request or repository, three in a row is an
 * outage.
 */
export const FAILURES_IN_A_ROW_TO_STOP = 3;

/**
 * What a run could not read: a stream of one partition (a repository, a search scope) whose request failed
 * for good, or (without `partition`) the rest of a stream a stopped run did not reach. Its cursor stays where
 * the last durable batch put it, so the next run reads it again.
 */
export interface IncompleteRead {
  /** The source whose stream it is (`github`, …); absent in ledger lines written before sources had names. */
  source?: string;
  /** The stream, e.g. `pull_requests`, `default_branch`, `deployments`. */
  stream: string;
  /** The repository (`acme/api`) or search scope (`org:acme`); absent: the whole rest of the stream. */
  partition?: string;
  /** Why, as the error said it (never a secret: request errors are redacted). */
  reason: string;
}

/** `pull_requests of acme/api`, or `deployments` for the rest of a stream. */
export function incompleteLabel(item: Pick<IncompleteRead, "stream" | "partition">): string {
  return item.partition ? `${item.stream} of ${item.partition}` : item.stream;
}

export interface ExtractCounters {
  requests: number;
  points: number;
  /** Requests per stream, for the summary and the cost acceptance tests. */
  byPhase: Record<string, number>;
  /** Requests per source (`github`, …). */
  bySource: Record<string, number>;
}

export interface StreamContext {
  config: Config;
  logger: Logger;
  runId: string;
  now: () => Date;
  /** When this run's reading began: the upper bound of every window, the base of the next watermark. */
  runStartedAt: Date;
  sink: LakeSink;
  cursors: CursorStore;
  /** Backfill: read everything updated on or after this instant, whatever the cursors say. */
  since?: Date;
  /** Ignore cursors and read everything. */
  full?: boolean;
  counters: ExtractCounters;
  progress: ExtractProgress;
  /**
   * What is being read right now: rows landed are credited to it in the progress display. One object for
   * the whole run, changed in place (every source's context shares it with the sink).
   */
  current: { phase: string; partition: string };
  /** What this run could not read (see `readPartition`). */
  incomplete: IncompleteRead[];
  /** Requests of this source failed for good since its last answer (see FAILURES_IN_A_ROW_TO_STOP). */
  failuresInARow: number;
  /** The source being read: its name (lake folder, cursor namespace) and how messages call it. */
  source: { name: string; label: string };
}

/**
 * Reads one partition (or a batch of them) so that a request failing for good costs only that partition:
 * the failure is recorded in `ctx.incomplete` and logged, and the caller goes on with the next one. Its
 * cursor stays where the last durable batch put it, so the next run reads it again. An answer that says no
 * (a rejected token or query, NOT_FOUND), a budget stop or a programming error still stops the run; so does
 * a run of failures with no answer between them (SourceUnavailable). Resolves to whether the partition was
 * read.
 */
export async function readPartition(
  ctx: StreamContext,
  phase: string,
  partitions: string | readonly string[],
  work: () => Promise<void>,
): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if (!failsOnlyItsPartition(error)) throw error;
    for (const partition of typeof partitions === "string" ? [partitions] : partitions) {
      const item = { source: ctx.source.name, stream: phase, partition, reason: error.message };
      ctx.incomplete.push(item);
      ctx.logger.warn(
        `${incompleteLabel(item)} could not be read: ${error.message}; its cursor stays, the next run fills the gap`,
        { step: "partition_incomplete", stream: phase, repository: partition, kind: error.kind },
      );
    }
    if (ctx.failuresInARow >= FAILURES_IN_A_ROW_TO_STOP)
      throw new SourceUnavailable(ctx.source.label, ctx.failuresInARow, error.message);
    return false;
  }
}

/**
 * Runs the reading of one partition (a repository or a search scope) with its progress shown; a request
 * failing for good costs only this partition (see `readPartition`).
 */
export async function inPartition(
  ctx: StreamContext,
  phase: string,
  partition: string,
  work: () => Promise<void>,
): Promise<void> {
  Object.assign(ctx.current, { phase, partition });
  ctx.progress.partitionStarted(phase, partition);
  let read = false;
  try {
    read = await readPartition(ctx, phase, partition, work);
  } finally {
    ctx.progress.partitionFinished(phase, partition, read ? "done" : "failed");
  }
}

/**
 * Counts a request that got an answer against its stream (requests, points, requests by stream); an answer
 * ends a run of failures.
 */
export function countAnswered(ctx: StreamContext, phase: string, record: RequestRecord | undefined): void {
  ctx.counters.requests++;
  ctx.counters.byPhase[phase] = (ctx.counters.byPhase[phase] ?? 0) + 1;
  ctx.counters.bySource[ctx.source.name] = (ctx.counters.bySource[ctx.source.name] ?? 0) + 1;
  ctx.counters.points += record?.rateLimit?.cost ?? 0;
  ctx.failuresInARow = 0;
}

/**
 * Notes a request that failed for good. Only failures without a usable answer (5xx, timeouts, limits) hint
 * at an outage; a rejected request is an answer.
 */
export function countFailed(ctx: StreamContext, error: unknown): void {
  ctx.failuresInARow = failsOnlyItsPartition(error) ? ctx.failuresInARow + 1 : 0;
}

/** What a stream's cursors follow, and under which name they are kept: `<source>/<name>/<partition>`. */
export interface StreamCursor {
  /** The middle of the key, e.g. `pull_requests`, `default_branch_commits`. */
  name: string;
  /** The field whose value the watermark follows, e.g. `updatedAt`, `committedDate`, `createdAt`. */
  field: string;
}

/** The key of a stream's cursor for one partition, e.g. `github/pull_requests/org:acme`. */
export function cursorKey(ctx: StreamContext, cursor: StreamCursor, partition: string): string {
  return CursorStore.key(ctx.source.name, cursor.name, partition);
}

/** Where a stream starts reading a partition: a backfill date, nothing (full), or its cursor. */
export function startOf(ctx: StreamContext, cursorKey: string): Date {
  if (ctx.since) return ctx.since;
  if (ctx.full) return BEGINNING_OF_TIME;
  const cursor = ctx.cursors.get(cursorKey);
  return cursor ? new Date(cursor.watermark) : BEGINNING_OF_TIME;
}

/** Moves a cursor (only ever forward) once what it covers is durable in the lake. */
export async function advanceCursor(ctx: StreamContext, key: string, watermark: Date): Promise<void> {
  await ctx.sink.flush();
  const current = ctx.cursors.get(key);
  if (current && !ctx.full && !ctx.since && Date.parse(current.watermark) >= watermark.getTime()) return;
  ctx.cursors.set(key, {
    watermark: watermark.toISOString(),
    savedAt: ctx.now().toISOString(),
    runId: ctx.runId,
  });
}

/** The watermark a finished partition leaves for the next run: this run's start, less the overlap. */
export function nextWatermark(ctx: StreamContext): Date {
  return new Date(ctx.runStartedAt.getTime() - WATERMARK_OVERLAP_MS);
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
