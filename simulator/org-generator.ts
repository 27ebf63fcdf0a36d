/**
 * A believable organisation from a seed: teams, repositories and pull requests with a weekday rhythm,
 * long-tailed (log-normal) time to merge, abandoned and open pull requests, drafts, reviews by teammates,
 * commits that start before the pull request opens, and a mix of authorship — AI co-author trailers
 * (ai_assisted), the Copilot coding agent (ai_authored), Dependabot (automation) and unmarked work with
 * look-alikes (a human named Claude, "cursor" in a message). The ground truth says what each pull request
 * really is. Same seed and options, same organisation, on any machine (no Math.random, no clock).
 *
 * @example
 *   const { dataset, truth, teams } = generateOrg({ seed: 7 });
 */
import { InputError } from "../core/errors.ts";
import type {
  Dataset,
  DatasetCommit,
  DatasetPullRequest,
  DatasetRepository,
  DatasetReview,
} from "./dataset.ts";
import type {
  AiTool,
  Authorship,
  Decoy,
  GeneratedOrg,
  TeamDefinition,
  TruthPullRequest,
} from "./ground-truth.ts";
import { teamFor } from "./ground-truth.ts";
import { pullRequestNodeId } from "./node-ids.ts";
import {
  FIRST_NAMES,
  LAST_NAMES,
  LOOK_ALIKE_PEOPLE,
  loginFor,
  noreplyEmail,
  type Person,
  personFor,
} from "./people.ts";
import {
  aiBodyFooter,
  aiTrailer,
  copilotAgentBody,
  dependencyBump,
  FOLLOW_UP_MESSAGES,
  humanBody,
  slug,
  TOPICS,
  type Topic,
} from "./pr-content.ts";
import { createRng, type Rng } from "./prng.ts";

export interface GenerateOrgOptions {
  /** Any integer; default 1. */
  seed?: number;
  /** Number of teams (default 2). */
  teams?: number;
  /** Number of repositories (default 3); the last one belongs to no team. */
  repositories?: number;
  /** Number of pull requests (default 200). */
  pullRequests?: number;
  /** Days of history before `end` (default 90). */
  days?: number;
  /** "Now" for the organisation: nothing happens after it. Fixed by default so a seed means one org. */
  end?: Date;
  /** Organisation login (default "acme"). */
  organization?: string;
}

export type { GeneratedOrg, GroundTruth, TeamDefinition, TruthPullRequest } from "./ground-truth.ts";

export const DEFAULT_END = new Date("2026-11-01T00:00:00Z");

/** The Copilot coding agent's GraphQL login (REST shows it as "Copilot"). */
export const COPILOT_AGENT = "copilot-swe-agent";
export const COPILOT_REVIEWER = "copilot-pull-request-reviewer";
export const DEPENDABOT = "dependabot";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const TEAM_NAMES = ["platform", "payments", "mobile", "search", "growth", "identity", "data", "infra"];
const REPO_NAMES = [
  "api-gateway",
  "web-app",
  "billing-service",
  "mobile-app",
  "search-indexer",
  "auth-service",
  "data-pipeline",
  "infra-tools",
];
const TOOLS: readonly (readonly [AiTool, number])[] = [
  ["claude_code", 0.45],
  ["cursor", 0.3],
  ["codex", 0.1],
  ["copilot", 0.15],
];

interface Human {
  person: Person;
  /** How much more (or less) than average this person uses AI tools. */
  aiAffinity: number;
  favouriteTool: AiTool;
}

interface Org {
  login: string;
  teams: TeamDefinition[];
  humans: Map<string, Human>;
  outsiders: string[];
  repos: { full: string; team: TeamDefinition | undefined; weight: number }[];
  startMs: number;
  /** Weight of each day of the window for opening a pull request. */
  dayWeights: (readonly [number, number])[];
  /** Every team member, once. */
  members: string[];
  endMs: number;
}

