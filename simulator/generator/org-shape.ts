/**
 * The shape of a generated organisation before any activity: teams and how they differ (AI adoption,
 * review speed, defect rate, CI failure), people, repositories and how each one works (merge strategy,
 * CI workflow, deploy style, a legacy Jenkins), and the weekday rhythm of the window. Everything later is
 * drawn against this shape.
 */
import { InputError } from "../../core/errors.ts";
import type { AiTool, DeployStyle, DeployVia, MergeStrategy, TeamDefinition } from "../ground-truth.ts";
import { FIRST_NAMES, LAST_NAMES, LOOK_ALIKE_PEOPLE, loginFor, type Person, personFor } from "../people.ts";
import type { Rng } from "../prng.ts";
import { DAY, floorSecond } from "./time.ts";

export const TEAM_NAMES = ["platform", "payments", "mobile", "search", "growth", "identity", "data", "infra"];
export const REPO_NAMES = [
  "api-gateway",
  "web-app",
  "billing-service",
  "mobile-app",
  "search-indexer",
  "auth-service",
  "data-pipeline",
  "infra-tools",
];
export const TOOLS: readonly (readonly [AiTool, number])[] = [
  ["claude_code", 0.45],
  ["cursor", 0.3],
  ["codex", 0.1],
  ["copilot", 0.15],
];

/** How a team works, as multipliers around 1 (the organisation's average). */
export interface TeamShape {
  definition: TeamDefinition;
  /** Uptake of AI tools and agents. */
  aiAdoption: number;
  /** Waiting for review and merging: above 1 is slower. */
  reviewSpeed: number;
  /** Share of changes that break production (incidents, reverts). */
  defectRate: number;
  /** Share of CI runs that fail. */
  ciFailure: number;
}

/** A CI job (check run); jobs sharing a `matrix` are legs of one matrix, cancelled together on failure. */
export interface CiJob {
  name: string;
  medianMs: number;
  /** Relative chance that this job is the one that fails when a run fails. */
  failWeight: number;
  matrix?: string;
}

export interface RepoShape {
  index: number;
  /** "owner/name" */
  full: string;
  owner: string;
  name: string;
  team: TeamShape | undefined;
  /** Relative share of the organisation's pull requests. */
  weight: number;
  createdMs: number;
  mergeStrategy: MergeStrategy;
  deployStyle: DeployStyle;
  ciJobs: CiJob[];
  /** This repository also reports a Jenkins build as legacy commit statuses. */
  legacyStatuses: boolean;
  /** How much wait a production deployment has for its approval gate (median). */
  approvalWaitMs: number;
  /** How its deployments are recorded (the Deployments API unless the organisation asks for workflows). */
  deployVia: DeployVia;
}

export interface Human {
  person: Person;
  /** How much more (or less) than average this person uses AI tools. */
  aiAffinity: number;
  favouriteTool: AiTool;
  /** First team the person is in (their traits), if any. */
  team: TeamShape | undefined;
}

export interface OrgShape {
  login: string;
  teams: TeamShape[];
  humans: Map<string, Human>;
  outsiders: string[];
  repos: RepoShape[];
  /** Every team member, once. */
  members: string[];
  startMs: number;
  endMs: number;
  /** Weight of each day of the window for opening a pull request. */
  dayWeights: (readonly [number, number])[];
  /** A day of the window by weight (weekday rhythm, slow growth). */
  pickDay: (rng: Rng) => number;
  /** A repository by its share of the pull requests. */
  pickRepo: (rng: Rng) => RepoShape;
}

/**
 * `rng.weighted` for a fixed, long list: cumulative weights and a binary search instead of a scan (the
 * same draw picks the same item).
 */
export function weightedPicker<T>(choices: readonly (readonly [T, number])[]): (rng: Rng) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const [, weight] of choices) {
    total += Math.max(0, weight);
    cumulative.push(total);
  }
  return (rng) => {
    const r = rng.float() * total;
    let lo = 0;
    let hi = choices.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return (choices[lo] as readonly [T, number])[0];
  };
}

