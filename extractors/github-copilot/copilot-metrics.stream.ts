/**
 * Copilot metrics: GitHub's daily Copilot figures (active and engaged users, by feature) of each configured
 * organisation, and of each configured team in it, as `GET /orgs/{org}/copilot/metrics` and
 * `GET /orgs/{org}/team/{team_slug}/copilot/metrics` serve them. GitHub keeps only the last 28 days and
 * withholds a day on which fewer than five members held a Copilot licence; every day read lands in the lake,
 * keyed by organisation, team and date, so the history outlives the window and re-reading a day replaces it.
 *
 * Its cursor is the last day read. A run asks from two days before it (GitHub may still complete the last
 * day or two), never from further back than the window: one request per organisation and one per team on
 * a quiet night, whatever the number of repositories.
 */
import { defineLakeStream } from "../lake-stream.ts";
import { definePartitionedStream, type Partition } from "../source.ts";
import {
  advanceCursor,
  countAnswered,
  countFailed,
  cursorKey,
  type StreamContext,
  type StreamCursor,
} from "../stream-context.ts";
import { type GitHubRestClient, GitHubRestError, type RestPage } from "./rest-client.ts";

export const PHASE = "copilot_metrics";
const CURSOR: StreamCursor = { name: "copilot_metrics", field: "date" };
const ORG_ROUTE = "GET /orgs/{org}/copilot/metrics";
const TEAM_ROUTE = "GET /orgs/{org}/team/{team_slug}/copilot/metrics";

/** The days GitHub serves: up to 28 before today (UTC). */
export const COPILOT_WINDOW_DAYS = 28;
/** Days before the last one read that the next run reads again. */
export const COPILOT_OVERLAP_DAYS = 2;
/** Days per page: the whole window fits in one. */
const PER_PAGE = 28;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CopilotContext extends StreamContext {
  client: GitHubRestClient;
}

/** One day of one organisation (team null) or one team, with GitHub's object for it as `metrics`. */
export interface CopilotDay {
  organization: string;
  team: string | null;
  date: string;
  metrics: Record<string, unknown>;
}

export const copilotMetricsLake = defineLakeStream<CopilotDay>({
  source: "github_copilot",
  name: "copilot_metrics",
  primaryKey: ["organization", "team", "date"],
  columns: [
    { name: "organization", type: "VARCHAR" },
    { name: "team", type: "VARCHAR" },
    { name: "date", type: "VARCHAR" },
  ],
  toRow: (d) => ({ organization: d.organization, team: d.team, date: d.date }),
  toPayload: (d) => d.metrics,
});

interface CopilotPartition extends Partition {
  organization: string;
  team: string | null;
}

export const COPILOT_METRICS = definePartitionedStream<CopilotContext, CopilotPartition>({
  name: PHASE,
  requests: [ORG_ROUTE, TEAM_ROUTE],
  lands: [copilotMetricsLake],
  cursor: CURSOR,
  partitionedBy: "organisation, and team in each organisation (one request each on a quiet night)",
  partitions: (ctx) =>
    ctx.config.github.orgs.flatMap((organization) => [
      { name: organization, organization, team: null },
      ...(ctx.config.github.copilot?.teams ?? []).map((team) => ({
        name: `${organization}/${team}`,
        organization,
        team,
      })),
    ]),
  readPartition: (ctx, partition) => readPartition(ctx, partition),
});

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The first day to ask for: the cursor less the overlap, a backfill's date, or the window's start. */
export function copilotSince(ctx: StreamContext, key: string): string {
  const today = Date.parse(`${utcDay(ctx.runStartedAt.getTime())}T00:00:00Z`);
  const windowStart = today - COPILOT_WINDOW_DAYS * DAY_MS;
  let from = windowStart;
  if (ctx.since) from = ctx.since.getTime();
  else if (!ctx.full) {
    const cursor = ctx.cursors.get(key);
    if (cursor) from = Date.parse(cursor.watermark) - COPILOT_OVERLAP_DAYS * DAY_MS;
  }
  return utcDay(Math.max(from, windowStart));
}

async function readPartition(ctx: CopilotContext, partition: CopilotPartition): Promise<void> {
  const key = cursorKey(ctx, CURSOR, partition.name);
  const org = encodeURIComponent(partition.organization);
  const path = partition.team
    ? `/orgs/${org}/team/${encodeURIComponent(partition.team)}/copilot/metrics`
    : `/orgs/${org}/copilot/metrics`;
  const operation = partition.team ? TEAM_ROUTE : ORG_ROUTE;
  let next: string | null = path;
  let query: Record<string, string | number> | undefined = {
    since: `${copilotSince(ctx, key)}T00:00:00Z`,
    per_page: PER_PAGE,
  };
  let last: string | null = null;
  try {
    while (next) {
      const page: RestPage = await ctx.client
        .get(next, { operation, stream: PHASE, label: partition.name, ...(query ? { query } : {}) })
        .catch((error: unknown) => {
          countFailed(ctx, error);
          throw error;
        });
      countAnswered(ctx, PHASE, page.record);
      for (const day of daysOf(page.body, operation)) {
        await ctx.sink.add(copilotMetricsLake, {
          organization: partition.organization,
          team: partition.team,
          date: day.date,
          metrics: day,
        });
        if (last === null || day.date > last) last = day.date;
      }
      next = page.next;
      query = undefined;
    }
  } catch (error) {
    // GitHub says no for this organisation or team (metrics disabled by policy, no access, no such team):
    // it would say so again, and the other organisations and teams are still worth reading.
    if (
      error instanceof GitHubRestError &&
      ["forbidden", "not_found", "unprocessable"].includes(error.kind)
    ) {
      const reason = `${error.message}${advice(error.kind, partition)}`;
      ctx.incomplete.push({ stream: PHASE, partition: partition.name, reason });
      ctx.logger.warn(`${PHASE} of ${partition.name} could not be read: ${reason}`, {
        step: "partition_incomplete",
        stream: PHASE,
        repository: partition.name,
        kind: error.kind,
      });
      return;
    }
    throw error;
  }
  if (last !== null) await advanceCursor(ctx, key, new Date(`${last}T00:00:00Z`));
}

function advice(kind: string, partition: CopilotPartition): string {
  const what = partition.team
    ? `team ${partition.team} of ${partition.organization}`
    : partition.organization;
  if (kind === "unprocessable")
    return ` (the Copilot Metrics API access policy is disabled for ${partition.organization}: an owner enables it in the organisation's Copilot policies)`;
  if (kind === "not_found")
    return ` (no Copilot metrics for ${what}: check the organisation${partition.team ? " and the team slug in github.copilot.teams" : ""}, and that it has Copilot)`;
  return ` (the token may not read Copilot metrics of ${what}: it needs an organisation owner's manage_billing:copilot or read:org scope, or the "GitHub Copilot Business" read permission)`;
}

/** The days of one answer: a list of objects with a `date` (YYYY-MM-DD); anything else is refused. */
function daysOf(body: unknown, operation: string): { date: string; [k: string]: unknown }[] {
  if (!Array.isArray(body))
    throw new GitHubRestError(
      `GitHub REST ${operation}: the answer is not a list of days`,
      "malformed_json",
      200,
      null,
    );
  return body.map((day) => {
    const date = (day as { date?: unknown } | null)?.date;
    if (typeof date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(date))
      throw new GitHubRestError(
        `GitHub REST ${operation}: a day without a date (YYYY-MM-DD) in the answer`,
        "malformed_json",
        200,
        null,
      );
    return day as { date: string };
  });
}