/** Generates an organisation; see the module comment. */
export function generateOrg(options: GenerateOrgOptions = {}): GeneratedOrg {
  const seed = options.seed ?? 1;
  const teamCount = positiveInt(options.teams ?? 2, "teams", 1);
  const repoCount = positiveInt(options.repositories ?? 3, "repositories", 1);
  const prCount = positiveInt(options.pullRequests ?? 200, "pullRequests", 0);
  const days = positiveInt(options.days ?? 90, "days", 1);
  const end = options.end ?? DEFAULT_END;
  if (Number.isNaN(end.getTime())) throw new InputError("generateOrg: end is not a valid date");
  const rng = createRng(seed);
  const org = buildOrg(rng, options.organization ?? "acme", teamCount, repoCount, days, end);

  const drafts = Array.from({ length: prCount }, (_, i) => draftPullRequest(rng.fork(`pr:${i}`), org, i));
  const { pullRequests, truth } = numberPullRequests(rng.fork("numbers"), drafts, org);

  const repositories: DatasetRepository[] = org.repos.map((repo, i) => {
    const [owner = org.login, name = repo.full] = repo.full.split("/");
    const activity = pullRequests
      .filter((pr) => pr.repository === repo.full)
      .flatMap((pr) => [pr.mergedAt, ...pr.commits.map((c) => c.committedDate)])
      .filter((t): t is string => t !== null)
      .sort();
    const createdMs = org.startMs - rng.fork(`repo:${i}`).int(300, 2500) * DAY;
    return {
      owner,
      name,
      defaultBranch: "main",
      isArchived: false,
      pushedAt: activity[activity.length - 1] ?? iso(createdMs),
      createdAt: iso(createdMs),
    };
  });
  const dataset: Dataset = {
    organizations: [{ login: org.login }],
    repositories,
    pullRequests,
    defaultBranchCommits: [],
    checkSuites: [],
    commitStatuses: [],
    deployments: [],
    issues: [],
  };
  return { dataset, truth: { pullRequests: truth }, teams: org.teams };
}

function positiveInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(`generateOrg: ${name} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

function buildOrg(
  rng: Rng,
  login: string,
  teamCount: number,
  repoCount: number,
  days: number,
  end: Date,
): Org {
  const peopleRng = rng.fork("people");
  const used = new Set<string>(Object.values(LOOK_ALIKE_PEOPLE));
  const newLogin = (): string => {
    for (;;) {
      const candidate = loginFor(peopleRng.pick(FIRST_NAMES), peopleRng.pick(LAST_NAMES));
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
      if (used.size >= FIRST_NAMES.length * LAST_NAMES.length)
        throw new InputError("generateOrg: too many people for the name lists");
    }
  };
  const teams: TeamDefinition[] = Array.from({ length: teamCount }, (_, t) => ({
    name: TEAM_NAMES[t] ?? `team-${t + 1}`,
    members: Array.from({ length: peopleRng.int(5, 7) }, newLogin),
    repos: [],
  }));
  const first = teams[0] as TeamDefinition;
  const second = teams[1 % teamCount] as TeamDefinition;
  first.members[first.members.length - 1] = LOOK_ALIKE_PEOPLE.claude;
  second.members.push(LOOK_ALIKE_PEOPLE.devin);
  // One person in two teams, to exercise the "alphabetically first team" rule.
  if (teamCount >= 2) first.members.push(second.members[0] as string);
  const outsiders = [newLogin(), newLogin()];

  const humans = new Map<string, Human>();
  for (const person of [...new Set([...teams.flatMap((t) => t.members), ...outsiders])]) {
    humans.set(person, {
      person: personFor(person, login),
      aiAffinity: Math.min(3, Math.max(0.1, peopleRng.logNormal(1, 0.6))),
      favouriteTool: peopleRng.weighted(TOOLS),
    });
  }

  const repoRng = rng.fork("repos");
  const repos = Array.from({ length: repoCount }, (_, i) => {
    const full = `${login}/${REPO_NAMES[i] ?? `service-${i + 1}`}`;
    const teamless = repoCount >= 2 && i === repoCount - 1;
    const team = teamless ? undefined : teams[i % teamCount];
    team?.repos.push(full);
    return { full, team, weight: (0.6 + repoRng.float() * 0.8) * (teamless ? 0.6 : 1) };
  });
  const endMs = Math.floor(end.getTime() / 1000) * 1000;
  const startMs = endMs - days * DAY;
  const dayWeights = Array.from({ length: days }, (_, d) => {
    const weekday = new Date(startMs + d * DAY).getUTCDay();
    const rhythm = weekday === 0 ? 0.08 : weekday === 6 ? 0.12 : 1;
    return [d, rhythm * (1 + (0.3 * d) / days)] as const; // activity grows a little over the window
  });
  const members = [...new Set(teams.flatMap((t) => t.members))];
  return { login, teams, humans, outsiders, repos, startMs, endMs, dayWeights, members };
}

interface Draft {
  pr: Omit<DatasetPullRequest, "number">;
  truth: Omit<TruthPullRequest, "number" | "nodeId">;
  createdMs: number;
  index: number;
}

/** One pull request, before numbering. Each gets its own generator, so PR i is the same whatever N is. */
function draftPullRequest(rng: Rng, org: Org, index: number): Draft {
  const createdMs = pickCreatedAt(rng, org);
  const position = (createdMs - org.startMs) / (org.endMs - org.startMs);
  const repo = rng.weighted(org.repos.map((r) => [r, r.weight] as const));
  const kind = rng.weighted([
    ["automation", 0.07],
    ["ai_authored", 0.06],
    ["human", 0.87],
  ] as const);
  if (kind === "automation") return dependabotPullRequest(rng, org, repo.full, createdMs, index);

  const human = pickHuman(rng, org, repo.team);
  const humanInfo = org.humans.get(human) as Human;
  const topic = rng.pick(TOPICS);
  const agent = kind === "ai_authored";
  let tools: AiTool[] = [];
  if (agent) {
    tools = ["copilot_agent"];
  } else if (rng.chance(Math.min(0.85, (0.1 + 0.25 * position) * humanInfo.aiAffinity))) {
    const main = rng.chance(0.8) ? humanInfo.favouriteTool : rng.weighted(TOOLS);
    const second = rng.chance(0.06) ? rng.weighted(TOOLS.filter(([t]) => t !== main)) : undefined;
    tools = second ? [main, second] : [main];
  }
  const authorship: Authorship = agent ? "ai_authored" : tools.length > 0 ? "ai_assisted" : "unmarked";
  const decoys: Decoy[] = [];
  if (topic.decoy) decoys.push(topic.decoy);
  if (human === LOOK_ALIKE_PEOPLE.claude) decoys.push("human_named_claude");
  if (human === LOOK_ALIKE_PEOPLE.devin) decoys.push("human_named_devin");

  const size = agent ? 120 : tools.length > 0 ? 70 : 50;
  const additions = Math.min(5000, Math.max(1, Math.round(rng.logNormal(size, 1.2))));
  const deletions = Math.round(additions * rng.float() * 0.6);
  const outcome = decideOutcome(
    rng,
    org,
    createdMs,
    agent ? "ai_authored" : authorship,
    additions + deletions,
  );
  const isDraft = outcome.state === "OPEN" && rng.chance(agent ? 0.6 : 0.2);

  const commits = agent
    ? agentCommits(rng, human, topic, createdMs, outcome.doneMs)
    : humanCommits(rng, org, humanInfo.person, topic, tools, createdMs, outcome.doneMs, decoys);
  const reviewers = reviewerPool(org, repo.team, [human, agent ? COPILOT_AGENT : human]);
  const reviews = isDraft ? [] : generateReviews(rng, org, reviewers, createdMs, outcome);
  if (agent && !isDraft && outcome.doneMs - createdMs > HOUR && rng.chance(0.6)) {
    // The requester steers the agent with review comments; GitHub does not let them approve its PR.
    reviews.push({
      author: { login: human, type: "User" },
      state: "COMMENTED",
      submittedAt: iso(between(rng, createdMs + 20 * MINUTE, outcome.doneMs)),
    });
  }
  const aiReviewed = !isDraft && rng.chance(0.15) && createdMs + 15 * MINUTE < outcome.doneMs;
  if (aiReviewed) {
    reviews.push({
      author: { login: COPILOT_REVIEWER, type: "Bot" },
      state: "COMMENTED",
      submittedAt: iso(createdMs + rng.int(3, 15) * MINUTE),
    });
  }
  reviews.sort((a, b) => (a.submittedAt ?? "").localeCompare(b.submittedAt ?? ""));

  const title = agent && isDraft ? `[WIP] ${topic.title}` : topic.title;
  const body = agent
    ? copilotAgentBody(topic, rng)
    : humanBody(topic, rng) + tools.map((t) => aiBodyFooter(t, rng)).join("");
  const headRefName = agent
    ? `copilot/${slug(topic.title)}`
    : rng.chance(0.7)
      ? `${human}/${slug(topic.title)}`
      : `feature/${slug(topic.title)}`;
  const pr: Draft["pr"] = {
    repository: repo.full,
    title,
    body,
    author: agent ? { login: COPILOT_AGENT, type: "Bot" } : { login: human, type: "User" },
    headRefName,
    baseRefName: "main",
    state: outcome.state,
    isDraft,
    createdAt: iso(createdMs),
    updatedAt: iso(updatedAt(rng, org, createdMs, commits, reviews, outcome)),
    closedAt: outcome.closedMs !== null ? iso(outcome.closedMs) : null,
    mergedAt: outcome.mergedMs !== null ? iso(outcome.mergedMs) : null,
    additions,
    deletions,
    changedFiles: changedFiles(rng, additions + deletions),
    mergeCommitOid: outcome.mergedMs !== null ? rng.hex(40) : null,
    commits,
    reviews,
  };
  return {
    pr,
    createdMs,
    index,
    truth: {
      repository: repo.full,
      authorLogin: agent ? COPILOT_AGENT : human,
      authorType: agent ? "Bot" : "User",
      authorship,
      aiTools: tools,
      initiatedBy: agent ? human : null,
      team: teamFor(human, repo.full, org.teams),
      aiReviewed,
      decoys,
      state: outcome.state,
      createdAt: pr.createdAt,
      mergedAt: pr.mergedAt,
      closedAt: pr.closedAt,
    },
  };
}

function dependabotPullRequest(
  rng: Rng,
  org: Org,
  repository: string,
  createdMs: number,
  index: number,
): Draft {
  const bump = dependencyBump(rng);
  const additions = rng.int(2, 40);
  const deletions = rng.int(2, additions);
  const outcome = decideOutcome(rng, org, createdMs, "automation", additions + deletions);
  const commitMs = createdMs - rng.int(5, 60) * 1000;
  const commits: DatasetCommit[] = [
    {
      oid: rng.hex(40),
      message: bump.message,
      authorName: "dependabot[bot]",
      authorEmail: "49699333+dependabot[bot]@users.noreply.github.com",
      authorLogin: null,
      authoredDate: iso(commitMs),
      committerName: "GitHub",
      committerEmail: "noreply@github.com",
      committedDate: iso(commitMs),
    },
  ];
  const team = org.repos.find((r) => r.full === repository)?.team;
  const reviews = generateReviews(rng, org, reviewerPool(org, team, []), createdMs, outcome);
  const pr: Draft["pr"] = {
    repository,
    title: bump.title,
    body: bump.body,
    author: { login: DEPENDABOT, type: "Bot" },
    headRefName: bump.branch,
    baseRefName: "main",
    state: outcome.state,
    isDraft: false,
    createdAt: iso(createdMs),
    updatedAt: iso(updatedAt(rng, org, createdMs, commits, reviews, outcome)),
    closedAt: outcome.closedMs !== null ? iso(outcome.closedMs) : null,
    mergedAt: outcome.mergedMs !== null ? iso(outcome.mergedMs) : null,
    additions,
    deletions,
    changedFiles: rng.int(1, 2),
    mergeCommitOid: outcome.mergedMs !== null ? rng.hex(40) : null,
    commits,
    reviews,
  };
  return {
    pr,
    createdMs,
    index,
    truth: {
      repository,
      authorLogin: DEPENDABOT,
      authorType: "Bot",
      authorship: "automation",
      aiTools: [],
      initiatedBy: null,
      team: teamFor(DEPENDABOT, repository, org.teams),
      aiReviewed: false,
      decoys: [],
      state: outcome.state,
      createdAt: pr.createdAt,
      mergedAt: pr.mergedAt,
      closedAt: pr.closedAt,
    },
  };
}

/** A weekday-heavy day, at a working hour (UTC), strictly before `end`. */
function pickCreatedAt(rng: Rng, org: Org): number {
  for (;;) {
    const day = rng.weighted(org.dayWeights);
    const hour = Math.min(22, Math.max(6, 14 + rng.normal() * 2.5));
    const ms = org.startMs + day * DAY + Math.floor(hour * HOUR) + rng.int(0, 59) * 1000;
    if (ms < org.endMs) return Math.floor(ms / 1000) * 1000;
  }
}

function pickHuman(rng: Rng, org: Org, team: TeamDefinition | undefined): string {
  const everyone = org.members;
  if (team) {
    const others = everyone.filter((m) => !team.members.includes(m));
    const where = rng.weighted([
      ["own", 0.8],
      ["other", others.length > 0 ? 0.13 : 0],
      ["outsider", 0.07],
    ] as const);
    if (where === "own") return rng.pick(team.members);
    if (where === "other") return rng.pick(others);
    return rng.pick(org.outsiders);
  }
  return rng.chance(0.75) ? rng.pick(everyone) : rng.pick(org.outsiders);
}

interface Outcome {
  state: "OPEN" | "CLOSED" | "MERGED";
  mergedMs: number | null;
  closedMs: number | null;
  /** When work on the pull request stops: its close, or `end` while it is open. */
  doneMs: number;
}

const OUTCOME_MODEL: Record<Authorship, { merge: number; close: number; medianHours: number }> = {
  unmarked: { merge: 0.86, close: 0.08, medianHours: 20 },
  ai_assisted: { merge: 0.84, close: 0.09, medianHours: 16 },
  ai_authored: { merge: 0.55, close: 0.3, medianHours: 30 },
  automation: { merge: 0.8, close: 0.15, medianHours: 5 },
};

/** Merged, closed or still open; time to merge is log-normal and grows with size; few merges on weekends. */
function decideOutcome(
  rng: Rng,
  org: Org,
  createdMs: number,
  kind: Authorship,
  changedLines: number,
): Outcome {
  const model = OUTCOME_MODEL[kind];
  const draw = rng.float();
  const open: Outcome = { state: "OPEN", mergedMs: null, closedMs: null, doneMs: org.endMs };
  if (draw < model.merge) {
    const sizeFactor = Math.min(3, Math.max(0.5, (changedLines / 60) ** 0.25));
    const hours = Math.min(60 * 24, Math.max(0.1, rng.logNormal(model.medianHours * sizeFactor, 1.1)));
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

function humanCommits(
  rng: Rng,
  org: Org,
  author: Person,
  topic: Topic,
  tools: AiTool[],
  createdMs: number,
  doneMs: number,
  decoys: Decoy[],
): DatasetCommit[] {
  const count = 1 + Math.min(7, Math.floor(rng.logNormal(1.3, 0.8)));
  const after =
    count >= 2 && doneMs - createdMs > 2 * HOUR && rng.chance(0.35) ? rng.int(1, Math.min(2, count - 1)) : 0;
  const times = commitTimes(rng, createdMs, doneMs, count - after, after);
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
    return {
      oid: rng.hex(40),
      message: trailers.length > 0 ? `${headline}\n\n${trailers.join("\n")}` : headline,
      authorName: author.name,
      authorEmail: author.email,
      authorLogin: author.login,
      authoredDate: iso(ms),
      committerName: author.name,
      committerEmail: author.email,
      committedDate: iso(ms),
    };
  });
}

/** The Copilot agent's commits: "Initial plan", then work, each crediting the requester as co-author. */
function agentCommits(
  rng: Rng,
  requester: string,
  topic: Topic,
  createdMs: number,
  doneMs: number,
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
  return messages.map((headline, i) => {
    if (i > 0) ms = Math.min(doneMs - 1000, ms + rng.int(4, 25) * MINUTE);
    ms = Math.max(ms, planMs);
    return {
      oid: rng.hex(40),
      message: `${headline}\n\n${trailer}`,
      authorName: "copilot-swe-agent[bot]",
      authorEmail: "198982749+Copilot@users.noreply.github.com",
      authorLogin: null,
      authoredDate: iso(ms),
      committerName: "copilot-swe-agent[bot]",
      committerEmail: "198982749+Copilot@users.noreply.github.com",
      committedDate: iso(ms),
    };
  });
}

/** Commit times: `before` commits in the hours or days before the PR opened, `after` while it was open. */
function commitTimes(rng: Rng, createdMs: number, doneMs: number, before: number, after: number): number[] {
  const firstMs = createdMs - Math.round(Math.min(240, Math.max(0.1, rng.logNormal(5, 1.2))) * HOUR);
  const times: number[] = [];
  for (let i = 0; i < before; i++) times.push(i === 0 ? firstMs : between(rng, firstMs, createdMs - MINUTE));
  for (let i = 0; i < after; i++) times.push(between(rng, createdMs + 10 * MINUTE, doneMs - MINUTE));
  return times.map((t) => Math.floor(t / 1000) * 1000).sort((a, b) => a - b);
}

/** People who review for an author: their teammates, else the repository's team, else anyone. */
function reviewerPool(org: Org, repoTeam: TeamDefinition | undefined, exclude: string[]): string[] {
  const author = exclude[0];
  const ownTeams = org.teams.filter((t) => author !== undefined && t.members.includes(author));
  const candidates = [
    ownTeams.flatMap((t) => t.members),
    repoTeam?.members ?? [],
    org.teams.flatMap((t) => t.members),
  ].map((list) => [...new Set(list)].filter((m) => !exclude.includes(m)));
  return candidates.find((list) => list.length > 0) ?? [];
}

function generateReviews(
  rng: Rng,
  org: Org,
  reviewers: string[],
  createdMs: number,
  outcome: Outcome,
): DatasetReview[] {
  if (reviewers.length === 0) return [];
  const review = (login: string, state: DatasetReview["state"], ms: number): DatasetReview => ({
    author: { login, type: "User" },
    state,
    submittedAt: iso(Math.floor(ms / 1000) * 1000),
  });
  const span = outcome.doneMs - createdMs;
  if (outcome.state === "MERGED") {
    const count = rng.weighted([
      [1, 0.6],
      [2, 0.3],
      [3, 0.1],
    ] as const);
    const out: DatasetReview[] = [];
    let ms = createdMs + span * (0.15 + rng.float() * 0.45);
    for (let i = 0; i < count - 1; i++) {
      out.push(review(rng.pick(reviewers), rng.chance(0.3) ? "CHANGES_REQUESTED" : "COMMENTED", ms));
      ms = ms + (outcome.doneMs - ms) * (0.2 + rng.float() * 0.5);
    }
    const approvedMs = Math.max(ms, outcome.doneMs - Math.min(2 * HOUR, span * 0.1) * rng.float() - 1000);
    out.push(review(rng.pick(reviewers), "APPROVED", Math.min(approvedMs, outcome.doneMs - 1000)));
    return out;
  }
  const chance = outcome.state === "CLOSED" ? 0.5 : 0.4;
  if (span < 2 * HOUR || !rng.chance(chance)) return [];
  const ms = between(rng, createdMs + HOUR, Math.min(outcome.doneMs, org.endMs) - MINUTE);
  return [review(rng.pick(reviewers), rng.chance(0.4) ? "CHANGES_REQUESTED" : "COMMENTED", ms)];
}

/** Last activity: commits, reviews, the close; sometimes a comment days after the close. */
function updatedAt(
  rng: Rng,
  org: Org,
  createdMs: number,
  commits: DatasetCommit[],
  reviews: DatasetReview[],
  outcome: Outcome,
): number {
  const times = [
    createdMs,
    ...commits.map((c) => Date.parse(c.committedDate)),
    ...reviews.map((r) => (r.submittedAt ? Date.parse(r.submittedAt) : createdMs)),
  ];
  let ms = Math.max(...times);
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

/**
 * Numbers per repository in creation order, with gaps where issues took a number, and the final,
 * chronological order of the dataset.
 */
function numberPullRequests(
  rng: Rng,
  drafts: Draft[],
  org: Org,
): { pullRequests: DatasetPullRequest[]; truth: TruthPullRequest[] } {
  const ordered = [...drafts].sort((a, b) => a.createdMs - b.createdMs || a.index - b.index);
  const next = new Map(org.repos.map((r) => [r.full, rng.int(40, 900)]));
  const pullRequests: DatasetPullRequest[] = [];
  const truth: TruthPullRequest[] = [];
  for (const draft of ordered) {
    const number = next.get(draft.pr.repository) as number;
    next.set(draft.pr.repository, number + 1 + (rng.chance(0.35) ? rng.int(1, 3) : 0));
    const { repository, ...rest } = draft.pr;
    pullRequests.push({ repository, number, ...rest });
    truth.push({ ...draft.truth, number, nodeId: pullRequestNodeId(repository, number) });
  }
  return { pullRequests, truth };
}

function between(rng: Rng, fromMs: number, toMs: number): number {
  return toMs <= fromMs ? fromMs : fromMs + rng.float() * (toMs - fromMs);
}

/** ISO-8601 to the second with Z, as GitHub prints timestamps. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
