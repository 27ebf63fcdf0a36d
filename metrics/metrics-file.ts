/**
 * Loads metrics.yaml: parse with positions, validate every metric, check rules across metrics, and report
 * every problem at once (file:line:column and field) as one InputError, so an analyst fixes the file in one pass.
 */
import { resolve } from "node:path";
import { InputError, type InputProblem, type SourcePosition } from "../core/errors.ts";
import { parseYaml, readYamlFile, validateYaml, type YamlSource } from "../core/yaml-source.ts";
import { definitionHash, definitionsHash } from "./definition-hash.ts";
import { type Definitions, type MetricDefinition, metricsFileSchema } from "./metric-schema.ts";

const WHAT = "metrics file";

/** One validated metric with its definition hash. */
export interface Metric extends MetricDefinition {
  readonly definitionHash: string;
}

export interface MetricsFile {
  readonly file: string;
  readonly version: 1;
  /** Definitions the pipeline needs beyond the metrics (incident labels, …). */
  readonly definitions: Definitions;
  readonly metrics: readonly Metric[];
  /** Hash over all definition hashes: changes when any definition does. */
  readonly hash: string;
  /** Where a field is in the file, e.g. `positionOf(["metrics", 0, "expr"])`, for later checks' messages. */
  readonly positionOf: (path: readonly PropertyKey[]) => SourcePosition | undefined;
}

/** Reads and validates metrics.yaml. Throws an InputError (exit 2) listing every problem. */
export function loadMetricsFile(file: string): MetricsFile {
  return metricsFileFromSource(readYamlFile(resolve(file), WHAT));
}

/** Same as loadMetricsFile, from text (the name is used in messages). */
export function parseMetricsFile(text: string, file: string): MetricsFile {
  return metricsFileFromSource(parseYaml(text, file, WHAT));
}

export function metricsFileFromSource(source: YamlSource): MetricsFile {
  const problems: InputProblem[] = [];
  let parsed: ReturnType<typeof metricsFileSchema.parse> | undefined;
  try {
    parsed = validateYaml(source, metricsFileSchema, WHAT);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  // Checked on the raw value so that a duplicate is reported even when another metric has errors too.
  problems.push(...duplicateNames(source));
  if (problems.length > 0 || !parsed) {
    problems.sort(
      (a, b) =>
        (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
        (a.position?.column ?? 0) - (b.position?.column ?? 0),
    );
    throw new InputError(`${WHAT} ${source.file} is invalid`, problems);
  }
  const metrics = parsed.metrics.map((m) => Object.freeze({ ...m, definitionHash: definitionHash(m) }));
  return Object.freeze({
    file: source.file,
    version: parsed.version,
    definitions: Object.freeze(parsed.definitions),
    metrics: Object.freeze(metrics),
    hash: definitionsHash(metrics.map((m) => m.definitionHash)),
    positionOf: (path: readonly PropertyKey[]) => source.positionOf(path),
  });
}

export function findMetric(file: MetricsFile, name: string): Metric | undefined {
  return file.metrics.find((m) => m.name === name);
}

function duplicateNames(source: YamlSource): InputProblem[] {
  const root = source.value as { metrics?: unknown } | null;
  if (!root || !Array.isArray(root.metrics)) return [];
  const firstIndex = new Map<string, number>();
  const problems: InputProblem[] = [];
  root.metrics.forEach((item: unknown, i) => {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name !== "string") return;
    const first = firstIndex.get(name);
    if (first === undefined) {
      firstIndex.set(name, i);
      return;
    }
    const firstAt = source.positionOf(["metrics", first, "name"]);
    problems.push({
      field: `metrics[${i}].name`,
      message: `"${name}" is already defined by metrics[${first}]${firstAt ? ` (line ${firstAt.line})` : ""}`,
      position: source.positionOf(["metrics", i, "name"]),
    });
  });
  return problems;
}
