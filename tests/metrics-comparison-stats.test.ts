import { describe, expect, it } from "vitest";
import { mulberry32, normal } from "../bench/comparison-coverage.bench.ts";
import {
  type ClusteredCounts,
  type ClusteredDifference,
  type ClusteredInterval,
  type ClusteredSample,
  clusteredDifference,
  clusteredRateDifference,
  normalQuantile,
  type Proportion,
  REPOSITORY_FLOOR,
  rateDifference,
  sampleStatistic,
  tQuantile,
  welchDifference,
  wilsonInterval,
} from "../metrics/comparison-stats.ts";
import { betaCdf, logGamma } from "../metrics/distributions.ts";
import { withDb } from "../warehouse/duckdb.ts";

// ---- Seeded samplers (the coverage bench's; they draw data, they compute nothing under test) ----

function logNormalSample(random: () => number, n: number, mu: number, sigma: number): number[] {
  return Array.from({ length: n }, () => Math.exp(mu + sigma * normal(random)));
}

function binomial(random: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The result as an interval; fails the test when there is none. */
function interval(result: ClusteredDifference | null): ClusteredInterval {
  if (result === null || result.low === null)
    throw new Error(`expected an interval: got ${JSON.stringify(result)}`);
  return result;
}

describe("normalQuantile", () => {
  it("matches the standard normal table", () => {
    // Φ⁻¹ to 16 digits (Abramowitz & Stegun 26.2; R's qnorm gives the same).
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 13);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 13);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 13);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 11);
    expect(normalQuantile(1e-15)).toBeCloseTo(-7.941345326170997, 9);
  });
});

describe("wilsonInterval", () => {
  it("reproduces Newcombe's published score intervals", () => {
    // Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
    // methods", Stat Med 17:857–872, Table II, method 3 (score, no continuity correction), 95%:
    // 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718; 29/29 → 0.8830–1.
    const published: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
      [29, 29, 0.883, 1],
    ];
    for (const [successes, trials, low, high] of published) {
      const interval = wilsonInterval(successes, trials)!;
      expect([round4(interval.low), round4(interval.high)], `${successes}/${trials}`).toEqual([low, high]);
    }
  });

  it("returns the two roots of the score equation |p̂ − π| = z·√(π(1 − π)/n)", () => {
    const random = mulberry32(11);
    for (let i = 0; i < 200; i++) {
      const trials = 1 + Math.floor(random() * 500);
      const successes = Math.floor(random() * (trials + 1));
      const confidence = [0.8, 0.9, 0.95, 0.99][i % 4]!;
      const z = normalQuantile(1 - (1 - confidence) / 2);
      const { low, high } = wilsonInterval(successes, trials, confidence)!;
      const pHat = successes / trials;
      for (const pi of [low, high]) {
        expect((pHat - pi) ** 2 * trials).toBeCloseTo(z * z * pi * (1 - pi), 9);
      }
      expect(low).toBeLessThanOrEqual(pHat);
      expect(high).toBeGreaterThanOrEqual(pHat);
    }
  });

  it("pins the bounds at 0 and 1 for none and all, and knows nothing without trials", () => {
    expect(wilsonInterval(0, 7)!.low).toBe(0);
    expect(wilsonInterval(7, 7)!.high).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it("widens with the confidence level", () => {
    const i90 = wilsonInterval(30, 100, 0.9)!;
    const i99 = wilsonInterval(30, 100, 0.99)!;
    expect(i99.low).toBeLessThan(i90.low);
    expect(i99.high).toBeGreaterThan(i90.high);
  });

  it("rejects counts that are not counts and confidence outside (0, 1)", () => {
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 4, 1)).toThrow(/confidence/);
  });
});

