/**
 * A believable organisation from a seed: teams that work differently, repositories with their own merge
 * strategy, CI and deploy style, pull requests with a weekday rhythm and long-tailed durations, a mix of
 * authorship whose AI share grows over the window (AI co-author trailers, the Copilot coding agent,
 * Dependabot, unmarked work with look-alikes), default-branch history, CI runs, deployments to staging and
 * production, reverts, incidents and everyday issues — with a ground truth that says what each thing
 * really is and how they link. Same seed and options, same organisation, on any machine (no Math.random,
 * no clock). The steps live in simulator/generator/.
 *
 * @example
 *   const { dataset, truth, teams } = generateOrg({ seed: 7 });
 */
import { InputError } from "../core/errors.ts";
import type {
  Dataset,
  DatasetActor,
  DatasetBranchCommit,
  DatasetCheckSuite,
  DatasetCommitStatus,
  DatasetDeployment,
  DatasetIssue,
  DatasetOtherBranchCommit,
  DatasetPullRequest,
  DatasetRepository,
} from "./dataset.ts";
import {
  buildOrgShape,
  type OrgShape,
  positiveInt,
  type RepoShape,
  type TeamShape,
} from "./generator/org-shape.ts";
import { type DraftContext, draftPullRequest, type PrDraft } from "./generator/pull-requests.ts";
import { generateRepositoryActivity } from "./generator/repository-activity.ts";
import { planReverts } from "./generator/reverts.ts";
import { flat, iso, withInternedTimestamps } from "./generator/time.ts";
import type { GeneratedOrg, GroundTruth, TruthPullRequest } from "./ground-truth.ts";
import { teamFor } from "./ground-truth.ts";
import { createRng, type Rng } from "./prng.ts";

export interface GenerateOrgOptions {
  /** Any integer; default 1. */
  seed?: number;
  /** Number of teams (default 2; for more than 10 repositories, one team per 20 repositories). */
  teams?: number;
  /** Number of repositories (default 3); the last one belongs to no team unless `everyRepositoryOwned`. */
  repositories?: number;
  /** Number of pull requests (default 200), reverts included. */
  pullRequests?: number;
  /** Days of history before `end` (default 90). */
  days?: number;
  /** "Now" for the organisation: nothing happens after it. Fixed by default so a seed means one org. */
  end?: Date;
  /** Organisation login (default "acme"). */
  organization?: string;
  /**
   * Smaller texts for very large organisations: squash and merge commits on the default branch keep their
   * subject line and trailers only. Everything else (and every AI marker) is the same.
   */
  lite?: boolean;
  /** People per team, drawn between the two (default 5–7). */
  teamSize?: readonly [number, number];
  /** Repository names in order (default a fixed list of eight, then service-N). */
  repositoryNames?: readonly string[];
  /**
   * Every repository has a team (default false: the last one has none, so work on it by people outside
   * every team is `unassigned`).
   */
  everyRepositoryOwned?: boolean;
  /**
   * Record deployments the ways teams do (default false: every repository uses the Deployments API only):
   * by turns, repository 0, 3, 6… through the Deployments API only, 1, 4, 7… through the Actions workflow
   * "Deploy" only, 2, 5, 8… through both (the run creates the Deployment). See DeployVia. Everything else
   * the seed makes stays the same, except that a workflow-only repository never deploys from a branch.
   */
  workflowDeployments?: boolean;
}

export { COPILOT_AGENT, COPILOT_REVIEWER, DEPENDABOT } from "./generator/pull-requests.ts";
export { iso } from "./generator/time.ts";
export type {
  GeneratedOrg,
  GroundTruth,
  TeamDefinition,
  TruthDeployment,
  TruthIncident,
  TruthPullRequest,
  TruthRepository,
} from "./ground-truth.ts";

export const DEFAULT_END = new Date("2026-11-01T00:00:00Z");

/** Generates an organisation; see the module comment. */
export function generateOrg(options: GenerateOrgOptions = {}): GeneratedOrg {
  const seed = options.seed ?? 1;
  const repoCount = positiveInt(options.repositories ?? 3, "repositories", 1);
  const teamCount = positiveInt(
    options.teams ?? (repoCount <= 10 ? 2 : Math.ceil(repoCount / 20)),
    "teams",
    1,
  );
  const prCount = positiveInt(options.pullRequests ?? 200, "pullRequests", 0);
  const days = positiveInt(options.days ?? 90, "days", 1);
  const end = options.end ?? DEFAULT_END;
  if (Number.isNaN(end.getTime())) throw new InputError("generateOrg: end is not a valid date");
  const teamSize = options.teamSize;
  if (teamSize) {
    const min = positiveInt(teamSize[0], "teamSize[0]", 1);
    positiveInt(teamSize[1], "teamSize[1]", min);
  }
  const rng = createRng(seed);
  const org = buildOrgShape(rng, options.organization ?? "acme", teamCount, repoCount, days, end, {
    teamSize,
    repositoryNames: options.repositoryNames,
    everyRepositoryOwned: options.everyRepositoryOwned ?? false,
  });
  if (options.workflowDeployments) {
    const ways = ["deployments_api", "workflow", "both"] as const;
    for (const repo of org.repos) repo.deployVia = ways[repo.index % 3] as (typeof ways)[number];
  }
  const generate = () => generateActivity(rng, org, prCount, options.lite ?? false);
  return prCount >= INTERN_TIMESTAMPS_FROM ? withInternedTimestamps(generate) : generate();
}

/**
 * From this many pull requests on, timestamps are shared strings (see withInternedTimestamps) and records
 * share identical actor objects: nobody edits such an organisation by hand, and it saves gigabytes.
 */
