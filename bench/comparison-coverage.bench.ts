/**
 * `npm run bench -- comparison-coverage [designs|all] [trials] [repositories,…]`: how often the comparison
 * intervals of metrics/comparison-stats.ts cover zero when AI and unmarked work do not differ, over simulated
 * months with repositories of their own. Each design below varies one thing a real organisation varies; the
 * `main` design is the one tests/metrics-comparison-coverage.test.ts checks on every run and docs/metrics.md
 * prints. Coverage is measured with the repository floor lowered to 2, so the figures below the floor show why
 * it is where it is. Every trial is seeded: the figures are the same on every run.
 *
 * Example: `npm run bench -- comparison-coverage main,concentrated 1000 3,4,8,20`.
 */
import {
  type ClusteredCounts,
  type ClusteredDifference,
  type ClusteredSample,
  clusteredDifference,
  clusteredRateDifference,
} from "../metrics/comparison-stats.ts";
import type { Benchmark } from "./run.ts";

/** One simulated organisation's shape: per repository its size, AI share, level and rate; per pull request noise. */
export interface Design {
  description: string;
  /** Pull requests per repository: 2 + ⌊e^N(sizeMu, sizeSigma²)⌋. */
  sizeMu: number;
  sizeSigma: number;
  /** The repository's share of AI work ~ Beta(a, b). */
  aiShare: [number, number];
  /** The repository's level on the log scale of durations: N(0, levelSigma²), or levelSigma × t(levelT) when set. */
  levelSigma: number;
  levelT?: number;
  /** Spread of a pull request's log-duration within its repository. */
  noiseSigma: number;
  /** The repository's rate ~ Beta(a, b). */
  rate: [number, number];
}

