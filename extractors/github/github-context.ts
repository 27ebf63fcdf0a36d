/**
 * What every GitHub stream reads with: the shared stream context (stream-context.ts) plus the GitHub client,
 * the adaptive page sizes of its queries, the incident labels, and the repositories the `repositories`
 * stream found for the streams after it. `ask` sends a query and counts it against its stream.
 */
import { countAnswered, countFailed, type StreamContext } from "../stream-context.ts";
import { AdaptivePageSizes, requestAdaptivePage } from "./adaptive-page-size.ts";
import type { GitHubClient } from "./github-client.ts";
import { GitHubRequestError, toleratedPartial } from "./github-errors.ts";
import { operationNameOf } from "./queries/operation-name.ts";
import type { RepositoryInfo } from "./streams/repositories.stream.ts";

export interface GitHubContext extends StreamContext {
  client: GitHubClient;
  incidentLabels: readonly string[];
  /** Page sizes that halve after a 502/504/timeout and grow back, per stream and query. */
  pageSizes: AdaptivePageSizes;
  /** The repositories this run reads, as the `repositories` stream found them (empty before it). */
  repositories: RepositoryInfo[];
}

/** The GitHub part of a run's context, over the shared part. */
export function openGitHubContext(
  base: StreamContext,
  client: GitHubClient,
  incidentLabels: readonly string[],
): GitHubContext {
  return { ...base, client, incidentLabels, pageSizes: new AdaptivePageSizes(), repositories: [] };
}

/**
 * Sends a query and counts it (requests and points) against a stream. A query with a `pageSize` variable
 * gets an adaptive page size: halved after a gateway error or timeout, grown back after clean pages.
 * With `tolerate`, a batched `nodes(ids:)` answer whose only errors are NOT_FOUND comes back with the nodes
 * GitHub still has (null for the rest) instead of failing the run.
 */
export async function ask<T>(
  ctx: GitHubContext,
  phase: string,
  document: string,
  variables: Record<string, unknown>,
  options: { repository?: string; tolerate?: boolean } = {},
): Promise<T> {
  const tags = { stream: phase, ...(options.repository ? { repository: options.repository } : {}) };
  try {
    const max = variables.pageSize;
    const { data, record } =
      typeof max === "number"
        ? await requestAdaptivePage(
            ctx.pageSizes.for(`${phase}/${operationNameOf(document)}`, max),
            (pageSize) => ctx.client.request<T>(document, { ...variables, pageSize }, tags),
          )
        : await ctx.client.request<T>(document, variables, tags);
    countAnswered(ctx, phase, record);
    return data;
  } catch (error) {
    const partial = options.tolerate ? toleratedPartial<T>(error) : null;
    if (!partial) {
      countFailed(ctx, error);
      throw error;
    }
    countAnswered(ctx, phase, error instanceof GitHubRequestError ? error.record : undefined);
    ctx.logger.warn(`${phase}: ${partial.missing.length} node(s) no longer on GitHub; the rest landed`, {
      missing: partial.missing.map((m) => m.message).slice(0, 5),
    });
    return partial.data;
  }
}

/** An instant as GitHub's search and history arguments take it, without milliseconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface RepositoryPartition {
  owner: string;
  name: string;
  /** "owner/name" */
  fullName: string;
}

export function partitionOf(fullName: string): RepositoryPartition {
  const [owner = "", name = ""] = fullName.split("/");
  return { owner, name, fullName };
}
