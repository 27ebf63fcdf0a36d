/**
 * Pull requests before they are numbered and landed: who opens them and when (weekday rhythm, working
 * hours), authorship (AI-assisted use, the Copilot agent and cloud agents working on people's branches all
 * grow over the window, faster in teams that adopt more), size, outcome (log-normal time to merge that
 * grows with size and with the team's review speed), commits that start before the pull request opens,
 * reviews with rounds of changes requested, and the hidden quality of the change (`defective`, more often
 * for AI-authored work) that later decides reverts and incidents.
 */
import type {
  DatasetActor,
  DatasetCommit,
  DatasetPullRequest,
  DatasetReview,
  DatasetTimelineEvent,
} from "../dataset.ts";
import type { AiTool, Authorship, Decoy, TruthPullRequest } from "../ground-truth.ts";
import { LOOK_ALIKE_PEOPLE, noreplyEmail } from "../people.ts";
import {
  aiBodyFooter,
  type CloudAgent,
  cloudAgentIdentity,
  copilotAgentBody,
  dependencyBump,
  humanBody,
  slug,
  TOPICS,
} from "../pr-content.ts";
import type { Rng } from "../prng.ts";
import {
  agentCommits,
  type CloudAgentWorker,
  cloudAgentReviewFixes,
  cloudAgentWork,
  humanCommits,
} from "./commits.ts";
import {
  type Human,
  NEUTRAL_TEAM_TRAITS,
  type OrgShape,
  type RepoShape,
  type TeamShape,
  TOOLS,
} from "./org-shape.ts";
import {
  addHumanReview,
  emptyReviewPlan,
  planReady,
  planReviews,
  type ReviewPlan,
  reviewRequests,
} from "./reviews.ts";
import { between, DAY, flat, HOUR, iso, MINUTE } from "./time.ts";

/** The Copilot coding agent's GraphQL login (REST shows it as "Copilot"). */
export const COPILOT_AGENT = "copilot-swe-agent";
export const COPILOT_REVIEWER = "copilot-pull-request-reviewer";
export const DEPENDABOT = "dependabot";

