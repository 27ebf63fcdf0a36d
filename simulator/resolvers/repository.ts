/** Organisations and repositories, with the connections the extractors page: pull requests, issues, deployments. */
import { type ConnectionArgs, connection, sequenceConnection, sliceSequence } from "../connection.ts";
import {
  deploymentSortKey,
  type IndexedOrganization,
  type IndexedRepository,
  type IssueOrderField,
  issueSortKey,
  type PullRequestOrderField,
  pullRequestSortKey,
} from "../dataset-index.ts";
import { GitHubFieldError } from "../github-errors.ts";
import { compare, iso, type Obj, type OrderArg, type Resolver, urlFields, WEB } from "./shared.ts";
import type { DatasetView } from "./view.ts";

type RepositoriesArgs = ConnectionArgs & OrderArg & { isArchived?: boolean | null; isFork?: boolean | null };

export function organizationObject(view: DatasetView, org: IndexedOrganization): Obj {
  return {
    __typename: "Organization",
    id: org.nodeId,
    databaseId: org.databaseId,
    login: org.login,
    name: org.login,
    ...urlFields(`/${org.login}`),
    avatarUrl: `https://avatars.githubusercontent.com/u/${org.databaseId}?v=4`,
    createdAt: "2015-01-01T00:00:00Z",
    repository: ({ name }: { name: string }) => {
      const repo = view.index.repository(org.login, name);
      return repo ? view.repository(repo) : null;
    },
    repositories: ((args: RepositoriesArgs, _c, info) => {
      let repos = org.repositories.filter(
        (r) =>
          (args.isArchived == null || r.repo.isArchived === args.isArchived) &&
          (args.isFork == null || !args.isFork),
      );
      const key = repositorySortKey(args.orderBy?.field ?? "CREATED_AT");
      const sign = args.orderBy?.direction === "DESC" ? -1 : 1;
      repos = [...repos].sort((a, b) => sign * compare(key(a), key(b)));
      return connection(repos, args, info, {
        keyOf: key,
        direction: sign,
        toNode: (r) => view.repository(r),
        extra: { totalDiskUsage: repos.length * 1024 },
      });
    }) satisfies Resolver<RepositoriesArgs>,
  };
}

type PullRequestsArgs = ConnectionArgs &
  OrderArg & {
    states?: string[] | null;
    labels?: string[] | null;
    headRefName?: string | null;
    baseRefName?: string | null;
  };

type IssuesArgs = ConnectionArgs &
  OrderArg & {
    labels?: string[] | null;
    states?: string[] | null;
    filterBy?: {
      since?: string | null;
      labels?: string[] | null;
      states?: string[] | null;
      createdBy?: string | null;
    } | null;
  };

type DeploymentsArgs = ConnectionArgs & OrderArg & { environments?: string[] | null };

