/**
 * Repositories: every non-archived, non-fork repository of the configured organisations (one request per
 * 100), plus the repositories named on their own. Their push times let later streams skip the unchanged.
 * An organisation or repository whose listing fails for good is left out of this run (and marked
 * incomplete): the later streams read the others, and their cursors wait for the next run.
 */
import { YardstickError } from "../../../core/errors.ts";
import { defineLakeStream } from "../../lake-stream.ts";
import { defineStream } from "../../source.ts";
import { readPartition } from "../../stream-context.ts";
import { ask, type GitHubContext, partitionOf } from "../github-context.ts";
import { pages } from "../paginate.ts";
import { ORG_REPOSITORIES_QUERY, type OrgRepositoriesResponse } from "../queries/org-repositories.query.ts";
import { REPOSITORY_QUERY } from "../queries/repository.query.ts";
import type { RateLimitFields, RepositoryNode } from "./records.ts";

const PHASE = "repositories";

export const repositoriesStream = defineLakeStream<RepositoryNode>({
  source: "github",
  name: "repositories",
  primaryKey: ["repository_id"],
  columns: [
    { name: "repository_id", type: "VARCHAR" },
    { name: "repository", type: "VARCHAR" },
    { name: "pushed_at", type: "TIMESTAMP" },
  ],
  toRow: (r) => ({ repository_id: r.id, repository: r.nameWithOwner, pushed_at: r.pushedAt }),
});

/** Read whole every run (one request per 100 repositories): the later streams need every repository. */
export const REPOSITORIES = defineStream<GitHubContext>({
  name: PHASE,
  requests: [ORG_REPOSITORIES_QUERY, REPOSITORY_QUERY],
  lands: [repositoriesStream],
  partitionedBy: "organisation (listed whole), or a repository named on its own",
  read: async (ctx) => {
    ctx.repositories = await readRepositories(ctx);
  },
});

export interface RepositoryInfo {
  id: string;
  fullName: string;
  pushedAt: string | null;
  defaultBranch: string | null;
  /** Covered by an organisation's search scope (else searched by `repo:`). */
  inOrg: boolean;
}

async function readRepositories(ctx: GitHubContext): Promise<RepositoryInfo[]> {
  const found = new Map<string, RepositoryInfo>();
  const orgs = new Set(ctx.config.github.orgs.map((o) => o.toLowerCase()));
  for (const org of ctx.config.github.orgs) {
    // Listed whole or not at all: a half-listed organisation would look like one that lost repositories.
    const listed = new Map<string, RepositoryInfo>();
    await readPartition(ctx, PHASE, `org:${org}`, async () => {
      for await (const page of pages<RepositoryNode>(`organisation ${org}`, async (after) => {
        const data = await ask<OrgRepositoriesResponse>(ctx, PHASE, ORG_REPOSITORIES_QUERY, { org, after });
        return (
          (data.organization?.repositories as { pageInfo: never; nodes: RepositoryNode[] } | undefined) ??
          null
        );
      })) {
        for (const repo of page.nodes) {
          if (repo.isFork) continue;
          await ctx.sink.add(repositoriesStream, repo);
          listed.set(repo.nameWithOwner.toLowerCase(), infoOf(repo, true));
        }
      }
      for (const [key, info] of listed) found.set(key, info);
    });
  }
  for (const fullName of ctx.config.github.repos) {
    if (found.has(fullName.toLowerCase())) continue;
    const { owner, name } = partitionOf(fullName);
    await readPartition(ctx, PHASE, fullName, async () => {
      const data = await ask<{ repository: RepositoryNode | null; rateLimit: RateLimitFields | null }>(
        ctx,
        PHASE,
        REPOSITORY_QUERY,
        { owner, name },
      );
      if (!data.repository) {
        throw new YardstickError(
          `repository ${fullName} (github.repos) was not found on GitHub, or the token cannot see it`,
        );
      }
      await ctx.sink.add(repositoriesStream, data.repository);
      found.set(fullName.toLowerCase(), infoOf(data.repository, orgs.has(owner.toLowerCase())));
    });
  }
  await ctx.sink.flush();
  return [...found.values()].sort((a, b) => a.fullName.localeCompare(b.fullName));
}

function infoOf(repo: RepositoryNode, inOrg: boolean): RepositoryInfo {
  return {
    id: repo.id,
    fullName: repo.nameWithOwner,
    pushedAt: repo.pushedAt,
    defaultBranch: repo.defaultBranchRef?.name ?? null,
    inOrg,
  };
}
