/**
 * A dataset indexed for serving: lookups by name, number, login and node id, ids assigned, and pull
 * requests sorted once per order (cached), so that a page of 100 pull requests is found with a binary
 * search instead of a sort per request.
 */
import type { ActorType, Dataset, DatasetActor, DatasetPullRequest, DatasetRepository } from "./dataset.ts";
import { ids } from "./node-ids.ts";

export interface IndexedActor {
  login: string;
  type: ActorType;
  databaseId: number;
  nodeId: string;
  /** Display name, from the commits the actor authored (users only). */
  name: string | null;
}

export interface IndexedPullRequest {
  pr: DatasetPullRequest;
  repo: IndexedRepository;
  databaseId: number;
  fullDatabaseId: string;
  nodeId: string;
  createdMs: number;
  updatedMs: number;
}

export interface IndexedRepository {
  repo: DatasetRepository;
  nameWithOwner: string;
  databaseId: number;
  nodeId: string;
  ownerIsOrganization: boolean;
  /** By number, ascending. */
  pullRequests: IndexedPullRequest[];
  byNumber: Map<number, IndexedPullRequest>;
  /** Latest activity: for ordering repositories by UPDATED_AT. */
  updatedMs: number;
  /** Cache of pull requests sorted per order field and direction. */
  sorted: Map<string, IndexedPullRequest[]>;
}

export interface IndexedOrganization {
  login: string;
  databaseId: number;
  nodeId: string;
  repositories: IndexedRepository[];
}

export type IndexedNode =
  | { kind: "PullRequest"; value: IndexedPullRequest }
  | { kind: "Repository"; value: IndexedRepository }
  | { kind: "Organization"; value: IndexedOrganization }
  | { kind: "Actor"; value: IndexedActor }
  | { kind: "Commit"; value: { pr: IndexedPullRequest; index: number } };

export type PullRequestOrderField = "CREATED_AT" | "UPDATED_AT" | "COMMENTS";

export class DatasetIndex {
  readonly organizations = new Map<string, IndexedOrganization>();
  readonly repositories = new Map<string, IndexedRepository>();
  readonly actors = new Map<string, IndexedActor>();
  readonly nodes = new Map<string, IndexedNode>();

  constructor(readonly dataset: Dataset) {
    for (const org of dataset.organizations) {
      const orgIds = ids.organization(org.login);
      const entry: IndexedOrganization = { login: org.login, ...orgIds, repositories: [] };
      this.organizations.set(org.login.toLowerCase(), entry);
      this.nodes.set(entry.nodeId, { kind: "Organization", value: entry });
    }
    for (const repo of dataset.repositories) {
      const nameWithOwner = `${repo.owner}/${repo.name}`;
      const org = this.organizations.get(repo.owner.toLowerCase());
      const entry: IndexedRepository = {
        repo,
        nameWithOwner,
        ...ids.repository(nameWithOwner),
        ownerIsOrganization: org !== undefined,
        pullRequests: [],
        byNumber: new Map(),
        updatedMs: Date.parse(repo.pushedAt ?? repo.createdAt),
        sorted: new Map(),
      };
      this.repositories.set(nameWithOwner.toLowerCase(), entry);
      this.nodes.set(entry.nodeId, { kind: "Repository", value: entry });
      org?.repositories.push(entry);
      if (!org) this.addActor({ login: repo.owner, type: "User" });
    }
    for (const pr of dataset.pullRequests) {
      const repo = this.repositories.get(pr.repository.toLowerCase());
      if (!repo) continue; // the dataset schema already rejects pull requests of unknown repositories
      const prIds = ids.pullRequest(repo.nameWithOwner, pr.number);
      const entry: IndexedPullRequest = {
        pr,
        repo,
        databaseId: prIds.databaseId,
        fullDatabaseId: prIds.fullDatabaseId,
        nodeId: prIds.nodeId,
        createdMs: Date.parse(pr.createdAt),
        updatedMs: Date.parse(pr.updatedAt),
      };
      repo.pullRequests.push(entry);
      repo.byNumber.set(pr.number, entry);
      repo.updatedMs = Math.max(repo.updatedMs, entry.updatedMs);
      this.nodes.set(entry.nodeId, { kind: "PullRequest", value: entry });
      if (pr.author) this.addActor(pr.author);
      pr.commits.forEach((commit, index) => {
        if (commit.authorLogin) this.addActor({ login: commit.authorLogin, type: "User" }, commit.authorName);
        this.nodes.set(ids.commit(repo.nameWithOwner, commit.oid).nodeId, {
          kind: "Commit",
          value: { pr: entry, index },
        });
      });
      for (const review of pr.reviews) if (review.author) this.addActor(review.author);
    }
    for (const repo of this.repositories.values())
      repo.pullRequests.sort((a, b) => a.pr.number - b.pr.number);
  }

  private addActor(actor: DatasetActor, name?: string): void {
    const key = actorKey(actor.type, actor.login);
    const existing = this.actors.get(key);
    if (existing) {
      if (!existing.name && name) existing.name = name;
      return;
    }
    const actorIds = actor.type === "Bot" ? ids.bot(actor.login) : ids.user(actor.login);
    const entry: IndexedActor = { login: actor.login, type: actor.type, ...actorIds, name: name ?? null };
    this.actors.set(key, entry);
    this.nodes.set(entry.nodeId, { kind: "Actor", value: entry });
  }

  actor(actor: DatasetActor): IndexedActor | undefined {
    return this.actors.get(actorKey(actor.type, actor.login));
  }

  repository(owner: string, name: string): IndexedRepository | undefined {
    return this.repositories.get(`${owner}/${name}`.toLowerCase());
  }

  /** The repository's pull requests in the given order, sorted once and cached. Ties break by number. */
  pullRequestsOrdered(
    repo: IndexedRepository,
    field: PullRequestOrderField,
    direction: "ASC" | "DESC",
  ): IndexedPullRequest[] {
    const cacheKey = `${field}:${direction}`;
    let sorted = repo.sorted.get(cacheKey);
    if (!sorted) {
      const sign = direction === "ASC" ? 1 : -1;
      const key = pullRequestSortKey(field);
      sorted = [...repo.pullRequests].sort((a, b) => {
        const [ka, na] = key(a);
        const [kb, nb] = key(b);
        return sign * (ka - kb || na - nb);
      });
      repo.sorted.set(cacheKey, sorted);
    }
    return sorted;
  }
}

/** Sort key of a pull request for an order field: the value, then the number as a tie-breaker. */
export function pullRequestSortKey(
  field: PullRequestOrderField,
): (pr: IndexedPullRequest) => [number, number] {
  switch (field) {
    case "UPDATED_AT":
      return (pr) => [pr.updatedMs, pr.pr.number];
    case "COMMENTS":
      return (pr) => [pr.pr.reviews.length, pr.pr.number];
    default:
      return (pr) => [pr.createdMs, pr.pr.number];
  }
}

function actorKey(type: ActorType, login: string): string {
  return `${type}:${login.toLowerCase()}`;
}
