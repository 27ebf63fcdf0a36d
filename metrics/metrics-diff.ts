/**
 * `metrics diff`: what a change to metrics.yaml does, for its reviewer before merging. Two parts: which
 * definitions changed (by definition hash, with the hashed fields that differ), and how the values of the
 * changed metrics move when last month is evaluated under the old and under the new definition, per team.
 * The base side comes from another file or from git (`git show <ref>:<path>`), never from a working copy
 * that someone may be editing.
 */
import { execFile } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { InputError, YardstickError } from "../core/errors.ts";
import { canonicalJson, contractRead, hashedDefinition } from "./definition-hash.ts";
import type { MetricRow } from "./metric-evaluator.ts";
import {
  findMetric,
  inputsOf,
  loadMetricsFile,
  type Metric,
  type MetricsFile,
  parseMetricsFile,
} from "./metrics-file.ts";

const run = promisify(execFile);

/** One field that differs between the base and the head; a side where the field is absent is undefined. */
export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

export interface ChangedMetric {
  name: string;
  old_hash: string;
  new_hash: string;
  /** The metric's own hashed fields that differ (filter, agg, …). */
  fields: FieldChange[];
  /**
   * What it reads that differs, outside its own fields: `columns.<name>` of the warehouse contract (type,
   * description) and `definitions.<key>` of metrics.yaml that its model depends on.
   */
  reads: FieldChange[];
  /** The metrics it is computed from (ratio sides, derived inputs) whose hash changed. */
  inputs: string[];
  /**
   * True when the SQL that computes it differs (its own fields, or an input's, changed), so values on the
   * current warehouse can move. False when only what it reads changed: a `definitions:` change acts through
   * the next warehouse build, and a reworded column description moves nothing.
   */
  computation_changed: boolean;
}

export interface MetricsDiff {
  base: { file: string; hash: string };
  head: { file: string; hash: string };
  added: { name: string; definition_hash: string }[];
  removed: { name: string; definition_hash: string }[];
  /** Metrics in both files whose definition hash differs: their values can move. */
  changed: ChangedMetric[];
  /** Same hash, other fields edited (label, description, owner, dimensions, …): values cannot move. */
  reworded: { name: string; fields: FieldChange[] }[];
  /** Metrics in both files with the same definition hash (reworded ones included). */
  unchanged: number;
  /** Keys of the `definitions:` section that differ; they act at the next warehouse build. */
  definitions: FieldChange[];
}

/** Compares two metrics files by definition hash. Order of metrics in the file is not a change. */
export function diffMetricsFiles(base: MetricsFile, head: MetricsFile): MetricsDiff {
  const baseByName = new Map(base.metrics.map((m) => [m.name, m]));
  const headNames = new Set(head.metrics.map((m) => m.name));
  const diff: MetricsDiff = {
    base: { file: base.file, hash: base.hash },
    head: { file: head.file, hash: head.hash },
    added: [],
    removed: [],
    changed: [],
    reworded: [],
    unchanged: 0,
    definitions: fieldChanges(base.definitions, head.definitions),
  };
  const computationChanged = memo((name: string): boolean => {
    const old = baseByName.get(name);
    const now = head.metrics.find((m) => m.name === name);
    if (!old || !now) return true;
    if (fieldChanges(hashedDefinition(old), hashedDefinition(now)).length > 0) return true;
    return inputNames(now).some((input) => computationChanged(input));
  });
  for (const m of head.metrics) {
    const old = baseByName.get(m.name);
    if (!old) {
      diff.added.push({ name: m.name, definition_hash: m.definitionHash });
    } else if (old.definitionHash !== m.definitionHash) {
      diff.changed.push({
        name: m.name,
        old_hash: old.definitionHash,
        new_hash: m.definitionHash,
        fields: fieldChanges(hashedDefinition(old), hashedDefinition(m)),
        // A column read on one side only is explained by the field that names it; what is left is what
        // changed under the metric: a column's type or description, or a definitions: value.
        reads: fieldChanges(
          flatReads(contractRead(old, base.definitions)),
          flatReads(contractRead(m, head.definitions)),
        ).filter((f) => f.old !== undefined && f.new !== undefined),
        inputs: inputNames(m).filter(
          (input) => baseByName.get(input)?.definitionHash !== findMetric(head, input)?.definitionHash,
        ),
        computation_changed: computationChanged(m.name),
      });
    } else {
      diff.unchanged++;
      const fields = fieldChanges(unhashedFields(old), unhashedFields(m));
      if (fields.length > 0) diff.reworded.push({ name: m.name, fields });
    }
  }
  for (const m of base.metrics) {
    if (!headNames.has(m.name)) diff.removed.push({ name: m.name, definition_hash: m.definitionHash });
  }
  return diff;
}

/** True when the two files differ in anything a reviewer should see. */
export function hasChanges(diff: MetricsDiff): boolean {
  return (
    diff.added.length + diff.removed.length + diff.changed.length + diff.reworded.length > 0 ||
    diff.definitions.length > 0
  );
}

