/**
 * Incidents: issues carrying any incident label from metrics.yaml, changed since each scope's cursor, plus
 * every incident still open, so that its closing lands even if nothing else touched it.
 */
import { defineLakeStream } from "../../lake-stream.ts";
import { definePartitionedStream } from "../../source.ts";
import { advanceCursor, cursorKey, nextWatermark, type StreamCursor, startOf } from "../../stream-context.ts";
import { ask, type GitHubContext } from "../github-context.ts";
import { SEARCH_INCIDENTS_QUERY } from "../queries/incidents.query.ts";
import type { IssueNode } from "./records.ts";
import { searchScopes } from "./search-scopes.ts";
import { advanceSearchCursor, type SearchResponse, windowedSearch } from "./windowed-search.ts";

const PHASE = "incidents";
const CURSOR: StreamCursor = { name: "incidents", field: "updatedAt" };

export const incidentsStream = defineLakeStream<IssueNode>({
  source: "github",
  name: "incidents",
  primaryKey: ["issue_id"],
  columns: [
    { name: "issue_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
    { name: "updated_at", type: "TIMESTAMP" },
  ],
  toRow: (i) => ({ issue_id: i.id, repository: i.repository.nameWithOwner, updated_at: i.updatedAt }),
});

export const INCIDENTS = definePartitionedStream<GitHubContext, { name: string }>({
  name: PHASE,
  requests: [SEARCH_INCIDENTS_QUERY],
  lands: [incidentsStream],
  cursor: CURSOR,
  partitionedBy: "search scope (one per organisation)",
  partitions: (ctx) =>
    searchScopes(ctx.config.github.orgs, ctx.repositories).map((scope) => ({ name: scope })),
  readPartition: (ctx, { name: scope }) => readScope(ctx, scope, labelsOf(ctx.incidentLabels)),
});

/** Comma-separated values of one label: qualifier are ORed by GitHub search. Quoted for labels with spaces. */
function labelsOf(incidentLabels: readonly string[]): string {
  return `label:${incidentLabels.map((l) => (/\s/.test(l) ? `"${l}"` : l)).join(",")}`;
}

async function readScope(ctx: GitHubContext, scope: string, labels: string): Promise<void> {
  const key = cursorKey(ctx, CURSOR, scope);
  const base = `${scope} is:issue ${labels}`;
  for await (const event of windowedSearch<IssueNode | { __typename: string }>(ctx, {
    phase: PHASE,
    document: SEARCH_INCIDENTS_QUERY,
    base,
    from: startOf(ctx, key),
    to: ctx.runStartedAt,
    pageSize: 100,
  })) {
    if (event.kind === "page") {
      for (const node of event.nodes)
        if (node.__typename === "Issue") await ctx.sink.add(incidentsStream, node as IssueNode);
      await advanceSearchCursor(ctx, key, event.lastUpdatedAt);
    } else {
      await advanceSearchCursor(ctx, key, event.to);
    }
  }
  await readOpenIncidents(ctx, `${base} is:open`);
  await advanceCursor(ctx, key, nextWatermark(ctx));
}

async function readOpenIncidents(ctx: GitHubContext, q: string): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const data: SearchResponse<IssueNode | { __typename: string }> = await ask(
      ctx,
      PHASE,
      SEARCH_INCIDENTS_QUERY,
      {
        q: `${q} sort:updated-asc`,
        after,
        pageSize: 100,
      },
    );
    for (const node of data.search.nodes)
      if (node.__typename === "Issue") await ctx.sink.add(incidentsStream, node as IssueNode);
    const { hasNextPage, endCursor } = data.search.pageInfo;
    if (!hasNextPage || !endCursor || endCursor === after) return;
    after = endCursor;
  }
}