export const DESIGNS: Readonly<Record<string, Design>> = {
  main: {
    description:
      "5–33 pull requests a repository (median 11), AI share Beta(2, 3), level sd 0.5, rate Beta(6, 3)",
    sizeMu: 2.3,
    sizeSigma: 0.7,
    aiShare: [2, 3],
    levelSigma: 0.5,
    noiseSigma: 1,
    rate: [6, 3],
  },
  strong: {
    description: "larger repositories (median 16 pull requests) with stronger levels (sd 0.8)",
    sizeMu: 2.7,
    sizeSigma: 0.7,
    aiShare: [2, 3],
    levelSigma: 0.8,
    noiseSigma: 1,
    rate: [7, 3],
  },
  concentrated: {
    description: "AI work concentrated in a few repositories (share Beta(0.4, 3), mean 0.12)",
    sizeMu: 2.7,
    sizeSigma: 0.7,
    aiShare: [0.4, 3],
    levelSigma: 0.8,
    noiseSigma: 1,
    rate: [7, 3],
  },
  rare: {
    description: "rare events (rate Beta(0.6, 12), mean 0.05)",
    sizeMu: 2.7,
    sizeSigma: 0.7,
    aiShare: [2, 3],
    levelSigma: 0.8,
    noiseSigma: 1,
    rate: [0.6, 12],
  },
  small: {
    description: "small repositories (median 4 pull requests)",
    sizeMu: 1,
    sizeSigma: 0.5,
    aiShare: [2, 3],
    levelSigma: 0.5,
    noiseSigma: 1,
    rate: [7, 3],
  },
  independent: {
    description: "small repositories whose pull requests do not move together at all (no level, one rate)",
    sizeMu: 1,
    sizeSigma: 0.5,
    aiShare: [2, 3],
    levelSigma: 0,
    noiseSigma: 1,
    rate: [700, 300],
  },
  modest: {
    description: "repositories of median 6 pull requests, strong levels, rate Beta(3, 2)",
    sizeMu: 1.5,
    sizeSigma: 0.6,
    aiShare: [2, 3],
    levelSigma: 0.8,
    noiseSigma: 1,
    rate: [3, 2],
  },
  dominant: {
    description: "repository levels dominate (sd 1.5 against 0.7 within), rate Beta(1.5, 1)",
    sizeMu: 2.7,
    sizeSigma: 0.7,
    aiShare: [2, 3],
    levelSigma: 1.5,
    noiseSigma: 0.7,
    rate: [1.5, 1],
  },
  heavy: {
    description: "heavy-tailed levels (t on 3 degrees of freedom) and very uneven repository sizes",
    sizeMu: 2.3,
    sizeSigma: 1.2,
    aiShare: [2, 3],
    levelSigma: 0.6,
    levelT: 3,
    noiseSigma: 1,
    rate: [3, 1.5],
  },
  "heavy-concentrated": {
    description: "heavy-tailed levels, very uneven sizes and AI work concentrated (share Beta(0.7, 3))",
    sizeMu: 2.3,
    sizeSigma: 1.2,
    aiShare: [0.7, 3],
    levelSigma: 0.6,
    levelT: 3,
    noiseSigma: 1,
    rate: [3, 1.5],
  },
};

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller. */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000). */
function gamma(random: () => number, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v ** 3;
    if (Math.log(random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(random: () => number, [a, b]: [number, number]): number {
  const x = gamma(random, a);
  return x / (x + gamma(random, b));
}

export interface SimulatedMonth {
  /** Hours per pull request with its repository, side a (AI) and side b (unmarked). */
  hours: { a: ClusteredSample; b: ClusteredSample };
  /** Events per repository, side a and side b (repositories without work of a side are left out of it). */
  counts: { a: ClusteredCounts; b: ClusteredCounts };
}

/**
 * One month of `repositories` repositories with no difference between the classes: a pull request's hours are
 * e^(1 + level + N(0, noise²)) and its event happens at the repository's rate, whatever its class.
 */
export function simulateMonth(random: () => number, repositories: number, design: Design): SimulatedMonth {
  const hours = {
    a: { values: [] as number[], clusters: [] as string[] },
    b: { values: [] as number[], clusters: [] as string[] },
  };
  const counts = {
    a: { clusters: [] as string[], successes: [] as number[], trials: [] as number[] },
    b: { clusters: [] as string[], successes: [] as number[], trials: [] as number[] },
  };
  for (let r = 0; r < repositories; r++) {
    const repository = `acme/repo-${r}`;
    const pullRequests = 2 + Math.floor(Math.exp(design.sizeMu + design.sizeSigma * normal(random)));
    const aiShare = beta(random, design.aiShare);
    const level =
      design.levelT === undefined
        ? design.levelSigma * normal(random)
        : (design.levelSigma * normal(random)) /
          Math.sqrt(gamma(random, design.levelT / 2) / (design.levelT / 2));
    const rate = beta(random, design.rate);
    const tally = { a: { successes: 0, trials: 0 }, b: { successes: 0, trials: 0 } };
    for (let i = 0; i < pullRequests; i++) {
      const side = random() < aiShare ? "a" : "b";
      hours[side].values.push(Math.exp(1 + level + design.noiseSigma * normal(random)));
      hours[side].clusters.push(repository);
      tally[side].trials++;
      if (random() < rate) tally[side].successes++;
    }
    for (const side of ["a", "b"] as const) {
      if (tally[side].trials === 0) continue;
      counts[side].clusters.push(repository);
      counts[side].successes.push(tally[side].successes);
      counts[side].trials.push(tally[side].trials);
    }
  }
  return { hours, counts };
}

export const STATISTICS = {
  median: (m: SimulatedMonth, floor?: number) =>
    clusteredDifference(m.hours.a, m.hours.b, { kind: "quantile", p: 0.5 }, floor ? { floor } : {}),
  p75: (m: SimulatedMonth, floor?: number) =>
    clusteredDifference(m.hours.a, m.hours.b, { kind: "quantile", p: 0.75 }, floor ? { floor } : {}),
  p90: (m: SimulatedMonth, floor?: number) =>
    clusteredDifference(m.hours.a, m.hours.b, { kind: "quantile", p: 0.9 }, floor ? { floor } : {}),
  average: (m: SimulatedMonth, floor?: number) =>
    clusteredDifference(m.hours.a, m.hours.b, { kind: "mean" }, floor ? { floor } : {}),
  rate: (m: SimulatedMonth, floor?: number) =>
    clusteredRateDifference(m.counts.a, m.counts.b, floor ? { floor } : {}),
} as const satisfies Record<string, (m: SimulatedMonth, floor?: number) => ClusteredDifference | null>;
export type StatisticName = keyof typeof STATISTICS;

export interface Tally {
  /** Trials whose interval covered zero, out of the trials that gave one. */
  covered: number;
  intervals: number;
  /** Trials answered "too few repositories". */
  tooFew: number;
}

/**
 * `trials` seeded months of `repositories` repositories (trial t of R repositories is seeded R × 100,003 + t, so
 * every statistic sees the same months); `floor` overrides the repository floor.
 */
export function coverageRun(
  design: Design,
  name: StatisticName,
  repositories: number,
  trials: number,
  floor?: number,
): Tally {
  const tally: Tally = { covered: 0, intervals: 0, tooFew: 0 };
  for (let trial = 0; trial < trials; trial++) {
    const month = simulateMonth(mulberry32(repositories * 100_003 + trial), repositories, design);
    const result = STATISTICS[name](month, floor);
    if (result === null) continue;
    if (result.low === null) {
      tally.tooFew++;
      continue;
    }
    tally.intervals++;
    if (result.low <= 0 && 0 <= result.high) tally.covered++;
  }
  return tally;
}

const bench: Benchmark = {
  description:
    "coverage of the comparison intervals with no true difference, by design and number of repositories",
  async run(args) {
    const [designArg = "all", trialsArg = "1000", repositoriesArg = "2,3,4,5,6,8,12,20"] = args;
    const names = designArg === "all" ? Object.keys(DESIGNS) : designArg.split(",");
    const unknown = names.filter((n) => !(n in DESIGNS));
    if (unknown.length > 0)
      throw new Error(`unknown design ${unknown.join(", ")}; designs: ${Object.keys(DESIGNS).join(", ")}`);
    const trials = Number(trialsArg);
    const counts = repositoriesArg.split(",").map(Number);
    const coverage: Record<string, Record<number, Record<string, number>>> = {};
    for (const name of names) {
      const design = DESIGNS[name]!;
      const byRepositories: Record<number, Record<string, number>> = {};
      coverage[name] = byRepositories;
      process.stderr.write(`${name}: ${design.description}\n  G  ${Object.keys(STATISTICS).join("  ")}\n`);
      for (const repositories of counts) {
        const row: Record<string, number> = {};
        for (const statistic of Object.keys(STATISTICS) as StatisticName[]) {
          const tally = coverageRun(design, statistic, repositories, trials, 2);
          row[statistic] = Math.round((1e4 * tally.covered) / tally.intervals) / 1e4;
        }
        byRepositories[repositories] = row;
        process.stderr.write(
          `${String(repositories).padStart(3)}  ${Object.values(row)
            .map((x) => x.toFixed(3))
            .join("  ")}\n`,
        );
      }
    }
    return { trials, coverage };
  },
};

export default bench;