/** The organisation's average team: what a repository without a team and an outsider work like. */
export const NEUTRAL_TEAM_TRAITS = { aiAdoption: 1, reviewSpeed: 1, defectRate: 1, ciFailure: 1 } as const;

export const CI_TEMPLATES: readonly CiJob[][] = [
  [
    { name: "lint", medianMs: 50_000, failWeight: 2 },
    { name: "typecheck", medianMs: 80_000, failWeight: 1 },
    { name: "test (node 20)", medianMs: 300_000, failWeight: 3, matrix: "test" },
    { name: "test (node 22)", medianMs: 310_000, failWeight: 3, matrix: "test" },
    { name: "build", medianMs: 180_000, failWeight: 1 },
  ],
  [
    { name: "lint", medianMs: 60_000, failWeight: 2 },
    { name: "test", medianMs: 240_000, failWeight: 5 },
    { name: "build", medianMs: 120_000, failWeight: 1 },
  ],
  [
    { name: "unit", medianMs: 180_000, failWeight: 3 },
    { name: "e2e (chromium)", medianMs: 660_000, failWeight: 3, matrix: "e2e" },
    { name: "e2e (firefox)", medianMs: 720_000, failWeight: 3, matrix: "e2e" },
    { name: "build", medianMs: 240_000, failWeight: 1 },
  ],
  [
    { name: "lint", medianMs: 40_000, failWeight: 1 },
    { name: "test (3.11)", medianMs: 360_000, failWeight: 3, matrix: "test" },
    { name: "test (3.12)", medianMs: 350_000, failWeight: 3, matrix: "test" },
    { name: "test (3.13)", medianMs: 370_000, failWeight: 3, matrix: "test" },
  ],
];

/** The CI template whose jobs have these names (how the evolver finds a repository's workflow again). */
export function ciJobsNamed(names: readonly string[]): CiJob[] {
  const key = names.join("\u0000");
  return (
    CI_TEMPLATES.find((jobs) => jobs.map((j) => j.name).join("\u0000") === key) ??
    names.map((name) => ({ name, medianMs: 180_000, failWeight: 1 }))
  );
}

const STRATEGIES: readonly MergeStrategy[] = ["squash", "merge", "rebase"];

/** What a caller may change about the shape beyond its sizes (the demo's organisation does). */
export interface ShapeOptions {
  /** People per team, drawn between the two (default 5–7). */
  teamSize?: readonly [number, number];
  /** Repository names in order (default REPO_NAMES, then service-N). */
  repositoryNames?: readonly string[];
  /** Every repository has a team (default: the last of two or more has none). */
  everyRepositoryOwned?: boolean;
}

/**
 * Builds the shape; `teamCount` teams of 5–7 people (or `teamSize`), `repoCount` repositories, the last
 * without a team (unless `everyRepositoryOwned`).
 */
