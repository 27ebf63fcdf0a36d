/**
 * What the REST incident sources (PagerDuty, incident.io) share: their context (the shared one and their
 * client), how a request is counted against its stream, a cursor key per configured set of services or
 * mappings, and the windows of time a backfill or a nightly run reads.
 */
import { createHash } from "node:crypto";
import type { RequestRecord } from "./http/request-record.ts";
import type { RestClient, RestGet } from "./http/rest-client.ts";
import { countAnswered, countFailed, type StreamContext } from "./stream-context.ts";

export interface RestContext extends StreamContext {
  client: RestClient;
}

/** One GET, counted against its stream (an answer ends a run of failures; a failure may start one). */
export async function askRest<T>(ctx: RestContext, request: RestGet): Promise<T> {
  let record: RequestRecord | undefined;
  try {
    const answer = await ctx.client.get<T>(request);
    record = answer.record;
    return answer.body;
  } catch (error) {
    countFailed(ctx, error);
    throw error;
  } finally {
    if (record) countAnswered(ctx, request.stream, record);
  }
}

/**
 * The partition of a cursor: what the configuration reads (its services, its mappings), so that reading
 * another set starts again from the beginning instead of missing the history of what was added.
 * Example: `scopeOf(["PABC", "PXYZ"])` → `services:3f1a…` (12 hex digits).
 */
export function scopeOf(prefix: string, items: readonly string[]): string {
  const digest = createHash("sha256")
    .update([...items].sort().join("\n"))
    .digest("hex");
  return `${prefix}:${digest.slice(0, 12)}`;
}

/** `[from, to)` cut into windows of at most `days` days, oldest first. */
export function windowsOf(from: Date, to: Date, days: number): [Date, Date][] {
  const out: [Date, Date][] = [];
  const span = days * 24 * 3_600_000;
  for (let start = from.getTime(); start < to.getTime(); start += span)
    out.push([new Date(start), new Date(Math.min(start + span, to.getTime()))]);
  return out;
}
