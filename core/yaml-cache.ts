/**
 * Parsed YAML values kept between runs, so that a command that reads metrics.yaml and the warehouse
 * contracts (about 125 KB of YAML, which the `yaml` parser needs half a second for in a fresh process)
 * starts fast. An entry is keyed by a hash of the exact text, the parser's version and the way it was
 * parsed: an edited file is a new key, so a value read here is never stale. Only a text that parsed without
 * error is kept, and only when JSON holds its value exactly. Small texts parse fast and are not kept.
 *
 * The entries live in node_modules/.cache/yardstick (or the folder named by YARDSTICK_CACHE_DIR), at most
 * MAX_ENTRIES of them; a cache that cannot be read or written is skipped without a word: it only saves time.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Yaml from "yaml";
import { PROJECT_ROOT } from "./project-root.ts";

/** Texts shorter than this parse in a few milliseconds: caching them would only add files. */
export const MIN_CACHED_BYTES = 4096;
export const MAX_ENTRIES = 32;
/** Bump when what an entry holds changes. */
const FORMAT = 1;
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;

let parserVersion: string | undefined;
let library: typeof Yaml | undefined;

/**
 * The `yaml` library, loaded the first time a text is parsed: a command whose YAML is all in the cache never
 * loads it (its start-up cost is a sixth of `metrics list`'s).
 */
export function yamlLibrary(): typeof Yaml {
  library ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return library;
}

export function yamlCacheDir(): string {
  return process.env.YARDSTICK_CACHE_DIR || join(PROJECT_ROOT, "node_modules", ".cache", "yardstick");
}

function entryFile(text: string, variant: string): string {
  parserVersion ??= (createRequire(import.meta.url)("yaml/package.json") as { version: string }).version;
  const key = createHash("sha256")
    .update(`${FORMAT}\0yaml@${parserVersion}\0${variant}\0`)
    .update(text, "utf8")
    .digest("hex");
  return join(yamlCacheDir(), `${key}.json`);
}

/** The cached value of a text parsed as `variant`, or undefined when there is none (or none worth keeping). */
export function readCachedYaml(
  text: string,
  variant: string,
  minBytes = MIN_CACHED_BYTES,
): { value: unknown } | undefined {
  if (text.length < minBytes) return undefined;
  try {
    return { value: JSON.parse(readFileSync(entryFile(text, variant), "utf8")) as unknown };
  } catch {
    return undefined;
  }
}

/** Keeps the value a text parsed to, when JSON holds it exactly (no Infinity, NaN, -0, undefined, dates…). */
export function writeCachedYaml(
  text: string,
  variant: string,
  value: unknown,
  minBytes = MIN_CACHED_BYTES,
): void {
  if (text.length < minBytes || !jsonExact(value)) return;
  try {
    const json = JSON.stringify(value);
    if (json.length > MAX_ENTRY_BYTES) return;
    const file = entryFile(text, variant);
    mkdirSync(yamlCacheDir(), { recursive: true });
    const temporary = `${file}.tmp-${process.pid}`;
    writeFileSync(temporary, json);
    renameSync(temporary, file);
    prune();
  } catch {
    // Only time is lost.
  }
}

/**
 * A value read through the cache: `parse` runs only when there is no entry for the text (which may be
 * several files' texts together, with `variant` saying how they are parsed).
 */
export function cachedYamlValue(text: string, variant: string, parse: () => unknown): unknown {
  const cached = readCachedYaml(text, variant);
  if (cached) return cached.value;
  const value = parse();
  writeCachedYaml(text, variant, value);
  return value;
}

/**
 * The build of the code running now: dist/build.json's start time when it runs compiled, undefined when it
 * runs from its TypeScript sources (which change without a build, so nothing derived by code is kept then).
 */
function compiledBuild(): string | undefined {
  if (!import.meta.url.includes("/dist/core/")) return undefined;
  try {
    return String(
      (JSON.parse(readFileSync(join(PROJECT_ROOT, "dist", "build.json"), "utf8")) as { startedAt: unknown })
        .startedAt,
    );
  } catch {
    return undefined;
  }
}

/**
 * A value the compiled code derives from one file's text alone (e.g. the validated metrics that `metrics
 * list` prints), kept between runs: keyed by the exact text, `variant` and the build of the code, so an
 * edited file or a rebuilt Yardstick is a new key. `derive` runs when there is no entry, and always when the
 * code runs from its sources; its value is kept only when it resolves (a file that fails to validate is never
 * kept, so its errors are reported every time) and JSON holds it exactly. A file that cannot be read is left
 * to `derive` to report.
 */
export async function cachedValueOfFile(
  file: string,
  variant: string,
  derive: () => Promise<unknown>,
): Promise<unknown> {
  const build = compiledBuild();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return derive();
  }
  if (build === undefined) return derive();
  const key = `${variant}\0build@${build}`;
  // Whatever the file's size: deriving costs loading the validation, not only parsing.
  const cached = readCachedYaml(text, key, 0);
  if (cached) return cached.value;
  const value = await derive();
  writeCachedYaml(text, key, value, 0);
  return value;
}

function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every(jsonExact);
}

/** Keeps the MAX_ENTRIES most recently written entries, and removes what writers killed mid-write left. */
function prune(): void {
  const dir = yamlCacheDir();
  const entries = readdirSync(dir)
    .map((name) => {
      try {
        return { name, mtime: statSync(join(dir, name)).mtimeMs };
      } catch {
        return undefined;
      }
    })
    .filter((e) => e !== undefined)
    .sort((a, b) => b.mtime - a.mtime);
  const abandoned = Date.now() - 10 * 60_000;
  for (const e of entries) {
    if (e.name.includes(".tmp-") && e.mtime < abandoned) rmSync(join(dir, e.name), { force: true });
  }
  for (const old of entries.filter((e) => e.name.endsWith(".json")).slice(MAX_ENTRIES)) {
    rmSync(join(dir, old.name), { force: true });
  }
}
