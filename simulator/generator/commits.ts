/**
 * A pull request's own commits: a person's (the first before the pull request opens, follow-ups and fixes
 * after requests for changes, AI trailers on some or all when the work was AI-assisted, now and then a
 * human co-author), the Copilot agent's ("Initial plan", then work, each crediting its requester), or a
 * cloud agent's on a person's branch (all of the work, or review fixes pushed after the first review).
 */
import type { DatasetCommit } from "../dataset.ts";
import type { AiTool, Decoy } from "../ground-truth.ts";
import { noreplyEmail, type Person } from "../people.ts";
import {
  aiTrailer,
  type CloudAgent,
  FOLLOW_UP_MESSAGES,
  REVIEW_FIX_MESSAGES,
  type Topic,
} from "../pr-content.ts";
import type { Rng } from "../prng.ts";
import type { OrgShape } from "./org-shape.ts";
import { COPILOT_IDENTITY, type DraftContext } from "./pull-requests.ts";
import type { ReviewPlan } from "./reviews.ts";
import { between, HOUR, iso, MINUTE } from "./time.ts";

export function humanCommits(
  rng: Rng,
  org: OrgShape,
  author: Person,
  topic: Topic,
  tools: AiTool[],
  createdMs: number,
  doneMs: number,
  decoys: Decoy[],
  plan: ReviewPlan,
  text: DraftContext["text"],
): DatasetCommit[] {
  const count = 1 + Math.min(7, Math.floor(rng.logNormal(1.3, 0.8)));
  const after =
    count >= 2 && doneMs - createdMs > 2 * HOUR && rng.chance(0.35) ? rng.int(1, Math.min(2, count - 1)) : 0;
  const times = commitTimes(rng, createdMs, doneMs, count - after, after, plan.changeRequests);
  const marked = new Set<number>();
  if (tools.length > 0) {
    if (rng.chance(0.5)) for (let i = 0; i < times.length; i++) marked.add(i);
    else marked.add(rng.int(0, times.length - 1));
  }
  let pair: Person | undefined;
  if (rng.chance(0.06)) {
    const candidates = [...org.humans.values()].map((h) => h.person).filter((p) => p.login !== author.login);
    pair = rng.pick(candidates);
    decoys.push("human_coauthor");
  }
  return times.map((ms, i) => {
    const trailers: string[] = [];
    if (marked.has(i)) for (const tool of tools) trailers.push(aiTrailer(tool, rng));
    if (pair && i === 0) trailers.push(`Co-authored-by: ${pair.name} <${pair.email}>`);
    const headline = i === 0 ? topic.message : rng.pick(FOLLOW_UP_MESSAGES);
    const at = iso(ms);
    return {
      oid: rng.hex(40),
      message: trailers.length > 0 ? text(`${headline}\n\n${trailers.join("\n")}`) : headline,
      authorName: author.name,
      authorEmail: author.email,
      authorLogin: author.login,
      authoredDate: at,
      committerName: author.name,
      committerEmail: author.email,
      committedDate: at,
    };
  });
}

/** The Copilot agent's commits: "Initial plan", then work, each crediting the requester as co-author. */
export function agentCommits(
  rng: Rng,
  requester: string,
  topic: Topic,
  createdMs: number,
  doneMs: number,
  plan: ReviewPlan,
  text: DraftContext["text"],
): DatasetCommit[] {
  const trailer = `Co-authored-by: ${requester} <${noreplyEmail(requester)}>`;
  const work = rng.int(1, 3);
  const planMs = createdMs - rng.int(30, 120) * 1000;
  const messages = [
    "Initial plan",
    topic.message,
    ...Array.from({ length: work - 1 }, () => rng.pick(FOLLOW_UP_MESSAGES)),
  ];
  let ms = planMs;
  const times = messages.map((_, i) => {
    if (i > 0) ms = Math.min(doneMs - 1000, ms + rng.int(4, 25) * MINUTE);
    ms = Math.max(ms, planMs);
    return ms;
  });
  // The agent answers each request for changes within minutes.
  for (const requested of plan.changeRequests) {
    const at = Math.min(doneMs - 1000, requested + rng.int(3, 20) * MINUTE);
    if (at > requested) {
      messages.push("Address review feedback");
      times.push(at);
    }
  }
  const order = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return order.map(([t, i]) => {
    const at = iso(t);
    return {
      oid: rng.hex(40),
      message: text(`${messages[i]}\n\n${trailer}`),
      authorName: "copilot-swe-agent[bot]",
      authorEmail: COPILOT_IDENTITY.email,
      authorLogin: null,
      authoredDate: at,
      committerName: "copilot-swe-agent[bot]",
      committerEmail: COPILOT_IDENTITY.email,
      committedDate: at,
    };
  });
}

