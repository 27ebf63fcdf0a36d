import { describe, expect, it } from "vitest";
import {
  bootstrapDifference,
  normalQuantile,
  type Proportion,
  rateDifference,
  type Statistic,
  sampleStatistic,
  welchDifference,
  wilsonInterval,
} from "../metrics/comparison-stats.ts";
import { withDb } from "../warehouse/duckdb.ts";

// ---- Helpers of the test's own (not the module's generator): mulberry32 and samplers ----

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function logNormalSample(random: () => number, n: number, mu: number, sigma: number): number[] {
  return Array.from({ length: n }, () => Math.exp(mu + sigma * normal(random)));
}

function binomial(random: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

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

describe("bootstrapDifference", () => {
  const median: Statistic = { kind: "quantile", p: 0.5 };

  it("covers the true median, p75 and mean differences of known distributions in about 95% of samples", () => {
    // A ~ LogNormal(1, 1), n = 80; B ~ LogNormal(1.3, 0.8), n = 60. Median of LogNormal(μ, σ) is e^μ, its
    // p75 is e^(μ + 0.6745σ), its mean e^(μ + σ²/2).
    const z75 = 0.6744897501960817;
    const truth = {
      median: Math.exp(1) - Math.exp(1.3),
      p75: Math.exp(1 + z75) - Math.exp(1.3 + 0.8 * z75),
      mean: Math.exp(1.5) - Math.exp(1.3 + 0.32),
    };
    const statistics: Record<keyof typeof truth, Statistic> = {
      median,
      p75: { kind: "quantile", p: 0.75 },
      mean: { kind: "mean" },
    };
    const random = mulberry32(99);
    const runs = 400;
    const covered = { median: 0, p75: 0, mean: 0 };
    for (let i = 0; i < runs; i++) {
      const a = logNormalSample(random, 80, 1, 1);
      const b = logNormalSample(random, 60, 1.3, 0.8);
      for (const key of Object.keys(truth) as (keyof typeof truth)[]) {
        const result = bootstrapDifference(a, b, statistics[key], { resamples: 1000, seed: i })!;
        if (result.low <= truth[key] && truth[key] <= result.high) covered[key]++;
      }
    }
    for (const key of Object.keys(truth) as (keyof typeof truth)[]) {
      expect(covered[key] / runs, key).toBeGreaterThan(0.9);
      expect(covered[key] / runs, key).toBeLessThan(0.99);
    }
  });

  it("resamples the interpolated median, not just sample values", () => {
    // a = [0, 10]: a resample is {0,0} (¼, median 0), {0,10} (½, median 5) or {10,10} (¼, median 10).
    // Discrete: {0,10} has quantile_disc 0, so 0 has probability ¾.
    const a = [0, 10];
    const b = [0];
    const narrow = { resamples: 4000, confidence: 0.4 }; // the 30th and 70th percentiles
    const wide = { resamples: 4000, confidence: 0.8 }; // the 10th and 90th
    expect(bootstrapDifference(a, b, median, narrow)).toMatchObject({ difference: 5, low: 5, high: 5 });
    expect(bootstrapDifference(a, b, median, wide)).toMatchObject({ low: 0, high: 10 });
    const discrete: Statistic = { kind: "quantile", p: 0.5, discrete: true };
    expect(bootstrapDifference(a, b, discrete, narrow)).toMatchObject({ difference: 0, low: 0, high: 0 });
    expect(bootstrapDifference(a, b, discrete, wide)).toMatchObject({ low: 0, high: 10 });
    // The upper-quantile walk (from the largest value down): p75 of {0,10} is 7.5.
    expect(bootstrapDifference(a, b, { kind: "quantile", p: 0.75 }, narrow)).toMatchObject({
      difference: 7.5,
      low: 7.5,
      high: 7.5,
    });
  });

  it("gives the same interval for the same seed and a different one for another seed", () => {
    const random = mulberry32(5);
    const a = logNormalSample(random, 200, 2, 1);
    const b = logNormalSample(random, 150, 2.2, 1);
    const first = bootstrapDifference(a, b, median, { seed: 42 });
    expect(bootstrapDifference(a, b, median, { seed: 42 })).toEqual(first);
    expect(bootstrapDifference([...a], [...b], median, { seed: 42 })).toEqual(first);
    const other = bootstrapDifference(a, b, median, { seed: 43 })!;
    expect([other.low, other.high]).not.toEqual([first!.low, first!.high]);
    expect(other.difference).toBe(first!.difference);
    expect(bootstrapDifference(a, b, median)).toEqual(bootstrapDifference(a, b, median));
    expect(first!.resamples).toBe(2000);
  });

  it("takes the point difference from the samples, as DuckDB would compute each side", () => {
    const a = [5, 1, 4, 2];
    const b = [10, 30, 20];
    expect(bootstrapDifference(a, b, median)!.difference).toBe(3 - 20);
    expect(bootstrapDifference(a, b, { kind: "mean" })!.difference).toBe(3 - 20);
    expect(bootstrapDifference(a, b, { kind: "quantile", p: 0.5, discrete: true })!.difference).toBe(2 - 20);
  });

  it("is null when either sample is empty and a point when nothing varies", () => {
    expect(bootstrapDifference([], [1], median)).toBeNull();
    expect(bootstrapDifference([1], [], median)).toBeNull();
    expect(bootstrapDifference([7], [2], median)).toMatchObject({ difference: 5, low: 5, high: 5 });
    expect(bootstrapDifference([3, 3, 3], [1, 1], { kind: "mean" })).toMatchObject({
      difference: 2,
      low: 2,
      high: 2,
    });
  });

  it("resamples whole clusters", () => {
    // a = [1, 1, 1, 9] in clusters x, x, x, y; resampling two clusters gives means 1 (¼), (3 + 9)/4 = 3 (½)
    // or 9 (¼). Resampling values instead never gives 3 with the 30th–70th percentile window this narrow.
    const clusters = { a: ["x", "x", "x", "y"], b: ["z"] };
    const narrow = { resamples: 4000, confidence: 0.4, clusters };
    expect(bootstrapDifference([1, 1, 1, 9], [0], { kind: "mean" }, narrow)).toMatchObject({
      difference: 3,
      low: 3,
      high: 3,
    });
    // The median of the resample {x, y}: 1, 1, 1, 9 → 1; of {y, y}: 9, 9 → 9; so 9 has probability ¼.
    expect(bootstrapDifference([1, 1, 1, 9], [0], median, { ...narrow, confidence: 0.8 })).toMatchObject({
      low: 1,
      high: 9,
    });
  });

  it("treats one value per cluster exactly like no clusters", () => {
    const random = mulberry32(8);
    const a = logNormalSample(random, 50, 0, 1);
    const b = logNormalSample(random, 40, 0.5, 1);
    const clusters = { a: a.map((_, i) => `a${i}`), b: b.map((_, i) => i) };
    for (const statistic of [median, { kind: "mean" } as const, { kind: "quantile", p: 0.9 } as const]) {
      expect(bootstrapDifference(a, b, statistic, { clusters, seed: 3 })).toEqual(
        bootstrapDifference(a, b, statistic, { seed: 3 }),
      );
    }
  });

  it("widens the interval when values move together within clusters", () => {
    // Ten repositories per group, each with its own level: 30 pull requests per repository are not 300
    // independent observations.
    const random = mulberry32(21);
    const grouped = (shift: number) => {
      const values: number[] = [];
      const labels: string[] = [];
      for (let repo = 0; repo < 10; repo++) {
        const level = shift + 2 * normal(random);
        for (let i = 0; i < 30; i++) {
          values.push(level + 0.3 * normal(random));
          labels.push(`repo${repo}`);
        }
      }
      return { values, labels };
    };
    const a = grouped(0);
    const b = grouped(0);
    const independent = bootstrapDifference(a.values, b.values, median)!;
    const clustered = bootstrapDifference(a.values, b.values, median, {
      clusters: { a: a.labels, b: b.labels },
    })!;
    expect(clustered.high - clustered.low).toBeGreaterThan(2 * (independent.high - independent.low));
  });

  it("runs 2,000 resamples of two samples of 5,000 quickly", () => {
    const random = mulberry32(1);
    const a = logNormalSample(random, 5000, 2, 1);
    const b = logNormalSample(random, 5000, 2.1, 1);
    bootstrapDifference(a, b, median, { resamples: 50 }); // warm up the JIT
    const started = performance.now();
    const result = bootstrapDifference(a, b, median)!;
    const elapsed = performance.now() - started;
    expect(result.low).toBeLessThan(result.difference);
    // Target 200 ms (about 120 ms on an idle 2-core machine); the bound leaves room for a loaded CI.
    expect(elapsed).toBeLessThan(1500);
  });

  it("rejects values, fractions, resample counts and cluster labels that cannot be right", () => {
    expect(() => bootstrapDifference([1, Number.NaN], [1], median)).toThrow(/value 1 is not a finite number/);
    expect(() => bootstrapDifference([1], [1], { kind: "quantile", p: 1.5 })).toThrow(RangeError);
    expect(() => bootstrapDifference([1], [1], median, { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapDifference([1, 2], [1], median, { clusters: { a: ["x"], b: ["y"] } })).toThrow(
      /clusters.a has 1 labels for 2 values/,
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
