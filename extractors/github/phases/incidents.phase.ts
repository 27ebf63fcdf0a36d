/**
 * Incidents: issues carrying any incident label from metrics.yaml, changed since each scope's cursor, plus
 * every incident still open, so that its closing lands even if nothing else touched it.
 */
import {
  advanceCursor,
  advanceSearchCursor,
  ask,
  type ExtractContext,
  inPartition,
  nextWatermark,
  startOf,
} from "../extract-context.ts";
import { SEARCH_INCIDENTS_QUERY } from "../queries/incidents.query.ts";
import { incidentsStream } from "../streams/github-streams.ts";
import type { IssueNode } from "../streams/records.ts";
import type { RepositoryInfo } from "./repositories.phase.ts";
import { searchScopes } from "./search-scopes.ts";
import { type SearchResponse, windowedSearch } from "./windowed-search.ts";

const PHASE = "incidents";

export async function readIncidents(
  ctx: ExtractContext,
  repositories: readonly RepositoryInfo[],
): Promise<void> {
  // Comma-separated values of one label: qualifier are ORed by GitHub search. Quoted for labels with spaces.
  const labels = `label:${ctx.incidentLabels.map((l) => (/\s/.test(l) ? `"${l}"` : l)).join(",")}`;
  for (const scope of searchScopes(ctx.config.github.orgs, repositories)) {
    await inPartition(ctx, PHASE, scope, () => readScope(ctx, scope, labels));
  }
}

async function readScope(ctx: ExtractContext, scope: string, labels: string): Promise<void> {
  const key = `github/incidents/${scope}`;
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

async function readOpenIncidents(ctx: ExtractContext, q: string): Promise<void> {
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
