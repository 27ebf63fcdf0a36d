/**
 * Do the comparison intervals keep their promise with few repositories? Simulated organisations with no true
 * difference between AI and unmarked work: each repository has its own level (a shift of its log-durations and
 * a rate of its own drawn from a Beta), its own number of pull requests and its own share of AI work, so pull
 * requests of one repository move together as real ones do. A 95% interval should then cover zero in about 95%
 * of trials: 93–97% over 1,000 seeded trials, at the repository floor, at 8 and at 20 repositories. Below the
 * floor, and with one repository on a side, there must be no interval at all.
 *
 * The months come from the `main` design of bench/comparison-coverage.bench.ts (its own generator, not the
 * module's; `npm run bench -- comparison-coverage` runs the other designs), seeded trial by trial, so the figures
 * are the same on every run; docs/metrics.md prints them.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  coverageRun,
  DESIGNS,
  mulberry32,
  type StatisticName,
  simulateMonth,
  type Tally,
} from "../bench/comparison-coverage.bench.ts";
import {
  type ClusteredCounts,
  type ClusteredSample,
  clusteredDifference,
  clusteredRateDifference,
  REPOSITORY_FLOOR,
} from "../metrics/comparison-stats.ts";

const TRIALS = 1000;
const NAMES = ["median", "average", "rate"] as const satisfies readonly StatisticName[];
type Name = (typeof NAMES)[number];
const KIND: Record<Name, keyof typeof REPOSITORY_FLOOR> = {
  median: "quantile",
  average: "mean",
  rate: "rate",
};

// Each simulation runs once however many tests read it (the docs check reads them all).
const runs = new Map<string, Tally>();
function tallyOf(name: Name, repositories: number, floor?: number): Tally {
  const key = `${name}|${repositories}|${floor ?? "documented"}`;
  let tally = runs.get(key);
  if (!tally) {
    tally = coverageRun(DESIGNS.main!, name, repositories, TRIALS, floor);
    runs.set(key, tally);
  }
  return tally;
}

const coverage = (t: Tally) => t.covered / t.intervals;
const floorOf = (name: Name) => REPOSITORY_FLOOR[KIND[name]];

describe("95% intervals with no true difference between the classes", () => {
  for (const name of NAMES) {
    for (const repositories of [floorOf(name), 8, 20]) {
      it(`cover zero in 93–97% of 1,000 trials for the ${name} at ${repositories} repositories`, () => {
        const tally = tallyOf(name, repositories);
        // Nearly every trial gives an interval (a side can lack a second repository by chance).
        expect(tally.intervals).toBeGreaterThan(0.9 * TRIALS);
        expect(coverage(tally)).toBeGreaterThanOrEqual(0.93);
        expect(coverage(tally)).toBeLessThanOrEqual(0.97);
      });
    }

    it(`give no interval for the ${name} below the floor of ${floorOf(name)} repositories`, () => {
      const tally = tallyOf(name, floorOf(name) - 1);
      expect(tally.intervals).toBe(0);
      expect(tally.tooFew).toBeGreaterThan(0.9 * TRIALS);
    });
  }

  it("are the figures docs/metrics.md prints, with those just below the floor measured by lowering it", () => {
    const doc = readFileSync(join(resolve(import.meta.dirname, ".."), "docs", "metrics.md"), "utf8");
    const percent = (t: Tally) => `${(100 * coverage(t)).toFixed(1)}%`;
    const floors = new Set(NAMES.map(floorOf));
    expect(floors.size, "one floor for all three: the table has one row per number of repositories").toBe(1);
    const [floor] = floors;
    const rows = [floor! - 1, floor!, 8, 20].map((repositories) => {
      const lowered = repositories < floor! ? repositories : undefined;
      const cells = NAMES.map((name) => percent(tallyOf(name, repositories, lowered)));
      return `| ${repositories} | ${cells.join(" | ")} |`;
    });
    const missing = rows.filter((row) => !doc.includes(row));
    expect(missing, `the coverage table in docs/metrics.md should read:\n${rows.join("\n")}\n`).toEqual([]);
  });
});

describe("a side with one repository", () => {
  it("gets no interval however many repositories the other side has", () => {
    const { hours, counts } = simulateMonth(mulberry32(77), 20, DESIGNS.main!);
    const one = (s: ClusteredSample): ClusteredSample => ({
      values: s.values,
      clusters: s.values.map(() => "acme/solo"),
    });
    const oneCounts = (c: ClusteredCounts): ClusteredCounts => ({
      clusters: ["acme/solo"],
      successes: [c.successes.reduce((x, y) => x + y, 0)],
      trials: [c.trials.reduce((x, y) => x + y, 0)],
    });
    const results = [
      clusteredDifference(one(hours.a), hours.b, { kind: "quantile", p: 0.5 }),
      clusteredDifference(hours.a, one(hours.b), { kind: "mean" }),
      clusteredRateDifference(oneCounts(counts.a), counts.b),
    ];
    for (const result of results) {
      expect(result).toMatchObject({ low: null, high: null, reason: "too_few_repositories" });
      expect(Math.min(result!.repositories.a, result!.repositories.b)).toBe(1);
      expect(result!.repositories.all).toBeGreaterThanOrEqual(20);
    }
  });
});