export function repositoryObject(view: DatasetView, r: IndexedRepository): Obj {
  const { repo, nameWithOwner } = r;
  const index = view.index;
  return {
    __typename: "Repository",
    id: r.nodeId,
    databaseId: r.databaseId,
    name: repo.name,
    nameWithOwner,
    owner: () => view.owner(repo.owner),
    ...urlFields(`/${nameWithOwner}`),
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
    updatedAt: iso(r.updatedMs),
    pushedAt: repo.pushedAt,
    defaultBranchRef: () => view.ref(r, repo.defaultBranch),
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const name = qualifiedName.replace(/^refs\/heads\//, "");
      return name === repo.defaultBranch ? view.ref(r, name) : null;
    },
    object: ({ oid }: { oid?: string | null }) => {
      const commit = oid ? index.git(r).commit(oid) : undefined;
      return commit ? view.commit(commit) : null;
    },
    pullRequest: ({ number }: { number: number }) => {
      const pr = r.byNumber.get(number);
      if (!pr)
        throw new GitHubFieldError(
          "NOT_FOUND",
          `Could not resolve to a PullRequest with the number of ${number}.`,
        );
      return view.pullRequest(pr);
    },
    issue: ({ number }: { number: number }) => {
      const issue = r.issuesByNumber.get(number);
      if (!issue)
        throw new GitHubFieldError(
          "NOT_FOUND",
          `Could not resolve to an Issue with the number of ${number}.`,
        );
      return view.issue(issue);
    },
    issueOrPullRequest: ({ number }: { number: number }) => {
      const pr = r.byNumber.get(number);
      if (pr) return view.pullRequest(pr);
      const issue = r.issuesByNumber.get(number);
      if (issue) return view.issue(issue);
      throw new GitHubFieldError(
        "NOT_FOUND",
        `Could not resolve to an issue or pull request with the number of ${number}.`,
      );
    },
    pullRequests: ((args: PullRequestsArgs, _c, info) => {
      const field = (args.orderBy?.field ?? "CREATED_AT") as PullRequestOrderField;
      const direction = args.orderBy?.direction ?? "ASC";
      let prs = index.pullRequestsOrdered(r, field, direction);
      const labels = args.labels?.map((l) => l.toLowerCase());
      if (args.states?.length || labels?.length || args.headRefName != null || args.baseRefName != null) {
        prs = prs.filter(
          (p) =>
            (!args.states?.length || args.states.includes(p.pr.state)) &&
            (!labels?.length || (p.pr.labels ?? []).some((l) => labels.includes(l.toLowerCase()))) &&
            (args.headRefName == null || p.pr.headRefName === args.headRefName) &&
            (args.baseRefName == null || p.pr.baseRefName === args.baseRefName),
        );
      }
      return connection(prs, args, info, {
        keyOf: pullRequestSortKey(field),
        direction: direction === "DESC" ? -1 : 1,
        toNode: (p) => view.pullRequest(p),
      });
    }) satisfies Resolver<PullRequestsArgs>,
    issues: ((args: IssuesArgs, _c, info) => {
      const field = (args.orderBy?.field ?? "CREATED_AT") as IssueOrderField;
      const direction = args.orderBy?.direction ?? "ASC";
      let issues = index.issuesOrdered(r, field, direction);
      // Several labels match an issue carrying any of them (GitHub's documented behaviour is not explicit;
      // this is what the issues list does with a comma-separated filter in the web interface).
      const labels = [...(args.labels ?? []), ...(args.filterBy?.labels ?? [])].map((l) => l.toLowerCase());
      const states = [...(args.states ?? []), ...(args.filterBy?.states ?? [])];
      const since = args.filterBy?.since ? Date.parse(args.filterBy.since) : undefined;
      const createdBy = args.filterBy?.createdBy?.toLowerCase();
      if (labels.length || states.length || since !== undefined || createdBy) {
        issues = issues.filter((i) => {
          const state = i.issue.closedAt ? "CLOSED" : "OPEN";
          return (
            (labels.length === 0 || i.issue.labels.some((l) => labels.includes(l.toLowerCase()))) &&
            (states.length === 0 || states.includes(state)) &&
            (since === undefined || i.updatedMs >= since) &&
            (!createdBy || i.issue.author?.login.toLowerCase() === createdBy)
          );
        });
      }
      return connection(issues, args, info, {
        keyOf: issueSortKey(field),
        direction: direction === "DESC" ? -1 : 1,
        toNode: (i) => view.issue(i),
      });
    }) satisfies Resolver<IssuesArgs>,
    deployments: ((args: DeploymentsArgs, _c, info) => {
      const direction = args.orderBy?.direction === "DESC" ? -1 : 1;
      const environments = args.environments;
      const all = environments?.length
        ? r.deployments.filter((d) => environments.includes(d.deployment.environment))
        : r.deployments;
      return sequenceConnection(sliceSequence(all, 0, all.length, direction), args, info, {
        keyOf: deploymentSortKey,
        direction,
        toNode: (d) => view.deployment(d),
      });
    }) satisfies Resolver<DeploymentsArgs>,
    labels: ((args: ConnectionArgs, _c, info) => {
      const names = new Map<string, string>();
      for (const p of r.pullRequests) for (const l of p.pr.labels ?? []) names.set(l.toLowerCase(), l);
      for (const i of r.issues) for (const l of i.issue.labels) names.set(l.toLowerCase(), l);
      const sorted = [...names.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
      return connection(sorted, args, info, {
        keyOf: (name) => [name.toLowerCase()],
        toNode: (name) => view.label(r, name),
      });
    }) satisfies Resolver<ConnectionArgs>,
    homepageUrl: null,
    sshUrl: `git@github.com:${nameWithOwner}.git`,
    mirrorUrl: null,
    openGraphImageUrl: `${WEB}/${nameWithOwner}.png`,
  };
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
