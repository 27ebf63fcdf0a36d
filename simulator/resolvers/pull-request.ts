/**
 * Pull requests, their reviews, labels and timeline events (ready for review, converted to draft, review
 * requested), as the PullRequestFields fragment of the extractors reads them.
 */
import { type ConnectionArgs, connection } from "../connection.ts";
import type { DatasetCommit, DatasetReview, DatasetTimelineEvent, TimelineEventType } from "../dataset.ts";
import { type IndexedPullRequest, syntheticOid } from "../dataset-index.ts";
import { ids } from "../node-ids.ts";
import { type Obj, type Resolver, urlFields, WEB } from "./shared.ts";
import type { DatasetView } from "./view.ts";

/** Timeline item types (GraphQL enum values) and the dataset event each one serves. */
const TIMELINE_TYPES: Record<string, TimelineEventType> = {
  READY_FOR_REVIEW_EVENT: "READY_FOR_REVIEW",
  CONVERT_TO_DRAFT_EVENT: "CONVERT_TO_DRAFT",
  REVIEW_REQUESTED_EVENT: "REVIEW_REQUESTED",
};

const TYPENAMES: Record<TimelineEventType, string> = {
  READY_FOR_REVIEW: "ReadyForReviewEvent",
  CONVERT_TO_DRAFT: "ConvertToDraftEvent",
  REVIEW_REQUESTED: "ReviewRequestedEvent",
};

type TimelineArgs = ConnectionArgs & {
  itemTypes?: string[] | null;
  since?: string | null;
  skip?: number | null;
};
type ReviewsArgs = ConnectionArgs & { states?: string[] | null; author?: string | null };

export function pullRequestObject(view: DatasetView, p: IndexedPullRequest): Obj {
  const { pr, repo } = p;
  const path = `/${repo.nameWithOwner}/pull/${pr.number}`;
  const commits = pr.commits;
  const lastCommit = commits[commits.length - 1];
  const approvals = pr.reviews.filter((r) => r.state === "APPROVED");
  return {
    __typename: "PullRequest",
    id: p.nodeId,
    databaseId: p.databaseId,
    fullDatabaseId: p.fullDatabaseId,
    number: pr.number,
    ...urlFields(path),
    permalink: `${WEB}${path}`,
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
    headRefOid: () => lastCommit?.oid ?? pr.mergeCommitOid ?? syntheticOid(`head:${p.nodeId}`),
    baseRefOid: () => syntheticOid(`base:${p.nodeId}`),
    isCrossRepository: false,
    maintainerCanModify: false,
    locked: false,
    author: () => view.actorOf(pr.author),
    authorAssociation: pr.author?.type === "User" ? "MEMBER" : "NONE",
    mergedBy: () =>
      pr.state !== "MERGED"
        ? null
        : view.actorOf(
            pr.mergedBy !== undefined ? pr.mergedBy : (approvals[approvals.length - 1]?.author ?? pr.author),
          ),
    mergeCommit: () => (pr.mergeCommitOid ? view.commitByOid(repo, pr.mergeCommitOid) : null),
    repository: () => view.repository(repo),
    reviewDecision: reviewDecision(pr.reviews),
    totalCommentsCount: pr.reviews.filter((r) => r.state === "COMMENTED").length,
    labels: ((args: ConnectionArgs, _c, info) =>
      connection(
        (pr.labels ?? []).map((name, i) => [name, i] as const),
        args,
        info,
        { keyOf: ([, i]) => [i], toNode: ([name]) => view.label(repo, name) },
      )) satisfies Resolver<ConnectionArgs>,
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
            commit: () => view.commitByOid(repo, c.oid),
            ...urlFields(`${path}/commits/${c.oid}`),
            pullRequest: () => view.pullRequest(p),
          }),
        },
      )) satisfies Resolver<ConnectionArgs>,
    reviews: ((args: ReviewsArgs, _c, info) => {
      const reviews = pr.reviews
        .map((review, i) => [review, i] as const)
        .filter(
          ([review]) =>
            (!args.states?.length || args.states.includes(review.state)) &&
            (args.author == null || review.author?.login.toLowerCase() === args.author.toLowerCase()),
        );
      return connection(reviews, args, info, {
        keyOf: ([, i]) => [i],
        toNode: ([review, i]) => reviewObject(view, p, review, i),
      });
    }) satisfies Resolver<ReviewsArgs>,
    timelineItems: ((args: TimelineArgs, _c, info) => {
      const wanted = args.itemTypes?.length
        ? new Set(args.itemTypes.map((t) => TIMELINE_TYPES[t]).filter((t) => t !== undefined))
        : undefined;
      const since = args.since ? Date.parse(args.since) : undefined;
      const all = (pr.timelineEvents ?? []).map((event, i) => [event, i] as const);
      let events = all.filter(
        ([event]) =>
          (!wanted || wanted.has(event.type)) &&
          (since === undefined || Date.parse(event.createdAt) >= since),
      );
      if (args.skip) events = events.slice(Math.max(0, args.skip));
      const updatedAt = all.length > 0 ? all[all.length - 1]?.[0].createdAt : pr.updatedAt;
      return connection(events, args, info, {
        keyOf: ([, i]) => [i],
        toNode: ([event, i]) => timelineEventObject(view, p, event, i),
        extra: { filteredCount: events.length, pageCount: events.length, updatedAt },
      });
    }) satisfies Resolver<TimelineArgs>,
  };
}

