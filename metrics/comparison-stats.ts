/**
 * The statistics behind AI-vs-unmarked comparisons: the difference of a class's value to unmarked work's, and a
 * 95% interval for it that treats repositories, not pull requests, as the independent units. Pull requests of one
 * repository move together (its reviewers, its CI, its code base), so a cell's evidence grows with the number of
 * repositories behind it far more than with its number of pull requests.
 *
 * Every interval here is difference ± t × SE, where SE is the delete-one-repository jackknife standard error of
 * the difference, t has G − 1 degrees of freedom, and G counts the distinct repositories behind either side
 * (a repository with work of both classes counts once: it is one cluster that feeds both sides):
 * - averages: the jackknife of the difference of the two means (`jackknife_t`);
 * - medians and percentiles: the jackknife of the difference of the two Harrell–Davis estimates of the quantile
 *   (`jackknife_hd_t`). The Harrell–Davis estimate weighs every order statistic smoothly; the jackknife of a plain
 *   sample quantile is not a usable standard error (it jumps between neighbouring values and underestimates the
 *   spread when repositories are many and small). The interval stays centred on the difference of the plain
 *   quantiles, which is what `metrics query` prints;
 * - rates: Newcombe's hybrid score interval (two Wilson intervals combined) at effective sample sizes
 *   (`newcombe_wilson_eff`): each side's n divided by the design effect (the jackknife variance of the difference
 *   over the variance it would have if every pull request were independent) and by (t / z)², so near the middle
 *   it is the jackknife t interval, and at small counts and extreme rates it keeps the Wilson shape.
 * With fewer than REPOSITORY_FLOOR repositories in all, or one repository on either side, there is no interval:
 * the function says "too few repositories" instead (the floors and their simulations are in docs/metrics.md).
 *
 * Quantiles follow DuckDB exactly, so a comparison's point difference equals the difference of the two values
 * `metrics query` prints: continuous = `quantile_cont`, discrete = `quantile_disc` as the metric compiler emits
 * it (the fraction as a SQL literal, which DuckDB reads as an exact DECIMAL).
 */
import { betaCdf, normalQuantile, tQuantile } from "./distributions.ts";

export { normalQuantile, tQuantile } from "./distributions.ts";

/** A two-sided confidence interval. */
export interface Interval {
  low: number;
  high: number;
}

/** A count of events out of a count of trials, e.g. merged pull requests out of closed ones. */
export interface Proportion {
  successes: number;
  trials: number;
}

export interface RateDifference extends Interval {
  /** pA - pB. */
  difference: number;
  method: "newcombe_wilson";
}

/** What is compared: a quantile (`p` in [0, 1]; continuous like quantile_cont unless `discrete`) or the mean. */
export type Statistic = { kind: "quantile"; p: number; discrete?: boolean } | { kind: "mean" };

export interface MeanDifference extends Interval {
  /** mean(a) - mean(b). */
  difference: number;
  method: "welch_normal";
}

/** A cluster label: the repository a value came from. */
export type Cluster = string | number;

/** Values with the repository each came from (`clusters[i]` is the repository of `values[i]`). */
export interface ClusteredSample {
  values: readonly number[];
  clusters: readonly Cluster[];
}

/**
 * A rate's counts per repository: `successes[i]` of `trials[i]` in repository `clusters[i]` (a repository may
 * appear more than once; its counts add up).
 */
export interface ClusteredCounts {
  clusters: readonly Cluster[];
  successes: readonly number[];
  trials: readonly number[];
}

/** Distinct repositories behind side a, side b, and both together (G: shared repositories count once). */
export interface RepositoryCount {
  a: number;
  b: number;
  all: number;
}

export type IntervalMethod = "jackknife_t" | "jackknife_hd_t" | "newcombe_wilson_eff";

/** The kinds of statistic with their own repository floor. */
export type FloorKind = "quantile" | "mean" | "rate";

/**
 * The fewest distinct repositories (G, both sides together) for which an interval is given, per kind of
 * statistic; each side needs two besides. In the simulations of bench/comparison-coverage.bench.ts (the main
 * design checked by tests/metrics-comparison-coverage.test.ts) the intervals cover 93–98% from G = 3, and at
 * G = 2 (t on 1 degree of freedom) one design falls to 92%. The floor is one higher than 3 because at G = 3 the
 * standard error has 2 degrees of freedom: the interval is on average about twice as wide as with the spread
 * known and its width varies more than sevenfold from sample to sample; at G = 4 it is 1.5 times as wide.
 */
