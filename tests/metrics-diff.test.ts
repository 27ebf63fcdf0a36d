import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsCommand } from "../cli/metrics-command.ts";
import { addDiffCommand } from "../cli/metrics-diff-command.ts";
import { InputError } from "../core/errors.ts";
import {
  diffMetricsFiles,
  type MetricsDiff,
  type MovedValueRow,
  type ValueComparison,
} from "../metrics/metrics-diff.ts";
import { parseMetricsFile } from "../metrics/metrics-file.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";
import { oneDecimal } from "./helpers/stats.ts";

const TEAMS = ["platform", "mobile"];

// ---- Two versions of a metrics file: the reviewer's base and the proposed change ----

/** One metric entry; `fields` are YAML lines (name first), the rest is the same for every metric. */
function metric(fields: string, label = "Some metric"): string {
  const lines = fields
    .trim()
    .split("\n")
    .map((l) => l.trim());
  return [
    `  - ${lines[0]}`,
    ...lines.slice(1).map((l) => `    ${l}`),
    `    label: ${label}`,
    "    description: What it counts.",
    "    owner: devex",
    "    type: simple",
    "    model: fct_pull_requests",
    "    time_dimension: merged_at",
    "    direction: lower_is_better",
  ].join("\n");
}

function metricsYaml(opts: {
  cycleFilter: string;
  p90: number;
  mergedLabel: string;
  revertDays: number;
  extra: "old_only" | "new_only";
}): string {
  return `version: 1
definitions:
  revert_window_days: ${opts.revertDays}
metrics:
${metric(
  `name: merged_prs
  agg: count
  expr: pull_request_id
  filter: is_merged
  unit: count
  dimensions: [team]`,
  opts.mergedLabel,
)}
${metric(`name: cycle_time_p50
  agg: median
  expr: time_to_merge_hours
  filter: ${opts.cycleFilter}
  unit: hours
  dimensions: [team, author_type]`)}
${metric(`name: cycle_time_tail
  agg: percentile
  agg_params: { percentile: ${opts.p90} }
  expr: time_to_merge_hours
  filter: is_merged
  unit: hours`)}
${metric(`name: ${opts.extra}
  agg: sum
  expr: review_count
  unit: count
  dimensions: [team]`)}
`;
}

const BASE_YAML = metricsYaml({
  cycleFilter: "is_merged",
  p90: 0.9,
  mergedLabel: "Merged pull requests",
  revertDays: 30,
  extra: "old_only",
});
const HEAD_YAML = metricsYaml({
  cycleFilter: `is_merged and author_type = 'User'`,
  p90: 0.75,
  mergedLabel: "Merged PRs",
  revertDays: 30,
  extra: "new_only",
});