function fieldChanges(
  old: Readonly<Record<string, unknown>>,
  now: Readonly<Record<string, unknown>>,
): FieldChange[] {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])];
  return keys
    .filter((k) => canonicalJson(old[k] ?? null) !== canonicalJson(now[k] ?? null))
    .map((k) => ({ field: k, old: old[k], new: now[k] }));
}

// What metrics-file.ts adds when it resolves a metric: covered by the hash, or derived from what is.
const RESOLVED = new Set(["definitionHash", "models", "sides", "inputs", "model", "time_dimension"]);

// Fields outside the hash (words, slices, bands): found by difference so that a field the schema gains
// later is compared too without this file knowing its name.
function unhashedFields(metric: Metric): Record<string, unknown> {
  const hashed = new Set(Object.keys(hashedDefinition(metric)));
  return Object.fromEntries(Object.entries(metric).filter(([k]) => !RESOLVED.has(k) && !hashed.has(k)));
}

/** `{ model, columns: {…}, definitions: {…} }` as one level: `model`, `columns.<name>`, `definitions.<key>`. */
function flatReads(read: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(read)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) flat[`${key}.${inner}`] = v;
    } else flat[key] = value;
  }
  return flat;
}

/** The metrics a ratio or derived metric is computed from, by name. */
function inputNames(metric: Metric): string[] {
  // A ratio of two filtered views of one metric names it twice: list it once.
  return [...new Set(inputsOf(metric).map((input) => input.name))];
}

function memo<T>(fn: (key: string) => T): (key: string) => T {
  const done = new Map<string, T>();
  return (key) => {
    if (!done.has(key)) done.set(key, fn(key));
    return done.get(key) as T;
  };
}

// ---- Reading the base side ----

const ARGUMENT = "<git-ref-or-file>";

/**
 * The base of a diff: `argument` is a metrics file when one exists at that path, otherwise a git ref, read as
 * `git show <ref>:<path of headFile in its repository>`. A missing ref, a file absent at that ref, or no
 * repository is an InputError naming the argument (exit 2).
 */
export async function readBaseMetricsFile(argument: string, headFile: string): Promise<MetricsFile> {
  if (existsSync(argument) && statSync(argument).isFile()) return loadMetricsFile(argument);
  const bad = (message: string, detail: string) =>
    new InputError(message, [{ field: ARGUMENT, message: detail }]);
  // execFile passes no shell, but git itself would read a leading "-" as an option.
  if (argument === "" || argument.startsWith("-")) {
    throw bad(`"${argument}" is neither a file nor a git ref`, "name a metrics file or a git ref");
  }
  const head = realpathSync(resolve(headFile));
  const cwd = dirname(head);
  const git = (args: string[]) => run("git", args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });

  let root: string;
  try {
    root = realpathSync((await git(["rev-parse", "--show-toplevel"])).stdout.trim());
  } catch {
    throw bad(
      `"${argument}" is neither a file nor a git ref`,
      `no file "${argument}" exists, and ${cwd} is not in a git repository to read a ref from`,
    );
  }
  try {
    await git(["rev-parse", "--verify", "--quiet", `${argument}^{commit}`]);
  } catch {
    throw bad(
      `"${argument}" is neither a file nor a git ref`,
      `no file "${argument}" exists, and git knows no ref or commit "${argument}" in ${root}`,
    );
  }
  const path = relative(root, head).split(sep).join("/");
  let text: string;
  try {
    text = (await git(["show", `${argument}:${path}`])).stdout;
  } catch {
    throw bad(`${path} does not exist at ${argument}`, `git show ${argument}:${path} found no file`);
  }
  return parseMetricsFile(text, `${argument}:${path}`);
}

// ---- How the values move ----

export interface MovedValueRow {
  metric: string;
  /** The team; null for the rows of pull requests without a team, and for overall rows. */
  team: string | null;
  old_value: number | null;
  old_n: number | null;
  new_value: number | null;
  new_n: number | null;
  /** new_value - old_value; null when either is null (no rows, insufficient data, suppressed). */
  change: number | null;
  /** Why a value is null though the group has rows: below min_sample, or under the privacy floor. */
  old_withheld?: "insufficient" | "suppressed";
  new_withheld?: "insufficient" | "suppressed";
  /** Present (true) when the metric cannot be sliced by team under either definition: one row for all. */
  overall?: true;
}

export type ValueComparison =
  | {
      compared: true;
      /** YYYY-MM: the month evaluated. */
      month: string;
      from: string;
      to: string;
      /** The data watermark (latest extraction), when the month was derived from it. */
      watermark: string | null;
      /** The warehouse the old definitions were evaluated on, when it is not the new side's. */
      base_warehouse?: string;
      rows: MovedValueRow[];
      /** Metrics whose old or new definition failed on this warehouse (e.g. a column it does not have yet). */
      errors: { metric: string; side: "old" | "new"; message: string }[];
    }
  | { compared: false; reason: string };

export interface MovedValuesOptions {
  warehousePath: string;
  /**
   * The warehouse built before the change, for the old side: then what moved through the dbt models or the
   * `definitions:` section shows too, and every metric on both sides is compared (unchanged definitions
   * listed only where a value or n moved).
   */
  baseWarehousePath?: string | undefined;
  base: MetricsFile;
  head: MetricsFile;
  diff: MetricsDiff;
  /** YYYY-MM; default: the last full calendar month before the data watermark. */
  month?: string | undefined;
}

