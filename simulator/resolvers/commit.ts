/**
 * Commits: git identities, parents, default-branch history, the pull requests a commit belongs to, and its
 * CI — check suites (an Actions workflow run is a check suite, its jobs are check runs) and legacy commit
 * statuses with GitHub's combined state.
 */
import {
  type ConnectionArgs,
  connection,
  type Sequence,
  type SortKey,
  sequenceConnection,
} from "../connection.ts";
import type { DatasetCheckSuite, DatasetCommitStatus, StatusState } from "../dataset.ts";
import type { IndexedCommit, IndexedRepository } from "../dataset-index.ts";
import { ids } from "../node-ids.ts";
import { type Obj, type Resolver, urlFields, WEB } from "./shared.ts";
import type { DatasetView } from "./view.ts";

type HistoryArgs = ConnectionArgs & { since?: string | null; until?: string | null };

export function commitObject(view: DatasetView, c: IndexedCommit): Obj {
  const { repo, data } = c;
  const [headline = "", ...rest] = data.message.split("\n");
  const path = `/${repo.nameWithOwner}/commit/${c.oid}`;
  const user = (login: string | null) => {
    const actor = login ? view.index.actor({ login, type: "User" }) : undefined;
    return actor ? view.actor(actor) : null;
  };
  // The dataset names the GitHub user behind the author only; a committer with the author's email is them.
  const committerLogin = data.committerEmail === data.authorEmail ? data.authorLogin : null;
  return {
    __typename: "Commit",
    id: c.nodeId,
    oid: c.oid,
    abbreviatedOid: c.oid.slice(0, 7),
    message: data.message,
    messageHeadline: headline,
    messageBody: rest.join("\n").replace(/^\n+/, ""),
    authoredDate: data.authoredDate,
    committedDate: data.committedDate,
    pushedDate: data.committedDate,
    authoredByCommitter: data.authorEmail === data.committerEmail,
    committedViaWeb: data.committerEmail === "noreply@github.com",
    additions: c.size.additions,
    deletions: c.size.deletions,
    changedFiles: c.size.changedFiles,
    changedFilesIfAvailable: c.size.changedFiles,
    author: {
      name: data.authorName,
      email: data.authorEmail,
      date: data.authoredDate,
      user: () => user(data.authorLogin),
      avatarUrl: "",
    },
    committer: {
      name: data.committerName,
      email: data.committerEmail,
      date: data.committedDate,
      user: () => user(committerLogin),
      avatarUrl: "",
    },
    ...urlFields(path),
    commitUrl: `${WEB}${path}`,
    commitResourcePath: path,
    repository: () => view.repository(repo),
    signature: null,
    onBehalfOf: null,
    statusCheckRollup: null,
    parents: ((args: ConnectionArgs, _c, info) =>
      connection(
        c.parents.map((oid, i) => [oid, i] as const),
        args,
        info,
        { keyOf: ([, i]) => [i], toNode: ([oid]) => view.commitByOid(repo, oid) },
      )) satisfies Resolver<ConnectionArgs>,
    history: ((args: HistoryArgs, _c, info) => {
      const { items, keyOf, direction } = history(view, c, args);
      return sequenceConnection(items, args, info, { keyOf, direction, toNode: (h) => view.commit(h) });
    }) satisfies Resolver<HistoryArgs>,
    associatedPullRequests: ((args: ConnectionArgs, _c, info) =>
      connection(c.pullRequests, args, info, {
        keyOf: (p) => [p.pr.number],
        toNode: (p) => view.pullRequest(p),
      })) satisfies Resolver<ConnectionArgs>,
    checkSuites: ((
      args: ConnectionArgs & { filterBy?: { appId?: number | null; checkName?: string | null } | null },
      _c,
      info,
    ) =>
      connection(
        c.checkSuites.map((suite, i) => [suite, i] as const),
        args,
        info,
        { keyOf: ([, i]) => [i], toNode: ([suite, i]) => checkSuiteObject(view, c, suite, i) },
      )) satisfies Resolver<ConnectionArgs>,
    status: () => statusObject(view, c),
  };
}

/** A commit the dataset never mentions (a parent outside the history it lists): its oid, little else. */
export function standInCommitObject(view: DatasetView, repo: IndexedRepository, oid: string): Obj {
  return {
    __typename: "Commit",
    id: ids.commit(repo.nameWithOwner, oid).nodeId,
    oid,
    abbreviatedOid: oid.slice(0, 7),
    ...urlFields(`/${repo.nameWithOwner}/commit/${oid}`),
    repository: () => view.repository(repo),
    status: null,
    statusCheckRollup: null,
  };
}

