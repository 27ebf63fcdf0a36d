/**
 * `yardstick metrics diff <git-ref-or-file>`: for the reviewer of a metrics.yaml change. Prints which
 * definitions changed (old → new hash and the fields behind it) and how last month's values per team move
 * under the new definitions. Without a warehouse it still prints the definition changes and says why values
 * were not compared (exit 0): the definitions are the review, the values are evidence when there is data.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { terminalLines } from "../core/terminal-text.ts";
import { formatCount, formatDifference, formatValue, type Measure, measureOf } from "../dashboards/units.ts";
import { canonicalJson } from "../metrics/canonical-json.ts";
import type { FieldChange, MetricsDiff, ValueComparison } from "../metrics/metrics-diff.ts";
import type { MetricsFile } from "../metrics/metrics-file.ts";
import { tableLines } from "./text-table.ts";
import { CONFIG_OPTION, WAREHOUSE_OPTION, warehouseFlag } from "./warehouse-options.ts";

/** Where the command writes (stdout in the CLI; tests collect it). Same shape as MetricsCommandIo. */
export interface DiffCommandIo {
  out(text: string): void;
}

interface DiffOptions {
  metrics: string;
  month?: string;
  format: string;
  config: string;
  warehouse?: string;
  baseWarehouse?: string;
}

/** Adds `diff` to the `metrics` command. */
export function addDiffCommand(metrics: Command, io: DiffCommandIo): Command {
  return metrics
    .command("diff")
    .description(
      "Show which metric definitions changed against a git ref or another file, and how last month's values per team move",
    )
    .argument(
      "<git-ref-or-file>",
      "the definitions before the change: a metrics file, or a git ref (HEAD, main, origin/main, a commit)",
    )
    .option("--metrics <file>", "the definitions after the change", "./metrics.yaml")
    .option(
      "--month <YYYY-MM>",
      "compare values in this month (default: the last full month before the data watermark)",
    )
    .option("--format <format>", "table or json (one JSON document)", "table")
    .option(...CONFIG_OPTION)
    .option(...WAREHOUSE_OPTION)
    .option(
      "--base-warehouse <file>",
      "evaluate the old definitions on this warehouse (one built before the change), so that values moved by dbt models or definitions: show too",
    )
    .addHelpText(
      "after",
      `
A git ref is read with \`git show <ref>:<path>\`, <path> being the --metrics file's place in its
repository. A metric changed when its definition hash did: its own fields (expr, filter, agg, …), the
metrics it is computed from, or what it reads (warehouse columns, the definitions: its model depends on).
Rewording a label or description is listed but moves no value. For each changed metric present on both
sides, the month is evaluated under the old and the new definition (read-only), by team when both allow
it, else overall. A change to \`definitions:\` changes the hash of every metric whose model
depends on it, but acts at the next \`yardstick build\`: its effect on values is not computed here. Without
a warehouse, only the definitions are compared.

With --base-warehouse, the old definitions are evaluated on that warehouse (built before the change: a
copy of yesterday's, or one built from the old checkout) and the new ones on the current warehouse, so a
change to the dbt models or to \`definitions:\` shows its effect too. Then every metric defined on both
sides is compared; a metric whose definition did not change is listed only where a value or n moved.

Examples:
  $ yardstick metrics diff HEAD
  $ yardstick metrics diff origin/main --metrics metrics.yaml --month 2024-03
  $ yardstick metrics diff old-metrics.yaml --format json
  $ yardstick metrics diff v0.3.0 --base-warehouse /backups/warehouse-before.duckdb`,
    )
    .action(async (argument: string, opts: DiffOptions, command: Command) => {
      const format = parseFormat(opts.format);
      // Loaded when the command runs, not for --help (start-up time).
      const { checkMonth, diffMetricsFiles, hasChanges, movedValues, readBaseMetricsFile } = await import(
        "../metrics/metrics-diff.ts"
      );
      const { loadMetricsFile } = await import("../metrics/metrics-file.ts");
      if (opts.month !== undefined) checkMonth(opts.month, "--month");
      const head = loadMetricsFile(opts.metrics);
      const base = await readBaseMetricsFile(argument, opts.metrics);
      const diff = diffMetricsFiles(base, head);

      let values: ValueComparison;
      if (opts.baseWarehouse !== undefined) {
        const warehouse = await locateWarehouse(opts, command.getOptionValueSource("config") === "default");
        if ("reason" in warehouse)
          throw new InputError("invalid option", [{ field: "--warehouse", message: warehouse.reason }]);
        values = await movedValues({
          warehousePath: warehouse.path,
          baseWarehousePath: warehouseFlag(opts.baseWarehouse, "--base-warehouse"),
          base,
          head,
          diff,
          month: opts.month,
        });
      } else if (diff.changed.length === 0) {
        values = { compared: false, reason: "no metric definition present on both sides changed" };
      } else if (!diff.changed.some((c) => c.computation_changed)) {
        values = {
          compared: false,
          reason:
            "no metric is computed differently; the hashes changed only through what the metrics read (definitions: or the warehouse contract), which moves values at the next yardstick build",
        };
      } else {
        const warehouse = await locateWarehouse(opts, command.getOptionValueSource("config") === "default");
        values =
          "reason" in warehouse
            ? { compared: false, reason: warehouse.reason }
            : await movedValues({ warehousePath: warehouse.path, base, head, diff, month: opts.month });
      }

      if (format === "json") {
        io.out(`${JSON.stringify({ ...diff, changes: hasChanges(diff), values })}\n`);
        return;
      }
      // Labels, descriptions, filters and team names come from the files and the warehouse: shown, never acted on.
      io.out(
        terminalLines(
          renderDiff(diff, hasChanges(diff), values, { old: measuresOf(base), new: measuresOf(head) }),
        ),
      );
    });
}

