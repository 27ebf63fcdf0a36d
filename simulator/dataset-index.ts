/**
 * A dataset indexed for serving: lookups by name, number, login and node id, ids assigned, and the orders
 * that paging needs sorted once and cached, so that a page is a binary search plus the page itself — never
 * a sort or a scan of the organisation per request (benchmarks page 1,000,000 pull requests).
 *
 * Git data (commits, their CI, their pull requests) is indexed per repository on first use: a large
 * organisation pays for the repositories a client actually reads.
 */
import type {
  ActorType,
  Dataset,
  DatasetActor,
  DatasetBranchCommit,
  DatasetCheckSuite,
  DatasetCommit,
  DatasetCommitStatus,
  DatasetDeployment,
  DatasetIssue,
  DatasetPullRequest,
  DatasetRepository,
} from "./dataset.ts";
import { commitNodeId, databaseIdOf, decodeCommitId, ids } from "./node-ids.ts";

export interface IndexedActor {
  login: string;
  type: ActorType;
  databaseId: number;
  nodeId: string;
  /** Display name, from the commits the actor authored (users only). */
  name: string | null;
}

export interface IndexedPullRequest {
  kind: "PullRequest";
  pr: DatasetPullRequest;
  repo: IndexedRepository;
  databaseId: number;
  fullDatabaseId: string;
  nodeId: string;
  createdMs: number;
  updatedMs: number;
}

export interface IndexedIssue {
  kind: "Issue";
  issue: DatasetIssue;
  repo: IndexedRepository;
  databaseId: number;
  fullDatabaseId: string;
  nodeId: string;
  createdMs: number;
  updatedMs: number;
}

/** What search returns: pull requests and issues share GitHub's issue search. */
export type SearchItem = IndexedPullRequest | IndexedIssue;

export type DeploymentState =
  | "ABANDONED"
  | "ACTIVE"
  | "DESTROYED"
  | "ERROR"
  | "FAILURE"
  | "INACTIVE"
  | "IN_PROGRESS"
  | "PENDING"
  | "QUEUED"
  | "WAITING";

export interface IndexedDeployment {
  deployment: DatasetDeployment;
  repo: IndexedRepository;
  databaseId: number;
  nodeId: string;
  createdMs: number;
  /** GitHub's `Deployment.state`, from the latest status and later deployments of the environment. */
  state: DeploymentState;
}

/** A git commit of a repository, from wherever the dataset mentions it. */
export interface IndexedCommit {
  repo: IndexedRepository;
  oid: string;
  nodeId: string;
  /** Message and identities (a stand-in for a commit known only by its oid, e.g. from CI). */
  data: DatasetCommit;
  readonly parents: readonly string[];
  /** Position in the default branch's history, oldest first; -1 when not on it. */
  branchIndex: number;
  /** Pull requests it belongs to or landed (GitHub's `associatedPullRequests`). */
  pullRequests: IndexedPullRequest[];
  /** Share of a pull request's size it carries (commit additions/deletions are not in the dataset). */
  size: { additions: number; deletions: number; changedFiles: number };
  checkSuites: DatasetCheckSuite[];
  statuses: DatasetCommitStatus[];
}

/**
 * A repository's git objects as the dataset mentions them (pull request commits, merges, default-branch
 * history, commits with CI or deployments). Lookups are by oid; the objects are built the first time a
 * request needs them, so a repository of thousands of commits costs a few maps until it is read.
 */
export interface RepositoryGit {
  commit(oid: string): IndexedCommit | undefined;
  /** Default-branch history, oldest first. */
  readonly branchLength: number;
  branchAt(i: number): IndexedCommit;
  /**
   * Positions (newest first) of the default-branch commits at or before position `top` committed within
   * [since, until] (epoch ms, either open): what `history(since:, until:)` walks.
   */
  branchWindow(top: number, since?: number, until?: number): { length: number; at(i: number): number };
  /** The default branch's head commit. */
  readonly head: IndexedCommit;
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
  /** By number, ascending. */
  issues: IndexedIssue[];
  issuesByNumber: Map<number, IndexedIssue>;
  /** By creation, oldest first (ties by number). */
  deployments: IndexedDeployment[];
  /** Latest activity: for ordering repositories by UPDATED_AT. */
  updatedMs: number;
  /** Cache of pull requests (and issues) sorted per order field and direction. */
  sorted: Map<string, IndexedPullRequest[]>;
  issuesSorted: Map<string, IndexedIssue[]>;
  /** Raw git-side records, indexed into `git` on first use. */
  raw: {
    branch: DatasetBranchCommit[];
    /** Commits of other branches (hotfix, release) that deployments shipped from. */
    other: DatasetBranchCommit[];
    checkSuites: DatasetCheckSuite[];
    statuses: DatasetCommitStatus[];
  };
  git?: GitIndex;
}

