/**
 * Reviews and the pull request timeline: when a pull request became ready for review (agents' drafts,
 * people's drafts, conversions back to draft), who was asked to review, and the reviews themselves — the
 * first after a pickup wait that is longer for agent pull requests and slower in slower teams, rounds that
 * ask for changes (more often for AI-authored work), and an approval shortly before the merge (a few are
 * merged on comments alone). What the answer key needs (first human review, approval, rounds, and which
 * reviews came from someone independent of the author and of the agent's requester) is kept as the reviews
 * are written.
 */
import type { DatasetActor, DatasetReview, DatasetTimelineEvent } from "../dataset.ts";
import type { Authorship } from "../ground-truth.ts";
import type { Rng } from "../prng.ts";
import {
  COPILOT_AGENT,
  COPILOT_REVIEWER,
  type DraftContext,
  type Outcome,
  type TeamTraits,
} from "./pull-requests.ts";
import { between, DAY, HOUR, iso, longTail, MINUTE } from "./time.ts";

/** Median hours until the first human review (pickup), before the team's speed. */
const PICKUP_HOURS: Record<Authorship, number> = {
  unmarked: 3,
  ai_assisted: 3.5,
  ai_authored: 9,
  automation: 2,
};

/** Chance that a non-final review asks for changes. */
const CHANGES_REQUESTED: Record<Authorship, number> = {
  unmarked: 0.3,
  ai_assisted: 0.35,
  ai_authored: 0.5,
  automation: 0.1,
};

/**
 * Chance that a merged pull request gets no human review at all: a self-merge of a small fix, an agent's
 * pull request merged by its requester, a dependency bump merged on green CI. Its rework after review is
 * then unknown (null), not 0.
 */
const MERGED_UNREVIEWED: Record<Authorship, number> = {
  unmarked: 0.05,
  ai_assisted: 0.05,
  ai_authored: 0.07,
  automation: 0.3,
};

/**
 * Chance that a reviewed pull request is merged on comments alone, without an approval: repositories that
 * require none, and small changes whose reviewer said "fine" in a comment.
 */
const MERGED_WITHOUT_APPROVAL: Record<Authorship, number> = {
  unmarked: 0.04,
  ai_assisted: 0.04,
  ai_authored: 0.08,
  automation: 0.02,
};

/**
 * When a pull request became ready for review. An agent's pull request opens as a draft while the agent
 * works and the requester marks it ready; a few people open drafts too, and a few convert a pull request
 * back to draft before marking it ready again (the last ready event counts).
 */
export function planReady(
  rng: Rng,
  ctx: DraftContext,
  requester: string | null,
  author: string,
  createdMs: number,
  outcome: Outcome,
): { ms: number; at: string | null; events: DatasetTimelineEvent[] } {
  const span = outcome.doneMs - createdMs;
  const event = (type: DatasetTimelineEvent["type"], ms: number, login: string): DatasetTimelineEvent => ({
    type,
    createdAt: iso(ms),
    actor: ctx.actor(login, "User"),
  });
  if (requester) {
    const ms =
      Math.floor((createdMs + Math.min(span * 0.3, longTail(rng, 40 * MINUTE, 0.7, 6 * HOUR))) / 1000) * 1000;
    const ready = event("READY_FOR_REVIEW", ms, requester);
    return { ms, at: ready.createdAt, events: [ready] };
  }
  if (span > 2 * HOUR && rng.chance(0.12)) {
    const ms =
      Math.floor((createdMs + Math.min(span * 0.4, longTail(rng, 5 * HOUR, 1, 3 * DAY))) / 1000) * 1000;
    const ready = event("READY_FOR_REVIEW", ms, author);
    return { ms, at: ready.createdAt, events: [ready] };
  }
  if (span > DAY && rng.chance(0.03)) {
    const convertMs = Math.floor((createdMs + span * (0.05 + 0.1 * rng.float())) / 1000) * 1000;
    const ms = Math.floor((createdMs + span * (0.2 + 0.15 * rng.float())) / 1000) * 1000;
    const ready = event("READY_FOR_REVIEW", ms, author);
    return { ms, at: ready.createdAt, events: [event("CONVERT_TO_DRAFT", convertMs, author), ready] };
  }
  return { ms: createdMs, at: null, events: [] };
}

/**
 * Review requests when the pull request is ready: the agent asks its requester, the author (or the
 * requester) asks the teammates who will review, and the Copilot reviewer when it reviews.
 */
export function reviewRequests(
  rng: Rng,
  ctx: DraftContext,
  plan: ReviewPlan,
  readyMs: number,
  author: string,
  requester: string | null,
  aiReviewed: boolean,
): DatasetTimelineEvent[] {
  const events: DatasetTimelineEvent[] = [];
  const request = (ms: number, actor: DatasetActor, reviewer: DatasetActor) =>
    events.push({ type: "REVIEW_REQUESTED", createdAt: iso(ms), actor, requestedReviewer: reviewer });
  const asker = requester ? ctx.actor(requester, "User") : ctx.actor(author, "User");
  if (requester) request(readyMs - rng.int(1, 5) * MINUTE, ctx.actor(COPILOT_AGENT, "Bot"), asker);
  const reviewers = new Set<string>();
  for (const review of plan.reviews) {
    const login = review.author?.login;
    if (review.author?.type === "User" && login && login !== requester && reviewers.size < 2)
      reviewers.add(login);
  }
  for (const login of reviewers) request(readyMs + rng.int(0, 120) * 1000, asker, ctx.actor(login, "User"));
  if (aiReviewed) request(readyMs + rng.int(0, 60) * 1000, asker, ctx.actor(COPILOT_REVIEWER, "Bot"));
  return events;
}

