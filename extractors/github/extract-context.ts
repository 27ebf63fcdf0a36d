/**
 * What every extraction phase receives: configuration, the GitHub client, the lake sink, the cursors, the
 * clock, and the run's bookkeeping. Effects are injected so tests drive the clock and read the counts.
 */
import type { Config } from "../../core/config.ts";
import type { Logger } from "../../core/logger.ts";
import type { CursorStore } from "../cursor-store.ts";
import { failsOnlyItsPartition } from "../http/request-error.ts";
import type { RequestRecord } from "../http/request-record.ts";
import type { LakeSink } from "../lake-sink.ts";
import type { ExtractProgress } from "../progress/extract-progress.ts";
import { SourceUnavailable } from "../run-stop.ts";
import { AdaptivePageSizes, requestAdaptivePage } from "./adaptive-page-size.ts";
import { type GitHubClient, operationNameOf } from "./github-client.ts";
import { GitHubRequestError, toleratedPartial } from "./github-errors.ts";

/** The next run re-reads this much before the previous scan began, so nothing updated mid-run is missed. */
export const WATERMARK_OVERLAP_MS = 60 * 60 * 1000;

/** The start of GitHub: "everything" for a search window or a history `since`. */
export const BEGINNING_OF_TIME = new Date("2008-01-01T00:00:00Z");

/**
 * Requests that fail for good one after another, with no answer between them, before the run decides GitHub
 * is down and stops: one failure is a bad request or repository, three in a row is an outage.
 */
export const FAILURES_IN_A_ROW_TO_STOP = 3;

/**
 * What a run could not read: a stream of one repository or search scope whose request failed for good, or
 * (without `partition`) the rest of a stream a stopped run did not reach. Its cursor stays where the last
 * durable batch put it, so the next run reads it again.
 */
export interface IncompleteRead {
  /** The phase, e.g. `pull_requests`, `default_branch`, `deployments`. */
  stream: string;
  /** The repository (`acme/api`) or search scope (`org:acme`); absent: the whole rest of the stream. */
  partition?: string;
  /** Why, as the error said it (never a secret: GitHub errors are redacted). */
  reason: string;
}

/** `pull_requests of acme/api`, or `deployments` for the rest of a stream. */
export function incompleteLabel(item: Pick<IncompleteRead, "stream" | "partition">): string {
  return item.partition ? `${item.stream} of ${item.partition}` : item.stream;
}

export interface ExtractCounters {
  requests: number;
  points: number;
  /** Requests per phase, for the summary and the cost acceptance tests. */
  byPhase: Record<string, number>;
}

export interface ExtractContext {
  config: Config;
  client: GitHubClient;
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
  incidentLabels: readonly string[];
  counters: ExtractCounters;
  /** Page sizes that halve after a 502/504/timeout and grow back, per phase and query. */
  pageSizes: AdaptivePageSizes;
  progress: ExtractProgress;
  /** What is being read right now: rows landed are credited to it in the progress display. */
  current: { phase: string; partition: string };
  /** What this run could not read (see `readPartition`). */
  incomplete: IncompleteRead[];
  /** Requests failed for good since the last answer (see FAILURES_IN_A_ROW_TO_STOP). */
  failuresInARow: number;
}

/**
 * Reads one partition (or a batch of them) so that a request failing for good costs only that partition:
 * the failure is recorded in `ctx.incomplete` and logged, and the caller goes on with the next one. Its
 * cursor stays where the last durable batch put it, so the next run reads it again. An answer that says no
 * (a rejected token or query, NOT_FOUND), a budget stop or a programming error still stops the run; so does
 * a run of failures with no answer between them (GitHubUnavailable). Resolves to whether the partition was
 * read.
 */
export async function readPartition(
  ctx: ExtractContext,
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
      const item = { stream: phase, partition, reason: error.message };
      ctx.incomplete.push(item);
      ctx.logger.warn(
        `${incompleteLabel(item)} could not be read: ${error.message}; its cursor stays, the next run fills the gap`,
        { step: "partition_incomplete", stream: phase, repository: partition, kind: error.kind },
      );
    }
    if (ctx.failuresInARow >= FAILURES_IN_A_ROW_TO_STOP)
      throw new SourceUnavailable("GitHub", ctx.failuresInARow, error.message);
    return false;
  }
}

/**
 * Runs the reading of one partition (a repository or a search scope) with its progress shown; a request
 * failing for good costs only this partition (see `readPartition`).
 */