export function buildOrgShape(
  rng: Rng,
  login: string,
  teamCount: number,
  repoCount: number,
  days: number,
  end: Date,
  options: ShapeOptions = {},
): OrgShape {
  const [minTeamSize, maxTeamSize] = options.teamSize ?? [5, 7];
  const repoNames = options.repositoryNames ?? REPO_NAMES;
  const peopleRng = rng.fork("people");
  const used = new Set<string>(Object.values(LOOK_ALIKE_PEOPLE));
  let overflow = 0;
  const newLogin = (): string => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const candidate = loginFor(peopleRng.pick(FIRST_NAMES), peopleRng.pick(LAST_NAMES));
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
    // Large organisations run out of name pairs: namesakes get a number, as they do on GitHub.
    for (;;) {
      overflow++;
      const candidate = `${loginFor(peopleRng.pick(FIRST_NAMES), peopleRng.pick(LAST_NAMES))}${overflow}`;
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  };
  const definitions: TeamDefinition[] = Array.from({ length: teamCount }, (_, t) => ({
    name: TEAM_NAMES[t] ?? `team-${t + 1}`,
    members: Array.from({ length: peopleRng.int(minTeamSize, maxTeamSize) }, newLogin),
    repos: [],
  }));
  const first = definitions[0] as TeamDefinition;
  const second = definitions[1 % teamCount] as TeamDefinition;
  first.members[first.members.length - 1] = LOOK_ALIKE_PEOPLE.claude;
  second.members.push(LOOK_ALIKE_PEOPLE.devin);
  // One person in two teams, to exercise the "alphabetically first team" rule.
  if (teamCount >= 2) first.members.push(second.members[0] as string);
  const outsiders = [newLogin(), newLogin()];

  const traitRng = rng.fork("team-traits");
  const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
  const teams: TeamShape[] = definitions.map((definition) => ({
    definition,
    aiAdoption: clamp(traitRng.logNormal(1, 0.45), 0.35, 2.2),
    reviewSpeed: clamp(traitRng.logNormal(1, 0.35), 0.5, 2),
    defectRate: clamp(traitRng.logNormal(1, 0.35), 0.5, 2),
    ciFailure: clamp(traitRng.logNormal(1, 0.3), 0.6, 1.7),
  }));
  const teamOfMember = new Map<string, TeamShape>();
  for (const team of teams)
    for (const m of team.definition.members) if (!teamOfMember.has(m)) teamOfMember.set(m, team);

  const humans = new Map<string, Human>();
  for (const person of [...new Set([...definitions.flatMap((t) => t.members), ...outsiders])]) {
    humans.set(person, {
      person: personFor(person, login),
      aiAffinity: Math.min(3, Math.max(0.1, peopleRng.logNormal(1, 0.6))),
      favouriteTool: peopleRng.weighted(TOOLS),
      team: teamOfMember.get(person),
    });
  }

  const endMs = floorSecond(end.getTime());
  const startMs = endMs - days * DAY;
  const repoRng = rng.fork("repos");
  // The first three repositories show the three merge strategies, in an order the seed decides.
  const firstStrategies = repoRng.shuffle(STRATEGIES);
  const legacyIndex = repoCount - 1;
  const repos: RepoShape[] = Array.from({ length: repoCount }, (_, i) => {
    const own = repoRng.fork(`repo:${i}`);
    const name = repoNames[i] ?? `service-${i + 1}`;
    const full = `${login}/${name}`;
    const teamless = !options.everyRepositoryOwned && repoCount >= 2 && i === repoCount - 1;
    const team = teamless ? undefined : teams[i % teamCount];
    team?.definition.repos.push(full);
    const mergeStrategy =
      firstStrategies[i] ??
      own.weighted([
        ["squash", 0.55],
        ["merge", 0.3],
        ["rebase", 0.15],
      ] as const);
    return {
      index: i,
      full,
      owner: login,
      name,
      team,
      weight: (0.6 + repoRng.float() * 0.8) * (teamless ? 0.6 : 1),
      createdMs: startMs - own.int(300, 2500) * DAY,
      mergeStrategy,
      deployStyle: own.chance(0.7) ? "continuous" : "train",
      ciJobs: own.pick(CI_TEMPLATES),
      legacyStatuses: i === legacyIndex,
      approvalWaitMs: own.chance(0.3) ? own.int(10, 40) * 60_000 : own.int(1, 4) * 60_000,
      deployVia: "deployments_api",
    };
  });
  const dayWeights = Array.from({ length: days }, (_, d) => {
    const weekday = new Date(startMs + d * DAY).getUTCDay();
    const rhythm = weekday === 0 ? 0.08 : weekday === 6 ? 0.12 : 1;
    return [d, rhythm * (1 + (0.3 * d) / days)] as const; // activity grows a little over the window
  });
  const members = [...new Set(definitions.flatMap((t) => t.members))];
  return {
    login,
    teams,
    humans,
    outsiders,
    repos,
    members,
    startMs,
    endMs,
    dayWeights,
    pickDay: weightedPicker(dayWeights),
    pickRepo: weightedPicker(repos.map((r) => [r, r.weight] as const)),
  };
}

export function positiveInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InputError(`generateOrg: ${name} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}
