/**
 * What every extraction phase receives: configuration, the GitHub client, the lake sink, the cursors, the
 * clock, and the run's bookkeeping. Effects are injected so tests drive the clock and read the counts.
 */
import type { Config } from "../../core/config.ts";
import type { Logger } from "../../core/logger.ts";
import type { CursorStore } from "../cursor-store.ts";
import type { LakeSink } from "../lake-sink.ts";
import type { GitHubClient } from "./github-client.ts";
import type { RateLimitFields } from "./streams/records.ts";

/** The next run re-reads this much before the previous scan began, so nothing updated mid-run is missed. */
export const WATERMARK_OVERLAP_MS = 60 * 60 * 1000;

/** The start of GitHub: "everything" for a search window or a history `since`. */
export const BEGINNING_OF_TIME = new Date("2008-01-01T00:00:00Z");

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
}

/** Sends a query and counts it (requests and `rateLimit.cost` points) against a phase. */
export async function ask<T extends { rateLimit?: RateLimitFields | null }>(
  ctx: ExtractContext,
  phase: string,
  document: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const data = await ctx.client.query<T>(document, variables);
  ctx.counters.requests++;
  ctx.counters.byPhase[phase] = (ctx.counters.byPhase[phase] ?? 0) + 1;
  ctx.counters.points += data.rateLimit?.cost ?? 0;
  return data;
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
