/**
 * The statistics behind AI-vs-unmarked comparisons: an interval for one rate (Wilson), for the difference of
 * two rates (Newcombe's hybrid score), and a seeded percentile bootstrap for the difference of two medians,
 * percentiles or means. Pure functions over plain numbers: the metric engine fetches the values, these say how
 * sure the difference is. Rates use score intervals because Wald intervals misbehave at the small counts and
 * extreme rates agent work produces (Newcombe 1998); durations are heavy-tailed, so medians get a bootstrap
 * (see shared/reference/ai-signals.md §3, "Presentation").
 *
 * Quantiles follow DuckDB exactly, so a comparison's point difference equals the difference of the two values
 * `metrics query` prints: continuous = `quantile_cont`, discrete = `quantile_disc` as the metric compiler emits
 * it (the fraction as a SQL literal, which DuckDB reads as an exact DECIMAL).
 */

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

export interface BootstrapOptions {
  /** Number of resamples; 2000 unless given (the reference asks for at least 2,000). */
  resamples?: number;
  /** Seed of the resampling generator: the same inputs and seed give the same interval, bit for bit. */
  seed?: number;
  /** Two-sided confidence level, 0.95 unless given. */
  confidence?: number;
  /**
   * Cluster labels (e.g. the repository) parallel to `a` and `b`: whole clusters are resampled, so values
   * that move together (one repository's pull requests) do not pass for independent evidence.
   */
  clusters?: { a: readonly (string | number)[]; b: readonly (string | number)[] };
}

export interface BootstrapDifference extends Interval {
  /** statistic(a) - statistic(b), on the samples as given. */
  difference: number;
  method: "bootstrap_percentile";
  resamples: number;
}