const INTERN_TIMESTAMPS_FROM = 20_000;

function generateActivity(rng: Rng, org: OrgShape, prCount: number, lite: boolean): GeneratedOrg {
  const shareObjects = prCount >= INTERN_TIMESTAMPS_FROM;
  const ctx = draftContext(org, shareObjects);
  const drafts: PrDraft[] = new Array(prCount);
  for (let i = 0; i < prCount; i++) drafts[i] = draftPullRequest(rng.fork(`pr:${i}`), ctx, i);
  planReverts(rng.fork("reverts"), ctx, drafts);

  // Keep only what the dataset and the answer key need from each draft, so that a repository's drafts
  // are garbage once it is generated (a large organisation would otherwise hold them all to the end).
  const byRepo: PrDraft[][] = org.repos.map(() => []);
  for (const draft of drafts) (byRepo[draft.repo.index] as PrDraft[]).push(draft);
  const createdMs = drafts.map((d) => d.createdMs);
  const order = drafts
    .map((d) => d.index)
    .sort((a, b) => (createdMs[a] as number) - (createdMs[b] as number) || a - b);
  const records = drafts.map((d) => d.pr);
  const answers = drafts.map((d) => d.truth);
  drafts.length = 0;

  const repositories: DatasetRepository[] = [];
  const defaultBranchCommits: DatasetBranchCommit[] = [];
  const otherBranchCommits: DatasetOtherBranchCommit[] = [];
  const checkSuites: DatasetCheckSuite[] = [];
  const commitStatuses: DatasetCommitStatus[] = [];
  const deployments: DatasetDeployment[] = [];
  const issues: DatasetIssue[] = [];
  const truth: GroundTruth = {
    start: iso(org.startMs),
    end: iso(org.endMs),
    repositories: [],
    pullRequests: [],
    deployments: [],
    incidents: [],
  };
  for (const repo of org.repos) {
    const own = byRepo[repo.index] as PrDraft[];
    byRepo[repo.index] = [];
    const activity = generateRepositoryActivity(rng.fork(`activity:${repo.index}`), org, repo, own, {
      lite,
      shareObjects,
    });
    repositories.push(activity.repository);
    append(defaultBranchCommits, activity.defaultBranchCommits);
    append(otherBranchCommits, activity.otherBranchCommits);
    append(checkSuites, activity.checkSuites);
    append(commitStatuses, activity.commitStatuses);
    append(deployments, activity.deployments);
    append(issues, activity.issues);
    truth.repositories.push(activity.truth.repository);
    append(truth.deployments, activity.truth.deployments);
    append(truth.incidents, activity.truth.incidents);
  }
  const dataset: Dataset = {
    organizations: [{ login: org.login }],
    repositories,
    pullRequests: order.map((i) => records[i] as DatasetPullRequest),
    defaultBranchCommits,
    otherBranchCommits,
    checkSuites,
    commitStatuses,
    deployments,
    issues,
  };
  truth.pullRequests = order.map((i) => answers[i] as TruthPullRequest);
  return { dataset, truth, teams: org.teams.map((t) => t.definition) };
}

/** Appends without spreading: `push(...items)` overflows the stack for large arrays. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** Lookups every draft needs, computed once per person, team and repository. */
function draftContext(org: OrgShape, shareActors: boolean): DraftContext {
  const teamDefinitions = org.teams.map((t) => t.definition);
  const teams = new Map<string, string>();
  const pools = new Map<string, string[]>();
  const others = new Map<TeamShape, string[]>();
  const actors = new Map<string, DatasetActor>();
  const memberOfSomeTeam = new Set(org.members.map((m) => m.toLowerCase()));
  const texts = new Map<string, string>();
  return {
    org,
    text: (value) => {
      let canonical = texts.get(value);
      if (canonical === undefined) {
        canonical = flat(value);
        texts.set(canonical, canonical);
      }
      return canonical;
    },
    actor: (login, type) => {
      if (!shareActors) return { login, type };
      const key = `${type}:${login}`;
      let actor = actors.get(key);
      if (!actor) {
        actor = { login, type };
        actors.set(key, actor);
      }
      return actor;
    },
    teamOf: (person, repository) => {
      // Only people outside every team take their repository's team: cache by person, else by repository.
      const key =
        person !== null && memberOfSomeTeam.has(person.toLowerCase())
          ? `p:${person}`
          : `r:${person === null ? "" : "?"}${repository}`;
      let team = teams.get(key);
      if (team === undefined) {
        team = teamFor(person, repository, teamDefinitions);
        teams.set(key, team);
      }
      return team;
    },
    reviewers: (author: string, repo: RepoShape, exclude: readonly string[]) => {
      // Teammates first, else the repository's team, else anyone in a team.
      const own = author !== "" && memberOfSomeTeam.has(author.toLowerCase());
      const key = `${own ? `a:${author}` : `t:${repo.team?.definition.name ?? ""}`}\u0000${exclude.join(",")}`;
      let pool = pools.get(key);
      if (!pool) {
        const without = (list: string[]) => [...new Set(list)].filter((m) => !exclude.includes(m));
        const ownTeams = own ? teamDefinitions.filter((t) => t.members.includes(author)) : [];
        pool = without(ownTeams.flatMap((t) => t.members));
        if (pool.length === 0) pool = without(repo.team?.definition.members ?? []);
        if (pool.length === 0) pool = without(org.members);
        pools.set(key, pool);
      }
      return pool;
    },
    othersThan: (team: TeamShape) => {
      let list = others.get(team);
      if (!list) {
        list = org.members.filter((m) => !team.definition.members.includes(m));
        others.set(team, list);
      }
      return list;
    },
  };
}