export const REPOSITORY_FLOOR: Readonly<Record<FloorKind, number>> = Object.freeze({
  quantile: 4,
  mean: 4,
  rate: 4,
});

/** Each side needs this many repositories at least: with one, nothing tells its repository's effect apart. */
export const MIN_REPOSITORIES_PER_SIDE = 2;

interface DifferenceBase {
  /** statistic(a) − statistic(b) (rates: pA − pB), on the samples as given. */
  difference: number;
  method: IntervalMethod;
  repositories: RepositoryCount;
  /** The floor on `repositories.all` that applied. */
  floor: number;
}

/** A difference with its interval. */
export interface ClusteredInterval extends DifferenceBase, Interval {
  /** Degrees of freedom of t: G − 1. */
  df: number;
  /** The jackknife standard error of the difference. */
  standardError: number;
}

/** A difference without an interval: too few repositories stand behind it. */
export interface TooFewRepositories extends DifferenceBase {
  low: null;
  high: null;
  reason: "too_few_repositories";
}

export type ClusteredDifference = ClusteredInterval | TooFewRepositories;

export interface ClusteredOptions {
  /** Two-sided confidence level, 0.95 unless given. */
  confidence?: number;
  /**
   * The floor on G instead of REPOSITORY_FLOOR's (never below 2, nor one repository a side). The engine never
   * sets it; simulations do, to measure coverage just below the documented floor.
   */
  floor?: number;
}

/** Whether `repositories` clear `floor` in all and two on each side. */
export function enoughRepositories(repositories: RepositoryCount, floor: number): boolean {
  return (
    repositories.all >= floor &&
    repositories.a >= MIN_REPOSITORIES_PER_SIDE &&
    repositories.b >= MIN_REPOSITORIES_PER_SIDE
  );
}

/**
 * Wilson score interval for one proportion; null when there are no trials (nothing is known).
 * Example: `wilsonInterval(81, 263)` → { low: 0.2553, high: 0.3662 } (rounded).
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval | null {
  checkProportion({ successes, trials }, "wilsonInterval");
  const z = zFor(confidence, "wilsonInterval");
  if (trials === 0) return null;
  return wilsonAt(successes / trials, trials, z);
}

/** The Wilson interval of a proportion p over `size` trials, where size may be any positive number (or ∞). */
function wilsonAt(p: number, size: number, z: number): Interval {
  const z2 = z * z;
  const denominator = 1 + z2 / size;
  const centre = (p + z2 / (2 * size)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / size + z2 / (4 * size * size));
  // The score interval touches 0 (or 1) exactly when no (or every) trial succeeded; pin it so rounding
  // cannot leave a bound like 1e-17 that reads as "not zero".
  return {
    low: p === 0 ? 0 : Math.max(0, centre - half),
    high: p === 1 ? 1 : Math.min(1, centre + half),
  };
}

/**
 * pA - pB with Newcombe's hybrid score interval (method 10 of Newcombe 1998: the two Wilson intervals combined,
 * no continuity correction); null when either side has no trials.
 * Example: `rateDifference({ successes: 56, trials: 70 }, { successes: 48, trials: 80 })` →
 * { difference: 0.2, low: 0.0524, high: 0.3339, method: "newcombe_wilson" } (bounds rounded).
 */
export function rateDifference(a: Proportion, b: Proportion, confidence = 0.95): RateDifference | null {
  checkProportion(a, "rateDifference (a)");
  checkProportion(b, "rateDifference (b)");
  zFor(confidence, "rateDifference");
  const wa = wilsonInterval(a.successes, a.trials, confidence);
  const wb = wilsonInterval(b.successes, b.trials, confidence);
  if (wa === null || wb === null) return null;
  const pa = a.successes / a.trials;
  const pb = b.successes / b.trials;
  const difference = pa - pb;
  const below = Math.hypot(pa - wa.low, wb.high - pb);
  const above = Math.hypot(wa.high - pa, pb - wb.low);
  return {
    difference,
    low: Math.max(-1, difference - below),
    high: Math.min(1, difference + above),
    method: "newcombe_wilson",
  };
}

/**
 * A statistic of one sample, computed as DuckDB computes it; null for an empty sample.
 * Example: `sampleStatistic([4, 1, 3, 2], { kind: "quantile", p: 0.5 })` → 2.5 (quantile_cont);
 * with `discrete: true` → 2 (quantile_disc).
 */