/**
 * Commits reachable from `c`, newest first: for a default-branch commit the branch history up to it, within
 * `since`/`until` (commit time); otherwise its first-parent chain through the commits the dataset knows
 * until it meets the default branch (a hotfix branch's fix, then the commit it was cut from), and from there
 * the branch history up to that commit, as `git log` lists a branch cut from another.
 */
function history(
  view: DatasetView,
  c: IndexedCommit,
  args: HistoryArgs,
): { items: Sequence<IndexedCommit>; keyOf: (h: IndexedCommit) => SortKey; direction: 1 | -1 } {
  const since = args.since ? Date.parse(args.since) : undefined;
  const until = args.until ? Date.parse(args.until) : undefined;
  const inWindow = (h: IndexedCommit) => {
    const at = Date.parse(h.data.committedDate);
    return (since === undefined || at >= since) && (until === undefined || at <= until);
  };
  const git = view.index.git(c.repo);
  if (c.branchIndex >= 0) {
    const positions = git.branchWindow(c.branchIndex, since, until);
    // Cursors hold the position in the branch, which does not move as history grows.
    return {
      items: { length: positions.length, at: (i) => git.branchAt(positions.at(i)) },
      keyOf: (h) => [h.branchIndex],
      direction: -1,
    };
  }
  const chain: IndexedCommit[] = [];
  const seen = new Set<string>();
  let joined: IndexedCommit | undefined;
  for (let h: IndexedCommit | undefined = c; h && !seen.has(h.oid); h = git.commit(h.parents[0] ?? "")) {
    if (h.branchIndex >= 0) {
      joined = h;
      break;
    }
    seen.add(h.oid);
    if (inWindow(h)) chain.push(h);
  }
  const position = new Map(chain.map((h, i) => [h.oid, i]));
  const below = joined ? git.branchWindow(joined.branchIndex, since, until) : { length: 0, at: () => 0 };
  // Keys rise along the list: [0, i] on the branch's own commits, then [1, -position] on the default branch.
  return {
    items: {
      length: chain.length + below.length,
      at: (i) => (i < chain.length ? (chain[i] as IndexedCommit) : git.branchAt(below.at(i - chain.length))),
    },
    keyOf: (h) => (h.branchIndex >= 0 ? [1, -h.branchIndex] : [0, position.get(h.oid) ?? -1]),
    direction: 1,
  };
}

function appObject(slug: string): Obj {
  const appIds = ids.bot(slug);
  return {
    __typename: "App",
    id: appIds.nodeId.replace(/^BOT_/, "A_"),
    databaseId: appIds.databaseId,
    slug,
    name: slug === "github-actions" ? "GitHub Actions" : slug,
    ...urlFields(`/apps/${slug}`),
    createdAt: "2018-01-01T00:00:00Z",
    updatedAt: "2018-01-01T00:00:00Z",
    description: null,
  };
}