/** A cloud agent at work on a person's branch, under the git identity it authors its commits as. */
export interface CloudAgentWorker {
  agent: CloudAgent;
  name: string;
  email: string;
}

/**
 * A cloud agent's commit on a person's branch. The Copilot agent credits whoever asked it by their no-reply
 * address and Cursor's agent by their git identity, as each does; Codex credits no one.
 */
function cloudAgentCommit(
  rng: Rng,
  { agent, ...identity }: CloudAgentWorker,
  requester: Person,
  headline: string,
  ms: number,
  text: DraftContext["text"],
): DatasetCommit {
  const trailer =
    agent === "copilot_agent"
      ? `Co-authored-by: ${requester.login} <${noreplyEmail(requester.login)}>`
      : agent === "cursor"
        ? `Co-authored-by: ${requester.name} <${requester.email}>`
        : null;
  const at = iso(Math.floor(ms / 1000) * 1000);
  return {
    oid: rng.hex(40),
    message: trailer ? text(`${headline}\n\n${trailer}`) : headline,
    authorName: identity.name,
    authorEmail: identity.email,
    authorLogin: null,
    authoredDate: at,
    committerName: identity.name,
    committerEmail: identity.email,
    committedDate: at,
  };
}

/**
 * Every commit by a cloud agent a person handed the whole task to (they open the pull request themselves):
 * the work before it opens, then an answer to each request for changes.
 */
export function cloudAgentWork(
  rng: Rng,
  agent: CloudAgentWorker,
  requester: Person,
  topic: Topic,
  createdMs: number,
  doneMs: number,
  plan: ReviewPlan,
  text: DraftContext["text"],
): DatasetCommit[] {
  const work = rng.int(1, 3);
  let ms = createdMs - rng.int(20, 90) * MINUTE;
  const commits: DatasetCommit[] = [];
  for (let i = 0; i < work; i++) {
    commits.push(
      cloudAgentCommit(
        rng,
        agent,
        requester,
        i === 0 ? topic.message : rng.pick(FOLLOW_UP_MESSAGES),
        ms,
        text,
      ),
    );
    ms = Math.min(createdMs - MINUTE, ms + rng.int(3, 15) * MINUTE);
  }
  for (const requested of plan.changeRequests) {
    const at = Math.min(doneMs - MINUTE, requested + rng.int(5, 40) * MINUTE);
    if (at > requested)
      commits.push(cloudAgentCommit(rng, agent, requester, rng.pick(REVIEW_FIX_MESSAGES), at, text));
  }
  return commits.sort((a, b) => a.authoredDate.localeCompare(b.authoredDate));
}

/**
 * One or two review fixes a cloud agent pushes to a person's pull request after its first human review
 * (the person asked it to address the comments); none when nobody reviewed it or no time is left.
 */
export function cloudAgentReviewFixes(
  rng: Rng,
  agent: CloudAgentWorker,
  requester: Person,
  doneMs: number,
  plan: ReviewPlan,
  text: DraftContext["text"],
): DatasetCommit[] {
  const reviewedMs = plan.firstHumanMs;
  if (reviewedMs === null || reviewedMs + 10 * MINUTE >= doneMs - MINUTE) return [];
  const count = rng.int(1, 2);
  const latest = Math.min(doneMs - MINUTE, reviewedMs + 8 * HOUR);
  const times = Array.from({ length: count }, () => between(rng, reviewedMs + 5 * MINUTE, latest)).sort(
    (a, b) => a - b,
  );
  return times.map((ms) => cloudAgentCommit(rng, agent, requester, rng.pick(REVIEW_FIX_MESSAGES), ms, text));
}

/**
 * Commit times: `before` commits in the hours or days before the PR opened, `after` while it was open —
 * the first of those answer requests for changes, when there were some.
 */
function commitTimes(
  rng: Rng,
  createdMs: number,
  doneMs: number,
  before: number,
  after: number,
  changeRequests: number[],
): number[] {
  const firstMs = createdMs - Math.round(Math.min(240, Math.max(0.1, rng.logNormal(5, 1.2))) * HOUR);
  const times: number[] = [];
  for (let i = 0; i < before; i++) times.push(i === 0 ? firstMs : between(rng, firstMs, createdMs - MINUTE));
  for (let i = 0; i < after; i++) {
    const requested = changeRequests[i];
    times.push(
      requested !== undefined && requested + 2 * MINUTE < doneMs - MINUTE
        ? between(rng, requested + MINUTE, Math.min(doneMs - MINUTE, requested + 6 * HOUR))
        : between(rng, createdMs + 10 * MINUTE, doneMs - MINUTE),
    );
  }
  return times.map((t) => Math.floor(t / 1000) * 1000).sort((a, b) => a - b);
}
