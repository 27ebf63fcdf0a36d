/**
 * The dataset seen through GitHub's schema: a root value whose fields are plain values or functions
 * `(args, context, info) => value`, which graphql-js's default resolver calls. Any valid selection over
 * the modelled types works; abstract types (Actor, Node, GitObject, RepositoryOwner) resolve by `__typename`.
 * Connection fields the simulator does not model yet (labels, timelineItems, checkSuites…) are served
 * empty by `simulatorFieldResolver`, with GitHub's pagination rules still enforced.
 */
import {
  defaultFieldResolver,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  getNamedType,
  isNonNullType,
} from "graphql";
import { type ConnectionArgs, connection, emptyConnection } from "./connection.ts";
import type { DatasetActor, DatasetCommit, DatasetReview } from "./dataset.ts";
import type {
  DatasetIndex,
  IndexedActor,
  IndexedNode,
  IndexedOrganization,
  IndexedPullRequest,
  IndexedRepository,
  PullRequestOrderField,
} from "./dataset-index.ts";
import { pullRequestSortKey } from "./dataset-index.ts";
import { GitHubFieldError } from "./github-errors.ts";
import { databaseIdOf, ids } from "./node-ids.ts";

const WEB = "https://github.com";

/** What a resolver may read about the request being served. */
export interface RequestContext {
  viewerLogin: string;
  rateLimit: {
    cost: number;
    limit: number;
    nodeCount: number;
    remaining: number;
    resetAt: string;
    used: number;
  };
}

type Obj = Record<string, unknown>;
type Resolver<A = Obj> = (args: A, context: RequestContext, info: GraphQLResolveInfo) => unknown;

interface OrderArg {
  orderBy?: { field: string; direction: "ASC" | "DESC" } | null;
}