describe("rateDifference", () => {
  it("reproduces Newcombe's method 10 for all eight published examples", () => {
    // Newcombe RG (1998), "Interval estimation for the difference between independent proportions: comparison
    // of eleven methods", Stat Med 17:873–890, Table II, method 10 (score, no CC), 95%. Example (a) is also the
    // propint R package's test. NB 0.0575–0.3425 for (a) is method 1 (Wald), not method 10.
    const published: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1],
      [10, 10, 0, 10, 0.6075, 1],
    ];
    for (const [sa, ta, sb, tb, low, high] of published) {
      const result = rateDifference({ successes: sa, trials: ta }, { successes: sb, trials: tb })!;
      expect(result.method).toBe("newcombe_wilson");
      expect(result.difference).toBeCloseTo(sa / ta - sb / tb, 15);
      expect([round4(result.low), round4(result.high)], `${sa}/${ta} − ${sb}/${tb}`).toEqual([low, high]);
    }
  });

  it("mirrors when the groups swap", () => {
    const a: Proportion = { successes: 12, trials: 40 };
    const b: Proportion = { successes: 30, trials: 55 };
    const ab = rateDifference(a, b)!;
    const ba = rateDifference(b, a)!;
    expect(ba.difference).toBeCloseTo(-ab.difference, 15);
    expect(ba.low).toBeCloseTo(-ab.high, 15);
    expect(ba.high).toBeCloseTo(-ab.low, 15);
  });

  it("covers the true difference about 95% of the time", () => {
    const random = mulberry32(2024);
    const cases = [
      { pa: 0.3, na: 40, pb: 0.5, nb: 60 },
      { pa: 0.9, na: 25, pb: 0.8, nb: 120 },
      { pa: 0.05, na: 80, pb: 0.1, nb: 80 },
    ];
    for (const { pa, na, pb, nb } of cases) {
      let covered = 0;
      const runs = 2000;
      for (let i = 0; i < runs; i++) {
        const result = rateDifference(
          { successes: binomial(random, na, pa), trials: na },
          { successes: binomial(random, nb, pb), trials: nb },
        )!;
        if (result.low <= pa - pb && pa - pb <= result.high) covered++;
      }
      // Newcombe reports method 10's mean coverage at 0.956 for nominal 0.95.
      expect(covered / runs, JSON.stringify({ pa, na, pb, nb })).toBeGreaterThan(0.925);
      expect(covered / runs).toBeLessThan(0.985);
    }
  });

  it("is null when either side has no trials", () => {
    expect(rateDifference({ successes: 0, trials: 0 }, { successes: 1, trials: 2 })).toBeNull();
    expect(rateDifference({ successes: 1, trials: 2 }, { successes: 0, trials: 0 })).toBeNull();
  });

  it("stays within [-1, 1] at the extremes", () => {
    const result = rateDifference({ successes: 3, trials: 3 }, { successes: 0, trials: 2 })!;
    expect(result.difference).toBe(1);
    expect(result.high).toBe(1);
    expect(result.low).toBeGreaterThan(0);
    const reverse = rateDifference({ successes: 0, trials: 2 }, { successes: 3, trials: 3 })!;
    expect(reverse.low).toBe(-1);
  });
});

describe("sampleStatistic", () => {
  // Literal fractions in the SQL text, as the metric compiler writes them (DuckDB reads them as DECIMAL). Some are
  // chosen where n × p is not exact in floating point (100 × 0.07 = 7.000000000000001, 100 × 0.29 < 29).
  const fractions = [0, 0.01, 0.07, 0.1, 0.25, 0.29, 0.3, 0.5, 0.57, 0.7, 0.75, 0.9, 0.95, 0.99, 1];
  const sizes = [1, 2, 3, 4, 5, 7, 10, 11, 100, 101, 1000];

  it("equals DuckDB's quantile_cont and quantile_disc on random data with ties", async () => {
    const random = mulberry32(7);
    const samples = sizes.flatMap((n, i) => [
      // Continuous heavy-tailed values, and rounded ones with many ties (and negatives; + 0 turns -0 into 0,
      // which DuckDB's JSON rows do not keep apart).
      { id: 2 * i, values: logNormalSample(random, n, 1, 1.5) },
      { id: 2 * i + 1, values: Array.from({ length: n }, () => Math.round(normal(random) * 4) + 0) },
    ]);
    const columns = fractions.flatMap((p, j) => [
      `quantile_cont(x, ${p}) as c${j}`,
      `quantile_disc(x, ${p}) as d${j}`,
    ]);
    const rows = await withDb(":memory:", "read_write", async (db) => {
      await db.run("create table t (id integer, x double)");
      for (const { id, values } of samples) {
        for (let start = 0; start < values.length; start += 500) {
          const chunk = values.slice(start, start + 500);
          await db.run(
            `insert into t values ${chunk.map(() => "(?, ?)").join(", ")}`,
            chunk.flatMap((x) => [id, x]),
          );
        }
      }
      return db.all<Record<string, number>>(
        `select id, ${columns.join(", ")} from t group by id order by id`,
      );
    });
    expect(rows).toHaveLength(samples.length);
    for (const row of rows) {
      const { values } = samples[row.id!]!;
      fractions.forEach((p, j) => {
        const where = `n=${values.length} p=${p} sample ${row.id}`;
        expect(sampleStatistic(values, { kind: "quantile", p }), `cont ${where}`).toBe(row[`c${j}`]);
        expect(sampleStatistic(values, { kind: "quantile", p, discrete: true }), `disc ${where}`).toBe(
          row[`d${j}`],
        );
      });
    }
  });

  it("is null for an empty sample and the mean for kind mean", () => {
    expect(sampleStatistic([], { kind: "mean" })).toBeNull();
    expect(sampleStatistic([], { kind: "quantile", p: 0.5 })).toBeNull();
    expect(sampleStatistic([1, 2, 6], { kind: "mean" })).toBe(3);
  });
});