export function sampleStatistic(values: readonly number[], statistic: Statistic): number | null {
  checkStatistic(statistic);
  checkValues(values, "sampleStatistic");
  if (values.length === 0) return null;
  if (statistic.kind === "mean") return meanOf(values);
  const sorted = Float64Array.from(values).sort();
  const [lo, hi, weight] = quantileRanks(sorted.length, statistic);
  return interpolate(sorted[lo]!, sorted[hi]!, weight);
}

/**
 * statistic(a) − statistic(b) with a 95% interval from the delete-one-repository jackknife and t on G − 1
 * degrees of freedom (averages: `jackknife_t`; medians and percentiles: `jackknife_hd_t`, see the file comment);
 * "too few repositories" below the floor; null when either sample is empty.
 * Example: `clusteredDifference({ values: [1, 2, 3, 4, 5, 6], clusters: ["r1", "r1", "r2", "r2", "r3", "r3"] },
 * { values: [0, 1, 1, 2], clusters: ["r1", "r2", "r4", "r5"] }, { kind: "mean" })` →
 * { difference: 2.5, low, high, method: "jackknife_t", repositories: { a: 3, b: 4, all: 5 }, df: 4, ... }.
 */
export function clusteredDifference(
  a: ClusteredSample,
  b: ClusteredSample,
  statistic: Statistic,
  options: ClusteredOptions = {},
): ClusteredDifference | null {
  const confidence = options.confidence ?? 0.95;
  checkStatistic(statistic);
  checkValues(a.values, "clusteredDifference (a)");
  checkValues(b.values, "clusteredDifference (b)");
  checkClusters(a.clusters, a.values.length, "clusteredDifference (a)");
  checkClusters(b.clusters, b.values.length, "clusteredDifference (b)");
  zFor(confidence, "clusteredDifference");
  if (a.values.length === 0 || b.values.length === 0) return null;

  const difference = sampleStatistic(a.values, statistic)! - sampleStatistic(b.values, statistic)!;
  const ids = new ClusterIds();
  const clustersA = ids.number(a.clusters);
  const clustersB = ids.number(b.clusters);
  const repositories = { a: distinct(clustersA), b: distinct(clustersB), all: ids.size };
  const method = statistic.kind === "mean" ? "jackknife_t" : "jackknife_hd_t";
  const floor = floorOf(options, REPOSITORY_FLOOR[statistic.kind], "clusteredDifference");
  const base = { difference, method, repositories, floor } as const;
  if (!enoughRepositories(repositories, floor))
    return { ...base, low: null, high: null, reason: "too_few_repositories" };

  const G = ids.size;
  const replicates =
    statistic.kind === "mean"
      ? subtract(meanReplicates(a.values, clustersA, G), meanReplicates(b.values, clustersB, G))
      : subtract(
          harrellDavisReplicates(a.values, clustersA, G, statistic.p),
          harrellDavisReplicates(b.values, clustersB, G, statistic.p),
        );
  return withInterval(base, Math.sqrt(jackknifeVariance(replicates)), confidence);
}

/**
 * pA − pB for two rates counted per repository, with Newcombe's hybrid score interval at effective sample sizes
 * (`newcombe_wilson_eff`, see the file comment); "too few repositories" below the floor; null when either side
 * has no trials.
 * Example: with every repository's rate equal to the pooled rate of its side the design effect is 0 and the
 * interval shrinks to the difference; with independent pull requests it is close to `rateDifference`'s.
 */