/** The Query root for a dataset. */
export function rootValue(index: DatasetIndex): Obj {
  const view = new DatasetView(index);
  return {
    repository: (({ owner, name }: { owner: string; name: string }) => {
      const repo = index.repository(owner, name);
      if (!repo) {
        throw new GitHubFieldError(
          "NOT_FOUND",
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      }
      return view.repository(repo);
    }) satisfies Resolver<{ owner: string; name: string }>,
    organization: (({ login }: { login: string }) => {
      const org = index.organizations.get(login.toLowerCase());
      if (!org)
        throw new GitHubFieldError(
          "NOT_FOUND",
          `Could not resolve to an Organization with the login of '${login}'.`,
        );
      return view.organization(org);
    }) satisfies Resolver<{ login: string }>,
    repositoryOwner: ({ login }: { login: string }) => view.owner(login),
    user: ({ login }: { login: string }) => {
      const user = index.actor({ login, type: "User" });
      if (!user)
        throw new GitHubFieldError("NOT_FOUND", `Could not resolve to a User with the login of '${login}'.`);
      return view.actor(user);
    },
    viewer: ((_args: Obj, context: RequestContext) =>
      view.actor(
        index.actor({ login: context.viewerLogin, type: "User" }) ?? syntheticUser(context.viewerLogin),
      )) satisfies Resolver,
    rateLimit: ((_args: Obj, context: RequestContext) => ({ ...context.rateLimit })) satisfies Resolver,
    node: ({ id }: { id: string }) => {
      const node = index.nodes.get(id);
      if (!node)
        throw new GitHubFieldError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
      return view.node(node);
    },
    // An Error as a list item fails only that item (graphql-js throws it at that path), as GitHub does.
    nodes: ({ ids: nodeIds }: { ids: string[] }) =>
      nodeIds.map((id) => {
        const node = index.nodes.get(id);
        return node
          ? view.node(node)
          : new GitHubFieldError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
      }),
  };
}

/**
 * graphql-js's default resolver, plus: a connection field the object does not provide is served empty
 * (with pagination rules), so that documents selecting not-yet-modelled connections still run.
 */
export const simulatorFieldResolver: GraphQLFieldResolver<unknown, RequestContext> = (
  source,
  args,
  context,
  info,
) => {
  if (source && typeof source === "object" && (source as Obj)[info.fieldName] === undefined) {
    const type = getNamedType(info.returnType);
    const field = info.parentType.getFields()[info.fieldName];
    const paginated = field?.args.some((a) => a.name === "first");
    if (paginated && type.name.endsWith("Connection")) return emptyConnection(args as ConnectionArgs, info);
    if (!isNonNullType(info.returnType)) return null;
  }
  return defaultFieldResolver(source, args, context, info);
};

function syntheticUser(login: string): IndexedActor {
  const userIds = ids.user(login);
  return { login, type: "User", ...userIds, name: null };
}

/** Builds the GraphQL objects for indexed records. Objects are small and built per request, lazily. */
class DatasetView {
  constructor(private readonly index: DatasetIndex) {}

  node(node: IndexedNode): Obj {
    switch (node.kind) {
      case "PullRequest":
        return this.pullRequest(node.value);
      case "Repository":
        return this.repository(node.value);
      case "Organization":
        return this.organization(node.value);
      case "Actor":
        return this.actor(node.value);
      case "Commit": {
        const { pr, index } = node.value;
        return this.commit(pr.repo, pr.pr.commits[index] as DatasetCommit, pr);
      }
    }
  }

  owner(login: string): Obj | null {
    const org = this.index.organizations.get(login.toLowerCase());
    if (org) return this.organization(org);
    const user = this.index.actor({ login, type: "User" });
    return user ? this.actor(user) : null;
  }

  organization(org: IndexedOrganization): Obj {
    return {
      __typename: "Organization",
      id: org.nodeId,
      databaseId: org.databaseId,
      login: org.login,
      name: org.login,
      url: `${WEB}/${org.login}`,
      resourcePath: `/${org.login}`,
      avatarUrl: `https://avatars.githubusercontent.com/u/${org.databaseId}?v=4`,
      createdAt: "2015-01-01T00:00:00Z",
      repository: ({ name }: { name: string }) => {
        const repo = this.index.repository(org.login, name);
        return repo ? this.repository(repo) : null;
      },
      repositories: ((
        args: ConnectionArgs & OrderArg & { isArchived?: boolean | null; isFork?: boolean | null },
        _c,
        info,
      ) => {
        let repos = org.repositories.filter(
          (r) =>
            (args.isArchived == null || r.repo.isArchived === args.isArchived) &&
            (args.isFork == null || !args.isFork),
        );
        const field = args.orderBy?.field ?? "CREATED_AT";
        const key = repositorySortKey(field);
        const sign = args.orderBy?.direction === "DESC" ? -1 : 1;
        repos = [...repos].sort((a, b) => sign * compare(key(a), key(b)));
        return connection(repos, args, info, {
          keyOf: key,
          direction: sign,
          toNode: (r) => this.repository(r),
          extra: { totalDiskUsage: repos.length * 1024 },
        });
      }) satisfies Resolver<
        ConnectionArgs & OrderArg & { isArchived?: boolean | null; isFork?: boolean | null }
      >,
    };
  }

  repository(r: IndexedRepository): Obj {
    const { repo, nameWithOwner } = r;
    let lastMerged: IndexedPullRequest | undefined;
    for (const p of r.pullRequests) {
      if (
        p.pr.mergeCommitOid &&
        p.pr.mergedAt &&
        (!lastMerged || p.pr.mergedAt > (lastMerged.pr.mergedAt ?? ""))
      )
        lastMerged = p;
    }
    return {
      __typename: "Repository",
      id: r.nodeId,
      databaseId: r.databaseId,
      name: repo.name,
      nameWithOwner,
      owner: () => this.owner(repo.owner),
      url: `${WEB}/${nameWithOwner}`,
      resourcePath: `/${nameWithOwner}`,
      description: null,
      isArchived: repo.isArchived,
      isDisabled: false,
      isEmpty: false,
      isFork: false,
      isLocked: false,
      isPrivate: true,
      isTemplate: false,
      visibility: "PRIVATE",
      createdAt: repo.createdAt,
      updatedAt: new Date(r.updatedMs).toISOString().replace(".000Z", "Z"),
      pushedAt: repo.pushedAt,
      defaultBranchRef: () => ({
        __typename: "Ref",
        id: ids.ref(nameWithOwner, repo.defaultBranch).nodeId,
        name: repo.defaultBranch,
        prefix: "refs/heads/",
        repository: () => this.repository(r),
        target: lastMerged ? this.mergeCommit(lastMerged) : this.initialCommit(r),
      }),
      pullRequest: ({ number }: { number: number }) => {
        const pr = r.byNumber.get(number);
        if (!pr)
          throw new GitHubFieldError(
            "NOT_FOUND",
            `Could not resolve to a PullRequest with the number of ${number}.`,
          );
        return this.pullRequest(pr);
      },
      pullRequests: ((
        args: ConnectionArgs &
          OrderArg & { states?: string[] | null; headRefName?: string | null; baseRefName?: string | null },
        _c,
        info,
      ) => {
        const field = (args.orderBy?.field ?? "CREATED_AT") as PullRequestOrderField;
        const direction = args.orderBy?.direction ?? "ASC";
        let prs = this.index.pullRequestsOrdered(r, field, direction);
        if (args.states?.length || args.headRefName != null || args.baseRefName != null) {
          prs = prs.filter(
            (p) =>
              (!args.states?.length || args.states.includes(p.pr.state)) &&
              (args.headRefName == null || p.pr.headRefName === args.headRefName) &&
              (args.baseRefName == null || p.pr.baseRefName === args.baseRefName),
          );
        }
        return connection(prs, args, info, {
          keyOf: pullRequestSortKey(field),
          direction: direction === "DESC" ? -1 : 1,
          toNode: (p) => this.pullRequest(p),
        });
      }) satisfies Resolver<ConnectionArgs & OrderArg & { states?: string[] | null }>,
    };
  }

  pullRequest(p: IndexedPullRequest): Obj {
    const { pr, repo } = p;
    const url = `${WEB}/${repo.nameWithOwner}/pull/${pr.number}`;
    const commits = pr.commits;
    const lastCommit = commits[commits.length - 1];
    const approvals = pr.reviews.filter((r) => r.state === "APPROVED");
    return {
      __typename: "PullRequest",
      id: p.nodeId,
      databaseId: p.databaseId,
      fullDatabaseId: p.fullDatabaseId,
      number: pr.number,
      url,
      permalink: url,
      resourcePath: `/${repo.nameWithOwner}/pull/${pr.number}`,
      title: pr.title,
      body: pr.body,
      bodyText: pr.body,
      state: pr.state,
      closed: pr.state !== "OPEN",
      merged: pr.state === "MERGED",
      isDraft: pr.isDraft,
      createdAt: pr.createdAt,
      updatedAt: pr.updatedAt,
      publishedAt: pr.createdAt,
      lastEditedAt: null,
      closedAt: pr.closedAt,
      mergedAt: pr.mergedAt,
      additions: pr.additions,
      deletions: pr.deletions,
      changedFiles: pr.changedFiles,
      baseRefName: pr.baseRefName,
      headRefName: pr.headRefName,
      headRefOid: lastCommit?.oid ?? pr.mergeCommitOid ?? syntheticOid(`head:${p.nodeId}`),
      baseRefOid: syntheticOid(`base:${p.nodeId}`),
      isCrossRepository: false,
      maintainerCanModify: false,
      locked: false,
      author: () => this.actorOf(pr.author),
      authorAssociation: pr.author?.type === "User" ? "MEMBER" : "NONE",
      mergedBy: () =>
        pr.state === "MERGED" ? this.actorOf(approvals[approvals.length - 1]?.author ?? pr.author) : null,
      mergeCommit: () => (pr.mergeCommitOid ? this.mergeCommit(p) : null),
      repository: () => this.repository(repo),
      reviewDecision: reviewDecision(pr.reviews),
      totalCommentsCount: pr.reviews.filter((r) => r.state === "COMMENTED").length,
      commits: ((args: ConnectionArgs, _c, info) =>
        connection(
          commits.map((c, i) => [c, i] as const),
          args,
          info,
          {
            keyOf: ([, i]) => [i],
            toNode: ([c]) => ({
              __typename: "PullRequestCommit",
              id: ids.pullRequestCommit(repo.nameWithOwner, pr.number, c.oid).nodeId,
              commit: this.commit(repo, c, p),
              url: `${url}/commits/${c.oid}`,
              resourcePath: `/${repo.nameWithOwner}/pull/${pr.number}/commits/${c.oid}`,
              pullRequest: () => this.pullRequest(p),
            }),
          },
        )) satisfies Resolver<ConnectionArgs>,
      reviews: ((args: ConnectionArgs & { states?: string[] | null; author?: string | null }, _c, info) => {
        const reviews = pr.reviews
          .map((review, i) => [review, i] as const)
          .filter(
            ([review]) =>
              (!args.states?.length || args.states.includes(review.state)) &&
              (args.author == null || review.author?.login.toLowerCase() === args.author.toLowerCase()),
          );
        return connection(reviews, args, info, {
          keyOf: ([, i]) => [i],
          toNode: ([review, i]) => this.review(p, review, i),
        });
      }) satisfies Resolver<ConnectionArgs & { states?: string[] | null; author?: string | null }>,
    };
  }

  review(p: IndexedPullRequest, review: DatasetReview, index: number): Obj {
    const reviewIds = ids.review(p.repo.nameWithOwner, p.pr.number, index);
    const at = review.submittedAt ?? p.pr.updatedAt;
    const url = `${WEB}/${p.repo.nameWithOwner}/pull/${p.pr.number}#pullrequestreview-${reviewIds.databaseId}`;
    return {
      __typename: "PullRequestReview",
      id: reviewIds.nodeId,
      databaseId: reviewIds.databaseId,
      fullDatabaseId: reviewIds.fullDatabaseId,
      state: review.state,
      submittedAt: review.submittedAt,
      createdAt: at,
      updatedAt: at,
      publishedAt: review.submittedAt,
      lastEditedAt: null,
      body: "",
      bodyText: "",
      author: () => this.actorOf(review.author),
      authorAssociation: review.author?.type === "User" ? "MEMBER" : "NONE",
      authorCanPushToRepository: review.author?.type === "User",
      includesCreatedEdit: false,
      isMinimized: false,
      minimizedReason: null,
      createdViaEmail: false,
      url,
      resourcePath: url.slice(WEB.length),
      pullRequest: () => this.pullRequest(p),
      repository: () => this.repository(p.repo),
      commit: null,
    };
  }

  commit(repo: IndexedRepository, c: DatasetCommit, p?: IndexedPullRequest): Obj {
    const [headline = "", ...rest] = c.message.split("\n");
    const url = `${WEB}/${repo.nameWithOwner}/commit/${c.oid}`;
    const share = p && p.pr.commits.length > 0 ? 1 / p.pr.commits.length : 0;
    const authorUser = c.authorLogin ? this.index.actor({ login: c.authorLogin, type: "User" }) : undefined;
    return {
      __typename: "Commit",
      id: ids.commit(repo.nameWithOwner, c.oid).nodeId,
      oid: c.oid,
      abbreviatedOid: c.oid.slice(0, 7),
      message: c.message,
      messageHeadline: headline,
      messageBody: rest.join("\n").replace(/^\n+/, ""),
      authoredDate: c.authoredDate,
      committedDate: c.committedDate,
      pushedDate: c.committedDate,
      authoredByCommitter: c.authorEmail === c.committerEmail,
      committedViaWeb: false,
      // The dataset keeps sizes per pull request; commits get an even share, enough for size buckets.
      additions: Math.round((p?.pr.additions ?? 0) * share),
      deletions: Math.round((p?.pr.deletions ?? 0) * share),
      changedFiles: Math.max(1, Math.round((p?.pr.changedFiles ?? 1) * share)),
      changedFilesIfAvailable: Math.max(1, Math.round((p?.pr.changedFiles ?? 1) * share)),
      author: {
        name: c.authorName,
        email: c.authorEmail,
        date: c.authoredDate,
        user: authorUser ? this.actor(authorUser) : null,
        avatarUrl: "",
      },
      committer: {
        name: c.committerName,
        email: c.committerEmail,
        date: c.committedDate,
        user: null,
        avatarUrl: "",
      },
      url,
      commitUrl: url,
      resourcePath: url.slice(WEB.length),
      commitResourcePath: url.slice(WEB.length),
      repository: () => this.repository(repo),
      signature: null,
      status: null,
      statusCheckRollup: null,
      onBehalfOf: null,
      associatedPullRequests: ((args: ConnectionArgs, _c, info) =>
        connection(p ? [p] : [], args, info, {
          keyOf: (x) => [x.pr.number],
          toNode: (x) => this.pullRequest(x),
        })) satisfies Resolver<ConnectionArgs>,
    };
  }

  /** The head of a default branch no pull request has merged into: a stand-in commit. */
  initialCommit(r: IndexedRepository): Obj {
    const at = r.repo.pushedAt ?? r.repo.createdAt;
    return this.commit(r, {
      oid: syntheticOid(`initial:${r.nodeId}`),
      message: "Initial commit",
      authorName: r.repo.owner,
      authorEmail: "",
      authorLogin: null,
      authoredDate: at,
      committerName: "GitHub",
      committerEmail: "noreply@github.com",
      committedDate: at,
    });
  }

  /** The commit a merge created on the default branch (squash or merge commit). */
  mergeCommit(p: IndexedPullRequest): Obj {
    const { pr } = p;
    const mergedAt = pr.mergedAt ?? pr.updatedAt;
    const first = pr.commits[0];
    return this.commit(
      p.repo,
      {
        oid: pr.mergeCommitOid ?? syntheticOid(`merge:${p.nodeId}`),
        message: `${pr.title} (#${pr.number})`,
        authorName: first?.authorName ?? pr.author?.login ?? "ghost",
        authorEmail: first?.authorEmail ?? "",
        authorLogin: first?.authorLogin ?? null,
        authoredDate: first?.authoredDate ?? mergedAt,
        committerName: "GitHub",
        committerEmail: "noreply@github.com",
        committedDate: mergedAt,
      },
      p,
    );
  }

  actorOf(actor: DatasetActor | null | undefined): Obj | null {
    if (!actor) return null;
    const indexed = this.index.actor(actor);
    return indexed ? this.actor(indexed) : null;
  }

  actor(a: IndexedActor): Obj {
    const url = a.type === "Bot" ? `${WEB}/apps/${a.login}` : `${WEB}/${a.login}`;
    return {
      __typename: a.type,
      id: a.nodeId,
      databaseId: a.databaseId,
      login: a.login,
      name: a.name,
      email: "",
      company: null,
      url,
      resourcePath: url.slice(WEB.length),
      avatarUrl: `https://avatars.githubusercontent.com/${a.type === "Bot" ? "in" : "u"}/${a.databaseId}?v=4`,
      createdAt: "2018-01-01T00:00:00Z",
      updatedAt: "2018-01-01T00:00:00Z",
    };
  }
}

function reviewDecision(reviews: DatasetReview[]): string | null {
  const decisive = reviews.filter((r) => r.state === "APPROVED" || r.state === "CHANGES_REQUESTED");
  const last = decisive[decisive.length - 1];
  if (!last) return reviews.length > 0 ? "REVIEW_REQUIRED" : null;
  return last.state === "APPROVED" ? "APPROVED" : "CHANGES_REQUESTED";
}

function repositorySortKey(field: string): (r: IndexedRepository) => [string | number, number] {
  switch (field) {
    case "NAME":
      return (r) => [r.repo.name.toLowerCase(), r.databaseId];
    case "PUSHED_AT":
      return (r) => [Date.parse(r.repo.pushedAt ?? r.repo.createdAt), r.databaseId];
    case "UPDATED_AT":
      return (r) => [r.updatedMs, r.databaseId];
    default:
      return (r) => [Date.parse(r.repo.createdAt), r.databaseId];
  }
}

function compare(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A stable 40-hex object id for git objects the dataset does not name (base ref, head of an empty PR). */
function syntheticOid(key: string): string {
  let out = "";
  for (let i = 0; out.length < 40; i++) out += databaseIdOf(`${key}/${i}`).toString(16).padStart(8, "0");
  return out.slice(0, 40);
}