export interface IndexedOrganization {
  login: string;
  databaseId: number;
  nodeId: string;
  repositories: IndexedRepository[];
}

export type IndexedNode =
  | { kind: "PullRequest"; value: IndexedPullRequest }
  | { kind: "Issue"; value: IndexedIssue }
  | { kind: "Repository"; value: IndexedRepository }
  | { kind: "Organization"; value: IndexedOrganization }
  | { kind: "Actor"; value: IndexedActor }
  | { kind: "Deployment"; value: IndexedDeployment }
  | { kind: "Commit"; value: IndexedCommit };

export type PullRequestOrderField = "CREATED_AT" | "UPDATED_AT" | "COMMENTS";
export type IssueOrderField = "CREATED_AT" | "UPDATED_AT" | "COMMENTS";

/** Which items a search base list holds. */
export interface SearchBaseKey {
  /** Names the repositories searched (e.g. "org:acme"), so the list is found again without listing them. */
  scope: string;
  /** The repositories searched (their union), listed only when the list is first built. */
  repos: () => IndexedRepository[];
  kind: "pr" | "issue" | "any";
  archived: boolean | null;
  field: "updated" | "created";
}

const SEARCH_BASE_CACHE = 64;

export class DatasetIndex {
  readonly organizations = new Map<string, IndexedOrganization>();
  readonly repositories = new Map<string, IndexedRepository>();
  readonly repositoriesById = new Map<number, IndexedRepository>();
  /** Repositories by owner login (lowercase), organisations and users alike. */
  readonly repositoriesByOwner = new Map<string, IndexedRepository[]>();
  readonly actors = new Map<string, IndexedActor>();
  readonly nodes = new Map<string, IndexedNode>();
  private readonly searchBases = new Map<string, SearchItem[]>();
  /** Search results that needed filtering, per query string (search.ts), so that later pages are cheap. */
  readonly searchResults = new Map<string, SearchItem[]>();

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
        issues: [],
        issuesByNumber: new Map(),
        deployments: [],
        updatedMs: Date.parse(repo.pushedAt ?? repo.createdAt),
        sorted: new Map(),
        issuesSorted: new Map(),
        raw: { branch: [], other: [], checkSuites: [], statuses: [] },
      };
      this.repositories.set(nameWithOwner.toLowerCase(), entry);
      this.repositoriesById.set(entry.databaseId, entry);
      const owned = this.repositoriesByOwner.get(repo.owner.toLowerCase()) ?? [];
      owned.push(entry);
      this.repositoriesByOwner.set(repo.owner.toLowerCase(), owned);
      this.nodes.set(entry.nodeId, { kind: "Repository", value: entry });
      org?.repositories.push(entry);
      if (!org) this.addActor({ login: repo.owner, type: "User" });
    }
    for (const pr of dataset.pullRequests) {
      const repo = this.repositories.get(pr.repository.toLowerCase());
      if (!repo) continue; // the dataset schema already rejects pull requests of unknown repositories
      const prIds = ids.pullRequest(repo.nameWithOwner, pr.number);
      const entry: IndexedPullRequest = {
        kind: "PullRequest",
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
      for (const commit of pr.commits)
        if (commit.authorLogin) this.addActor({ login: commit.authorLogin, type: "User" }, commit.authorName);
      for (const review of pr.reviews) if (review.author) this.addActor(review.author);
      for (const event of pr.timelineEvents ?? []) {
        if (event.actor) this.addActor(event.actor);
        if (event.requestedReviewer) this.addActor(event.requestedReviewer);
      }
    }
    for (const issue of dataset.issues) {
      const repo = this.repositories.get(issue.repository.toLowerCase());
      if (!repo) continue;
      const issueIds = ids.issue(repo.nameWithOwner, issue.number);
      const entry: IndexedIssue = {
        kind: "Issue",
        issue,
        repo,
        ...issueIds,
        createdMs: Date.parse(issue.createdAt),
        updatedMs: Date.parse(issue.updatedAt),
      };
      repo.issues.push(entry);
      repo.issuesByNumber.set(issue.number, entry);
      repo.updatedMs = Math.max(repo.updatedMs, entry.updatedMs);
      this.nodes.set(entry.nodeId, { kind: "Issue", value: entry });
      if (issue.author) this.addActor(issue.author);
    }
    for (const deployment of dataset.deployments) {
      const repo = this.repositories.get(deployment.repository.toLowerCase());
      if (!repo) continue;
      const entry: IndexedDeployment = {
        deployment,
        repo,
        ...ids.deployment(repo.nameWithOwner, deployment.number),
        createdMs: Date.parse(deployment.createdAt),
        state: "PENDING",
      };
      repo.deployments.push(entry);
      this.nodes.set(entry.nodeId, { kind: "Deployment", value: entry });
      if (deployment.creator) this.addActor(deployment.creator);
    }
    for (const commit of dataset.defaultBranchCommits) {
      this.repositories.get(commit.repository.toLowerCase())?.raw.branch.push(commit);
      if (commit.authorLogin) this.addActor({ login: commit.authorLogin, type: "User" }, commit.authorName);
    }
    for (const commit of dataset.otherBranchCommits ?? []) {
      this.repositories.get(commit.repository.toLowerCase())?.raw.other.push(commit);
      if (commit.authorLogin) this.addActor({ login: commit.authorLogin, type: "User" }, commit.authorName);
    }
    for (const suite of dataset.checkSuites)
      this.repositories.get(suite.repository.toLowerCase())?.raw.checkSuites.push(suite);
    for (const status of dataset.commitStatuses)
      this.repositories.get(status.repository.toLowerCase())?.raw.statuses.push(status);
    for (const repo of this.repositories.values()) {
      repo.pullRequests.sort((a, b) => a.pr.number - b.pr.number);
      repo.issues.sort((a, b) => a.issue.number - b.issue.number);
      repo.deployments.sort((a, b) => a.createdMs - b.createdMs || a.deployment.number - b.deployment.number);
      assignDeploymentStates(repo.deployments);
    }
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

  /** Any node by its GraphQL id; commits are found from the repository and oid their id encodes. */
  node(id: string): IndexedNode | undefined {
    const node = this.nodes.get(id);
    if (node) return node;
    const commitKey = decodeCommitId(id);
    if (!commitKey) return undefined;
    const repo = this.repositoriesById.get(commitKey.repositoryDatabaseId);
    const commit = repo ? this.git(repo).commit(commitKey.oid) : undefined;
    return commit && commit.nodeId === id ? { kind: "Commit", value: commit } : undefined;
  }

  /** The repository's pull requests in the given order, sorted once and cached. Ties break by number. */
  pullRequestsOrdered(
    repo: IndexedRepository,
    field: PullRequestOrderField,
    direction: "ASC" | "DESC",
  ): IndexedPullRequest[] {
    return sortedOnce(repo.sorted, repo.pullRequests, pullRequestSortKey(field), field, direction);
  }

  /** The repository's issues in the given order, sorted once and cached. Ties break by number. */
  issuesOrdered(repo: IndexedRepository, field: IssueOrderField, direction: "ASC" | "DESC"): IndexedIssue[] {
    return sortedOnce(repo.issuesSorted, repo.issues, issueSortKey(field), field, direction);
  }

  /**
   * Pull requests and/or issues of some repositories, ascending by the search sort field (ties by node
   * id), built once per combination and cached: a search page is then a binary search into this list.
   */
  searchBase(key: SearchBaseKey): SearchItem[] {
    const cacheKey = `${key.scope}|${key.kind}|${key.archived}|${key.field}`;
    const cached = this.searchBases.get(cacheKey);
    if (cached) return cached;
    const repos = key.repos();
    const items: SearchItem[] = [];
    for (const repo of repos) {
      if (key.archived !== null && repo.repo.isArchived !== key.archived) continue;
      if (key.kind !== "issue") for (const p of repo.pullRequests) items.push(p);
      if (key.kind !== "pr") for (const i of repo.issues) items.push(i);
    }
    const ms = key.field === "updated" ? (x: SearchItem) => x.updatedMs : (x: SearchItem) => x.createdMs;
    items.sort((a, b) => ms(a) - ms(b) || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    if (this.searchBases.size >= SEARCH_BASE_CACHE) {
      const oldest = this.searchBases.keys().next().value;
      if (oldest !== undefined) this.searchBases.delete(oldest);
    }
    this.searchBases.set(cacheKey, items);
    return items;
  }

  /** The repository's commits, default-branch history and CI, indexed on first use. */
  git(repo: IndexedRepository): RepositoryGit {
    repo.git ??= new GitIndex(repo);
    return repo.git;
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

/** Sort key of an issue for an order field (the dataset has no issue comments: COMMENTS orders by number). */
export function issueSortKey(field: IssueOrderField): (issue: IndexedIssue) => [number, number] {
  switch (field) {
    case "UPDATED_AT":
      return (i) => [i.updatedMs, i.issue.number];
    case "COMMENTS":
      return (i) => [0, i.issue.number];
    default:
      return (i) => [i.createdMs, i.issue.number];
  }
}

/** Sort key of a deployment (CREATED_AT is GitHub's only deployment order). */
export function deploymentSortKey(d: IndexedDeployment): [number, number] {
  return [d.createdMs, d.deployment.number];
}

function actorKey(type: ActorType, login: string): string {
  return `${type}:${login.toLowerCase()}`;
}

/**
 * GitHub's deployment state: the latest status decides, except that a successful deployment becomes
 * INACTIVE once a later deployment to the same environment succeeds (GitHub's auto-inactive). DESTROYED and
 * ABANDONED are states, not status values GitHub's schema allows, so they are taken as given.
 */
function assignDeploymentStates(deployments: IndexedDeployment[]): void {
  const laterSuccess = new Set<string>();
  for (let i = deployments.length - 1; i >= 0; i--) {
    const entry = deployments[i] as IndexedDeployment;
    const latest = entry.deployment.statuses[entry.deployment.statuses.length - 1]?.state;
    const env = entry.deployment.environment;
    if (latest === undefined) entry.state = "PENDING";
    else if (latest === "SUCCESS") entry.state = laterSuccess.has(env) ? "INACTIVE" : "ACTIVE";
    else entry.state = latest;
    if (entry.deployment.statuses.some((s) => s.state === "SUCCESS")) laterSuccess.add(env);
  }
}

/** A stable 40-hex object id for git objects the dataset does not name (base ref, head of an empty PR). */
export function syntheticOid(key: string): string {
  let out = "";
  for (let i = 0; out.length < 40; i++) out += databaseIdOf(`${key}/${i}`).toString(16).padStart(8, "0");
  return out.slice(0, 40);
}

const NO_SIZE = { additions: 0, deletions: 0, changedFiles: 0 };
const NONE: never[] = [];

/** Builds nothing but maps up front; each commit object is made on first lookup and kept. */
class GitIndex implements RepositoryGit {
  private readonly built = new Map<string, IndexedCommit>();
  /** oid → the pull request(s) whose commit list holds it (an array only when there are several). */
  private readonly inPullRequest = new Map<string, IndexedPullRequest | IndexedPullRequest[]>();
  /** Merge (or squash) commit oid → its pull request. */
  private readonly mergeOf = new Map<string, IndexedPullRequest>();
  private readonly branchPosition = new Map<string, number>();
  private readonly otherBranch = new Map<string, DatasetBranchCommit>();
  private readonly suites = new Map<string, DatasetCheckSuite[]>();
  private readonly statuses = new Map<string, DatasetCommitStatus[]>();
  /** Commits known only from a deployment or CI: when they were first seen, for a stand-in. */
  private readonly seenAt = new Map<string, string>();
  private headOid: string | undefined;
  /** Whether default-branch commit dates never go backwards (then `since`/`until` are binary searches). */
  private inDateOrder: boolean | undefined;
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly repo: IndexedRepository) {
    for (const p of repo.pullRequests) {
      for (const c of p.pr.commits) {
        const holders = this.inPullRequest.get(c.oid);
        if (holders === undefined) this.inPullRequest.set(c.oid, p);
        else if (Array.isArray(holders)) holders.push(p);
        else if (holders !== p) this.inPullRequest.set(c.oid, [holders, p]);
      }
      if (p.pr.mergeCommitOid) this.mergeOf.set(p.pr.mergeCommitOid, p);
    }
    repo.raw.branch.forEach((b, i) => {
      this.branchPosition.set(b.oid, i);
    });
    for (const c of repo.raw.other) this.otherBranch.set(c.oid, c);
    for (const suite of repo.raw.checkSuites) {
      push(this.suites, suite.commitOid, suite);
      if (!this.seenAt.has(suite.commitOid)) this.seenAt.set(suite.commitOid, suite.createdAt);
    }
    for (const status of repo.raw.statuses) {
      push(this.statuses, status.commitOid, status);
      if (!this.seenAt.has(status.commitOid)) this.seenAt.set(status.commitOid, status.createdAt);
    }
    for (const d of repo.deployments)
      if (!this.seenAt.has(d.deployment.commitOid))
        this.seenAt.set(d.deployment.commitOid, d.deployment.createdAt);

    this.headOid = repo.raw.branch[repo.raw.branch.length - 1]?.oid;
    if (this.headOid === undefined) {
      // No history in the dataset: the head is the last merge, else a stand-in initial commit.
      let lastMerged: IndexedPullRequest | undefined;
      for (const p of repo.pullRequests) {
        if (
          p.pr.mergeCommitOid &&
          p.pr.mergedAt &&
          (!lastMerged || p.pr.mergedAt > (lastMerged.pr.mergedAt ?? ""))
        )
          lastMerged = p;
      }
      this.headOid = lastMerged?.pr.mergeCommitOid ?? undefined;
    }
    if (this.headOid === undefined) {
      const oid = syntheticOid(`initial:${repo.nodeId}`);
      const at = repo.repo.pushedAt ?? repo.repo.createdAt;
      this.built.set(
        oid,
        new GitCommit(
          repo,
          oid,
          { ...standInCommit(oid, at), message: "Initial commit", authorName: repo.repo.owner },
          () => [],
        ),
      );
      this.headOid = oid;
    }
  }

  get branchLength(): number {
    return this.repo.raw.branch.length;
  }

  branchAt(i: number): IndexedCommit {
    return this.commit((this.repo.raw.branch[i] as DatasetBranchCommit).oid) as IndexedCommit;
  }

  branchWindow(top: number, since?: number, until?: number): { length: number; at(i: number): number } {
    const committed = (i: number) =>
      Date.parse((this.repo.raw.branch[i] as DatasetBranchCommit).committedDate);
    if (this.inDateOrder === undefined) {
      this.inDateOrder = true;
      for (let i = 1; i < this.branchLength && this.inDateOrder; i++)
        if (committed(i) < committed(i - 1)) this.inDateOrder = false;
    }
    if (!this.inDateOrder) {
      // Commit dates out of order (a merged branch's older commits): filter, and keep the answer for the
      // next pages of the same walk.
      const key = `${top}|${since}|${until}`;
      let positions = this.windows.get(key);
      if (!positions) {
        positions = [];
        for (let i = top; i >= 0; i--) {
          const at = committed(i);
          if ((since === undefined || at >= since) && (until === undefined || at <= until)) positions.push(i);
        }
        if (this.windows.size >= 16) this.windows.clear();
        this.windows.set(key, positions);
      }
      const found = positions;
      return { length: found.length, at: (i) => found[i] as number };
    }
    const firstAtOrAfter = (ms: number, hi: number) => {
      let lo = 0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (committed(mid) >= ms) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    const newest = until === undefined ? top : Math.min(top, firstAtOrAfter(until + 1, top + 1) - 1);
    const oldest = since === undefined ? 0 : firstAtOrAfter(since, newest + 1);
    return { length: Math.max(0, newest - oldest + 1), at: (i) => newest - i };
  }

  get head(): IndexedCommit {
    return this.commit(this.headOid as string) as IndexedCommit;
  }

  commit(oid: string): IndexedCommit | undefined {
    const existing = this.built.get(oid);
    if (existing) return existing;
    const made = this.make(oid);
    if (made) this.built.set(oid, made);
    return made;
  }

  private make(oid: string): IndexedCommit | undefined {
    const repo = this.repo;
    const position = this.branchPosition.get(oid);
    const holders = this.inPullRequest.get(oid);
    const prs = holders === undefined ? NONE : Array.isArray(holders) ? holders : [holders];
    const merged = this.mergeOf.get(oid);
    const branch = position !== undefined ? repo.raw.branch[position] : this.otherBranch.get(oid);
    const seen = this.seenAt.get(oid);
    if (!branch && prs.length === 0 && !merged && seen === undefined) return undefined;

    let data: DatasetCommit;
    let parents: () => readonly string[];
    const holder = prs[0];
    const inHolder = holder ? holder.pr.commits.findIndex((c) => c.oid === oid) : -1;
    if (branch) {
      // History is the branch's truth: its parents and identities win over a pull request's copy.
      data = {
        oid,
        message: branch.message,
        authorName: branch.authorName,
        authorEmail: branch.authorEmail,
        authorLogin: branch.authorLogin,
        authoredDate: branch.authoredDate,
        committerName: branch.committerName,
        committerEmail: branch.committerEmail,
        committedDate: branch.committedDate,
      };
      parents = () => branch.parents;
    } else if (holder && inHolder >= 0) {
      data = holder.pr.commits[inHolder] as DatasetCommit;
      // The base of a pull request is outside the dataset: a stand-in oid, worked out only when asked for.
      parents =
        inHolder === 0
          ? () => [syntheticOid(`base:${holder.nodeId}`)]
          : () => [(holder.pr.commits[inHolder - 1] as DatasetCommit).oid];
    } else if (merged) {
      data = mergeCommitData(merged);
      parents = () => [syntheticOid(`base:${merged.nodeId}`)];
    } else {
      data = standInCommit(oid, seen as string);
      parents = () => [];
    }

    const commit = new GitCommit(repo, oid, data, parents);
    commit.branchIndex = position ?? -1;
    const associated = [...prs];
    if (merged && !associated.includes(merged)) associated.push(merged);
    const landed =
      branch?.pullRequestNumber != null ? repo.byNumber.get(branch.pullRequestNumber) : undefined;
    if (landed && !associated.includes(landed)) associated.push(landed);
    commit.pullRequests = associated;
    if (merged) {
      commit.size = {
        additions: merged.pr.additions,
        deletions: merged.pr.deletions,
        changedFiles: merged.pr.changedFiles,
      };
    } else if (holder) {
      // The dataset keeps sizes per pull request; commits get an even share, enough for size buckets.
      const n = holder.pr.commits.length;
      commit.size = {
        additions: Math.round(holder.pr.additions / n),
        deletions: Math.round(holder.pr.deletions / n),
        changedFiles: Math.max(1, Math.round(holder.pr.changedFiles / n)),
      };
    }
    commit.checkSuites = this.suites.get(oid) ?? NONE;
    commit.statuses = this.statuses.get(oid) ?? NONE;
    return commit;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** An indexed commit whose id and parents are worked out on first use. */
class GitCommit implements IndexedCommit {
  branchIndex = -1;
  pullRequests: IndexedPullRequest[] = NONE;
  size = NO_SIZE;
  checkSuites: DatasetCheckSuite[] = NONE;
  statuses: DatasetCommitStatus[] = NONE;
  private parentList: readonly string[] | undefined;
  private id: string | undefined;

  constructor(
    readonly repo: IndexedRepository,
    readonly oid: string,
    public data: DatasetCommit,
    private parentsOf: () => readonly string[],
  ) {}

  get nodeId(): string {
    this.id ??= commitNodeId(this.repo.databaseId, this.oid);
    return this.id;
  }

  get parents(): readonly string[] {
    this.parentList ??= this.parentsOf();
    return this.parentList;
  }
}

function mergeCommitData(p: IndexedPullRequest): DatasetCommit {
  const { pr } = p;
  const mergedAt = pr.mergedAt ?? pr.updatedAt;
  const first = pr.commits[0];
  return {
    oid: pr.mergeCommitOid ?? syntheticOid(`merge:${p.nodeId}`),
    message: `${pr.title} (#${pr.number})`,
    authorName: first?.authorName ?? pr.author?.login ?? "ghost",
    authorEmail: first?.authorEmail ?? "",
    authorLogin: first?.authorLogin ?? null,
    authoredDate: first?.authoredDate ?? mergedAt,
    committerName: "GitHub",
    committerEmail: "noreply@github.com",
    committedDate: mergedAt,
  };
}

function standInCommit(oid: string, at: string): DatasetCommit {
  return {
    oid,
    message: "",
    authorName: "ghost",
    authorEmail: "",
    authorLogin: null,
    authoredDate: at,
    committerName: "GitHub",
    committerEmail: "noreply@github.com",
    committedDate: at,
  };
}

/** `items` sorted by `key` (ties by number) in `direction`, computed once per field and direction and cached. */
function sortedOnce<T>(
  cache: Map<string, T[]>,
  items: readonly T[],
  key: (item: T) => [number, number],
  field: string,
  direction: "ASC" | "DESC",
): T[] {
  const cacheKey = `${field}:${direction}`;
  let sorted = cache.get(cacheKey);
  if (!sorted) {
    const sign = direction === "ASC" ? 1 : -1;
    sorted = [...items].sort((a, b) => {
      const [ka, na] = key(a);
      const [kb, nb] = key(b);
      return sign * (ka - kb || na - nb);
    });
    cache.set(cacheKey, sorted);
  }
  return sorted;
}
