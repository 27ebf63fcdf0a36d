/**
 * A metric's definition hash: the fingerprint printed next to every value, so a reader can tell whether two
 * numbers were computed the same way. It covers what changes the numbers or what they mean:
 * - the metric's own fields that compute it (type, model, filter, aggregation, expression, time dimension,
 *   unit, minimum sample; a ratio's sides, a derived metric's expression) and, through their hashes, the
 *   metrics it is computed from;
 * - the warehouse contract it reads: name, type and description of each model column its SQL names;
 * - the metrics.yaml `definitions:` its model depends on (the AI signal catalogue, the production pattern, …,
 *   as the mart's .yml declares), so a catalogue change shows as a changed hash on every metric it moves.
 * It leaves out the words around them (label, description, owner, direction, bands) and the list of allowed
 * slices: rewording a description must not make last month's review look incomparable. Hashing the parsed
 * value, not the text, makes YAML comments, quoting, key order and whitespace irrelevant.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.ts";
import type { Definitions, MetricDefinition } from "./metric-schema.ts";
import { referencedIdentifiers } from "./sql-identifiers.ts";
import { findModel } from "./warehouse-contract.ts";

/** The metric's own fields that define its values, in the form that is hashed (no contract, no inputs). */
export function hashedDefinition(metric: MetricDefinition): Record<string, unknown> {
  const common = { name: metric.name, type: metric.type, unit: metric.unit, min_sample: metric.min_sample };
  switch (metric.type) {
    case "simple":
      return {
        ...common,
        model: metric.model,
        agg: metric.agg,
        agg_params: metric.agg_params,
        expr: metric.expr,
        filter: metric.filter,
        time_dimension: metric.time_dimension,
      };
    case "ratio":
      return { ...common, numerator: metric.numerator, denominator: metric.denominator };
    case "derived":
      return { ...common, expr: metric.expr, metrics: metric.metrics };
  }
}

/**
 * Definitions added after metrics had hashes, whose empty value (the default) changes no number: left out of
 * the hash while empty, so that adding them kept every hash, and in the hash once they say something.
 * `deploy_workflows: []` names no workflow, so no run is a deployment, as before the key existed.
 */
const OMITTED_WHEN_EMPTY: readonly string[] = ["deploy_workflows"];

function omittedWhenEmpty(definitions: Definitions, key: string): boolean {
  const value = definitions[key as keyof Definitions];
  return OMITTED_WHEN_EMPTY.includes(key) && Array.isArray(value) && value.length === 0;
}

/** The contract a simple metric reads: its model's columns named by its SQL, and the definitions the model uses. */
export function contractRead(metric: MetricDefinition, definitions: Definitions): Record<string, unknown> {
  if (metric.type !== "simple") return {};
  const model = findModel(metric.model);
  if (!model) return {};
  const names = new Set(
    [metric.expr, metric.filter ?? "", metric.time_dimension].flatMap((sql) => referencedIdentifiers(sql)),
  );
  const columns = Object.fromEntries(
    Object.keys(model.columns)
      .filter((c) => names.has(c))
      .sort()
      .map((c) => [c, { type: model.columns[c], description: model.descriptions[c] }]),
  );
  const used = Object.fromEntries(
    model.definitions
      .filter((key) => Object.hasOwn(definitions, key) && !omittedWhenEmpty(definitions, key))
      .map((key) => [key, definitions[key as keyof Definitions]]),
  );
  return { model: metric.model, columns, definitions: used };
}

export { canonicalJson };

export interface MetricHashInput {
  definition: MetricDefinition;
  /** The file's definitions section (only the keys the model declares are hashed). */
  file: Definitions;
  /** For ratio and derived metrics: the hashes (and side filters) of what they are computed from. */
  inputs?: Record<string, unknown>;
}

/** `sha256:<hex>` of the canonical JSON of a metric's definition, the contract it reads and its inputs. */
export function metricHash(input: MetricHashInput): string {
  return sha256(
    canonicalJson(
      {
        definition: hashedDefinition(input.definition),
        contract: contractRead(input.definition, input.file),
        inputs: input.inputs,
      },
      textsOf(input.file),
    ),
  );
}

// Every metric of a file hashes the same objects of its definitions section (the AI signal catalogue is
// long): their canonical text is written once per file, not once per metric, which keeps loading
// metrics.yaml (and so every command's start) fast. The text is the same either way.
const definitionTexts = new WeakMap<object, WeakMap<object, string>>();

function textsOf(file: Definitions): WeakMap<object, string> {
  let texts = definitionTexts.get(file);
  if (!texts) {
    texts = new WeakMap();
    definitionTexts.set(file, texts);
  }
  return texts;
}

/** One hash for a whole set of definitions (e.g. for the run ledger): order-independent. */
export function definitionsHash(hashes: readonly string[]): string {
  return sha256(canonicalJson([...hashes].sort()));
}

function sha256(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}
