/**
 * The organisation `yardstick demo` simulates: big enough to read like a real monthly review (six teams of
 * seven to nine people, two repositories each, more than a year of whole months with AI adoption growing
 * through it), so that almost no team × month cell falls under the privacy floor. Tests build their own,
 * smaller organisations: this one costs a couple of minutes of pipeline.
 *
 * @example
 *   const { dataset, truth, teams } = generateOrg(demoOrgOptions({ seed: 7, end }));
 */
import { DAY } from "./generator/time.ts";
import type { GenerateOrgOptions } from "./org-generator.ts";

export const DEMO_SHAPE = {
  teams: 6,
  /** Drawn per team. Seven at least, so that a month in which one or two people merge nothing still shows. */
  teamSize: [7, 9] as const,
  repositoriesPerTeam: 2,
  /**
   * Whole calendar months before the month of `end`: the last complete month and the twelve before it, for
   * a year-on-year comparison, and one more at the start, whose first days lack the pull requests opened
   * before the window and merged in it.
   */
  wholeMonths: 14,
  /**
   * About five merged pull requests per person per month, bots and closed work on top. More would cost
   * time and points: a first extraction of this takes about two thirds of a token's hourly 5,000.
   */
  pullRequestsPerDay: 10,
} as const;

/** Named for what each team would own: repository i belongs to team i mod 6 (platform, payments, …). */
const DEMO_REPOSITORY_NAMES = [
  "api-gateway",
  "billing-service",
  "mobile-app",
  "search-indexer",
  "web-app",
  "auth-service",
  "infra-tools",
  "payments-ledger",
  "mobile-sdk",
  "search-ranking",
  "experiments",
  "user-directory",
];

/** Options for generateOrg: the demo's shape for a window that ends at `end`. */
export function demoOrgOptions(options: { seed: number; end: Date }): GenerateOrgOptions {
  const { end } = options;
  // The window opens on the first of a month, so every month in it but the one `end` falls in is whole.
  const startMs = Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - DEMO_SHAPE.wholeMonths, 1);
  const days = Math.ceil((end.getTime() - startMs) / DAY);
  const repositories = DEMO_SHAPE.teams * DEMO_SHAPE.repositoriesPerTeam;
  return {
    seed: options.seed,
    end,
    days,
    teams: DEMO_SHAPE.teams,
    teamSize: DEMO_SHAPE.teamSize,
    repositories,
    repositoryNames: DEMO_REPOSITORY_NAMES,
    // A repository without a team gives the review an `unassigned` row whose only people are the one or two
    // outside every team: suppressed in every month, it would be most of the review's suppressed cells.
    everyRepositoryOwned: true,
    pullRequests: Math.round(days * DEMO_SHAPE.pullRequestsPerDay),
  };
}
