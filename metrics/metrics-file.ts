/**
 * Loads metrics.yaml: parse with positions, validate every metric, check the rules across metrics (unique
 * names, what ratio and derived metrics refer to, cycles, grains, slices), and report every problem at once
 * (file:line:column and field) as one InputError, so an analyst fixes the file in one pass. A loaded file
 * holds each metric resolved: a ratio carries its two simple metrics, a derived metric its inputs.
 */
import { resolve } from "node:path";
import { InputError, type InputProblem, type SourcePosition } from "../core/errors.ts";
import { parseYaml, readYamlFile, validateYaml, type YamlSource } from "../core/yaml-source.ts";
import { definitionsHash, metricHash } from "./definition-hash.ts";
import {
  type Definitions,
  type DerivedMetricDefinition,
  type MetricDefinition,
  type MetricInput,
  metricSchema,
  metricsFileSchema,
  type RatioMetricDefinition,
  type SimpleMetricDefinition,
} from "./metric-schema.ts";
import { referencedIdentifiers } from "./sql-identifiers.ts";

const WHAT = "metrics file";

/** The built-in name a derived metric's expression may use: days in the period (7 for a week). */
export const PERIOD_DAYS = "period_days";

interface Resolved {
  readonly definitionHash: string;
  /** The warehouse models the metric reads, directly or through its inputs. */
  readonly models: readonly string[];
}

export type SimpleMetric = Readonly<SimpleMetricDefinition> & Resolved;

/** One side of a ratio: a simple metric, with the ratio's extra filter for that side. */
export interface RatioSide {
  readonly metric: SimpleMetric;
  readonly filter?: string | undefined;
}

export type RatioMetric = Readonly<RatioMetricDefinition> &
  Resolved & {
    readonly sides: { readonly numerator: RatioSide; readonly denominator: RatioSide };
    /** The model both sides aggregate (one grain) and the time dimension they share. */
    readonly model: string;
    readonly time_dimension: string;
  };

export interface DerivedInput {
  readonly alias: string;
  readonly metric: Metric;
}

export type DerivedMetric = Readonly<DerivedMetricDefinition> &
  Resolved & { readonly inputs: readonly DerivedInput[] };

/** One validated metric, resolved, with its definition hash. */
export type Metric = SimpleMetric | RatioMetric | DerivedMetric;

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
  // References are checked among the metrics that are valid on their own, even when others are not, so
  // an analyst sees a typo in one metric and a dangling reference in another in the same pass.
  problems.push(...referenceProblems(validMetrics(source, parsed?.metrics), source, writtenNames(source)));
  if (problems.length > 0 || !parsed) {
    problems.sort(
      (a, b) =>
        (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
        (a.position?.column ?? 0) - (b.position?.column ?? 0),
    );
    throw new InputError(`${WHAT} ${source.file} is invalid`, problems);
  }
  const definitions = Object.freeze(parsed.definitions);
  const metrics = resolveMetrics(parsed.metrics, definitions);
  return Object.freeze({
    file: source.file,
    version: parsed.version,
    definitions,
    metrics: Object.freeze(metrics),
    hash: definitionsHash(metrics.map((m) => m.definitionHash)),
    positionOf: (path: readonly PropertyKey[]) => source.positionOf(path),
  });
}

export function findMetric(file: MetricsFile, name: string): Metric | undefined {
  return file.metrics.find((m) => m.name === name);
}

/** The metrics a ratio or derived metric is computed from directly (none for a simple metric). */
export function inputsOf(metric: Metric): Metric[] {
  switch (metric.type) {
    case "simple":
      return [];
    case "ratio":
      return [metric.sides.numerator.metric, metric.sides.denominator.metric];
    case "derived":
      return metric.inputs.map((input) => input.metric);
  }
}

/** The simple metrics a metric is computed from (itself for a simple metric), each once. */
export function simpleMetricsOf(metric: Metric): SimpleMetric[] {
  if (metric.type === "simple") return [metric];
  return [...new Set(inputsOf(metric).flatMap(simpleMetricsOf))];
}