describe("tQuantile", () => {
  it("matches the t table", () => {
    // Student's t, two-sided 95% and 99% (any statistics text's table).
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.7062, 4);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.3027, 4);
    expect(tQuantile(0.975, 7)).toBeCloseTo(2.3646, 4);
    expect(tQuantile(0.975, 19)).toBeCloseTo(2.093, 4);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.0423, 4);
    expect(tQuantile(0.995, 10)).toBeCloseTo(3.1693, 4);
  });

  it("inverts the closed-form distribution functions of t on 1, 3 and 4 degrees of freedom", () => {
    // F₁(t) = 1/2 + atan(t)/π; F₃(t) = 1/2 + (t/(√3(1 + t²/3)) + atan(t/√3))/π; F₄(t) = 1/2 + sin θ (1 + cos²θ/2)/2
    // with θ = atan(t/2).
    const cdf: Record<number, (t: number) => number> = {
      1: (t) => 0.5 + Math.atan(t) / Math.PI,
      3: (t) => 0.5 + (t / (Math.sqrt(3) * (1 + (t * t) / 3)) + Math.atan(t / Math.sqrt(3))) / Math.PI,
      4: (t) => {
        const theta = Math.atan(t / 2);
        return 0.5 + (Math.sin(theta) * (1 + Math.cos(theta) ** 2 / 2)) / 2;
      },
    };
    for (const df of [1, 3, 4]) {
      for (const p of [0.6, 0.9, 0.975, 0.995, 0.9999, 0.025]) {
        expect(cdf[df]!(tQuantile(p, df)), `df ${df}, p ${p}`).toBeCloseTo(p, 13);
      }
    }
  });

  it("is symmetric, grows towards the normal quantile with the degrees of freedom and reaches it at ∞", () => {
    expect(tQuantile(0.025, 5)).toBe(-tQuantile(0.975, 5));
    expect(tQuantile(0.5, 3)).toBe(0);
    let previous = Number.POSITIVE_INFINITY;
    for (const df of [1, 1.5, 2, 3, 5, 10, 100, 1e6]) {
      const t = tQuantile(0.975, df);
      expect(t).toBeLessThan(previous);
      expect(t).toBeGreaterThan(normalQuantile(0.975));
      previous = t;
    }
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(normalQuantile(0.975), 5);
    expect(tQuantile(0.975, Number.POSITIVE_INFINITY)).toBe(normalQuantile(0.975));
  });

  it("rejects probabilities outside (0, 1) and degrees of freedom that are not positive", () => {
    expect(() => tQuantile(1, 3)).toThrow(RangeError);
    expect(() => tQuantile(0.975, 0)).toThrow(/df must be positive/);
  });
});