function timelineEventObject(
  view: DatasetView,
  p: IndexedPullRequest,
  event: DatasetTimelineEvent,
  i: number,
): Obj {
  const typename = TYPENAMES[event.type];
  return {
    __typename: typename,
    id: ids.timelineEvent(p.repo.nameWithOwner, p.pr.number, i).nodeId,
    createdAt: event.createdAt,
    actor: () => view.actorOf(event.actor),
    pullRequest: () => view.pullRequest(p),
    ...urlFields(
      `/${p.repo.nameWithOwner}/pull/${p.pr.number}#event-${ids.timelineEvent(p.repo.nameWithOwner, p.pr.number, i).databaseId}`,
    ),
    ...(event.type === "REVIEW_REQUESTED"
      ? { requestedReviewer: () => view.actorOf(event.requestedReviewer) }
      : {}),
  };
}

/** The head of the pull request when a review was submitted: GitHub's `review.commit`. */
function reviewedCommit(commits: DatasetCommit[], submittedAt: string | null): DatasetCommit | undefined {
  if (!submittedAt) return commits[commits.length - 1];
  const at = Date.parse(submittedAt);
  let chosen: DatasetCommit | undefined;
  for (const c of commits) if (Date.parse(c.committedDate) <= at) chosen = c;
  return chosen ?? commits[0];
}

export function reviewObject(
  view: DatasetView,
  p: IndexedPullRequest,
  review: DatasetReview,
  index: number,
): Obj {
  const reviewIds = ids.review(p.repo.nameWithOwner, p.pr.number, index);
  const at = review.submittedAt ?? p.pr.updatedAt;
  const path = `/${p.repo.nameWithOwner}/pull/${p.pr.number}#pullrequestreview-${reviewIds.databaseId}`;
  const commentCount = review.commentCount ?? 0;
  const commit = reviewedCommit(p.pr.commits, review.submittedAt);
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
    author: () => view.actorOf(review.author),
    authorAssociation: review.author?.type === "User" ? "MEMBER" : "NONE",
    authorCanPushToRepository: review.author?.type === "User",
    includesCreatedEdit: false,
    isMinimized: false,
    minimizedReason: null,
    createdViaEmail: false,
    ...urlFields(path),
    pullRequest: () => view.pullRequest(p),
    repository: () => view.repository(p.repo),
    commit: () => (commit ? view.commitByOid(p.repo, commit.oid) : null),
    comments: ((args: ConnectionArgs, _c, info) =>
      connection(
        Array.from({ length: commentCount }, (_, i) => i),
        args,
        info,
        {
          keyOf: (i) => [i],
          toNode: (i) => ({
            __typename: "PullRequestReviewComment",
            id: ids.reviewComment(p.repo.nameWithOwner, p.pr.number, index, i).nodeId,
            body: "",
            bodyText: "",
            createdAt: at,
            updatedAt: at,
            author: () => view.actorOf(review.author),
            pullRequestReview: () => reviewObject(view, p, review, index),
          }),
        },
      )) satisfies Resolver<ConnectionArgs>,
  };
}

function reviewDecision(reviews: DatasetReview[]): string | null {
  const decisive = reviews.filter((r) => r.state === "APPROVED" || r.state === "CHANGES_REQUESTED");
  const last = decisive[decisive.length - 1];
  if (!last) return reviews.length > 0 ? "REVIEW_REQUIRED" : null;
  return last.state === "APPROVED" ? "APPROVED" : "CHANGES_REQUESTED";
}