export interface MeanDifference extends Interval {
  /** mean(a) - mean(b). */
  difference: number;
  method: "welch_normal";
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 0x5eed_2026;

/**
 * The standard normal quantile Φ⁻¹(p) (Wichura's AS 241, about 1e-16 relative error).
 * Example: `normalQuantile(0.975)` → 1.959963984540054.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    throw new RangeError(`normalQuantile: p must be in [0, 1]: got ${p}`);
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const value =
    r <= 5
      ? horner(AS241_C, r - 1.6) / horner(AS241_D, r - 1.6)
      : horner(AS241_E, r - 5) / horner(AS241_F, r - 5);
  return q < 0 ? -value : value;
}

// AS 241 (PPND16) coefficients, lowest power first, as JavaScript doubles.
const AS241_A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const AS241_B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const AS241_C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const AS241_D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
];
const AS241_E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const AS241_F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

function horner(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + coefficients[i]!;
  return value;
}

/**
 * Wilson score interval for one proportion; null when there are no trials (nothing is known).
 * Example: `wilsonInterval(81, 263)` → { low: 0.2553, high: 0.3662 } (rounded).
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval | null {
  checkProportion({ successes, trials }, "wilsonInterval");
  const z = zFor(confidence, "wilsonInterval");
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // The score interval touches 0 (or 1) exactly when no (or every) trial succeeded; pin it so rounding
  // cannot leave a bound like 1e-17 that reads as "not zero".
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
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
 * statistic(a) - statistic(b) with a seeded percentile bootstrap interval (each sample resampled with
 * replacement on its own, or by whole clusters); null when either sample is empty.
 * Example: `bootstrapDifference(aiHours, unmarkedHours, { kind: "quantile", p: 0.5 })` →
 * { difference: -3.5, low: -6.1, high: -0.4, method: "bootstrap_percentile", resamples: 2000 } (illustrative).
 */
export function bootstrapDifference(
  a: readonly number[],
  b: readonly number[],
  statistic: Statistic,
  options: BootstrapOptions = {},
): BootstrapDifference | null {
  checkStatistic(statistic);
  checkValues(a, "bootstrapDifference (a)");
  checkValues(b, "bootstrapDifference (b)");
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrapDifference: resamples must be a positive integer: got ${resamples}`);
  }
  const confidence = options.confidence ?? 0.95;
  zFor(confidence, "bootstrapDifference");
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isFinite(seed)) throw new RangeError(`bootstrapDifference: seed must be a number: got ${seed}`);
  if (options.clusters) {
    checkClusters(options.clusters.a, a, "a");
    checkClusters(options.clusters.b, b, "b");
  }
  if (a.length === 0 || b.length === 0) return null;

  const difference = sampleStatistic(a, statistic)! - sampleStatistic(b, statistic)!;
  const random = new Sfc32(seed);
  const resampleA = resampler(a, options.clusters?.a, statistic);
  const resampleB = resampler(b, options.clusters?.b, statistic);
  const differences = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) differences[r] = resampleA(random) - resampleB(random);
  differences.sort();
  const tail = (1 - confidence) / 2;
  return {
    difference,
    low: quantileOfSorted(differences, tail),
    high: quantileOfSorted(differences, 1 - tail),
    method: "bootstrap_percentile",
    resamples,
  };
}

/**
 * mean(a) - mean(b) with a normal-approximation interval on Welch's standard error (unequal variances);
 * null unless both samples have at least two values. For large samples; use the bootstrap for small ones.
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
// Resampling.
//
// A resample's quantile is found without sorting or selecting the resampled values. Sort the sample once;
// a resample is then a multiset of ranks (indices into the sorted sample), and its k-th smallest value is
// the value at the k-th smallest drawn rank, because sorted values are monotone in rank. Counting how often
// each rank is drawn and walking the counts up to k is O(n), moves no data and compares no values; it is
// exact, like sorting, and about 3x faster than quickselect on a reused Float64Array (two samples of 5,000,
// 2,000 resamples: ~150 ms against ~490 ms on the 2-core dev machine). The draws themselves are most of the time.
// Clusters fit the same walk: count how often each cluster is drawn; a rank then appears as often as its
// cluster was drawn. Without clusters every value is its own cluster.

function resampler(
  values: readonly number[],
  labels: readonly (string | number)[] | undefined,
  statistic: Statistic,
): (random: Sfc32) => number {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const sorted = Float64Array.from(order, (i) => values[i]!);
  if (!labels) {
    const draws = new Int32Array(n);
    return (random) => {
      draws.fill(0);
      random.tally(draws, n, n);
      if (statistic.kind === "mean") {
        let sum = 0;
        for (let rank = 0; rank < n; rank++) sum += draws[rank]! * sorted[rank]!;
        return sum / n;
      }
      return quantileOfCounts(sorted, draws, null, n, statistic);
    };
  }
  // Each rank's cluster, numbered in order of first appearance.
  const ids = new Map<string | number, number>();
  const clusterOfRank = Int32Array.from(order, (i) => {
    const label = labels[i]!;
    let id = ids.get(label);
    if (id === undefined) {
      id = ids.size;
      ids.set(label, id);
    }
    return id;
  });
  const clusters = ids.size;
  const clusterSize = new Float64Array(clusters);
  const clusterSum = new Float64Array(clusters);
  for (let rank = 0; rank < n; rank++) {
    clusterSize[clusterOfRank[rank]!]! += 1;
    clusterSum[clusterOfRank[rank]!]! += sorted[rank]!;
  }
  const draws = new Int32Array(clusters);
  return (random) => {
    draws.fill(0);
    random.tally(draws, clusters, clusters);
    let size = 0;
    let sum = 0;
    for (let c = 0; c < clusters; c++) {
      size += draws[c]! * clusterSize[c]!;
      sum += draws[c]! * clusterSum[c]!;
    }
    if (statistic.kind === "mean") return sum / size;
    return quantileOfCounts(sorted, draws, clusterOfRank, size, statistic);
  };
}

/**
 * A quantile of the resample in which rank r of `sorted` appears `draws[r]` times (or `draws[cluster of r]`
 * times, with clusters) and which holds `size` values in all.
 */
function quantileOfCounts(
  sorted: Float64Array,
  draws: Int32Array,
  clusterOfRank: Int32Array | null,
  size: number,
  statistic: { p: number; discrete?: boolean },
): number {
  const [lo, hi, weight] = quantileRanks(size, statistic);
  const countAt = (rank: number) => draws[clusterOfRank ? clusterOfRank[rank]! : rank]!;
  // The draws add up to `size`, so each walk stops at its position before running out of ranks; the bounds only
  // make sure a broken invariant can never loop forever.
  const last = sorted.length - 1;
  if (lo >= size / 2) {
    // An upper quantile: walk down from the largest value, half the walk of coming up from the smallest.
    let rank = last;
    let atOrAbove = countAt(rank); // resampled values at ranks >= rank
    while (size - atOrAbove > hi && rank > 0) atOrAbove += countAt(--rank);
    const high = sorted[rank]!;
    while (size - atOrAbove > lo && rank > 0) atOrAbove += countAt(--rank);
    return interpolate(sorted[rank]!, high, weight);
  }
  let rank = 0;
  let atOrBelow = countAt(rank); // resampled values at ranks <= rank
  while (atOrBelow <= lo && rank < last) atOrBelow += countAt(++rank);
  const low = sorted[rank]!;
  while (atOrBelow <= hi && rank < last) atOrBelow += countAt(++rank);
  return interpolate(low, sorted[rank]!, weight);
}

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

/** Linear-interpolation quantile of an already sorted array (for the percentile interval's ends). */
function quantileOfSorted(sorted: Float64Array, p: number): number {
  const [lo, hi, weight] = quantileRanks(sorted.length, { p });
  return interpolate(sorted[lo]!, sorted[hi]!, weight);
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, PractRand-clean), seeded through splitmix32.
 * `tally` keeps the state in locals for its whole loop: the draws are most of a bootstrap's time.
 */
class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix = () => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    const warmUp = new Int32Array(1);
    this.tally(warmUp, 1, 12); // sfc32's recommended 12 rounds before use
  }

  /** Draws `count` integers uniformly from [0, m) and adds one to `counts` at each. */
  tally(counts: Int32Array, m: number, count: number): void {
    // (2^32 - 1) * (m / 2^32) rounds to less than m, so the index stays in range.
    const scale = m / 4294967296;
    let { a, b, c, d } = this;
    for (let i = 0; i < count; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      counts[Math.floor((t >>> 0) * scale)]!++;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
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

function checkClusters(labels: readonly (string | number)[], values: readonly number[], side: string): void {
  if (labels.length !== values.length) {
    throw new RangeError(
      `bootstrapDifference: clusters.${side} has ${labels.length} labels for ${values.length} values`,
    );
  }
}