export function clusteredRateDifference(
  a: ClusteredCounts,
  b: ClusteredCounts,
  options: ClusteredOptions = {},
): ClusteredDifference | null {
  const confidence = options.confidence ?? 0.95;
  checkCounts(a, "clusteredRateDifference (a)");
  checkCounts(b, "clusteredRateDifference (b)");
  const z = zFor(confidence, "clusteredRateDifference");
  // A repository with no trials on a side has nothing behind that side: it is not one of the side's k.
  const ids = new ClusterIds();
  const sideA = ids.counts(a);
  const sideB = ids.counts(b);
  const G = ids.size;
  const totalA = sideA.totals(G);
  const totalB = sideB.totals(G);
  if (totalA.trials === 0 || totalB.trials === 0) return null;
  const pA = totalA.successes / totalA.trials;
  const pB = totalB.successes / totalB.trials;
  const difference = pA - pB;
  const repositories = { a: totalA.clusters, b: totalB.clusters, all: G };
  const floor = floorOf(options, REPOSITORY_FLOOR.rate, "clusteredRateDifference");
  const base = { difference, method: "newcombe_wilson_eff", repositories, floor } as const;
  if (!enoughRepositories(repositories, floor))
    return { ...base, low: null, high: null, reason: "too_few_repositories" };

  const replicates = subtract(sideA.rateReplicates(G, totalA), sideB.rateReplicates(G, totalB));
  const variance = jackknifeVariance(replicates);
  const independent = (pA * (1 - pA)) / totalA.trials + (pB * (1 - pB)) / totalB.trials;
  // No binomial variance (both sides 0% or 100%): nothing to scale, so the sizes stay as counted.
  const designEffect = independent > 0 ? variance / independent : 1;
  const df = G - 1;
  const t = tQuantile(1 - (1 - confidence) / 2, df);
  const sizeFactor = (z / t) ** 2 / designEffect; // Infinity when the jackknife variance is 0
  const wa = wilsonAt(pA, totalA.trials * sizeFactor, z);
  const wb = wilsonAt(pB, totalB.trials * sizeFactor, z);
  return {
    ...base,
    low: Math.max(-1, difference - Math.hypot(pA - wa.low, wb.high - pB)),
    high: Math.min(1, difference + Math.hypot(wa.high - pA, pB - wb.low)),
    df,
    standardError: Math.sqrt(variance),
  };
}

function withInterval(base: DifferenceBase, standardError: number, confidence: number): ClusteredInterval {
  const df = base.repositories.all - 1;
  const half = tQuantile(1 - (1 - confidence) / 2, df) * standardError;
  return { ...base, low: base.difference - half, high: base.difference + half, df, standardError };
}

// ---------------------------------------------------------------------------------------------------------
// The delete-one-repository jackknife. Replicate g is the statistic recomputed without repository g (on both
// sides at once: a repository shared by the classes leaves both); the variance is (G − 1)/G × Σ (θ_g − θ̄)².

function jackknifeVariance(replicates: Float64Array): number {
  const G = replicates.length;
  let mean = 0;
  for (const r of replicates) mean += r;
  mean /= G;
  let sum = 0;
  for (const r of replicates) sum += (r - mean) * (r - mean);
  return ((G - 1) / G) * sum;
}

function subtract(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((x, g) => x - b[g]!);
}

/** The side's mean without each repository in turn (the whole side's mean for repositories it lacks). */
function meanReplicates(values: readonly number[], clusters: Int32Array, G: number): Float64Array {
  const count = new Float64Array(G);
  const sum = new Float64Array(G);
  let total = 0;
  values.forEach((v, i) => {
    count[clusters[i]!]! += 1;
    sum[clusters[i]!]! += v;
    total += v;
  });
  const n = values.length;
  return Float64Array.from({ length: G }, (_, g) => (total - sum[g]!) / (n - count[g]!));
}

/**
 * The side's Harrell–Davis p-quantile without each repository in turn: Σ wᵢ x₍ᵢ₎ over the sorted remaining
 * values, wᵢ = I_{i/m}(p(m+1), (1−p)(m+1)) − I_{(i−1)/m}(…) for m values (Harrell & Davis 1982).
 */
function harrellDavisReplicates(
  values: readonly number[],
  clusters: Int32Array,
  G: number,
  p: number,
): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const sorted = Float64Array.from(order, (i) => values[i]!);
  const clusterOfRank = Int32Array.from(order, (i) => clusters[i]!);
  const count = new Int32Array(G);
  for (const c of clusterOfRank) count[c]!++;
  // Each repository's overall ranks, ascending: positions[start[g] … start[g + 1]).
  const start = new Int32Array(G + 1);
  for (let g = 0; g < G; g++) start[g + 1] = start[g]! + count[g]!;
  const positions = new Int32Array(n);
  const filled = start.slice(0, G);
  for (let r = 0; r < n; r++) positions[filled[clusterOfRank[r]!]!++] = r;
  const windows = new Map<number, Window>();
  // Σ weights × the remaining values at ranks first…last, without repository `without` (-1: none). Only the
  // window is visited: the remaining rank k sits at overall rank k + (the repository's ranks before it), so
  // the cost is the window's length plus the repository's size, not n.
  const estimate = (without: number) => {
    const m = n - (without < 0 ? 0 : count[without]!);
    let window = windows.get(m);
    if (!window) {
      window = harrellDavisWeights(m, p);
      windows.set(m, window);
    }
    const { first, weights } = window;
    let j = without < 0 ? 0 : start[without]!;
    const end = without < 0 ? 0 : start[without + 1]!;
    // The overall rank of remaining rank `first`: step past every removed rank at or below it.
    let r = first;
    while (j < end && positions[j]! <= r) {
      j++;
      r++;
    }
    let sum = 0;
    for (let w = 0; w < weights.length; w++) {
      sum += weights[w]! * sorted[r]!;
      r++;
      while (j < end && positions[j] === r) {
        j++;
        r++;
      }
    }
    return sum;
  };
  const whole = estimate(-1);
  return Float64Array.from({ length: G }, (_, g) => (count[g] === 0 ? whole : estimate(g)));
}