export async function inPartition(
  ctx: ExtractContext,
  phase: string,
  partition: string,
  work: () => Promise<void>,
): Promise<void> {
  ctx.current = { phase, partition };
  ctx.progress.partitionStarted(phase, partition);
  let read = false;
  try {
    read = await readPartition(ctx, phase, partition, work);
  } finally {
    ctx.progress.partitionFinished(phase, partition, read ? "done" : "failed");
  }
}

export function newPageSizes(): AdaptivePageSizes {
  return new AdaptivePageSizes();
}

/**
 * Sends a query and counts it (requests and points) against a phase. A query with a `pageSize` variable
 * gets an adaptive page size: halved after a gateway error or timeout, grown back after clean pages.
 * With `tolerate`, a batched `nodes(ids:)` answer whose only errors are NOT_FOUND comes back with the nodes
 * GitHub still has (null for the rest) instead of failing the run.
 */
export async function ask<T>(
  ctx: ExtractContext,
  phase: string,
  document: string,
  variables: Record<string, unknown>,
  options: { repository?: string; tolerate?: boolean } = {},
): Promise<T> {
  const tags = { stream: phase, ...(options.repository ? { repository: options.repository } : {}) };
  const count = (record: RequestRecord | undefined) => {
    ctx.counters.requests++;
    ctx.counters.byPhase[phase] = (ctx.counters.byPhase[phase] ?? 0) + 1;
    ctx.counters.points += record?.rateLimit?.cost ?? 0;
  };
  try {
    const max = variables.pageSize;
    const { data, record } =
      typeof max === "number"
        ? await requestAdaptivePage(
            ctx.pageSizes.for(`${phase}/${operationNameOf(document)}`, max),
            (pageSize) => ctx.client.request<T>(document, { ...variables, pageSize }, tags),
          )
        : await ctx.client.request<T>(document, variables, tags);
    count(record);
    ctx.failuresInARow = 0;
    return data;
  } catch (error) {
    const partial = options.tolerate ? toleratedPartial<T>(error) : null;
    if (!partial) {
      // Only failures without a usable answer (5xx, timeouts, limits) hint at an outage; a rejected query
      // is an answer.
      ctx.failuresInARow = failsOnlyItsPartition(error) ? ctx.failuresInARow + 1 : 0;
      throw error;
    }
    ctx.failuresInARow = 0;
    count(error instanceof GitHubRequestError ? error.record : undefined);
    ctx.logger.warn(`${phase}: ${partial.missing.length} node(s) no longer on GitHub; the rest landed`, {
      missing: partial.missing.map((m) => m.message).slice(0, 5),
    });
    return partial.data;
  }
}

/** Where a phase starts reading a partition: a backfill date, nothing (full), or its cursor. */
export function startOf(ctx: ExtractContext, cursorKey: string): Date {
  if (ctx.since) return ctx.since;
  if (ctx.full) return BEGINNING_OF_TIME;
  const cursor = ctx.cursors.get(cursorKey);
  return cursor ? new Date(cursor.watermark) : BEGINNING_OF_TIME;
}

/** Moves a cursor (only ever forward) once what it covers is durable in the lake. */
export async function advanceCursor(ctx: ExtractContext, key: string, watermark: Date): Promise<void> {
  await ctx.sink.flush();
  const current = ctx.cursors.get(key);
  if (current && !ctx.full && !ctx.since && Date.parse(current.watermark) >= watermark.getTime()) return;
  ctx.cursors.set(key, {
    watermark: watermark.toISOString(),
    savedAt: ctx.now().toISOString(),
    runId: ctx.runId,
  });
}

/**
 * Where a search scope resumes after a durable page or window: results come oldest update first, so
 * everything updated before `upTo` is in the lake; less the overlap, for the search index's lag, and never
 * past this run's own end watermark.
 */
export async function advanceSearchCursor(
  ctx: ExtractContext,
  key: string,
  upTo: Date | string | null,
): Promise<void> {
  if (upTo === null) return;
  const at = new Date(upTo).getTime() - WATERMARK_OVERLAP_MS;
  await advanceCursor(ctx, key, new Date(Math.min(at, nextWatermark(ctx).getTime())));
}

/** The watermark a finished partition leaves for the next run: this run's start, less the overlap. */
export function nextWatermark(ctx: ExtractContext): Date {
  return new Date(ctx.runStartedAt.getTime() - WATERMARK_OVERLAP_MS);
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
