/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) with the draws the organisation
 * generator needs. Never Math.random: the same seed must give the same organisation on every machine.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: `weighted([["a", 3], ["b", 1]])` returns "a" three times as often as "b". */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  /** Standard normal draw (Box–Muller). */
  normal(): number;
  /** Log-normal draw with the given median and log-space standard deviation: long right tail. */
  logNormal(median: number, sigma: number): number;
  /** `count` lowercase hex characters, e.g. for a git object id. */
  hex(count: number): string;
  shuffle<T>(items: readonly T[]): T[];
  /** An independent generator derived from this one, so that adding draws in one part leaves others alone. */
  fork(label: string): Rng;
}

const HEX_CODES = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  // FNV-1a: enough to turn a label into a 32-bit seed offset.
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A generator for `seed` (any integer). */
export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = (): number => {
    // sfc32
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();

  const rng: Rng = {
    float: () => next() / 4294967296,
    int: (min, max) => min + Math.floor(rng.float() * (max - min + 1)),
    chance: (p) => rng.float() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(rng.float() * items.length)] as (typeof items)[number];
    },
    weighted: (choices) => {
      const total = choices.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
      if (total <= 0) throw new Error("weighted pick with no positive weight");
      let r = rng.float() * total;
      for (const [value, w] of choices) {
        r -= Math.max(0, w);
        if (r < 0) return value;
      }
      return (choices[choices.length - 1] as readonly [(typeof choices)[number][0], number])[0];
    },
    normal: () => {
      const u = 1 - rng.float();
      const v = rng.float();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    logNormal: (median, sigma) => median * Math.exp(sigma * rng.normal()),
    hex: (count) => {
      // Built from character codes: a flat string (concatenation would leave V8 rope and slice objects,
      // several times the size, and a large organisation holds millions of oids).
      const codes = new Array<number>(count);
      let word = 0;
      for (let i = 0; i < count; i++) {
        if (i % 8 === 0) word = next();
        codes[i] = HEX_CODES[(word >>> (28 - 4 * (i % 8))) & 15] as number;
      }
      return String.fromCharCode.apply(null, codes);
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rng.float() * (i + 1));
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
    fork: (label) => createRng((seed ^ hashLabel(label)) >>> 0),
  };
  return rng;
}