function checkSuiteObject(view: DatasetView, c: IndexedCommit, suite: DatasetCheckSuite, index: number): Obj {
  const nwo = c.repo.nameWithOwner;
  const suiteIds = ids.checkSuite(nwo, c.oid, index);
  const derived = ids.workflowRun(nwo, c.oid, index);
  const runIds = suite.runDatabaseId ? { ...derived, databaseId: suite.runDatabaseId } : derived;
  const self = (): Obj => checkSuiteObject(view, c, suite, index);
  return {
    __typename: "CheckSuite",
    id: suiteIds.nodeId,
    databaseId: suiteIds.databaseId,
    status: suite.status,
    conclusion: suite.conclusion,
    createdAt: suite.createdAt,
    updatedAt: suite.updatedAt,
    ...urlFields(`/${nwo}/commit/${c.oid}/checks?check_suite_id=${suiteIds.databaseId}`),
    app: appObject(suite.app),
    branch: () => (suite.branch ? view.ref(c.repo, suite.branch) : null),
    commit: () => view.commit(c),
    repository: () => view.repository(c.repo),
    creator: null,
    push: null,
    workflowRun: () =>
      suite.workflowName === null
        ? null
        : {
            __typename: "WorkflowRun",
            id: runIds.nodeId,
            databaseId: runIds.databaseId,
            runNumber: suite.runNumber,
            event: suite.event,
            createdAt: suite.createdAt,
            updatedAt: suite.updatedAt,
            ...urlFields(`/${nwo}/actions/runs/${runIds.databaseId}`),
            checkSuite: self,
            file: () => {
              const path = suite.workflowPath ?? `.github/workflows/${suite.workflowName}.yml`;
              const filePath = `/${nwo}/actions/runs/${runIds.databaseId}/workflow`;
              return {
                __typename: "WorkflowRunFile",
                id: runIds.nodeId.replace(/^WFR_/, "WFRF_"),
                path,
                ...urlFields(filePath),
                repositoryFileUrl: `${WEB}/${nwo}/blob/main/${path}`,
                repositoryName: `${WEB}/${nwo}`,
                viewerCanPushRepository: false,
                viewerCanReadRepository: true,
              };
            },
            workflow: () => {
              const workflowIds = ids.workflow(nwo, suite.workflowName ?? "");
              return {
                __typename: "Workflow",
                id: workflowIds.nodeId,
                databaseId: workflowIds.databaseId,
                name: suite.workflowName,
                state: "ACTIVE",
                createdAt: c.repo.repo.createdAt,
                updatedAt: c.repo.repo.createdAt,
                ...urlFields(`/${nwo}/actions/workflows/${workflowIds.databaseId}`),
              };
            },
          },
    checkRuns: ((args: ConnectionArgs, _c, info) =>
      connection(
        suite.checkRuns.map((run, i) => [run, i] as const),
        args,
        info,
        {
          keyOf: ([, i]) => [i],
          toNode: ([run, i]) => {
            const runIds = ids.checkRun(nwo, c.oid, index, i);
            const path = `/${nwo}/runs/${runIds.databaseId}`;
            return {
              __typename: "CheckRun",
              id: runIds.nodeId,
              databaseId: runIds.databaseId,
              name: run.name,
              status: run.status,
              conclusion: run.conclusion,
              startedAt: run.startedAt,
              completedAt: run.completedAt,
              ...urlFields(path),
              permalink: `${WEB}${path}`,
              detailsUrl: `${WEB}${path}`,
              externalId: null,
              title: null,
              summary: null,
              text: null,
              isRequired: false,
              checkSuite: self,
              repository: () => view.repository(c.repo),
              deployment: null,
            };
          },
        },
      )) satisfies Resolver<ConnectionArgs>,
  };
}

/** The latest status of each context, in order of each context's first report. */
function latestPerContext(statuses: DatasetCommitStatus[]): DatasetCommitStatus[] {
  const latest = new Map<string, DatasetCommitStatus>();
  for (const s of statuses) {
    const previous = latest.get(s.context);
    if (!previous || Date.parse(s.createdAt) >= Date.parse(previous.createdAt)) latest.set(s.context, s);
  }
  return [...latest.values()];
}

/**
 * GitHub's combined status: FAILURE if any context's latest status is an error or a failure, PENDING if any
 * is pending (or expected), else SUCCESS.
 */
export function combinedState(statuses: DatasetCommitStatus[]): StatusState {
  const states = latestPerContext(statuses).map((s) => s.state);
  if (states.some((s) => s === "ERROR" || s === "FAILURE")) return "FAILURE";
  if (states.length === 0 || states.some((s) => s === "PENDING" || s === "EXPECTED")) return "PENDING";
  return "SUCCESS";
}

function statusObject(view: DatasetView, c: IndexedCommit): Obj | null {
  if (c.statuses.length === 0) return null;
  const nwo = c.repo.nameWithOwner;
  const contexts = latestPerContext(c.statuses).map((s) => ({
    __typename: "StatusContext",
    id: ids.statusContext(nwo, c.oid, s.context).nodeId,
    context: s.context,
    state: s.state,
    createdAt: s.createdAt,
    targetUrl: s.targetUrl,
    description: null,
    avatarUrl: null,
    creator: null,
    isRequired: false,
    commit: () => view.commit(c),
  }));
  return {
    __typename: "Status",
    id: ids.statusContext(nwo, c.oid, "").nodeId,
    state: combinedState(c.statuses),
    contexts,
    context: ({ name }: { name: string }) => contexts.find((x) => x.context === name) ?? null,
    commit: () => view.commit(c),
  };
}