describe("betaCdf and logGamma", () => {
  it("agree with closed forms", () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    const random = mulberry32(3);
    for (let i = 0; i < 100; i++) {
      const x = random();
      const a = 0.5 + 20 * random();
      // I_x(a, 1) = xᵃ; I_x(1, b) = 1 − (1 − x)ᵇ; I_x(2, 2) = x²(3 − 2x); I_½(a, a) = ½.
      expect(betaCdf(x, a, 1)).toBeCloseTo(x ** a, 13);
      expect(betaCdf(x, 1, a)).toBeCloseTo(1 - (1 - x) ** a, 13);
      expect(betaCdf(x, 2, 2)).toBeCloseTo(x * x * (3 - 2 * x), 13);
      expect(betaCdf(0.5, a, a)).toBeCloseTo(0.5, 13);
    }
    expect(betaCdf(0, 2, 3)).toBe(0);
    expect(betaCdf(1, 2, 3)).toBe(1);
  });
});

describe("clusteredDifference", () => {
  const median = { kind: "quantile", p: 0.5 } as const;
  /** t(0.975) on 3 and 4 degrees of freedom (checked against the closed forms above). */
  const T3 = 3.182446305284263;
  const T4 = 2.776445105197793;

  it("gives the difference of means ± t(G − 1) × the delete-one-repository jackknife standard error", () => {
    // A: r1 [1, 2], r2 [3, 4], r3 [5, 6] (mean 3.5); B: r1 [0], r2 [1], r4 [1], r5 [2] (mean 1). G = 5.
    // Without r1: 4.5 − 4/3 = 19/6; r2: 3.5 − 1 = 15/6; r3: 2.5 − 1 = 9/6; r4: 3.5 − 1 = 15/6;
    // r5: 3.5 − 2/3 = 17/6. Mean 15/6; deviations 4, 0, −6, 0, 2 sixths; Σ² = 56/36; × 4/5 = 56/45.
    const a = { values: [1, 2, 3, 4, 5, 6], clusters: ["r1", "r1", "r2", "r2", "r3", "r3"] };
    const b = { values: [0, 1, 1, 2], clusters: ["r1", "r2", "r4", "r5"] };
    const result = interval(clusteredDifference(a, b, { kind: "mean" }));
    const half = T4 * Math.sqrt(56 / 45);
    expect(result).toMatchObject({
      difference: 2.5,
      method: "jackknife_t",
      repositories: { a: 3, b: 4, all: 5 },
      df: 4,
    });
    expect(result.standardError).toBeCloseTo(Math.sqrt(56 / 45), 12);
    expect(result.low).toBeCloseTo(2.5 - half, 9);
    expect(result.high).toBeCloseTo(2.5 + half, 9);
  });

  it("takes a quantile's standard error from the jackknife of its Harrell–Davis estimate", () => {
    // One pull request of each class in each of four repositories. A: 1, 4, 2, 10; B: 3, 5, 0, 6 (r1..r4).
    // Medians 3 and 4: difference −1. Without a repository three values remain a side, and the Harrell–Davis
    // median of three sorted values weighs them 7/27, 13/27, 7/27 (I_x(2, 2) = x²(3 − 2x) at 1/3 and 2/3).
    // Replicates in 27ths: r1 (136 − 107) = 29, r2 (103 − 81) = 22, r3 (129 − 128) = 1, r4 (61 − 74) = −13.
    const clusters = ["r1", "r2", "r3", "r4"];
    const result = interval(
      clusteredDifference({ values: [1, 4, 2, 10], clusters }, { values: [3, 5, 0, 6], clusters }, median),
    );
    const replicates = [29, 22, 1, -13].map((x) => x / 27);
    const mean = replicates.reduce((s, x) => s + x, 0) / 4;
    const variance = (3 / 4) * replicates.reduce((s, x) => s + (x - mean) ** 2, 0);
    expect(result).toMatchObject({
      difference: -1,
      method: "jackknife_hd_t",
      repositories: { a: 4, b: 4, all: 4 },
    });
    expect(result.standardError).toBeCloseTo(Math.sqrt(variance), 12);
    expect(result.low).toBeCloseTo(-1 - T3 * Math.sqrt(variance), 9);
    expect(result.high).toBeCloseTo(-1 + T3 * Math.sqrt(variance), 9);
    // The point difference is DuckDB's: quantile_disc picks 2 and 3.
    const discrete = interval(
      clusteredDifference(
        { values: [1, 4, 2, 10], clusters },
        { values: [3, 5, 0, 6], clusters },
        { kind: "quantile", p: 0.5, discrete: true },
      ),
    );
    expect(discrete.difference).toBe(2 - 3);
    expect(discrete.standardError).toBe(result.standardError);
  });

  it("withholds the interval below the floor and with one repository on a side, keeping the difference", () => {
    const floor = REPOSITORY_FLOOR.mean;
    const spread = (k: number, prefix: string) => ({
      values: Array.from({ length: 3 * k }, (_, i) => i),
      clusters: Array.from({ length: 3 * k }, (_, i) => `${prefix}${i % k}`),
    });
    // G = floor − 1 with two repositories a side at least.
    const few = clusteredDifference(spread(floor - 1, "r"), spread(2, "r"), { kind: "mean" })!;
    expect(few).toMatchObject({ low: null, high: null, reason: "too_few_repositories", floor });
    expect(few.repositories).toEqual({ a: floor - 1, b: 2, all: floor - 1 });
    expect(few.difference).toBeCloseTo((3 * (floor - 1) - 1) / 2 - 2.5, 12);
    // Many repositories in all, but one behind side b.
    const lone = clusteredDifference(spread(10, "r"), spread(1, "solo"), median)!;
    expect(lone).toMatchObject({
      low: null,
      reason: "too_few_repositories",
      repositories: { a: 10, b: 1, all: 11 },
    });
    // At the floor there is an interval.
    const enough = clusteredDifference(spread(floor, "r"), spread(2, "r"), { kind: "mean" })!;
    expect(enough.low).not.toBeNull();
  });

  it("counts a repository with work of both classes once", () => {
    const a = { values: [1, 2, 3, 4], clusters: ["x", "y", "z", "w"] };
    const b = { values: [1, 2, 3, 4], clusters: ["y", "z", "w", "v"] };
    expect(clusteredDifference(a, b, median)!.repositories).toEqual({ a: 4, b: 4, all: 5 });
  });

  it("is the same bit for bit for the same inputs, and mirrors when the sides swap", () => {
    const random = mulberry32(5);
    const side = (shift: number): ClusteredSample => {
      const values = logNormalSample(random, 300, 2 + shift, 1);
      return { values, clusters: values.map((_, i) => `repo${i % 13}`) };
    };
    const a = side(0);
    const b = side(0.2);
    for (const statistic of [median, { kind: "mean" } as const, { kind: "quantile", p: 0.9 } as const]) {
      const first = clusteredDifference(a, b, statistic)!;
      expect(clusteredDifference({ ...a }, { ...b }, statistic)).toEqual(first);
      const swapped = clusteredDifference(b, a, statistic)!;
      expect(swapped.difference).toBe(-first.difference);
      expect(swapped.low).toBeCloseTo(-first.high!, 9);
      expect(swapped.high).toBeCloseTo(-first.low!, 9);
    }
  });

  it("widens when pull requests of a repository move together", () => {
    // Ten repositories, each with its own level: 30 pull requests a repository are not 30 independent ones.
    const random = mulberry32(21);
    const grouped = (spreadOfLevels: number): ClusteredSample => {
      const values: number[] = [];
      const clusters: string[] = [];
      for (let repo = 0; repo < 10; repo++) {
        const level = spreadOfLevels * normal(random);
        for (let i = 0; i < 60; i++) {
          values.push(level + normal(random));
          clusters.push(`repo${repo}`);
        }
      }
      return { values, clusters };
    };
    // Class a is the first half of each repository's pull requests, b the second.
    const halves = (s: ClusteredSample) => {
      const a: ClusteredSample = { values: [], clusters: [] };
      const b: ClusteredSample = { values: [], clusters: [] };
      s.values.forEach((v, i) => {
        const side = i % 60 < 30 ? a : b;
        (side.values as number[]).push(v);
        (side.clusters as string[]).push(s.clusters[i] as string);
      });
      return [a, b] as const;
    };
    // Shared repositories cancel their levels in a difference, so give the classes different repositories.
    const [a] = halves(grouped(3));
    const [, b] = halves(grouped(3));
    const renamed = { values: b.values, clusters: b.clusters.map((c) => `other-${c}`) };
    const clustered = clusteredDifference(a, renamed, median)!;
    const oneEach = (s: ClusteredSample, prefix: string) => ({
      values: s.values,
      clusters: s.values.map((_, i) => `${prefix}${i}`),
    });
    const independent = clusteredDifference(oneEach(a, "a"), oneEach(renamed, "b"), median)!;
    expect(clustered.high! - clustered.low!).toBeGreaterThan(2 * (independent.high! - independent.low!));
  });

  it("handles two samples of 5,000 in 100 repositories quickly", () => {
    const random = mulberry32(1);
    const side = (mu: number): ClusteredSample => {
      const values = logNormalSample(random, 5000, mu, 1);
      return { values, clusters: values.map((_, i) => `repo${(i * 7) % 100}`) };
    };
    const a = side(2);
    const b = side(2.1);
    clusteredDifference(a, b, median); // warm up the JIT
    // CPU time of this process, not wall time: other work on a shared machine does not count against it.
    const started = process.cpuUsage();
    const result = clusteredDifference(a, b, median)!;
    const used = process.cpuUsage(started);
    expect(result.low!).toBeLessThan(result.difference);
    // About 150 ms on an idle 2-core machine.
    expect((used.user + used.system) / 1000).toBeLessThan(2000);
  });

  it("is null for an empty side and rejects values, labels and floors that cannot be right", () => {
    expect(
      clusteredDifference({ values: [], clusters: [] }, { values: [1], clusters: ["x"] }, median),
    ).toBeNull();
    expect(() =>
      clusteredDifference(
        { values: [1, Number.NaN], clusters: ["x", "y"] },
        { values: [1], clusters: ["x"] },
        median,
      ),
    ).toThrow(/value 1 is not a finite number/);
    expect(() =>
      clusteredDifference({ values: [1, 2], clusters: ["x"] }, { values: [1], clusters: ["x"] }, median),
    ).toThrow(/1 cluster labels for 2 values/);
    expect(() =>
      clusteredDifference({ values: [1], clusters: ["x"] }, { values: [1], clusters: ["x"] }, median, {
        floor: 1,
      }),
    ).toThrow(/floor/);
  });
});