function rawMetrics(source: YamlSource): unknown[] {
  const root = source.value as { metrics?: unknown } | null;
  return root && Array.isArray(root.metrics) ? root.metrics : [];
}

function writtenNames(source: YamlSource): Set<string> {
  return new Set(
    rawMetrics(source)
      .map((item) => (item as { name?: unknown } | null)?.name)
      .filter((name): name is string => typeof name === "string"),
  );
}

/** The metrics that pass the schema on their own, with their index in the file. */
function validMetrics(
  source: YamlSource,
  parsed: readonly MetricDefinition[] | undefined,
): { metric: MetricDefinition; index: number }[] {
  if (parsed) return parsed.map((metric, index) => ({ metric, index }));
  const out: { metric: MetricDefinition; index: number }[] = [];
  rawMetrics(source).forEach((item, index) => {
    const result = metricSchema.safeParse(item);
    if (result.success) out.push({ metric: result.data, index });
  });
  return out;
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

const inputName = (input: MetricInput | DerivedMetricDefinition["metrics"][number]): string =>
  typeof input === "string" ? input : input.metric;

/** What ratio and derived metrics refer to: known metrics, the right types, one grain, no cycles. */
function referenceProblems(
  entries: readonly { metric: MetricDefinition; index: number }[],
  source: YamlSource,
  written: ReadonlySet<string>,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const byName = new Map(entries.map((e) => [e.metric.name, e]));
  // A name written in the file whose metric has errors of its own: those errors are reported already.
  const brokenOnly = (name: string) => !byName.has(name) && written.has(name);
  const problem = (i: number, path: readonly PropertyKey[], message: string): void => {
    const at = ["metrics", i, ...path];
    problems.push({
      field:
        `metrics[${i}].${path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".")}`.replace(
          /\.\[/g,
          "[",
        ),
      message,
      position: source.positionOf(at) ?? source.positionOf(["metrics", i, path[0] ?? "name"]),
    });
  };
  const dimensionsOf = (name: string): readonly string[] => byName.get(name)?.metric.dimensions ?? [];

  entries.forEach(({ metric, index: i }) => {
    if (metric.type === "ratio") {
      const sides: SimpleMetricDefinition[] = [];
      for (const side of ["numerator", "denominator"] as const) {
        const input = metric[side];
        const name = inputName(input);
        const path = typeof input === "string" ? [side] : [side, "metric"];
        const target = byName.get(name)?.metric;
        if (!target) {
          if (!brokenOnly(name)) problem(i, path, `names "${name}", which is not a metric in this file`);
        } else if (target.type !== "simple")
          problem(
            i,
            path,
            `must name a simple metric (one aggregation over one model); "${name}" is a ${target.type} metric`,
          );
        else sides.push(target);
      }
      const [numerator, denominator] = sides;
      if (numerator && denominator) {
        if (numerator.model !== denominator.model) {
          problem(
            i,
            ["denominator"],
            `is a ratio of incompatible grains: the numerator counts ${numerator.model} rows, the denominator ${denominator.model} rows; a rate must divide rows of one model (e.g. deployments with an incident by deployments)`,
          );
        } else if (numerator.time_dimension !== denominator.time_dimension) {
          problem(
            i,
            ["denominator"],
            `must place rows in periods by the same time dimension as the numerator: ${numerator.time_dimension} vs ${denominator.time_dimension}`,
          );
        }
        metric.dimensions.forEach((d, k) => {
          const missing = [numerator, denominator]
            .filter((s) => !s.dimensions.includes(d))
            .map((s) => s.name);
          if (missing.length > 0)
            problem(i, ["dimensions", k], `"${d}" is not a dimension of ${missing.join(" and ")}`);
        });
      }
    }
    if (metric.type === "derived") {
      const aliases = new Map<string, number>();
      metric.metrics.forEach((input, k) => {
        const name = inputName(input);
        const alias = typeof input === "string" ? input : (input.alias ?? input.metric);
        const path = typeof input === "string" ? ["metrics", k] : ["metrics", k, "metric"];
        if (!byName.has(name)) {
          if (!brokenOnly(name)) problem(i, path, `names "${name}", which is not a metric in this file`);
        } else
          metric.dimensions.forEach((d) => {
            if (!dimensionsOf(name).includes(d))
              problem(i, path, `"${name}" cannot be sliced by "${d}", which this metric lists in dimensions`);
          });
        if (aliases.has(alias)) problem(i, path, `uses the name "${alias}" twice; give one an alias`);
        if (alias === PERIOD_DAYS) problem(i, path, `"${PERIOD_DAYS}" is built in; choose another alias`);
        aliases.set(alias, k);
      });
      const unknown = referencedIdentifiers(metric.expr).filter(
        (id) => id !== PERIOD_DAYS && !aliases.has(id),
      );
      if (unknown.length > 0) {
        problem(
          i,
          ["expr"],
          `refers to ${unknown.map((u) => `"${u}"`).join(", ")}, which ${unknown.length === 1 ? "is" : "are"} not among its metrics (${[...aliases.keys()].join(", ")}) or ${PERIOD_DAYS}`,
        );
      }
    }
  });

  // Cycles: a derived metric must not need itself, directly or through other derived metrics.
  const reported = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    const entry = byName.get(name);
    if (entry === undefined) return;
    if (entry.metric.type !== "derived") return;
    if (trail.includes(name)) {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...cycle].sort().join(",");
      if (!reported.has(key)) {
        reported.add(key);
        problem(entry.index, ["metrics"], `forms a cycle: ${cycle.join(" → ")}`);
      }
      return;
    }
    for (const input of entry.metric.metrics) visit(inputName(input), [...trail, name]);
  };
  for (const e of entries) visit(e.metric.name, []);
  return problems;
}

