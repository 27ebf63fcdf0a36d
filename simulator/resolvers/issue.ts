/** Issues (incidents are issues with an incident label) and labels. */
import { type ConnectionArgs, connection } from "../connection.ts";
import type { IndexedIssue, IndexedRepository } from "../dataset-index.ts";
import { ids } from "../node-ids.ts";
import { type Obj, type Resolver, urlFields, WEB } from "./shared.ts";
import type { DatasetView } from "./view.ts";

export function issueObject(view: DatasetView, i: IndexedIssue): Obj {
  const { issue, repo } = i;
  const path = `/${repo.nameWithOwner}/issues/${issue.number}`;
  const closed = issue.closedAt !== null;
  return {
    __typename: "Issue",
    id: i.nodeId,
    databaseId: i.databaseId,
    fullDatabaseId: i.fullDatabaseId,
    number: issue.number,
    ...urlFields(path),
    title: issue.title,
    body: issue.body,
    bodyText: issue.body,
    state: closed ? "CLOSED" : "OPEN",
    // GitHub records COMPLETED when an issue is closed without a reason.
    stateReason: issue.stateReason ?? (closed ? "COMPLETED" : null),
    closed,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    publishedAt: issue.createdAt,
    lastEditedAt: null,
    closedAt: issue.closedAt,
    locked: false,
    author: () => view.actorOf(issue.author),
    authorAssociation: issue.author?.type === "User" ? "MEMBER" : "NONE",
    repository: () => view.repository(repo),
    labels: ((args: ConnectionArgs, _c, info) =>
      connection(
        issue.labels.map((name, n) => [name, n] as const),
        args,
        info,
        { keyOf: ([, n]) => [n], toNode: ([name]) => view.label(repo, name) },
      )) satisfies Resolver<ConnectionArgs>,
  };
}

export function labelObject(view: DatasetView, repo: IndexedRepository, name: string): Obj {
  const path = `/${repo.nameWithOwner}/labels/${encodeURIComponent(name)}`;
  return {
    __typename: "Label",
    id: ids.label(repo.nameWithOwner, name).nodeId,
    name,
    color: "ededed",
    description: null,
    isDefault: false,
    ...urlFields(path),
    createdAt: repo.repo.createdAt,
    updatedAt: repo.repo.createdAt,
    repository: () => view.repository(repo),
    webUrl: `${WEB}${path}`,
  };
}