interface Window {
  /** 0-based rank of the first order statistic with weight. */
  first: number;
  weights: Float64Array;
}

/** Weights below this share in either tail are dropped: at n = 5,000 that leaves a few hundred order statistics. */
const HARRELL_DAVIS_TAIL = 1e-15;

function harrellDavisWeights(m: number, p: number): Window {
  if (m === 1 || p <= 0) return { first: 0, weights: Float64Array.of(1) };
  if (p >= 1) return { first: m - 1, weights: Float64Array.of(1) };
  const a = p * (m + 1);
  const b = (1 - p) * (m + 1);
  const cdf = (i: number) => betaCdf(i / m, a, b);
  // The smallest i in 1..m with cdf(i) > level (cdf(m) = 1, so there is one).
  const firstAbove = (level: number) => {
    let lo = 1;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf(mid) > level) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const lo = firstAbove(HARRELL_DAVIS_TAIL); // 1-based ranks lo..hi carry the weight
  const hi = Math.max(lo, firstAbove(1 - HARRELL_DAVIS_TAIL));
  const weights = new Float64Array(hi - lo + 1);
  let previous = 0;
  for (let i = lo; i <= hi; i++) {
    const current = i === hi ? 1 : cdf(i);
    weights[i - lo] = current - previous;
    previous = current;
  }
  return { first: lo - 1, weights };
}

/** Cluster labels numbered 0, 1, … in order of first appearance, across both sides of a comparison. */
class ClusterIds {
  private readonly ids = new Map<Cluster, number>();

  get size(): number {
    return this.ids.size;
  }

  private id(label: Cluster): number {
    let id = this.ids.get(label);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(label, id);
    }
    return id;
  }

  number(labels: readonly Cluster[]): Int32Array {
    return Int32Array.from(labels, (label) => this.id(label));
  }

  /** A rate's side: its counts per cluster id (clusters with no trials are skipped). */
  counts(side: ClusteredCounts) {
    const entries: { id: number; successes: number; trials: number }[] = [];
    side.clusters.forEach((label, i) => {
      if (side.trials[i]! > 0)
        entries.push({ id: this.id(label), successes: side.successes[i]!, trials: side.trials[i]! });
    });
    return {
      totals(G: number) {
        const seen = new Uint8Array(G);
        let successes = 0;
        let trials = 0;
        for (const e of entries) {
          seen[e.id] = 1;
          successes += e.successes;
          trials += e.trials;
        }
        return { successes, trials, clusters: seen.reduce((n, s) => n + s, 0) };
      },
      /** The side's rate without each cluster in turn. */
      rateReplicates(G: number, total: { successes: number; trials: number }) {
        const successes = new Float64Array(G);
        const trials = new Float64Array(G);
        for (const e of entries) {
          successes[e.id]! += e.successes;
          trials[e.id]! += e.trials;
        }
        return Float64Array.from(
          { length: G },
          (_, g) => (total.successes - successes[g]!) / (total.trials - trials[g]!),
        );
      },
    };
  }
}

function distinct(ids: Int32Array): number {
  return new Set(ids).size;
}

/**
 * mean(a) - mean(b) with a normal-approximation interval on Welch's standard error (unequal variances);
 * null unless both samples have at least two values. It treats every value as independent, so it is no interval
 * for pull requests, which move together by repository: the engine uses clusteredDifference.
 * Example: `welchDifference([1, 2, 3, 4], [1, 2])` → { difference: 1, low: -0.60, high: 2.60, ... } (rounded).
 */