/** Reviews with what the answer key needs from them, known as they are written. */
export interface ReviewPlan {
  reviews: DatasetReview[];
  /** First review by a human who is not the author. */
  firstHumanMs: number | null;
  firstHumanAt: string | null;
  approvedMs: number | null;
  approvedAt: string | null;
  approver: string | null;
  /**
   * Reviews, and approvals, by teammates picked from the reviewer pool, which never holds the author nor the
   * person who asked the agent: the independent ones. The requester's own steering comments are not.
   */
  independentReviews: number;
  independentApprovals: number;
  actor: DraftContext["actor"];
  changesRequested: number;
  /** Times of CHANGES_REQUESTED reviews: the author pushes a fix after each. */
  changeRequests: number[];
}

export function emptyReviewPlan(actor: DraftContext["actor"]): ReviewPlan {
  return {
    reviews: [],
    firstHumanMs: null,
    firstHumanAt: null,
    approvedMs: null,
    approvedAt: null,
    approver: null,
    independentReviews: 0,
    independentApprovals: 0,
    actor,
    changesRequested: 0,
    changeRequests: [],
  };
}

/** `independent`: by a reviewer from the pool (neither the author nor the agent's requester). */
export function addHumanReview(
  rng: Rng,
  plan: ReviewPlan,
  login: string,
  state: DatasetReview["state"],
  when: number,
  independent: boolean,
): void {
  const ms = Math.floor(when / 1000) * 1000;
  const at = iso(ms);
  const comments =
    state === "APPROVED" ? rng.int(-3, 1) : state === "CHANGES_REQUESTED" ? rng.int(1, 6) : rng.int(0, 4);
  const review: DatasetReview = { author: plan.actor(login, "User"), state, submittedAt: at };
  if (comments > 0) review.commentCount = comments;
  plan.reviews.push(review);
  if (plan.firstHumanMs === null || ms < plan.firstHumanMs) {
    plan.firstHumanMs = ms;
    plan.firstHumanAt = at;
  }
  if (state === "APPROVED" && (plan.approvedMs === null || ms < plan.approvedMs)) {
    plan.approvedMs = ms;
    plan.approvedAt = at;
    plan.approver = login;
  }
  if (state === "CHANGES_REQUESTED") {
    plan.changesRequested++;
    plan.changeRequests.push(ms);
  }
  if (independent) {
    plan.independentReviews++;
    if (state === "APPROVED") plan.independentApprovals++;
  }
}

/**
 * Reviews by teammates: the first after a pickup wait from `readyMs` (longer for agent pull requests, scaled
 * by the team's speed), rounds that may request changes, and an approval shortly before a merge.
 */
export function planReviews(
  rng: Rng,
  ctx: DraftContext,
  reviewers: string[],
  readyMs: number,
  outcome: Outcome,
  kind: Authorship,
  traits: TeamTraits,
): ReviewPlan {
  const org = ctx.org;
  const plan = emptyReviewPlan(ctx.actor);
  if (reviewers.length === 0) return plan;
  const span = outcome.doneMs - readyMs;
  if (outcome.state === "MERGED") {
    if (rng.chance(MERGED_UNREVIEWED[kind])) return plan;
    const count = rng.weighted([
      [1, 0.55],
      [2, 0.3],
      [3, kind === "ai_authored" ? 0.3 : 0.15],
    ] as const);
    const pickup = rng.logNormal(PICKUP_HOURS[kind] * traits.reviewSpeed * HOUR, 1);
    let ms = readyMs + Math.min(pickup, span * (0.5 + rng.float() * 0.35));
    for (let i = 0; i < count - 1; i++) {
      const state = rng.chance(CHANGES_REQUESTED[kind]) ? "CHANGES_REQUESTED" : "COMMENTED";
      addHumanReview(rng, plan, rng.pick(reviewers), state, ms, true);
      ms = ms + (outcome.doneMs - ms) * (0.2 + rng.float() * 0.5);
    }
    const approvedMs = Math.max(ms, outcome.doneMs - Math.min(2 * HOUR, span * 0.1) * rng.float() - 1000);
    // Drawn apart, so that the pull requests that still get their approval stay as they were.
    const final = rng.fork("approval").chance(MERGED_WITHOUT_APPROVAL[kind]) ? "COMMENTED" : "APPROVED";
    addHumanReview(rng, plan, rng.pick(reviewers), final, Math.min(approvedMs, outcome.doneMs - 1000), true);
    return plan;
  }
  const chance = outcome.state === "CLOSED" ? 0.5 : 0.4;
  if (span < 2 * HOUR || !rng.chance(chance)) return plan;
  const ms = between(rng, readyMs + HOUR, Math.min(outcome.doneMs, org.endMs) - MINUTE);
  const reviewer = rng.pick(reviewers);
  addHumanReview(rng, plan, reviewer, rng.chance(0.4) ? "CHANGES_REQUESTED" : "COMMENTED", ms, true);
  return plan;
}