/** Builds every metric resolved (inputs before the metrics that use them), with its hash. */
function resolveMetrics(definitions: readonly MetricDefinition[], file: Definitions): Metric[] {
  const byName = new Map(definitions.map((m) => [m.name, m]));
  const done = new Map<string, Metric>();
  const resolveOne = (name: string): Metric => {
    const ready = done.get(name);
    if (ready) return ready;
    const definition = byName.get(name);
    if (!definition) throw new Error(`metric ${name} was checked but is missing`);
    let metric: Metric;
    if (definition.type === "simple") {
      metric = Object.freeze({
        ...definition,
        models: [definition.model],
        definitionHash: metricHash({ definition, file }),
      });
    } else if (definition.type === "ratio") {
      const side = (input: MetricInput): RatioSide => ({
        metric: resolveOne(inputName(input)) as SimpleMetric,
        filter: typeof input === "string" ? undefined : input.filter,
      });
      const sides = { numerator: side(definition.numerator), denominator: side(definition.denominator) };
      metric = Object.freeze({
        ...definition,
        sides,
        model: sides.denominator.metric.model,
        time_dimension: sides.denominator.metric.time_dimension,
        models: [sides.denominator.metric.model],
        definitionHash: metricHash({
          definition,
          file,
          inputs: {
            numerator: { hash: sides.numerator.metric.definitionHash, filter: sides.numerator.filter },
            denominator: { hash: sides.denominator.metric.definitionHash, filter: sides.denominator.filter },
          },
        }),
      });
    } else {
      const inputs = definition.metrics.map((input) => ({
        alias: typeof input === "string" ? input : (input.alias ?? input.metric),
        metric: resolveOne(inputName(input)),
      }));
      metric = Object.freeze({
        ...definition,
        inputs,
        models: [...new Set(inputs.flatMap((input) => input.metric.models))],
        definitionHash: metricHash({
          definition,
          file,
          inputs: Object.fromEntries(inputs.map((input) => [input.alias, input.metric.definitionHash])),
        }),
      });
    }
    done.set(name, metric);
    return metric;
  };
  return definitions.map((d) => resolveOne(d.name));
}