export const COPILOT_IDENTITY = { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com" };
export const DEPENDABOT_IDENTITY = {
  name: "dependabot[bot]",
  email: "49699333+dependabot[bot]@users.noreply.github.com",
};

export type TeamTraits = Pick<TeamShape, "aiAdoption" | "reviewSpeed" | "defectRate" | "ciFailure">;

/** A git identity GitHub writes commits as (squash commits are authored by the pull request's author). */
export interface GitIdentity {
  name: string;
  email: string;
  login: string | null;
}

export interface PrDraft {
  index: number;
  repo: RepoShape;
  /** The dataset record; `number` is 0 until numbering, `mergeCommitOid` null until it lands. */
  pr: DatasetPullRequest;
  /** The answer key; filled in as the pull request lands, deploys and breaks things. */
  truth: TruthPullRequest;
  createdMs: number;
  mergedMs: number | null;
  authorship: Authorship;
  traits: TeamTraits;
  /** Author of the squash commit and of the PR itself on the default branch. */
  gitAuthor: GitIdentity;
  /** Who presses the merge button (author of a merge commit). */
  merger: GitIdentity;
  /** This change breaks production once deployed. */
  defective: boolean;
  /** Planned: reverted this long after its merge (null: never). */
  revertDelayMs: number | null;
  revertOf: PrDraft | null;
  revertedBy: PrDraft | null;
  /** Reverts made with GitHub's button say "Reverts owner/repo#n"; with git, "This reverts commit <oid>." */
  revertStyle: "button" | "cli";
  /** Set when it lands: the first-parent position of its merge on the default branch. */
  landing: number;
  /** Subject line of the commit that carries the merge (what `git revert` quotes). */
  mergeSubject: () => string;
}

const OUTCOME_MODEL: Record<Authorship, { merge: number; close: number; medianHours: number }> = {
  unmarked: { merge: 0.86, close: 0.08, medianHours: 20 },
  ai_assisted: { merge: 0.84, close: 0.09, medianHours: 16 },
  ai_authored: { merge: 0.55, close: 0.3, medianHours: 30 },
  automation: { merge: 0.8, close: 0.15, medianHours: 5 },
};

/** Chance that the requester, rather than the teammate who approved, merges an agent's pull request. */
const REQUESTER_MERGES_APPROVED = 0.5;

/** Hidden defect rate per class: what reverts and incidents grow from. */
const DEFECT_RATE: Record<Authorship, number> = {
  unmarked: 0.03,
  ai_assisted: 0.045,
  ai_authored: 0.09,
  automation: 0.015,
};

/**
 * metrics.yaml's default `ai_authored_commit_share`: a pull request a person opened is ai_authored when at
 * least this share of its own commits were authored by an agent; fewer agent commits make it ai_assisted.
 * Written here rather than read from the definitions, so that the answer key does not follow the code it
 * checks.
 */
const AI_AUTHORED_COMMIT_SHARE = 1;

/** Cloud agents people hand work to on their own branches, and how often each is the one. */
const CLOUD_AGENTS: readonly (readonly [CloudAgent, number])[] = [
  ["copilot_agent", 0.45],
  ["cursor", 0.35],
  ["codex", 0.2],
];

/**
 * A person's pull request a cloud agent works on: it pushes review fixes once someone has reviewed
 * (`review_fixes`), or it writes every commit and the person opens the pull request (`whole_task`).
 */
interface CloudAgentHelp {
  worker: CloudAgentWorker;
  mode: "review_fixes" | "whole_task";
}

/** Adoption of AI tools at a point of the window (0 = start, 1 = end): an S-curve from little to most. */
export function adoption(position: number): number {
  return 1 / (1 + Math.exp(-6 * (position - 0.5)));
}

export interface DraftContext {
  org: OrgShape;
  /** Cached team lookups (one computation per person and repository). */
  teamOf: (person: string | null, repository: string) => string;
  reviewers: (author: string, repo: RepoShape, exclude: readonly string[]) => string[];
  /** The one flat copy of a text that many records repeat (bodies, branch names, trailer messages). */
  text: (value: string) => string;
  /** An actor object; one shared per login and type in a large organisation (it repeats them millions of times). */
  actor: (login: string, type: DatasetActor["type"]) => DatasetActor;
  othersThan: (team: TeamShape) => string[];
}

/** One pull request, before numbering. Each gets its own generator, so PR i is the same whatever N is. */
export function draftPullRequest(rng: Rng, ctx: DraftContext, index: number): PrDraft {
  const { org } = ctx;
  const createdMs = pickCreatedAt(rng, org);
  const position = (createdMs - org.startMs) / (org.endMs - org.startMs);
  const repo = org.pickRepo(rng);
  const repoTraits = repo.team ?? NEUTRAL_TEAM_TRAITS;
  const kind = rng.weighted([
    ["automation", 0.07],
    ["ai_authored", (0.012 + 0.11 * adoption(position)) * repoTraits.aiAdoption],
    ["human", 0.87],
  ] as const);
  if (kind === "automation") return dependabotPullRequest(rng, ctx, repo, createdMs, index);

  const human = pickHuman(rng, ctx, repo.team);
  const humanInfo = org.humans.get(human) as Human;
  const traits: TeamTraits = humanInfo.team ?? repo.team ?? NEUTRAL_TEAM_TRAITS;
  const topic = rng.pick(TOPICS);
  const agent = kind === "ai_authored";
  let tools: AiTool[] = [];
  if (agent) {
    tools = ["copilot_agent"];
  } else if (
    rng.chance(Math.min(0.9, (0.05 + 0.45 * adoption(position)) * humanInfo.aiAffinity * traits.aiAdoption))
  ) {
    const main = rng.chance(0.8) ? humanInfo.favouriteTool : rng.weighted(TOOLS);
    const second = rng.chance(0.06) ? rng.weighted(TOOLS.filter(([t]) => t !== main)) : undefined;
    tools = second ? [main, second] : [main];
  }
  let cloud: CloudAgentHelp | null = null;
  if (
    !agent &&
    rng.chance(Math.min(0.3, (0.01 + 0.07 * adoption(position)) * humanInfo.aiAffinity * traits.aiAdoption))
  ) {
    const cloudAgent = rng.weighted(CLOUD_AGENTS);
    cloud = {
      worker: { agent: cloudAgent, ...cloudAgentIdentity(cloudAgent, rng) },
      mode: rng.chance(0.2) ? "whole_task" : "review_fixes",
    };
    // The agent did the work the person would have done with a local tool.
    if (cloud.mode === "whole_task") tools = [];
  }
  // The class the pull request is planned as (size, outcome, reviews); the answer key's class follows the
  // commits once they are made, since review fixes only come when someone reviews.
  const planned: Authorship =
    agent || cloud?.mode === "whole_task" ? "ai_authored" : tools.length > 0 ? "ai_assisted" : "unmarked";
  const decoys: Decoy[] = topic.decoy ? [topic.decoy, ...lookAlikeDecoys(human)] : lookAlikeDecoys(human);

  const size = planned === "ai_authored" ? 120 : planned === "ai_assisted" ? 75 : 50;
  const additions = Math.min(5000, Math.max(1, Math.round(rng.logNormal(size, 1.2))));
  const deletions = Math.round(additions * rng.float() * 0.6);
  const outcome = decideOutcome(rng, org, createdMs, planned, additions + deletions, traits);
  const isDraft = outcome.state === "OPEN" && rng.chance(agent ? 0.6 : 0.2);

  const reviewers = ctx.reviewers(human, repo, agent ? [human, COPILOT_AGENT] : [human]);
  const ready = isDraft ? null : planReady(rng, ctx, agent ? human : null, human, createdMs, outcome);
  const readyMs = ready?.ms ?? createdMs;
  const plan = isDraft
    ? emptyReviewPlan(ctx.actor)
    : planReviews(rng, ctx, reviewers, readyMs, outcome, planned, traits);
  if (agent && !isDraft && outcome.doneMs - readyMs > HOUR && rng.chance(0.6)) {
    // The requester steers the agent with review comments; GitHub does not let them approve its PR.
    addHumanReview(rng, plan, human, "COMMENTED", between(rng, readyMs + 5 * MINUTE, outcome.doneMs), false);
  }
  const aiReviewed = !isDraft && rng.chance(0.15) && readyMs + 15 * MINUTE < outcome.doneMs;
  if (aiReviewed) {
    plan.reviews.push({
      author: ctx.actor(COPILOT_REVIEWER, "Bot"),
      state: "COMMENTED",
      submittedAt: iso(readyMs + rng.int(3, 15) * MINUTE),
      commentCount: rng.int(1, 8),
    });
  }
  const timeline = ready
    ? [
        ...ready.events,
        ...reviewRequests(
          rng,
          ctx,
          plan,
          readyMs,
          agent ? COPILOT_AGENT : human,
          agent ? human : null,
          aiReviewed,
        ),
      ]
    : [];
  timeline.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  plan.reviews.sort((a, b) => (a.submittedAt ?? "").localeCompare(b.submittedAt ?? ""));

  const person = humanInfo.person;
  let commits: DatasetCommit[];
  /** Of `commits`, those a cloud agent authored on the person's branch (counted as they are made). */
  let cloudCommits = 0;
  if (agent) {
    commits = agentCommits(rng, human, topic, createdMs, outcome.doneMs, plan, ctx.text);
  } else if (cloud?.mode === "whole_task") {
    commits = cloudAgentWork(rng, cloud.worker, person, topic, createdMs, outcome.doneMs, plan, ctx.text);
    cloudCommits = commits.length;
  } else {
    commits = humanCommits(rng, org, person, topic, tools, createdMs, outcome.doneMs, decoys, plan, ctx.text);
    if (cloud) {
      const fixes = cloudAgentReviewFixes(rng, cloud.worker, person, outcome.doneMs, plan, ctx.text);
      cloudCommits = fixes.length;
      commits = [...commits, ...fixes].sort((a, b) => a.authoredDate.localeCompare(b.authoredDate));
    }
  }
  // An agent that opened the pull request wrote it. On a person's, its commits make it ai_authored only at
  // the share (none of the generator's commits is a merge of the base branch); below, they are assistance.
  const authorship: Authorship = agent
    ? "ai_authored"
    : cloudCommits > 0 && cloudCommits >= AI_AUTHORED_COMMIT_SHARE * commits.length
      ? "ai_authored"
      : cloudCommits > 0 || tools.length > 0
        ? "ai_assisted"
        : "unmarked";
  const aiTools: AiTool[] =
    cloud && cloudCommits > 0 && !tools.includes(cloud.worker.agent) ? [...tools, cloud.worker.agent] : tools;

  const title = agent && isDraft ? `[WIP] ${topic.title}` : topic.title;
  const body = agent
    ? copilotAgentBody(topic, rng)
    : humanBody(topic, rng) + tools.map((t) => aiBodyFooter(t, rng)).join("");
  const headRefName = agent
    ? `copilot/${slug(topic.title)}`
    : rng.chance(0.7)
      ? `${human}/${slug(topic.title)}`
      : `feature/${slug(topic.title)}`;
  const pr = pullRequestRecord(
    repo,
    {
      title,
      body,
      author: agent ? ctx.actor(COPILOT_AGENT, "Bot") : ctx.actor(human, "User"),
      headRefName,
      isDraft,
      createdMs,
      outcome,
      additions,
      deletions,
      changedFiles: changedFiles(rng, additions + deletions),
      commits,
      reviews: plan.reviews,
      updatedMs: updatedAt(rng, org, createdMs, commits, plan.reviews, outcome),
      labels: rng.chance(0.2) ? [rng.pick(HUMAN_LABELS)] : undefined,
      timelineEvents: timeline,
    },
    ctx.text,
  );
  const gitAuthor = agent
    ? { ...COPILOT_IDENTITY, login: null }
    : { name: person.name, email: person.email, login: person.login };
  // An agent's pull request is merged by its requester (often once a teammate approved) or by the approver;
  // drawn apart, so that the rest of the pull request stays as it was.
  const mergerLogin =
    agent && plan.approver !== null && !rng.fork("merger").chance(REQUESTER_MERGES_APPROVED)
      ? plan.approver
      : human;
  return finishDraft(rng, {
    index,
    repo,
    pr,
    createdMs,
    outcome,
    authorship,
    traits,
    gitAuthor,
    merger: agent ? identityOf(org, mergerLogin) : gitAuthor,
    mergedBy: ctx.actor(mergerLogin, "User"),
    truth: {
      authorLogin: agent ? COPILOT_AGENT : human,
      authorType: agent ? "Bot" : "User",
      aiTools,
      // The person who opened a pull request an agent wrote asked for it (the requester of an agent's own).
      initiatedBy: authorship === "ai_authored" ? human : null,
      team: ctx.teamOf(human, repo.full),
      aiReviewed,
      decoys,
    },
    plan,
    readyAt: ready?.at ?? null,
  });
}

const HUMAN_LABELS = ["bug", "enhancement", "refactor", "documentation"] as const;

function dependabotPullRequest(
  rng: Rng,
  ctx: DraftContext,
  repo: RepoShape,
  createdMs: number,
  index: number,
): PrDraft {
  const { org } = ctx;
  const bump = dependencyBump(rng);
  const additions = rng.int(2, 40);
  const deletions = rng.int(2, additions);
  const traits = repo.team ?? NEUTRAL_TEAM_TRAITS;
  const outcome = decideOutcome(rng, org, createdMs, "automation", additions + deletions, traits);
  const commitMs = createdMs - rng.int(5, 60) * 1000;
  const commitAt = iso(commitMs);
  const commits: DatasetCommit[] = [
    {
      oid: rng.hex(40),
      message: bump.message,
      authorName: DEPENDABOT_IDENTITY.name,
      authorEmail: DEPENDABOT_IDENTITY.email,
      authorLogin: null,
      authoredDate: commitAt,
      committerName: "GitHub",
      committerEmail: "noreply@github.com",
      committedDate: commitAt,
    },
  ];
  const plan = planReviews(rng, ctx, ctx.reviewers("", repo, []), createdMs, outcome, "automation", traits);
  const pr = pullRequestRecord(
    repo,
    {
      title: bump.title,
      body: bump.body,
      author: ctx.actor(DEPENDABOT, "Bot"),
      headRefName: bump.branch,
      isDraft: false,
      createdMs,
      outcome,
      additions,
      deletions,
      changedFiles: rng.int(1, 2),
      commits,
      reviews: plan.reviews,
      updatedMs: updatedAt(rng, org, createdMs, commits, plan.reviews, outcome),
      labels: ["dependencies"],
    },
    ctx.text,
  );
  const gitAuthor = { ...DEPENDABOT_IDENTITY, login: null };
  return finishDraft(rng, {
    index,
    repo,
    pr,
    createdMs,
    outcome,
    authorship: "automation",
    traits,
    gitAuthor,
    merger: plan.approver ? identityOf(org, plan.approver) : gitAuthor,
    // Unapproved, it merged itself ("@dependabot merge").
    mergedBy: plan.approver ? ctx.actor(plan.approver, "User") : ctx.actor(DEPENDABOT, "Bot"),
    truth: {
      authorLogin: DEPENDABOT,
      authorType: "Bot",
      aiTools: [],
      initiatedBy: null,
      team: ctx.teamOf(DEPENDABOT, repo.full),
      aiReviewed: false,
      decoys: [],
    },
    plan,
  });
}

/**
 * A revert of `target`, opened at `createdMs` by its author or a teammate: title `Revert "<title>"`; its
 * commit message, body and branch name name the target's number and merge commit, so they are written
 * once those exist (see renderRevert).
 */
export function revertDraft(
  rng: Rng,
  ctx: DraftContext,
  target: PrDraft,
  createdMs: number,
  index: number,
): PrDraft {
  const { org } = ctx;
  const repo = target.repo;
  const targetAuthor = target.truth.initiatedBy ?? target.truth.authorLogin;
  const candidates = repo.team?.definition.members ?? org.members;
  const human =
    targetAuthor && org.humans.has(targetAuthor) && rng.chance(0.5) ? targetAuthor : rng.pick(candidates);
  const humanInfo = org.humans.get(human) as Human;
  const traits: TeamTraits = humanInfo.team ?? repo.team ?? NEUTRAL_TEAM_TRAITS;
  const additions = Math.max(1, target.pr.deletions);
  const deletions = target.pr.additions;
  let outcome: Outcome = { state: "OPEN", mergedMs: null, closedMs: null, doneMs: org.endMs };
  const mergedMs = createdMs + Math.round(Math.min(2 * DAY, rng.logNormal(1.5 * HOUR, 0.8)) / 1000) * 1000;
  if (mergedMs < org.endMs && rng.chance(0.94)) {
    outcome = { state: "MERGED", mergedMs, closedMs: mergedMs, doneMs: mergedMs };
  }
  const plan = planReviews(rng, ctx, ctx.reviewers(human, repo, [human]), createdMs, outcome, "unmarked", {
    ...traits,
    reviewSpeed: 0.2,
  });
  const commitAt = iso(createdMs - rng.int(1, 10) * MINUTE);
  const person = humanInfo.person;
  const commits: DatasetCommit[] = [
    {
      oid: rng.hex(40),
      message: "", // written by renderRevert: it quotes the target's merge commit
      authorName: person.name,
      authorEmail: person.email,
      authorLogin: person.login,
      authoredDate: commitAt,
      committerName: person.name,
      committerEmail: person.email,
      committedDate: commitAt,
    },
  ];
  const pr = pullRequestRecord(
    repo,
    {
      title: `Revert "${target.pr.title}"`,
      body: "",
      author: ctx.actor(human, "User"),
      headRefName: "revert", // written by renderRevert: revert-<number>-<branch>
      isDraft: false,
      createdMs,
      outcome,
      additions,
      deletions,
      changedFiles: target.pr.changedFiles,
      commits,
      reviews: plan.reviews,
      updatedMs: updatedAt(rng, org, createdMs, commits, plan.reviews, outcome),
    },
    ctx.text,
  );
  const gitAuthor = { name: person.name, email: person.email, login: person.login };
  const draft = finishDraft(rng, {
    index,
    repo,
    pr,
    createdMs,
    outcome,
    authorship: "unmarked",
    traits,
    gitAuthor,
    merger: gitAuthor,
    mergedBy: ctx.actor(human, "User"),
    truth: {
      authorLogin: human,
      authorType: "User",
      aiTools: [],
      initiatedBy: null,
      team: ctx.teamOf(human, repo.full),
      aiReviewed: false,
      decoys: lookAlikeDecoys(human),
    },
    plan,
  });
  draft.defective = false;
  draft.revertDelayMs = null;
  draft.revertOf = target;
  draft.revertStyle = rng.chance(0.6) ? "button" : "cli";
  return draft;
}

/** Writes what a revert says once numbers and oids exist: commit message, body, branch name. */
export function renderRevert(draft: PrDraft): void {
  const target = draft.revertOf;
  if (!target) return;
  const oid = target.pr.mergeCommitOid ?? target.pr.commits[target.pr.commits.length - 1]?.oid ?? "";
  const commit = draft.pr.commits[0];
  const subject = target.pr.mergeCommitOid ? target.mergeSubject() : target.pr.title;
  if (commit) commit.message = flat(`Revert "${subject}"\n\nThis reverts commit ${oid}.`);
  draft.pr.body = flat(
    draft.revertStyle === "button"
      ? `Reverts ${target.repo.full}#${target.pr.number}`
      : `This reverts commit ${oid}.\n\nBroke ${target.repo.name} after the last deploy; reverting while we look.`,
  );
  draft.pr.headRefName = flat(`revert-${target.pr.number}-${target.pr.headRefName}`);
}

interface DraftParts {
  index: number;
  repo: RepoShape;
  pr: DatasetPullRequest;
  createdMs: number;
  outcome: Outcome;
  authorship: Authorship;
  traits: TeamTraits;
  gitAuthor: GitIdentity;
  merger: GitIdentity;
  /** The account GitHub names as having merged it (GraphQL `mergedBy`), if it is merged. */
  mergedBy: DatasetActor;
  truth: Pick<
    TruthPullRequest,
    "authorLogin" | "authorType" | "aiTools" | "initiatedBy" | "team" | "aiReviewed" | "decoys"
  >;
  plan: ReviewPlan;
  /** The last READY_FOR_REVIEW event's time, if there is one. */
  readyAt?: string | null;
}

/** The hidden quality, the revert plan and the answer key's first fields. */
function finishDraft(rng: Rng, parts: DraftParts): PrDraft {
  const { pr, outcome, authorship, traits, plan } = parts;
  const merged = outcome.state === "MERGED";
  if (merged) pr.mergedBy = parts.mergedBy;
  const mergedBy = merged ? parts.mergedBy.login : null;
  const lines = pr.additions + pr.deletions;
  const sizeFactor = Math.min(2, Math.max(0.6, (lines / 100) ** 0.3));
  const defective =
    outcome.state === "MERGED" && rng.chance(DEFECT_RATE[authorship] * traits.defectRate * sizeFactor);
  const reverted = outcome.state === "MERGED" && rng.chance(defective ? 0.45 : 0.008);
  const revertDelayMs = reverted ? Math.min(10 * DAY, rng.logNormal(20 * HOUR, 1)) : null;
  let firstCommitMs = Number.POSITIVE_INFINITY;
  let firstCommitAt: string | null = null;
  for (const c of pr.commits) {
    const ms = Date.parse(c.authoredDate);
    if (ms < firstCommitMs) {
      firstCommitMs = ms;
      firstCommitAt = c.authoredDate;
    }
  }
  const firstReviewMs = plan.firstHumanMs;
  const commitsAfterFirstReview =
    firstReviewMs === null
      ? null
      : pr.commits.filter((c) => Date.parse(c.committedDate) > firstReviewMs).length;
  const truth: TruthPullRequest = {
    repository: parts.repo.full,
    number: 0,
    nodeId: "",
    ...parts.truth,
    authorship,
    state: pr.state,
    createdAt: pr.createdAt,
    mergedAt: pr.mergedAt,
    closedAt: pr.closedAt,
    firstCommitAt,
    readyForReviewAt: pr.isDraft ? null : (parts.readyAt ?? pr.createdAt),
    firstReviewAt: plan.firstHumanAt,
    approvedAt: plan.approvedAt,
    reviewRounds: plan.changesRequested,
    commitsAfterFirstReview,
    deploymentNumber: null,
    deployedAt: null,
    revertOf: null,
    revertedBy: null,
    revertedAt: null,
    incidents: [],
    defective,
    ciRuns: 0,
    ciFailures: 0,
    agentOpened: parts.truth.authorType === "Bot" && parts.truth.authorLogin === COPILOT_AGENT,
    mergedBy,
    independentApproval: merged ? plan.independentApprovals > 0 : null,
    selfMergedWithoutReview: merged
      ? authorship === "ai_authored" &&
        mergedBy !== null &&
        mergedBy === parts.truth.initiatedBy &&
        plan.independentReviews === 0
      : null,
    // Set by the CI generator, which knows the runs on the head commit and when they completed.
    mergedWithFailingCi: merged ? false : null,
  };
  return {
    index: parts.index,
    repo: parts.repo,
    pr,
    truth,
    createdMs: parts.createdMs,
    mergedMs: outcome.mergedMs,
    authorship,
    traits,
    gitAuthor: parts.gitAuthor,
    merger: parts.merger,
    defective,
    revertDelayMs,
    revertOf: null,
    revertedBy: null,
    revertStyle: "button",
    landing: -1,
    mergeSubject: () => pr.title,
  };
}

function lookAlikeDecoys(login: string): Decoy[] {
  if (login === LOOK_ALIKE_PEOPLE.claude) return ["human_named_claude"];
  if (login === LOOK_ALIKE_PEOPLE.devin) return ["human_named_devin"];
  return [];
}

function identityOf(org: OrgShape, login: string): GitIdentity {
  const person = org.humans.get(login)?.person;
  return person
    ? { name: person.name, email: person.email, login: person.login }
    : { name: login, email: noreplyEmail(login), login };
}

interface RecordParts {
  title: string;
  body: string;
  author: DatasetPullRequest["author"];
  headRefName: string;
  isDraft: boolean;
  createdMs: number;
  outcome: Outcome;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: DatasetCommit[];
  reviews: DatasetReview[];
  updatedMs: number;
  labels?: string[] | undefined;
  timelineEvents?: DatasetTimelineEvent[];
}

function pullRequestRecord(repo: RepoShape, p: RecordParts, text: DraftContext["text"]): DatasetPullRequest {
  const closedAt = p.outcome.closedMs !== null ? iso(p.outcome.closedMs) : null;
  const record: DatasetPullRequest = {
    repository: repo.full,
    number: 0,
    title: text(p.title),
    body: text(p.body),
    author: p.author,
    headRefName: text(p.headRefName),
    baseRefName: "main",
    state: p.outcome.state,
    isDraft: p.isDraft,
    createdAt: iso(p.createdMs),
    updatedAt: iso(p.updatedMs),
    closedAt,
    mergedAt: p.outcome.mergedMs !== null ? closedAt : null,
    additions: p.additions,
    deletions: p.deletions,
    changedFiles: p.changedFiles,
    mergeCommitOid: null,
    commits: p.commits,
    reviews: p.reviews,
  };
  if (p.labels && p.labels.length > 0) record.labels = p.labels;
  if (p.timelineEvents && p.timelineEvents.length > 0) record.timelineEvents = p.timelineEvents;
  return record;
}

/** A weekday-heavy day, at a working hour (UTC), strictly before `end`. */
function pickCreatedAt(rng: Rng, org: OrgShape): number {
  for (;;) {
    const day = org.pickDay(rng);
    const hour = Math.min(22, Math.max(6, 14 + rng.normal() * 2.5));
    const ms = org.startMs + day * DAY + Math.floor(hour * HOUR) + rng.int(0, 59) * 1000;
    if (ms < org.endMs) return Math.floor(ms / 1000) * 1000;
  }
}

function pickHuman(rng: Rng, ctx: DraftContext, team: TeamShape | undefined): string {
  const { org } = ctx;
  if (team) {
    const others = ctx.othersThan(team);
    const where = rng.weighted([
      ["own", 0.8],
      ["other", others.length > 0 ? 0.13 : 0],
      ["outsider", 0.07],
    ] as const);
    if (where === "own") return rng.pick(team.definition.members);
    if (where === "other") return rng.pick(others);
    return rng.pick(org.outsiders);
  }
  return rng.chance(0.75) ? rng.pick(org.members) : rng.pick(org.outsiders);
}

export interface Outcome {
  state: "OPEN" | "CLOSED" | "MERGED";
  mergedMs: number | null;
  closedMs: number | null;
  /** When work on the pull request stops: its close, or `end` while it is open. */
  doneMs: number;
}

/** Merged, closed or still open; time to merge is log-normal and grows with size; few merges on weekends. */
function decideOutcome(
  rng: Rng,
  org: OrgShape,
  createdMs: number,
  kind: Authorship,
  changedLines: number,
  traits: TeamTraits,
): Outcome {
  const model = OUTCOME_MODEL[kind];
  const draw = rng.float();
  const open: Outcome = { state: "OPEN", mergedMs: null, closedMs: null, doneMs: org.endMs };
  if (draw < model.merge) {
    const sizeFactor = Math.min(3, Math.max(0.5, (changedLines / 60) ** 0.25));
    const median = model.medianHours * sizeFactor * traits.reviewSpeed;
    const hours = Math.min(60 * 24, Math.max(0.1, rng.logNormal(median, 1.1)));
    let mergedMs = createdMs + Math.round((hours * HOUR) / 1000) * 1000;
    const weekday = new Date(mergedMs).getUTCDay();
    if ((weekday === 0 || weekday === 6) && rng.chance(0.7)) {
      const toMonday = (weekday === 6 ? 2 : 1) * DAY;
      const midnight = Math.floor(mergedMs / DAY) * DAY;
      mergedMs = midnight + toMonday + (9 + rng.float() * 3) * HOUR;
      mergedMs = Math.floor(mergedMs / 1000) * 1000;
    }
    if (mergedMs >= org.endMs) return open;
    return { state: "MERGED", mergedMs, closedMs: mergedMs, doneMs: mergedMs };
  }
  if (draw < model.merge + model.close) {
    const closedMs = createdMs + Math.round((rng.logNormal(48, 1) * HOUR) / 1000) * 1000;
    if (closedMs >= org.endMs) return open;
    return { state: "CLOSED", mergedMs: null, closedMs, doneMs: closedMs };
  }
  return open;
}

/** Last activity: commits, reviews, the close; sometimes a comment days after the close. */
function updatedAt(
  rng: Rng,
  org: OrgShape,
  createdMs: number,
  commits: DatasetCommit[],
  reviews: DatasetReview[],
  outcome: Outcome,
): number {
  let ms = createdMs;
  for (const c of commits) ms = Math.max(ms, Date.parse(c.committedDate));
  for (const r of reviews) if (r.submittedAt) ms = Math.max(ms, Date.parse(r.submittedAt));
  if (outcome.closedMs !== null) {
    ms = Math.max(ms, outcome.closedMs) + rng.int(5, 120) * 1000;
    if (rng.chance(0.08)) ms += Math.round(rng.logNormal(48, 1.2) * HOUR);
  } else {
    ms += rng.int(0, 600) * 1000;
  }
  return Math.floor(Math.min(ms, org.endMs - 1000) / 1000) * 1000;
}

function changedFiles(rng: Rng, lines: number): number {
  return Math.max(1, Math.min(80, Math.round(Math.sqrt(lines) / 2 + rng.float() * 2)));
}