/**
 * Evaluates every changed metric (in both files) over one month under its old and its new definition, by
 * team when both definitions allow it, else overall. Reads the warehouse only (and the base warehouse, when
 * given, for the old side).
 */
export async function movedValues(options: MovedValuesOptions): Promise<ValueComparison> {
  const { warehousePath, base, head, diff, baseWarehousePath } = options;
  if (options.month !== undefined) checkMonth(options.month, "--month");
  // DuckDB loads only when values are compared, not for `metrics diff --help` or a definitions-only diff.
  const { dataWatermark, evaluateMetrics } = await import("./metric-evaluator.ts");
  let month = options.month;
  let watermark: string | null = null;
  if (month === undefined) {
    watermark = await dataWatermark(warehousePath);
    if (watermark === null) {
      return {
        compared: false,
        reason: `the warehouse ${warehousePath} has no pull requests, so it has no data watermark to pick last month from (pass --month YYYY-MM)`,
      };
    }
    month = lastFullMonthBefore(watermark);
  }
  const { from, to } = monthRange(month);
  const rows: MovedValueRow[] = [];
  const errors: { metric: string; side: "old" | "new"; message: string }[] = [];
  const changed = new Set(diff.changed.map((c) => c.name));
  const compared = baseWarehousePath
    ? head.metrics.filter((m) => base.metrics.some((b) => b.name === m.name)).map((m) => m.name)
    : diff.changed.filter((c) => c.computation_changed).map((c) => c.name);
  for (const name of compared) {
    const old = base.metrics.find((m) => m.name === name);
    const now = head.metrics.find((m) => m.name === name);
    if (!old || !now) continue;
    const byTeam = old.dimensions.includes("team") && now.dimensions.includes("team");
    const by = byTeam ? ["team"] : [];
    const evaluate = async (file: MetricsFile, side: "old" | "new") => {
      try {
        const result = await evaluateMetrics({
          warehousePath: side === "old" ? (baseWarehousePath ?? warehousePath) : warehousePath,
          metrics: file,
          names: [name],
          by,
          grain: "month",
          from,
          to,
        });
        return result.filter((r) => r.period === from);
      } catch (error) {
        if (!(error instanceof YardstickError)) throw error;
        errors.push({ metric: name, side, message: error.message });
        return [];
      }
    };
    const joined = joinByTeam(name, byTeam, await evaluate(base, "old"), await evaluate(head, "new"));
    rows.push(...(changed.has(name) ? joined : joined.filter(moved)));
  }
  return {
    compared: true,
    month,
    from,
    to,
    watermark,
    rows,
    errors,
    ...(baseWarehousePath ? { base_warehouse: baseWarehousePath } : {}),
  };
}

function joinByTeam(
  metric: string,
  byTeam: boolean,
  oldRows: readonly MetricRow[],
  newRows: readonly MetricRow[],
): MovedValueRow[] {
  const key = (r: MetricRow) => (byTeam ? ((r.team as string | null | undefined) ?? null) : null);
  const olds = new Map(oldRows.map((r) => [key(r), r]));
  const news = new Map(newRows.map((r) => [key(r), r]));
  const teams = [...new Set([...olds.keys(), ...news.keys()])].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return teams.map((team) => {
    const o = olds.get(team);
    const n = news.get(team);
    const oldValue = o?.value ?? null;
    const newValue = n?.value ?? null;
    const oldWithheld = withheld(o);
    const newWithheld = withheld(n);
    return {
      metric,
      team,
      old_value: oldValue,
      old_n: o ? o.n : 0,
      new_value: newValue,
      new_n: n ? n.n : 0,
      change: oldValue === null || newValue === null ? null : newValue - oldValue,
      ...(byTeam ? {} : { overall: true as const }),
      ...(oldWithheld ? { old_withheld: oldWithheld } : {}),
      ...(newWithheld ? { new_withheld: newWithheld } : {}),
    };
  });
}

function moved(row: MovedValueRow): boolean {
  return row.old_value !== row.new_value || row.old_n !== row.new_n || row.old_withheld !== row.new_withheld;
}

function withheld(row: MetricRow | undefined): "insufficient" | "suppressed" | undefined {
  if (row?.suppressed) return "suppressed";
  if (row?.insufficient) return "insufficient";
  return undefined;
}

/** The calendar month before the one the watermark falls in: the last month the data fully covers. */
export function lastFullMonthBefore(watermark: string): string {
  const at = new Date(watermark);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

/** First and last day (YYYY-MM-DD) of a YYYY-MM month. */
export function monthRange(month: string): { from: string; to: string } {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return {
    from: `${month}-01`,
    to: new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10),
  };
}

/** Throws an InputError naming `flag` unless `month` is YYYY-MM with a month 01..12. */
export function checkMonth(month: string, flag: string): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new InputError("invalid option", [
      { field: flag, message: `must be a month written YYYY-MM, e.g. 2024-03: got "${month}"` },
    ]);
  }
}
