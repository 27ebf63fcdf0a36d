/**
 * Time for the generator: whole seconds in epoch milliseconds internally, ISO-8601 with `Z` (as GitHub
 * prints it) only when a value goes into the dataset.
 */
import { Buffer } from "node:buffer";
import type { Rng } from "../prng.ts";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const dayPrefixes = new Map<number, number[]>();
let interned: Map<number, string[]> | null = null;

/**
 * Runs `fn` with timestamps interned: one string per second however many records share it. A large
 * organisation has several timestamps per second of its working hours, so this saves most of their
 * memory; a small one would pay more for the table than it saves.
 */
export function withInternedTimestamps<T>(fn: () => T): T {
  const previous = interned;
  interned = new Map();
  try {
    return fn();
  } finally {
    interned = previous;
  }
}
const isoCodes = new Array<number>(20);
const DIGIT = 48;

/**
 * ISO-8601 to the second with Z, as GitHub prints timestamps. Built from character codes so that V8 keeps
 * one flat 20-character string (formatting and replacing leaves rope and slice objects nearly three times
 * the size; a large organisation holds tens of millions of timestamps).
 */
export function iso(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (interned) {
    const hour = Math.floor(seconds / 3600);
    let chunk = interned.get(hour);
    if (!chunk) {
      chunk = new Array<string>(3600);
      interned.set(hour, chunk);
    }
    const slot = seconds - hour * 3600;
    let text = chunk[slot];
    if (text === undefined) {
      text = format(seconds);
      chunk[slot] = text;
    }
    return text;
  }
  return format(seconds);
}

function format(seconds: number): string {
  const day = Math.floor(seconds / 86_400);
  let prefix = dayPrefixes.get(day);
  if (!prefix) {
    prefix = Array.from(new Date(day * DAY).toISOString().slice(0, 11), (c) => c.charCodeAt(0));
    dayPrefixes.set(day, prefix);
  }
  for (let i = 0; i < 11; i++) isoCodes[i] = prefix[i] as number;
  const rest = seconds - day * 86_400;
  const hour = Math.floor(rest / 3600);
  const minute = Math.floor((rest % 3600) / 60);
  const second = rest % 60;
  isoCodes[11] = DIGIT + Math.floor(hour / 10);
  isoCodes[12] = DIGIT + (hour % 10);
  isoCodes[13] = 58; // ":"
  isoCodes[14] = DIGIT + Math.floor(minute / 10);
  isoCodes[15] = DIGIT + (minute % 10);
  isoCodes[16] = 58;
  isoCodes[17] = DIGIT + Math.floor(second / 10);
  isoCodes[18] = DIGIT + (second % 10);
  isoCodes[19] = 90; // "Z"
  return String.fromCharCode.apply(null, isoCodes);
}

/**
 * The same text as one flat string. Strings built by concatenation stay V8 ropes (a node per piece);
 * texts kept by the millions (messages, bodies, URLs) are copied flat once.
 */
export function flat(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 255) return Buffer.from(text, "utf16le").toString("utf16le");
  }
  return Buffer.from(text, "latin1").toString("latin1");
}

export function floorSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Uniform in [fromMs, toMs); `fromMs` when the range is empty. */
export function between(rng: Rng, fromMs: number, toMs: number): number {
  return toMs <= fromMs ? fromMs : fromMs + rng.float() * (toMs - fromMs);
}

/** A log-normal duration in whole seconds (at least one), capped: long-tailed waits and run times. */
export function longTail(rng: Rng, medianMs: number, sigma: number, maxMs: number): number {
  return Math.max(SECOND, floorSecond(Math.min(maxMs, rng.logNormal(medianMs, sigma))));
}

export function isWeekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}

/**
 * The first moment at or after `ms` inside working hours (Monday–Friday, `fromHour`–`toHour` UTC): where a
 * team's deploy window or a person's working day pushes an event that would otherwise fall at night.
 */
export function nextWorkingMoment(ms: number, fromHour = 8, toHour = 18): number {
  let at = ms;
  for (let i = 0; i < 8; i++) {
    const midnight = Math.floor(at / DAY) * DAY;
    const hour = (at - midnight) / HOUR;
    if (!isWeekend(at) && hour >= fromHour && hour < toHour) return at;
    at = hour < fromHour && !isWeekend(at) ? midnight + fromHour * HOUR : midnight + DAY + fromHour * HOUR;
  }
  return at;
}