// An explicit --warehouse or --config that does not exist is a mistake (exit 2); the defaults not existing
// is the ordinary case of a reviewer's checkout without data, which only skips the values.
async function locateWarehouse(
  opts: DiffOptions,
  configIsDefault: boolean,
): Promise<{ path: string } | { reason: string }> {
  if (opts.warehouse !== undefined) return { path: warehouseFlag(opts.warehouse, "--warehouse") };
  if (configIsDefault && !existsSync(resolve(opts.config))) {
    return {
      reason: `there is no ${opts.config} to say where the warehouse is (pass --warehouse <file> or --config <file>)`,
    };
  }
  const { dataPaths, loadConfig } = await import("../core/config.ts");
  const path = dataPaths(loadConfig(opts.config).dataDir).warehouse;
  if (!existsSync(path)) {
    return {
      reason: `there is no warehouse at ${path} yet (run yardstick build, or pass --warehouse <file>)`,
    };
  }
  return { path };
}

function parseFormat(value: string): "json" | "table" {
  if (value === "json" || value === "table") return value;
  throw new InputError("invalid option", [
    { field: "--format", message: `must be table or json: got "${value}"` },
  ]);
}

// ---- Table output ----

/** Each side's metrics by name: old values are written in the old definition's unit, new ones in the new. */
interface SideMeasures {
  old: ReadonlyMap<string, Measure>;
  new: ReadonlyMap<string, Measure>;
}

function measuresOf(file: MetricsFile): ReadonlyMap<string, Measure> {
  return new Map(file.metrics.map((m) => [m.name, measureOf(m)]));
}

function renderDiff(
  diff: MetricsDiff,
  changes: boolean,
  values: ValueComparison,
  measures: SideMeasures,
): string {
  const lines = [`metrics diff: ${diff.base.file} → ${diff.head.file}`];
  if (!changes) {
    lines.push(
      `No change: both define the same ${diff.unchanged} metric${diff.unchanged === 1 ? "" : "s"} with the same hashes, and the same definitions.`,
    );
    if (values.compared) lines.push("", ...renderValues(values, measures));
    return `${lines.join("\n")}\n`;
  }
  if (diff.changed.length > 0) {
    lines.push("", `Changed definitions (${diff.changed.length}):`);
    for (const c of diff.changed) {
      lines.push(`  ${c.name}`, `    definition_hash: ${c.old_hash} → ${c.new_hash}`);
      for (const f of c.fields) lines.push(...describeChange(f, "    "));
      for (const f of c.reads) lines.push(...describeChange({ ...f, field: `reads ${f.field}` }, "    "));
      if (c.inputs.length > 0) lines.push(`    computed from changed: ${c.inputs.join(", ")}`);
      if (!c.computation_changed) lines.push("    (computed the same way: values move only after a build)");
    }
  } else {
    lines.push("", "No metric definition changed (no definition hash differs).");
  }
  if (diff.added.length > 0) {
    lines.push("", `Added (${diff.added.length}):`);
    for (const a of diff.added) lines.push(`  ${a.name}  ${a.definition_hash}`);
  }
  if (diff.removed.length > 0) {
    lines.push("", `Removed (${diff.removed.length}):`);
    for (const r of diff.removed) lines.push(`  ${r.name}  ${r.definition_hash}`);
  }
  if (diff.reworded.length > 0) {
    lines.push("", `Edited without changing the hash (${diff.reworded.length}; values cannot move):`);
    for (const r of diff.reworded) {
      lines.push(`  ${r.name}`);
      for (const f of r.fields) lines.push(...describeChange(f, "    "));
    }
  }
  lines.push("", `Unchanged: ${diff.unchanged} metric${diff.unchanged === 1 ? "" : "s"} with the same hash.`);
  if (diff.definitions.length > 0) {
    lines.push(
      "",
      `definitions: changed (${diff.definitions.length}; they act at the next yardstick build, not on the values below):`,
    );
    for (const f of diff.definitions) lines.push(...describeChange(f, "  "));
  }
  if (diff.changed.length > 0 || values.compared) lines.push("", ...renderValues(values, measures));
  return `${lines.join("\n")}\n`;
}

