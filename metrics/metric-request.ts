/**
 * Checks what a caller asks for (metric names, slices, grain, dates, equality filters) against metrics.yaml
 * before any SQL is built. Problems name the command-line flag they came from, since the CLI is the main
 * caller; all of them are reported at once as one InputError (exit 2).
 */
import { InputError, type InputProblem } from "../core/errors.ts";
import { isIsoDate } from "../core/iso-date.ts";
import type { PlanRequest } from "./metric-ir.ts";
import { GRAINS, type Grain } from "./metric-schema.ts";
import type { Metric, MetricsFile } from "./metrics-file.ts";
import { findModel } from "./warehouse-contract.ts";

export interface MetricRequestInput {
  names: readonly string[];
  by: readonly string[];
  grain: string;
  from?: string | undefined;
  to?: string | undefined;
  /** Where periods start (YYYY-MM-DD) instead of on calendar boundaries, e.g. a trailing quarter. */
  origin?: string | undefined;
  /** Equality filters on dimensions, e.g. `{ team: "platform" }`. */
  where?: Readonly<Record<string, string>> | undefined;
}

export interface MetricRequest extends PlanRequest {
  readonly metrics: readonly Metric[];
  readonly grain: Grain;
}

// Names of the result row's own fields: a dimension with one of these names would overwrite them.
/** The result row's own fields: every other field of a MetricRow is a dimension (so none may be named so). */
export const METRIC_ROW_FIELDS: ReadonlySet<string> = new Set([
  "metric",
  "period",
  "value",
  "n",
  "definition_hash",
  "insufficient",
  "suppressed",
  "band",
  "numerator",
  "denominator",
  "vs_unmarked",
  "data_as_of",
  "period_days",
]);

/** Validates a request; returns it normalised (metrics resolved, duplicates dropped) or throws an InputError. */
export function resolveMetricRequest(file: MetricsFile, input: MetricRequestInput): MetricRequest {
  const problems: InputProblem[] = [];
  const metrics: Metric[] = [];
  const known = file.metrics.map((m) => m.name).join(", ");
  if (input.names.length === 0)
    problems.push({ field: "<metric>", message: `name at least one metric (${known})` });
  for (const name of unique(input.names)) {
    const metric = file.metrics.find((m) => m.name === name);
    if (metric) metrics.push(metric);
    else
      problems.push({
        field: "<metric>",
        message: `unknown metric "${name}" in ${file.file}; known: ${known}`,
      });
  }

  const by = unique(input.by);
  for (const dimension of by) problems.push(...dimensionProblems("--by", dimension, metrics));

  if (!(GRAINS as readonly string[]).includes(input.grain)) {
    problems.push({ field: "--grain", message: `must be one of ${GRAINS.join(", ")}: got "${input.grain}"` });
  }

  for (const [flag, value] of [
    ["--from", input.from],
    ["--to", input.to],
    ["--origin", input.origin],
  ] as const) {
    if (value !== undefined && !isIsoDate(value)) {
      problems.push({ field: flag, message: `must be a date written YYYY-MM-DD: got "${value}"` });
    }
  }
  // DuckDB aligns month-long buckets on months: an origin mid-month would be silently moved to its first day.
  if (
    input.origin &&
    isIsoDate(input.origin) &&
    (input.grain === "month" || input.grain === "quarter") &&
    !input.origin.endsWith("-01")
  ) {
    problems.push({
      field: "--origin",
      message: `must be the first day of a month for ${input.grain}s: got "${input.origin}"`,
    });
  }
  if (input.from && input.to && isIsoDate(input.from) && isIsoDate(input.to) && input.from > input.to) {
    problems.push({ field: "--to", message: `${input.to} is before --from ${input.from}` });
  }

  const where: { dimension: string; value: string | boolean }[] = [];
  for (const [dimension, raw] of Object.entries(input.where ?? {})) {
    const found = dimensionProblems("--where", dimension, metrics);
    problems.push(...found);
    if (found.length > 0) continue;
    const value = typedValue(dimension, raw, metrics);
    if (value === undefined) {
      problems.push({ field: "--where", message: `${dimension} is true or false: got "${raw}"` });
    } else where.push({ dimension, value });
  }

  if (problems.length > 0) throw new InputError("invalid metrics query", problems);
  return {
    metrics,
    by,
    grain: input.grain as Grain,
    from: input.from,
    to: input.to,
    where,
    ...(input.origin !== undefined ? { origin: input.origin } : {}),
  };
}

/** The one strict day parser (core/iso-date.ts), re-exported for the metric commands. */
export { isIsoDate };

function dimensionProblems(flag: string, dimension: string, metrics: readonly Metric[]): InputProblem[] {
  if (METRIC_ROW_FIELDS.has(dimension))
    return [{ field: flag, message: `"${dimension}" cannot be a dimension` }];
  return metrics
    .filter((m) => !m.dimensions.includes(dimension))
    .map((m) => ({
      field: flag,
      message: `metric ${m.name} cannot be sliced by "${dimension}"; its dimensions: ${m.dimensions.join(", ") || "(none)"}`,
    }));
}

// Boolean dimensions (is_draft, is_merged) compare to a boolean; everything else to the text as given.
function typedValue(
  dimension: string,
  raw: string,
  metrics: readonly Metric[],
): string | boolean | undefined {
  const type = metrics
    .flatMap((m) => m.models.map((model) => findModel(model)?.columns[dimension]))
    .find((t) => t !== undefined);
  if (type !== "boolean") return raw;
  if (raw === "true") return true;
  if (raw === "false") return false;
  return undefined;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
