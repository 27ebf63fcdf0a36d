/**
 * A metric's definition hash: the fingerprint printed next to every value, so a reader can tell whether two
 * numbers were computed the same way. It covers what changes the numbers or what they mean (model, filter,
 * aggregation, expression, time dimension, unit, minimum sample) and leaves out the words around them (label,
 * description, owner, direction) and the list of allowed slices: rewording a description must not make last
 * month's review look incomparable. Hashing the parsed value, not the text, makes YAML comments, quoting,
 * key order and whitespace irrelevant.
 */
import { createHash } from "node:crypto";
import type { MetricDefinition } from "./metric-schema.ts";

/** The fields that define a metric's values, in the form that is hashed. */
export function hashedDefinition(metric: MetricDefinition): Record<string, unknown> {
  return {
    name: metric.name,
    type: metric.type,
    model: metric.model,
    agg: metric.agg,
    agg_params: metric.agg_params,
    expr: metric.expr,
    filter: metric.filter,
    time_dimension: metric.time_dimension,
    unit: metric.unit,
    min_sample: metric.min_sample,
  };
}

/** `sha256:<hex>` of the canonical JSON of a metric's definition. */
export function definitionHash(metric: MetricDefinition): string {
  return sha256(canonicalJson(hashedDefinition(metric)));
}

/** One hash for a whole set of definitions (e.g. for the run ledger): order-independent. */
export function definitionsHash(hashes: readonly string[]): string {
  return sha256(canonicalJson([...hashes].sort()));
}

/** JSON with object keys sorted at every level and undefined members dropped: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

function sha256(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}