function renderValues(values: ValueComparison, measures: SideMeasures): string[] {
  if (!values.compared) return [`Values not compared: ${values.reason}.`];
  const source = values.watermark
    ? `the last full month before the data watermark ${values.watermark}`
    : "chosen with --month";
  const lines = values.base_warehouse
    ? [
        `Values in ${values.month} (${source}), old definition on ${values.base_warehouse} → new definition on this warehouse:`,
      ]
    : [`Values in ${values.month} (${source}), old → new definition:`];
  const unknown: Measure = { unit: "" };
  const shown = (value: number | null, withheld: string | undefined, measure: Measure) =>
    withheld === "insufficient"
      ? "insufficient data"
      : withheld === "suppressed"
        ? "suppressed"
        : value === null
          ? "-"
          : formatValue(value, measure);
  const count = (n: number | null) => (n === null ? "-" : formatCount(n));
  const body = values.rows.map((r) => {
    const before = measures.old.get(r.metric) ?? unknown;
    const after = measures.new.get(r.metric) ?? unknown;
    // A change of unit (hours → days) makes new − old a difference of two different things.
    const change =
      r.change === null
        ? "-"
        : before.unit === after.unit
          ? formatDifference(r.change, after)
          : "(unit changed)";
    return [
      r.metric,
      r.overall ? "(all teams)" : (r.team ?? "(none)"),
      shown(r.old_value, r.old_withheld, before),
      count(r.old_n),
      shown(r.new_value, r.new_withheld, after),
      count(r.new_n),
      change,
    ];
  });
  if (body.length === 0) lines.push("(no rows in that month under either definition)");
  else lines.push(...tableLines(["metric", "team", "old", "old n", "new", "new n", "change"], body));
  for (const e of values.errors) lines.push(`! ${e.metric} (${e.side} definition): ${e.message}`);
  return lines;
}

// Lists get their members added and removed (the AI signal catalogue is long); other values old → new.
function describeChange(change: FieldChange, indent: string): string[] {
  if (Array.isArray(change.old) && Array.isArray(change.new)) {
    const oldSet = new Set(change.old.map((v) => canonicalJson(v)));
    const newSet = new Set(change.new.map((v) => canonicalJson(v)));
    const removed = [...oldSet].filter((v) => !newSet.has(v));
    const added = [...newSet].filter((v) => !oldSet.has(v));
    if (removed.length + added.length === 0) return [`${indent}${change.field}: same members, new order`];
    return [
      `${indent}${change.field}:`,
      ...removed.map((v) => `${indent}  - ${shorten(v)}`),
      ...added.map((v) => `${indent}  + ${shorten(v)}`),
    ];
  }
  if (typeof change.old === "string" && typeof change.new === "string") {
    const [a, b] = aroundFirstDifference(change.old, change.new);
    return [`${indent}${change.field}: ${a} → ${b}`];
  }
  return [`${indent}${change.field}: ${valueText(change.old)} → ${valueText(change.new)}`];
}

// A reworded description differs somewhere in a long text: show both from a little before the first
// difference, so the change itself is on screen.
function aroundFirstDifference(a: string, b: string): [string, string] {
  if (a.length <= 100 && b.length <= 100) return [JSON.stringify(a), JSON.stringify(b)];
  let same = 0;
  while (same < a.length && a[same] === b[same]) same++;
  const start = Math.max(0, same - 30);
  const cut = (text: string) =>
    `${start > 0 ? "…" : ""}${JSON.stringify(text.slice(start, start + 100))}${start + 100 < text.length ? "…" : ""}`;
  return [cut(a), cut(b)];
}

function valueText(value: unknown): string {
  return value === undefined ? "(absent)" : shorten(canonicalJson(value));
}

function shorten(text: string): string {
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}