let dir: string;
let warehousePath: string;
let basePath: string;
let headPath: string;
let prs: FixturePullRequest[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-metrics-diff-"));
  warehousePath = join(dir, "warehouse.duckdb");
  prs = fixturePullRequests(TEAMS);
  await createFixtureWarehouse(warehousePath, prs);
  basePath = join(dir, "base-metrics.yaml");
  headPath = join(dir, "metrics.yaml");
  writeFileSync(basePath, BASE_YAML);
  writeFileSync(headPath, HEAD_YAML);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function diff(...args: string[]): Promise<string> {
  let out = "";
  const metrics = new Command("metrics");
  addDiffCommand(metrics, { out: (text) => (out += text) });
  await metrics.parseAsync(["diff", ...args], { from: "user" });
  return out;
}

async function diffJson(...args: string[]): Promise<DiffJson> {
  return JSON.parse(await diff(...args, "--format", "json")) as DiffJson;
}

async function inputErrorOf(...args: string[]): Promise<InputError> {
  const error = await diff(...args).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

/** The definition hashes `metrics list --format json` prints for a file: the hash the reader sees. */
async function listedHashes(file: string): Promise<Map<string, string>> {
  let out = "";
  await metricsCommand({ out: (text) => (out += text) }).parseAsync(
    ["list", "--metrics", file, "--format", "json"],
    { from: "user" },
  );
  const entries = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { name: string; definition_hash: string });
  return new Map(entries.map((e) => [e.name, e.definition_hash]));
}

type Row = MovedValueRow;

/** The JSON document `metrics diff --format json` prints. */
type DiffJson = MetricsDiff & { changes: boolean; values: ValueComparison };

// ---- Expected values, from the fixture rows in plain JS (no SQL) ----

/** quantile_cont: linear interpolation between the closest ranks, position (n - 1) * p. */
function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function mergedIn(month: string, keep: (pr: FixturePullRequest) => boolean): FixturePullRequest[] {
  return prs.filter((pr) => pr.is_merged && pr.merged_at?.slice(0, 7) === month && keep(pr));
}

const PRIVACY_FLOOR = 5; // metrics.yaml's default: the test files leave it out

/**
 * One side of a row: the percentile over the group's time to merge and its n, or withheld when the group
 * involves 1 to 4 people (the human authors; initiated_by is null throughout the fixture).
 */
function side(group: FixturePullRequest[], p: number) {
  const people = new Set(group.filter((pr) => pr.author_type === "User").map((pr) => pr.author_login));
  if (people.size > 0 && people.size < PRIVACY_FLOOR) {
    return { value: null, n: null, withheld: "suppressed" as const };
  }
  const values = group.map((pr) => pr.time_to_merge_hours!);
  return { value: values.length > 0 ? quantile(values, p) : null, n: values.length, withheld: undefined };
}

function row(
  metric: string,
  team: string | null,
  old: ReturnType<typeof side>,
  now: ReturnType<typeof side>,
): Row {
  return {
    metric,
    team,
    old_value: old.value,
    old_n: old.n,
    new_value: now.value,
    new_n: now.n,
    change: old.value === null || now.value === null ? null : now.value - old.value,
    ...(team === null ? { overall: true as const } : {}),
    ...(old.withheld ? { old_withheld: old.withheld } : {}),
    ...(now.withheld ? { new_withheld: now.withheld } : {}),
  };
}

/** Rows a correct diff must print for the two files above, in the month given. */
function expectedRows(month: string): Row[] {
  const rows: Row[] = [];
  const teams = [...new Set(mergedIn(month, () => true).map((pr) => pr.team))].sort();
  for (const team of teams) {
    const old = mergedIn(month, (pr) => pr.team === team);
    const now = mergedIn(month, (pr) => pr.team === team && pr.author_type === "User");
    rows.push(row("cycle_time_p50", team, side(old, 0.5), side(now, 0.5)));
  }
  const all = mergedIn(month, () => true);
  rows.push(row("cycle_time_tail", null, side(all, 0.9), side(all, 0.75)));
  return rows;
}

function expectRowsClose(actual: Row[], expected: Row[]): void {
  const shape = (r: Row) => [r.metric, r.team, r.old_n, r.new_n, r.overall, r.old_withheld, r.new_withheld];
  expect(actual.map(shape)).toEqual(expected.map(shape));
  actual.forEach((row, i) => {
    const want = expected[i]!;
    for (const key of ["old_value", "new_value", "change"] as const) {
      if (want[key] === null) expect(row[key]).toBeNull();
      else expect(row[key]).toBeCloseTo(want[key], 9);
    }
  });
}

describe("metrics diff between two files", () => {
  it("lists the changed definitions with the hashes `metrics list` prints for each file", async () => {
    const out = await diffJson(basePath, "--metrics", headPath, "--warehouse", warehousePath);
    const [oldHashes, newHashes] = [await listedHashes(basePath), await listedHashes(headPath)];
    expect(out.changed.map((c) => c.name)).toEqual(["cycle_time_p50", "cycle_time_tail"]);
    for (const c of out.changed) {
      expect(c.old_hash).toBe(oldHashes.get(c.name));
      expect(c.new_hash).toBe(newHashes.get(c.name));
      expect(c.old_hash).not.toBe(c.new_hash);
    }
    expect(out.changed[0]!.fields).toEqual([
      { field: "filter", old: "is_merged", new: "is_merged and author_type = 'User'" },
    ]);
    expect(out.changed[1]!.fields).toEqual([
      {
        field: "agg_params",
        old: { percentile: 0.9, use_discrete_percentile: false },
        new: { percentile: 0.75, use_discrete_percentile: false },
      },
    ]);
    expect(out.added).toEqual([{ name: "new_only", definition_hash: newHashes.get("new_only") }]);
    expect(out.removed).toEqual([{ name: "old_only", definition_hash: oldHashes.get("old_only") }]);
    // A new label is shown but is no change of definition: the hash stays.
    expect(out.reworded).toEqual([
      { name: "merged_prs", fields: [{ field: "label", old: "Merged pull requests", new: "Merged PRs" }] },
    ]);
    expect(oldHashes.get("merged_prs")).toBe(newHashes.get("merged_prs"));
    expect(out.unchanged).toBe(1);
    expect(out.definitions).toEqual([]);
    expect(out.changed.map((c) => [c.reads, c.inputs, c.computation_changed])).toEqual([
      [[], [], true],
      [[], [], true],
    ]);
  });

  it("shows a definitions: change in the hash of every metric it reaches, and compares no values for it", async () => {
    const definitionsOnly = join(dir, "definitions-only.yaml");
    writeFileSync(definitionsOnly, BASE_YAML.replace("revert_window_days: 30", "revert_window_days: 14"));
    const out = await diffJson(basePath, "--metrics", definitionsOnly, "--warehouse", warehousePath);
    expect(out.definitions).toEqual([{ field: "revert_window_days", old: 30, new: 14 }]);
    const [oldHashes, newHashes] = [await listedHashes(basePath), await listedHashes(definitionsOnly)];
    expect(out.changed.map((c) => c.name)).toEqual([...oldHashes.keys()]);
    for (const c of out.changed) {
      expect([c.old_hash, c.new_hash]).toEqual([oldHashes.get(c.name), newHashes.get(c.name)]);
      expect(c.fields).toEqual([]);
      expect(c.reads).toEqual([{ field: "definitions.revert_window_days", old: 30, new: 14 }]);
      expect(c.computation_changed).toBe(false);
    }
    expect(out.values.compared).toBe(false);
    const table = await diff(basePath, "--metrics", definitionsOnly, "--warehouse", warehousePath);
    expect(table).toContain("reads definitions.revert_window_days: 30 → 14");
    expect(table).toContain("revert_window_days: 30 → 14");
    expect(table).toContain("Values not compared: no metric is computed differently");
  });

  it("moves last month's values per team (overall when team is not allowed) as plain JS computes them", async () => {
    const out = await diffJson(basePath, "--metrics", headPath, "--warehouse", warehousePath);
    // The latest extraction is on 2024-04-01, so March 2024 is the last full month.
    const latest = prs.map((pr) => pr.extracted_at).sort()[prs.length - 1]!;
    expect(latest.slice(0, 10)).toBe("2024-04-01");
    if (!out.values.compared) throw new Error(out.values.reason);
    expect(out.values.month).toBe("2024-03");
    expect(out.values.watermark).toBe(latest);
    expect(out.values.errors).toEqual([]);
    const expected = expectedRows("2024-03");
    // The filter drops bots in every team here, so the test sees real moves, not zeros.
    expect(expected.filter((r) => r.team !== null && r.new_n! < r.old_n!).length).toBe(TEAMS.length);
    expectRowsClose(out.values.rows, expected);
  });

  it("compares values only for metrics computed differently when a definitions: change comes with it", async () => {
    const mixed = join(dir, "mixed.yaml");
    writeFileSync(mixed, HEAD_YAML.replace("revert_window_days: 30", "revert_window_days: 14"));
    const out = await diffJson(basePath, "--metrics", mixed, "--warehouse", warehousePath);
    expect(out.changed.map((c) => [c.name, c.computation_changed])).toEqual([
      ["merged_prs", false],
      ["cycle_time_p50", true],
      ["cycle_time_tail", true],
    ]);
    if (!out.values.compared) throw new Error(out.values.reason);
    expectRowsClose(out.values.rows, expectedRows("2024-03"));
  });

  it("with --base-warehouse, evaluates the old side on the warehouse built before, listing unchanged metrics only where they moved", async () => {
    // The warehouse before a model change: every platform pull request took 3 hours longer to merge.
    const slower = (pr: FixturePullRequest) =>
      pr.team === "platform" && pr.time_to_merge_hours !== null
        ? { ...pr, time_to_merge_hours: pr.time_to_merge_hours + 3 }
        : pr;
    const before = prs.map(slower);
    const beforePath = join(dir, "warehouse-before.duckdb");
    await createFixtureWarehouse(beforePath, before);
    const out = await diffJson(
      headPath,
      "--metrics",
      headPath,
      "--warehouse",
      warehousePath,
      "--base-warehouse",
      beforePath,
    );
    expect(out.changed).toEqual([]);
    if (!out.values.compared) throw new Error(out.values.reason);
    expect(out.values.base_warehouse).toBe(beforePath);
    const inMarch = (rows: FixturePullRequest[], keep: (pr: FixturePullRequest) => boolean) =>
      rows.filter((pr) => pr.is_merged && pr.merged_at?.slice(0, 7) === "2024-03" && keep(pr));
    const human = (team: string) => (pr: FixturePullRequest) => pr.team === team && pr.author_type === "User";
    const expected = [
      ...TEAMS.slice()
        .sort()
        .map((team) =>
          row(
            "cycle_time_p50",
            team,
            side(inMarch(before, human(team)), 0.5),
            side(inMarch(prs, human(team)), 0.5),
          ),
        ),
      row(
        "cycle_time_tail",
        null,
        side(
          inMarch(before, () => true),
          0.75,
        ),
        side(
          inMarch(prs, () => true),
          0.75,
        ),
      ),
    ].filter((r) => r.old_value !== r.new_value || r.old_withheld !== r.new_withheld);
    // Only platform moved: its median by exactly the 3 hours, and the overall tail with it.
    expect(expected.map((r) => [r.metric, r.team])).toEqual([
      ["cycle_time_p50", "platform"],
      ["cycle_time_tail", null],
    ]);
    expect(expected[0]!.change).toBeCloseTo(-3, 9);
    expectRowsClose(out.values.rows, expected);
    const table = await diff(
      headPath,
      "--metrics",
      headPath,
      "--warehouse",
      warehousePath,
      "--base-warehouse",
      beforePath,
    );
    expect(table).toContain(`old definition on ${beforePath} → new definition on this warehouse`);
    const missing = await inputErrorOf(
      headPath,
      "--metrics",
      headPath,
      "--warehouse",
      warehousePath,
      "--base-warehouse",
      join(dir, "nope.duckdb"),
    );
    expect(missing.problems[0]?.field).toBe("--base-warehouse");
  });

  it("evaluates the month given with --month", async () => {
    const out = await diffJson(
      basePath,
      "--metrics",
      headPath,
      "--warehouse",
      warehousePath,
      "--month",
      "2024-02",
    );
    if (!out.values.compared) throw new Error(out.values.reason);
    expect(out.values.month).toBe("2024-02");
    expect(out.values.watermark).toBeNull();
    // February has few merges: groups of 1 to 4 people are suppressed under both definitions.
    expect(expectedRows("2024-02").filter((r) => r.new_withheld === "suppressed").length).toBeGreaterThan(0);
    expectRowsClose(out.values.rows, expectedRows("2024-02"));
  });

  it("prints the hashes, the field changes and a value table", async () => {
    const out = await diff(basePath, "--metrics", headPath, "--warehouse", warehousePath);
    const [oldHashes, newHashes] = [await listedHashes(basePath), await listedHashes(headPath)];
    expect(out).toContain(
      `definition_hash: ${oldHashes.get("cycle_time_p50")} → ${newHashes.get("cycle_time_p50")}`,
    );
    expect(out).toContain(`filter: "is_merged" → "is_merged and author_type = 'User'"`);
    expect(out).toMatch(/Values in 2024-03 \(the last full month before the data watermark 2024-04-01T/);
    const table = out.slice(out.search(/^metric\s+team/m));
    expect(table.split("\n")[0]).toMatch(/^metric\s+team\s+old\s+old n\s+new\s+new n\s+change$/);
    // Every row as the table must print it: hours with one decimal and "h", the change signed, from the
    // values computed here from the fixture's rows.
    const hours = (v: number | null, withheld: string | undefined) =>
      withheld === "suppressed" ? "suppressed" : v === null ? "-" : `${oneDecimal(v)} h`;
    const change = (v: number | null) => {
      if (v === null) return "-";
      const digits = oneDecimal(Math.abs(v));
      return Number(digits) === 0 ? "0" : `${v < 0 ? "-" : "+"}${digits} h`;
    };
    const rows = expectedRows("2024-03");
    expect(rows.some((r) => r.change !== null)).toBe(true);
    for (const r of rows) {
      const cells = [
        r.metric,
        r.overall ? "(all teams)" : (r.team ?? "(none)"),
        hours(r.old_value, r.old_withheld),
        r.old_n === null ? "-" : String(r.old_n),
        hours(r.new_value, r.new_withheld),
        r.new_n === null ? "-" : String(r.new_n),
        change(r.change),
      ];
      const escaped = cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      expect(table).toMatch(new RegExp(`^${escaped.join(" {2,}")}$`, "m"));
    }
  });

  it("says so when nothing changed", async () => {
    const out = await diff(basePath, "--metrics", basePath, "--warehouse", warehousePath);
    expect(out).toContain("No change: both define the same 4 metrics with the same hashes");
    const json = await diffJson(basePath, "--metrics", basePath);
    expect(json.changes).toBe(false);
    expect(json.values).toEqual({
      compared: false,
      reason: "no metric definition present on both sides changed",
    });
  });

  it("prints the definition changes and why values were not compared when there is no warehouse", async () => {
    const config = join(dir, "no-data", "yardstick.yaml");
    mkdirSync(join(dir, "no-data"), { recursive: true });
    writeFileSync(config, "dataDir: ./data\ngithub:\n  orgs: [acme]\n");
    const out = await diff(basePath, "--metrics", headPath, "--config", config);
    expect(out).toContain("definition_hash: sha256:");
    expect(out).toContain(
      `Values not compared: there is no warehouse at ${join(dir, "no-data", "data", "warehouse", "warehouse.duckdb")} yet`,
    );
  });

  it.each([
    [["--month", "2024-13"], "--month"],
    [["--format", "xml"], "--format"],
    [["--warehouse", "/nonexistent/warehouse.duckdb"], "--warehouse"],
  ])("rejects %j as bad input naming %s", async (flags, flag) => {
    const error = await inputErrorOf(basePath, "--metrics", headPath, ...flags);
    expect(error.exitCode).toBe(2);
    expect(error.report()).toContain(flag);
  });
});

describe("diffMetricsFiles on ratio and derived metrics", () => {
  const file = (mergedFilter: string) =>
    parseMetricsFile(
      `version: 1
metrics:
${metric(`name: merged
  agg: count
  expr: pull_request_id
  filter: ${mergedFilter}
  unit: count
  dimensions: [team]`)}
${metric(`name: closed
  agg: count
  expr: pull_request_id
  filter: state in ('MERGED', 'CLOSED')
  unit: count
  dimensions: [team]`)}
  - name: merge_rate
    label: Merge rate
    description: Merged of closed.
    owner: devex
    type: ratio
    numerator: merged
    denominator: closed
    unit: ratio
    direction: higher_is_better
    dimensions: [team]
  - name: merged_per_week
    label: Merged per week
    description: Merged per 7 days.
    owner: devex
    type: derived
    expr: merged / period_days * 7
    metrics: [merged]
    unit: count
    direction: higher_is_better
`,
      "metrics.yaml",
    );

  it("marks a ratio and a derived metric changed through the simple metric they are computed from", () => {
    const diff = diffMetricsFiles(file("is_merged"), file("is_merged and not is_draft"));
    expect(
      diff.changed.map((c) => [c.name, c.fields.map((f) => f.field), c.inputs, c.computation_changed]),
    ).toEqual([
      ["merged", ["filter"], [], true],
      ["merge_rate", [], ["merged"], true],
      ["merged_per_week", [], ["merged"], true],
    ]);
    expect(diff.unchanged).toBe(1);
  });
});

describe("metrics diff against a git ref", () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync(
      "git",
      ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
      { cwd: repo, encoding: "utf8" },
    );

  beforeAll(() => {
    repo = join(dir, "repo");
    mkdirSync(join(repo, "config"), { recursive: true });
    git("init", "-q");
    writeFileSync(join(repo, "config", "metrics.yaml"), BASE_YAML);
    git("add", "config/metrics.yaml");
    git("commit", "-q", "-m", "base metrics");
    writeFileSync(join(repo, "config", "metrics.yaml"), HEAD_YAML);
  });

  it("reads the base with git show <ref>:<path in the repository> and moves the values", async () => {
    const out = await diffJson(
      "HEAD",
      "--metrics",
      join(repo, "config", "metrics.yaml"),
      "--warehouse",
      warehousePath,
    );
    expect(out.base.file).toBe("HEAD:config/metrics.yaml");
    const [oldHashes, newHashes] = [await listedHashes(basePath), await listedHashes(headPath)];
    expect(out.changed.map((c) => [c.name, c.old_hash, c.new_hash])).toEqual(
      ["cycle_time_p50", "cycle_time_tail"].map((n) => [n, oldHashes.get(n), newHashes.get(n)]),
    );
    if (!out.values.compared) throw new Error(out.values.reason);
    expectRowsClose(out.values.rows, expectedRows("2024-03"));
  });

  it("rejects an unknown ref with exit 2, naming it", async () => {
    const error = await inputErrorOf("no-such-ref", "--metrics", join(repo, "config", "metrics.yaml"));
    expect(error.exitCode).toBe(2);
    expect(error.report()).toContain(`"no-such-ref" is neither a file nor a git ref`);
    expect(error.report()).toContain(`<git-ref-or-file>: no file "no-such-ref" exists, and git knows no ref`);
  });

  it("rejects a ref where the metrics file does not exist, naming the path", async () => {
    const other = join(repo, "config", "other.yaml");
    writeFileSync(other, HEAD_YAML);
    const error = await inputErrorOf("HEAD", "--metrics", other);
    expect(error.exitCode).toBe(2);
    expect(error.report()).toContain("config/other.yaml does not exist at HEAD");
  });

  it("rejects a ref outside any git repository", async () => {
    const error = await inputErrorOf("HEAD", "--metrics", headPath);
    expect(error.exitCode).toBe(2);
    expect(error.report()).toContain("is not in a git repository");
  });
});