describe("clusteredRateDifference", () => {
  /** The method written out plainly: jackknife by repository, design effect, Wilson at effective sizes, Newcombe. */
  function plainClusteredNewcombe(a: ClusteredCounts, b: ClusteredCounts) {
    const labels = [...new Set([...a.clusters, ...b.clusters])];
    const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
    const rateWithout = (side: ClusteredCounts, label: string | number | null) => {
      const keep = side.clusters.map((c) => c !== label);
      return sum(side.successes.filter((_, i) => keep[i])) / sum(side.trials.filter((_, i) => keep[i]));
    };
    const pa = rateWithout(a, null);
    const pb = rateWithout(b, null);
    const replicates = labels.map((l) => rateWithout(a, l) - rateWithout(b, l));
    const G = labels.length;
    const mean = sum(replicates) / G;
    const variance = ((G - 1) / G) * sum(replicates.map((r) => (r - mean) ** 2));
    const na = sum(a.trials);
    const nb = sum(b.trials);
    const designEffect = variance / ((pa * (1 - pa)) / na + (pb * (1 - pb)) / nb);
    const z = normalQuantile(0.975);
    const t = tQuantile(0.975, G - 1);
    const wilson = (p: number, n: number) => {
      const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
      const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
      return [centre - half, centre + half] as const;
    };
    const [la, ha] = wilson(pa, ((na / designEffect) * z * z) / (t * t));
    const [lb, hb] = wilson(pb, ((nb / designEffect) * z * z) / (t * t));
    return {
      difference: pa - pb,
      low: pa - pb - Math.sqrt((pa - la) ** 2 + (hb - pb) ** 2),
      high: pa - pb + Math.sqrt((ha - pa) ** 2 + (pb - lb) ** 2),
      df: G - 1,
    };
  }

  it("is Newcombe's interval at the sizes the repository jackknife supports", () => {
    const a: ClusteredCounts = {
      clusters: ["r1", "r2", "r3", "r4"],
      successes: [3, 1, 4, 6],
      trials: [5, 4, 6, 9],
    };
    const b: ClusteredCounts = {
      clusters: ["r2", "r3", "r5", "r6", "r1"],
      successes: [2, 9, 1, 5, 7],
      trials: [8, 12, 6, 7, 10],
    };
    const expected = plainClusteredNewcombe(a, b);
    const result = clusteredRateDifference(a, b)!;
    expect(result).toMatchObject({
      method: "newcombe_wilson_eff",
      repositories: { a: 4, b: 5, all: 6 },
      df: 5,
    });
    expect(result.difference).toBeCloseTo(expected.difference, 14);
    expect(result.low).toBeCloseTo(expected.low, 12);
    expect(result.high).toBeCloseTo(expected.high, 12);
  });

  it("is close to the plain Newcombe interval when every pull request is its own repository", () => {
    const random = mulberry32(12);
    const side = (n: number, p: number, prefix: string): ClusteredCounts => {
      const outcomes = Array.from({ length: n }, () => (random() < p ? 1 : 0));
      return {
        clusters: outcomes.map((_, i) => `${prefix}${i}`),
        successes: outcomes,
        trials: outcomes.map(() => 1),
      };
    };
    const a = side(400, 0.3, "a");
    const b = side(600, 0.4, "b");
    const clustered = clusteredRateDifference(a, b)!;
    const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
    const plain = rateDifference(
      { successes: sum(a.successes), trials: 400 },
      { successes: sum(b.successes), trials: 600 },
    )!;
    expect(clustered.difference).toBeCloseTo(plain.difference, 14);
    expect(clustered.high! - clustered.low!).toBeCloseTo(plain.high - plain.low, 2);
  });

  it("skips repositories without trials, withholds the interval with too few, and stays within [-1, 1]", () => {
    const four = { clusters: ["r1", "r2", "r3", "r4"], successes: [5, 5, 5, 4], trials: [5, 5, 5, 5] };
    const zero = {
      clusters: ["r1", "r2", "r3", "r4", "r9"],
      successes: [0, 0, 0, 1, 0],
      trials: [5, 6, 5, 7, 0],
    };
    const result = clusteredRateDifference(four, zero)!;
    expect(result.repositories).toEqual({ a: 4, b: 4, all: 4 });
    expect(result.low).toBeGreaterThanOrEqual(-1);
    expect(result.high).toBeLessThanOrEqual(1);
    const three = { clusters: ["r1", "r2", "r3"], successes: [1, 2, 3], trials: [4, 4, 4] };
    expect(clusteredRateDifference(three, three)).toMatchObject({
      low: null,
      reason: "too_few_repositories",
      repositories: { a: 3, b: 3, all: 3 },
    });
    expect(clusteredRateDifference({ clusters: [], successes: [], trials: [] }, three)).toBeNull();
    expect(() => clusteredRateDifference({ clusters: ["r1"], successes: [3], trials: [2] }, three)).toThrow(
      RangeError,
    );
  });
});

describe("welchDifference", () => {
  it("gives the difference of means ± z times Welch's standard error", () => {
    // a = 1..4: mean 2.5, s² = 5/3; b = 1, 2: mean 1.5, s² = 1/2. SE = √(5/12 + 1/4) = √(2/3) = 0.816497;
    // 1.959964 × 0.816497 = 1.600304.
    const result = welchDifference([1, 2, 3, 4], [1, 2])!;
    expect(result.difference).toBe(1);
    expect(result.low).toBeCloseTo(1 - 1.600304, 5);
    expect(result.high).toBeCloseTo(1 + 1.600304, 5);
    expect(result.method).toBe("welch_normal");
  });

  it("is null without two values on each side", () => {
    expect(welchDifference([1], [1, 2])).toBeNull();
    expect(welchDifference([1, 2], [])).toBeNull();
  });
});
