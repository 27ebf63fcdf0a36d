/**
 * The organisation `yardstick demo` simulates is big enough for a monthly review: its team × month cells
 * are checked here against the privacy floor from the generator's ground truth, in memory (no pipeline).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEMO_SHAPE, demoOrgOptions } from "../simulator/demo-org.ts";
import type { TruthPullRequest } from "../simulator/ground-truth.ts";
import { generateOrg } from "../simulator/org-generator.ts";

const ROOT = resolve(import.meta.dirname, "..");
const PRIVACY_FLOOR: number = parse(readFileSync(resolve(ROOT, "metrics.yaml"), "utf8")).definitions
  .privacy_floor;

/** "YYYY-MM" of the month `offset` months from the month of `at` (UTC). */
function monthOf(at: Date, offset: number): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
}

/** The person a pull request's group counts: whoever asked the agent, else a human author; bots are none. */
function personBehind(pr: TruthPullRequest): string | null {
  const login = pr.initiatedBy ?? (pr.authorType === "User" ? pr.authorLogin : null);
  return login?.toLowerCase() ?? null;
}

const isAi = (pr: TruthPullRequest) => pr.authorship === "ai_authored" || pr.authorship === "ai_assisted";

describe("the demo organisation", () => {
  const end = new Date("2026-12-02T00:00:00Z");
  const org = generateOrg(demoOrgOptions({ seed: 7, end })); // the demo's default seed
  const merged = org.truth.pullRequests.filter((pr) => pr.mergedAt !== null);
  /** The review's twelve months: the last complete month and the eleven before it, oldest first. */
  const months = Array.from({ length: 12 }, (_, i) => monthOf(end, i - 12));
  const cell = (team: string, month: string) =>
    merged.filter((pr) => pr.team === team && pr.mergedAt?.slice(0, 7) === month);
  const peopleIn = (prs: readonly TruthPullRequest[]) =>
    new Set(prs.map(personBehind).filter((p): p is string => p !== null));

  it("has at least six teams of at least six people, each owning repositories", () => {
    expect(org.teams.length).toBeGreaterThanOrEqual(6);
    for (const team of org.teams) {
      expect(team.members.length, team.name).toBeGreaterThanOrEqual(6);
      expect(team.repos.length, team.name).toBeGreaterThanOrEqual(DEMO_SHAPE.repositoriesPerTeam);
    }
    // Every pull request counts for a team of the configuration: no `unassigned` row in the review.
    expect(new Set(org.truth.pullRequests.map((pr) => pr.team))).toEqual(
      new Set(org.teams.map((t) => t.name)),
    );
  });

  it("spans the last complete month and the twelve before it, whole from their first day", () => {
    // Early in a month, at a month's turn and late in a month at midday: whole months whatever the end.
    for (const at of [end, new Date("2027-03-01T00:00:00Z"), new Date("2026-07-31T13:45:00Z")]) {
      const options = demoOrgOptions({ seed: 7, end: at });
      const startMs = at.getTime() - (options.days as number) * 86_400_000;
      expect(startMs).toBeLessThanOrEqual(Date.parse(`${monthOf(at, -13)}-01T00:00:00Z`));
    }
    expect(org.truth.start.slice(0, 7)).toBe(monthOf(end, -DEMO_SHAPE.wholeMonths));
    expect(merged.some((pr) => pr.mergedAt?.startsWith(monthOf(end, -13)))).toBe(true);
  });

  it("has at least six people merging work in every team and month of the review", () => {
    for (const team of org.teams)
      for (const month of months)
        expect(peopleIn(cell(team.name, month)).size, `${team.name} ${month}`).toBeGreaterThanOrEqual(6);
  });

  it("withholds no more than a tenth of the review's team × month cells under the privacy floor", () => {
    const cells = org.teams.flatMap((team) => months.map((month) => peopleIn(cell(team.name, month)).size));
    const suppressed = cells.filter((people) => people >= 1 && people < PRIVACY_FLOOR);
    expect(cells).toHaveLength(org.teams.length * 12);
    expect(suppressed.length / cells.length).toBeLessThanOrEqual(0.1);
  });

  it("grows its AI share of merged pull requests from the first three months of the review to the last three", () => {
    const share = (prs: readonly TruthPullRequest[]) => prs.filter(isAi).length / prs.length;
    const within = (list: readonly string[], prs: readonly TruthPullRequest[]) =>
      prs.filter((pr) => list.includes(pr.mergedAt?.slice(0, 7) ?? ""));
    const [first, last] = [months.slice(0, 3), months.slice(-3)];
    expect(share(within(last, merged))).toBeGreaterThan(share(within(first, merged)) + 0.1);
    for (const team of org.teams) {
      const own = merged.filter((pr) => pr.team === team.name);
      expect(share(within(last, own)), team.name).toBeGreaterThan(share(within(first, own)));
    }
  });
});
