/**
 * Copilot usage of a generated organisation, day by day, as GitHub's Copilot metrics API reports it: who
 * holds a licence, who used Copilot on a day (active) and who used a feature (engaged: code completions or
 * chat in the IDE, chat or pull request summaries on github.com). Derived from the dataset alone, so a seed
 * (or a dataset file) means one answer:
 *
 * - the organisation's people are the humans who authored its pull requests, and the members of its teams;
 * - a person holds a licence with a fixed chance, drawn from their login;
 * - a licensed person who opened a pull request that day was active and used code completions; others are
 *   active on a working day (rarely at weekends) and use each feature with a chance drawn from login and day;
 * - a day on which fewer than five members of the organisation (or team) held a licence is withheld, as
 *   GitHub withholds it.
 *
 * The answer key of the Copilot tests, and what the simulator's REST routes serve.
 */
import type { Dataset } from "../dataset.ts";
import type { TeamDefinition } from "../ground-truth.ts";

/** GitHub withholds a day with fewer licensed members than this. */
export const COPILOT_MIN_LICENSED = 5;
const LICENCE_CHANCE = 0.85;

/** One day of one organisation or team, in the API's documented shape. */
export interface CopilotMetricsDay {
  date: string;
  total_active_users: number;
  total_engaged_users: number;
  copilot_ide_code_completions: {
    total_engaged_users: number;
    languages: { name: string; total_engaged_users: number }[];
    editors: CopilotEditor[];
  };
  copilot_ide_chat: { total_engaged_users: number; editors: CopilotEditor[] };
  copilot_dotcom_chat: { total_engaged_users: number; models: CopilotModel[] };
  copilot_dotcom_pull_requests: {
    total_engaged_users: number;
    repositories: { name: string; total_engaged_users: number; models: CopilotModel[] }[];
  };
}

interface CopilotModel {
  name: string;
  is_custom_model: boolean;
  custom_model_training_date: string | null;
  total_engaged_users: number;
}

interface CopilotEditor {
  name: string;
  total_engaged_users: number;
  models: CopilotModel[];
}

/** Who can appear in an organisation's (or a team's) figures, and who opened a pull request on which day. */
export interface CopilotPopulation {
  /** Organisation login → its people (logins, sorted). */
  organizations: Map<string, string[]>;
  /** Team slug → its members. */
  teams: Map<string, string[]>;
  /** `login|YYYY-MM-DD` of every pull request opened by a human. */
  openedPullRequest: Set<string>;
  /** Organisation login → its first repository's name (pull request summaries are shown there). */
  firstRepository: Map<string, string>;
}

/** A team's slug as GitHub makes it from its name. */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function copilotPopulation(
  dataset: Dataset,
  teams: readonly TeamDefinition[] = [],
): CopilotPopulation {
  const people = new Map<string, Set<string>>();
  for (const org of dataset.organizations) people.set(org.login, new Set());
  const firstRepository = new Map<string, string>();
  for (const repo of dataset.repositories)
    if (!firstRepository.has(repo.owner)) firstRepository.set(repo.owner, repo.name);
  const openedPullRequest = new Set<string>();
  for (const pr of dataset.pullRequests) {
    if (pr.author?.type !== "User") continue;
    const owner = pr.repository.split("/")[0] as string;
    people.get(owner)?.add(pr.author.login);
    openedPullRequest.add(`${pr.author.login}|${pr.createdAt.slice(0, 10)}`);
  }
  const teamMembers = new Map<string, string[]>();
  for (const team of teams) {
    teamMembers.set(slugOf(team.name), [...new Set(team.members)].sort());
    for (const set of people.values()) for (const member of team.members) set.add(member);
  }
  return {
    organizations: new Map([...people].map(([org, set]) => [org, [...set].sort()])),
    teams: teamMembers,
    openedPullRequest,
    firstRepository,
  };
}

