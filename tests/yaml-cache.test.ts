/**
 * The parsed-YAML cache (core/yaml-cache.ts) that keeps `metrics list` and every command reading
 * metrics.yaml fast: it must give exactly what parsing gives, the same problems at the same lines, never a
 * stale value, and must never be needed.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../core/errors.ts";
import { MAX_ENTRIES, MIN_CACHED_BYTES, yamlCacheDir } from "../core/yaml-cache.ts";
import { parseYaml } from "../core/yaml-source.ts";
import { canonicalJson } from "../metrics/canonical-json.ts";
import { contractRead, hashedDefinition } from "../metrics/definition-hash.ts";
import { loadMetricsFile, parseMetricsFile } from "../metrics/metrics-file.ts";

const ROOT = resolve(import.meta.dirname, "..");
const METRICS = readFileSync(join(ROOT, "metrics.yaml"), "utf8");

let dir: string;
const saved = process.env.YARDSTICK_CACHE_DIR;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ys-yaml-cache-"));
  process.env.YARDSTICK_CACHE_DIR = join(dir, "cache");
});

afterEach(() => {
  if (saved === undefined) delete process.env.YARDSTICK_CACHE_DIR;
  else process.env.YARDSTICK_CACHE_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

const entries = () => {
  try {
    return readdirSync(yamlCacheDir()).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
};

/** The problems an InputError reports, as text (file:line:column and message). */
function problemsOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    if (error instanceof InputError) return error.report();
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("the parsed-YAML cache", () => {
  it("gives the value parsing gives, and the positions, from its second read on", () => {
    const first = parseYaml(METRICS, "metrics.yaml", "metrics file");
    expect(entries()).toHaveLength(1);
    const second = parseYaml(METRICS, "metrics.yaml", "metrics file");
    expect(second.value).toEqual(first.value);
    for (const path of [
      ["metrics", 0, "name"],
      ["metrics", 3, "filter"],
      ["definitions"],
      ["metrics", 99, "x"],
    ]) {
      expect(second.positionOf(path)).toEqual(first.positionOf(path));
    }
  });

  it("reports an invalid definition at the same line whether or not the file was read before", () => {
    const bad = METRICS.replace(/\n {4}agg: count\n/, "\n    agg: countt\n");
    expect(bad).not.toBe(METRICS);
    const file = join(dir, "metrics.yaml");
    writeFileSync(file, bad);
    const uncached = problemsOf(() => loadMetricsFile(file));
    expect(entries()).toHaveLength(1);
    const cached = problemsOf(() => loadMetricsFile(file));
    expect(cached).toBe(uncached);
    expect(cached).toMatch(/metrics\.yaml:\d+:\d+/);
  });

  it("never gives a stale value: an edited file is a new entry", () => {
    const file = join(dir, "metrics.yaml");
    writeFileSync(file, METRICS);
    const before = loadMetricsFile(file);
    const label = before.metrics[0]!.label;
    const edited = METRICS.replace(`label: ${label}\n`, `label: ${label} (edited)\n`);
    expect(edited).not.toBe(METRICS);
    writeFileSync(file, edited);
    const after = loadMetricsFile(file);
    expect(after.metrics[0]!.label).toBe(`${label} (edited)`);
    expect(entries()).toHaveLength(2);
  });

  it("ignores an entry it cannot read back, and works where it cannot write", () => {
    const expected = parseYaml(METRICS, "m.yaml", "metrics file").value;
    const [entry] = entries();
    writeFileSync(join(yamlCacheDir(), entry!), '{"metrics": [');
    expect(parseYaml(METRICS, "m.yaml", "metrics file").value).toEqual(expected);

    const notAFolder = join(dir, "a-file");
    writeFileSync(notAFolder, "");
    process.env.YARDSTICK_CACHE_DIR = notAFolder;
    expect(parseYaml(METRICS, "m.yaml", "metrics file").value).toEqual(expected);
    expect(parseYaml(METRICS, "m.yaml", "metrics file").value).toEqual(expected);
  });

  it("keeps no value JSON would change (.inf, .nan, -0), and no small file", () => {
    const padding = `# ${"x".repeat(MIN_CACHED_BYTES)}\n`;
    const text = `${padding}big: .inf\nnot_a_number: .nan\nminus_zero: -0.0\n`;
    parseYaml(text, "special.yaml", "file");
    expect(entries()).toEqual([]);
    const value = parseYaml(text, "special.yaml", "file").value as Record<string, number>;
    expect(value.big).toBe(Number.POSITIVE_INFINITY);
    expect(value.not_a_number).toBeNaN();
    expect(Object.is(value.minus_zero, -0)).toBe(true);

    parseYaml("small: true\n", "small.yaml", "file");
    expect(entries()).toEqual([]);
  });

  it(`holds at most ${MAX_ENTRIES} entries`, () => {
    for (let i = 0; i < MAX_ENTRIES + 5; i++)
      parseYaml(`${METRICS}\n# edit ${i}\n`, "m.yaml", "metrics file");
    expect(entries()).toHaveLength(MAX_ENTRIES);
  });
});

describe("definition hashes", () => {
  it("are the hash of each metric's canonical JSON, whether its definitions were written before or not", () => {
    const file = parseMetricsFile(METRICS, "metrics.yaml");
    for (const metric of file.metrics.filter((m) => m.type === "simple")) {
      const text = canonicalJson({
        definition: hashedDefinition(metric),
        contract: contractRead(metric, file.definitions),
        inputs: undefined,
      });
      expect(metric.definitionHash).toBe(`sha256:${createHash("sha256").update(text).digest("hex")}`);
    }
  });
});
