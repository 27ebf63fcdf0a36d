/**
 * Quantiles of the standard normal and of Student's t distribution, and the regularized incomplete beta function
 * behind t and the Harrell–Davis weights, for the intervals of metrics/comparison-stats.ts. With few
 * repositories an interval needs t on G − 1 degrees of freedom rather than the normal's 1.96 (t on 2 degrees of
 * freedom is 4.30). Pure functions of plain numbers, deterministic bit for bit.
 */

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
 * ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 1e-15 relative error).
 * Example: `logGamma(5)` → ln 24 = 3.178053830347945.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be positive: got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

/**
 * The regularized incomplete beta function I_x(a, b), i.e. the distribution function of Beta(a, b) at x: a
 * continued fraction (modified Lentz) on whichever side of the mean it converges fast.
 * Example: `betaCdf(0.5, 2, 3)` → 0.6875.
 */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`betaCdf: a and b must be positive: got ${a}, ${b}`);
  if (Number.isNaN(x)) throw new RangeError("betaCdf: x is not a number");
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const guard = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return h;
}

/**
 * The p quantile of Student's t distribution on `df` degrees of freedom (any df > 0, whole or not; Infinity is
 * the normal): exact formulas for 1 and 2, otherwise Newton steps on the distribution function, bisecting
 * whenever a step would leave the bracket that holds the answer.
 * Examples: `tQuantile(0.975, 1)` → 12.7062; `tQuantile(0.975, 7)` → 2.3646; `tQuantile(0.975, 19)` → 2.0930.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`tQuantile: p must be between 0 and 1 (exclusive): got ${p}`);
  if (!(df > 0)) throw new RangeError(`tQuantile: df must be positive: got ${df}`);
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const tail = 1 - p;
  const logDensityAtZero = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const upperTail = (t: number) => 0.5 * betaCdf(df / (df + t * t), df / 2, 0.5);
  let low = 0;
  let high = 2;
  while (upperTail(high) > tail) {
    low = high;
    high *= 2;
  }
  // t is always farther out than the normal quantile, so the normal quantile is a start inside the bracket.
  let t = Math.min(Math.max(normalQuantile(p), low), high);
  for (let i = 0; i < 200; i++) {
    const excess = upperTail(t) - tail; // the tail falls as t grows: excess > 0 means t is too small
    if (excess > 0) low = t;
    else high = t;
    const density = Math.exp(logDensityAtZero - ((df + 1) / 2) * Math.log1p((t * t) / df));
    let next = t + excess / density;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - t) <= 4 * Number.EPSILON * next) return next;
    t = next;
  }
  return t;
}