export function welchDifference(
  a: readonly number[],
  b: readonly number[],
  confidence = 0.95,
): MeanDifference | null {
  checkValues(a, "welchDifference (a)");
  checkValues(b, "welchDifference (b)");
  const z = zFor(confidence, "welchDifference");
  if (a.length < 2 || b.length < 2) return null;
  const meanA = meanOf(a);
  const meanB = meanOf(b);
  const se = Math.sqrt(varianceOf(a, meanA) / a.length + varianceOf(b, meanB) / b.length);
  const difference = meanA - meanB;
  return { difference, low: difference - z * se, high: difference + z * se, method: "welch_normal" };
}

// ---------------------------------------------------------------------------------------------------------
// DuckDB's quantiles.

/**
 * The 0-based positions in the sorted sample that a quantile reads, and the interpolation weight of the upper.
 * quantile_cont: position (n-1)p, between its floor and ceiling (PERCENTILE_CONT). quantile_disc: the smallest
 * value whose share of the sample is at least p, i.e. position ceil(np) - 1 (at least 0); DuckDB does this in
 * exact decimal arithmetic for the literal fraction the compiler writes, so 100 × 0.07 is 7, not 7.000000000000001.
 */
function quantileRanks(n: number, statistic: { p: number; discrete?: boolean }): [number, number, number] {
  if (statistic.discrete) {
    const index = Math.max(1, ceilTimesDecimal(n, statistic.p)) - 1;
    return [index, index, 0];
  }
  const position = (n - 1) * statistic.p;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return [lo, hi, position - lo];
}

/** DuckDB's interpolation between two order statistics (`lo * (1 - d) + hi * d`, so results match bit for bit). */
function interpolate(lo: number, hi: number, weight: number): number {
  return weight === 0 || lo === hi ? lo : lo * (1 - weight) + hi * weight;
}

/** ceil(n * p) with p read as the decimal that `String(p)` prints (the SQL literal), exactly. */
function ceilTimesDecimal(n: number, p: number): number {
  const text = String(p);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return Math.ceil(n * p); // exponent notation: DuckDB reads it as a DOUBLE, and so do we.
  const fraction = match[2] ?? "";
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(n) * BigInt(match[1]! + fraction);
  return Number((scaled + scale - 1n) / scale);
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers and argument checks. Bad arguments are programming errors (the engine builds them), so they
// throw RangeError rather than an InputError.

function meanOf(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function varianceOf(values: readonly number[], mean: number): number {
  let sum = 0;
  for (const v of values) sum += (v - mean) * (v - mean);
  return sum / (values.length - 1);
}

function zFor(confidence: number, where: string): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${where}: confidence must be between 0 and 1 (exclusive): got ${confidence}`);
  }
  return normalQuantile(1 - (1 - confidence) / 2);
}

function checkProportion(x: Proportion, where: string): void {
  const { successes, trials } = x;
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(
      `${where}: successes and trials must be integers with 0 <= successes <= trials: got ${successes}/${trials}`,
    );
  }
}

function checkStatistic(statistic: Statistic): void {
  if (statistic.kind === "quantile" && !(statistic.p >= 0 && statistic.p <= 1)) {
    throw new RangeError(`quantile p must be between 0 and 1: got ${statistic.p}`);
  }
}

function checkValues(values: readonly number[], where: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`${where}: value ${i} is not a finite number: got ${values[i]}`);
    }
  }
}

function checkClusters(labels: readonly Cluster[], length: number, where: string): void {
  if (labels.length !== length) {
    throw new RangeError(`${where}: ${labels.length} cluster labels for ${length} values`);
  }
}

function floorOf(options: ClusteredOptions, documented: number, where: string): number {
  const floor = options.floor ?? documented;
  if (!Number.isInteger(floor) || floor < 2) {
    throw new RangeError(`${where}: floor must be a whole number of at least 2: got ${floor}`);
  }
  return floor;
}

function checkCounts(side: ClusteredCounts, where: string): void {
  const n = side.clusters.length;
  if (side.successes.length !== n || side.trials.length !== n) {
    throw new RangeError(
      `${where}: ${n} clusters, ${side.successes.length} success counts and ${side.trials.length} trial counts`,
    );
  }
  for (let i = 0; i < n; i++)
    checkProportion({ successes: side.successes[i]!, trials: side.trials[i]! }, where);
}