/** A number in [0, 1) drawn from a text (FNV-1a, then a mix): the same text, the same number. */
function draw(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

export function holdsLicence(login: string): boolean {
  return draw(`licence|${login}`) < LICENCE_CHANCE;
}

/** What one person did with Copilot on one day (all false: not active). */
export function personDay(
  population: CopilotPopulation,
  login: string,
  date: string,
): { active: boolean; completions: boolean; ideChat: boolean; dotcomChat: boolean; pullRequests: boolean } {
  const none = { active: false, completions: false, ideChat: false, dotcomChat: false, pullRequests: false };
  if (!holdsLicence(login)) return none;
  const opened = population.openedPullRequest.has(`${login}|${date}`);
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const working = weekday >= 1 && weekday <= 5;
  const active = opened || draw(`active|${login}|${date}`) < (working ? 0.6 : 0.08);
  if (!active) return none;
  return {
    active,
    completions: opened || draw(`completions|${login}|${date}`) < 0.7,
    ideChat: draw(`ide_chat|${login}|${date}`) < 0.4,
    dotcomChat: draw(`dotcom_chat|${login}|${date}`) < 0.12,
    pullRequests: draw(`pull_requests|${login}|${date}`) < 0.08,
  };
}

const MODEL = (n: number): CopilotModel[] => [
  { name: "default", is_custom_model: false, custom_model_training_date: null, total_engaged_users: n },
];
const EDITORS = (n: number): CopilotEditor[] =>
  n === 0 ? [] : [{ name: "vscode", total_engaged_users: n, models: MODEL(n) }];

/**
 * The figures of one day for `members` (an organisation's people or a team's members), or null when GitHub
 * withholds the day (fewer than five of them hold a licence).
 */
export function copilotDay(
  population: CopilotPopulation,
  members: readonly string[],
  date: string,
  repository: string,
): CopilotMetricsDay | null {
  if (members.filter(holdsLicence).length < COPILOT_MIN_LICENSED) return null;
  let active = 0;
  let engaged = 0;
  let completions = 0;
  let ideChat = 0;
  let dotcomChat = 0;
  let pullRequests = 0;
  for (const login of members) {
    const day = personDay(population, login, date);
    if (!day.active) continue;
    active++;
    if (day.completions || day.ideChat || day.dotcomChat || day.pullRequests) engaged++;
    if (day.completions) completions++;
    if (day.ideChat) ideChat++;
    if (day.dotcomChat) dotcomChat++;
    if (day.pullRequests) pullRequests++;
  }
  return {
    date,
    total_active_users: active,
    total_engaged_users: engaged,
    copilot_ide_code_completions: {
      total_engaged_users: completions,
      languages: completions === 0 ? [] : [{ name: "typescript", total_engaged_users: completions }],
      editors: EDITORS(completions),
    },
    copilot_ide_chat: { total_engaged_users: ideChat, editors: EDITORS(ideChat) },
    copilot_dotcom_chat: {
      total_engaged_users: dotcomChat,
      models: dotcomChat === 0 ? [] : MODEL(dotcomChat),
    },
    copilot_dotcom_pull_requests: {
      total_engaged_users: pullRequests,
      repositories:
        pullRequests === 0
          ? []
          : [{ name: repository, total_engaged_users: pullRequests, models: MODEL(pullRequests) }],
    },
  };
}

/**
 * Every day from `from` to `to` (YYYY-MM-DD, both included) that GitHub would report for an organisation
 * (team null) or one of its teams; undefined when there is no such organisation or team.
 */
export function copilotDays(
  population: CopilotPopulation,
  organization: string,
  team: string | null,
  from: string,
  to: string,
): CopilotMetricsDay[] | undefined {
  const orgPeople = population.organizations.get(organization);
  if (!orgPeople) return undefined;
  const members = team === null ? orgPeople : population.teams.get(team);
  if (!members) return undefined;
  const repository = population.firstRepository.get(organization) ?? "unknown";
  const out: CopilotMetricsDay[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) {
    const day = copilotDay(population, members, new Date(ms).toISOString().slice(0, 10), repository);
    if (day) out.push(day);
  }
  return out;
}
