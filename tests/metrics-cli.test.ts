import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { metricsCommand } from "../cli/metrics-command.ts";
import { InputError } from "../core/errors.ts";
import { formatComparison } from "../dashboards/units.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";
import { median, oneDecimal } from "./helpers/stats.ts";

const SHIPPED = resolve(import.meta.dirname, "..", "metrics.yaml");
/** The shipped file with the privacy floor lowered to 1: the fixture has only seven authors. */
let METRICS: string;

let dir: string;
let warehousePath: string;
let configPath: string;
let prs: FixturePullRequest[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-metrics-cli-"));
  // The warehouse where a yardstick.yaml with `dataDir: ./data` says it is.
  warehousePath = join(dir, "data", "warehouse", "warehouse.duckdb");
  mkdirSync(join(dir, "data", "warehouse"), { recursive: true });
  prs = fixturePullRequests(["platform", "mobile"]);
  await createFixtureWarehouse(warehousePath, prs);
  const shipped = readFileSync(SHIPPED, "utf8");
  expect(shipped).toContain("privacy_floor: 5\n");
  METRICS = join(dir, "metrics.yaml");
  writeFileSync(METRICS, shipped.replace("privacy_floor: 5\n", "privacy_floor: 1\n"));
  configPath = join(dir, "yardstick.yaml");
  writeFileSync(configPath, "dataDir: ./data\ngithub:\n  orgs: [acme]\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** "2024 Q1" for the first day of a quarter, worked out here rather than by the formatter under test. */
function quarterName(firstDay: string): string {
  return `${firstDay.slice(0, 4)} Q${Math.floor((Number(firstDay.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The metric names of the shipped file, read with a plain YAML parser (not the loader under test). */
function shippedNames(): string[] {
  return (parseYaml(readFileSync(SHIPPED, "utf8")) as { metrics: { name: string }[] }).metrics.map(
    (m) => m.name,
  );
}

async function run(...args: string[]): Promise<string> {
  let out = "";
  await metricsCommand({ out: (text) => (out += text) }).parseAsync(args, { from: "user" });
  return out;
}

async function inputErrorOf(...args: string[]): Promise<InputError> {
  const error = await run(...args).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe("yardstick metrics query", () => {
  it("prints one JSON object per row, reading the warehouse the configuration names", async () => {
    const out = await run(
      "query",
      "merged_pull_requests",
      "--by",
      "team",
      "--grain",
      "month",
      "--format",
      "json",
      "--metrics",
      METRICS,
      "--config",
      configPath,
    );
    const rows = out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = new Map<string, number>();
    for (const pr of prs) {
      if (!pr.is_merged) continue;
      const key = `${pr.merged_at!.slice(0, 7)}-01|${pr.team}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(rows.map((r) => `${r.period}|${r.team}`).sort()).toEqual([...expected.keys()].sort());
    for (const row of rows) {
      expect(Object.keys(row)).toEqual([
        "metric",
        "period",
        "team",
        "value",
        "n",
        "definition_hash",
        "data_as_of",
      ]);
      // The latest extraction among the fixture's rows.
      expect(row.data_as_of).toBe(
        prs
          .map((p) => p.extracted_at)
          .sort()
          .at(-1),
      );
      expect(row.value).toBe(expected.get(`${row.period}|${row.team}`));
      expect(row.definition_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it("prints a table with the data watermark by default", async () => {
    const out = await run(
      "query",
      "time_to_merge_hours_p50",
      "--metrics",
      METRICS,
      "--warehouse",
      warehousePath,
    );
    const [header] = out.split("\n");
    expect(header).toMatch(/^metric\s+period\s+value\s+n\s+definition$/);
    expect(out).toContain("insufficient data");
    const latest = prs.map((pr) => pr.extracted_at).sort()[prs.length - 1];
    expect(out).toContain(`data as of ${latest}`);
  });

  it.each([
    [["--grain", "fortnight"], "--grain"],
    [["--by", "team,title"], "--by"],
    [["--from", "2024-13-01"], "--from"],
    [["--format", "xml"], "--format"],
    [["--where", "team"], "--where"],
  ])("rejects %j as bad input naming %s", async (flags, flag) => {
    const error = await inputErrorOf(
      "query",
      "merged_pull_requests",
      "--metrics",
      METRICS,
      "--warehouse",
      warehousePath,
      ...flags,
    );
    expect(error.exitCode).toBe(2);
    expect(error.report()).toContain(flag);
  });

  it("rejects an unknown metric, listing the known ones", async () => {
    const error = await inputErrorOf(
      "query",
      "cycle_time",
      "--metrics",
      METRICS,
      "--warehouse",
      warehousePath,
    );
    expect(error.report()).toContain(`unknown metric "cycle_time"`);
    expect(error.report()).toContain(shippedNames().join(", "));
  });
});

describe("comparisons in yardstick metrics query", () => {
  it("print k, the repositories behind n, and no interval when a side has one repository", async () => {
    // The fixture puts even-numbered pull requests in acme/api and odd ones in acme/web; the class follows the
    // number modulo 6, so unmarked work is all in acme/api and each AI class all in acme/web.
    const repositories = (cls: string) =>
      new Set(prs.filter((p) => p.is_merged && p.authorship_class === cls).map((p) => p.repository));
    expect(repositories("unmarked")).toEqual(new Set(["acme/api"]));
    expect(repositories("ai_assisted")).toEqual(new Set(["acme/web"]));
    const args = ["time_to_merge_hours_p50", "--by", "authorship_class", "--grain", "quarter"];
    const table = await run("query", ...args, "--metrics", METRICS, "--warehouse", warehousePath);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(
      /^metric +period +authorship_class +value +n +k +vs unmarked \(95% interval\) +definition$/,
    );
    const assisted = lines.find((l) => / ai_assisted /.test(l) && /too few/.test(l));
    expect(assisted).toMatch(
      / 1 +(?:[+-][\d.,]+ h|0), too few repositories for an interval \(k=1 vs 1, 2 in all\) /,
    );
    // The unmarked median of the first quarter, from the fixture's rows, in hours with one decimal.
    const q1 = prs.filter(
      (p) =>
        p.is_merged &&
        p.authorship_class === "unmarked" &&
        p.merged_at!.startsWith("2024-0") &&
        p.merged_at! < "2024-04",
    );
    const hours = q1.map((p) => (Date.parse(p.merged_at!) - Date.parse(p.created_at)) / 3_600_000);
    // Tables name a quarter as a quarter; JSON and CSV keep its first day.
    const unmarked = lines.find((l) => / unmarked /.test(l) && / 2024 Q1 /.test(l));
    expect(unmarked).toMatch(
      new RegExp(` unmarked +${oneDecimal(median(hours)).replace(".", "\\.")} h +${q1.length} +1 +sha256:`),
    );

    const json = (
      await run("query", ...args, "--format", "json", "--metrics", METRICS, "--warehouse", warehousePath)
    )
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { authorship_class: string; vs_unmarked?: Record<string, unknown> });
    const compared = json.find(
      (r) => r.authorship_class === "ai_assisted" && r.vs_unmarked?.difference !== null,
    );
    expect(compared?.vs_unmarked).toMatchObject({
      k: 1,
      baseline_k: 1,
      low: null,
      high: null,
      method: "jackknife_hd_t",
      repositories: 2,
      df: null,
      no_interval: "too_few_repositories",
    });

    const csv = (
      await run("query", ...args, "--format", "csv", "--metrics", METRICS, "--warehouse", warehousePath)
    ).split("\r\n");
    const header = csv[0]!.split(",");
    const row = csv
      .map((l) => l.split(","))
      .find((cells) => cells[2] === "ai_assisted" && cells.includes("too_few_repositories"));
    expect(row).toBeDefined();
    expect(row![header.indexOf("vs_unmarked_k")]).toBe("1");
    expect(row![header.indexOf("vs_unmarked_baseline_k")]).toBe("1");
    expect(row![header.indexOf("vs_unmarked_repositories")]).toBe("2");
  });

  it("never prints a bound or a difference as -0", () => {
    const comparison = {
      baseline_value: 1,
      baseline_n: 40,
      k: 5,
      baseline_k: 6,
      difference: 0.004,
      low: -0.004,
      high: 0.3,
      method: "jackknife_t" as const,
      repositories: 8,
      df: 7,
      no_interval: null,
    };
    // An average of counts keeps two decimals; the interval spans zero, so the numbers are the detail.
    const average = { unit: "count", aggregation: "average" as const };
    expect(formatComparison(comparison, average)).toBe("no detectable difference (0 [0, +0.30])");
    expect(formatComparison({ ...comparison, difference: -0.2, low: -0.5, high: -0.001 }, average)).toBe(
      "-0.20 [-0.50, 0]",
    );
    const hours = { unit: "hours", aggregation: "median" as const };
    expect(formatComparison({ ...comparison, difference: -0.04, low: -0.9, high: 0.04 }, hours)).toBe(
      "no detectable difference (0 [-0.9, 0])",
    );
  });

  it("prints a share in percent in tables, and the same rows as raw numbers in JSON and CSV", async () => {
    const args = ["merge_rate", "--grain", "quarter", "--metrics", METRICS, "--warehouse", warehousePath];
    const table = await run("query", ...args);
    const json = (await run("query", ...args, "--format", "json"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { period: string; value: number | null; n: number });
    const csv = (await run("query", ...args, "--format", "csv")).trim().split("\r\n");
    const header = csv[0]!.split(",");
    // Merge rate per quarter from the fixture's rows: merged among closed, in percent with one decimal.
    const closed = prs.filter((p) => p.closed_at !== null);
    const quarters = new Map<string, { closed: number; merged: number }>();
    for (const p of closed) {
      const month = Number(p.closed_at!.slice(5, 7));
      const quarter = `${p.closed_at!.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, "0")}-01`;
      const q = quarters.get(quarter) ?? { closed: 0, merged: 0 };
      q.closed++;
      if (p.is_merged) q.merged++;
      quarters.set(quarter, q);
    }
    expect(json.map((r) => r.period).sort()).toEqual([...quarters.keys()].sort());
    for (const row of json) {
      const q = quarters.get(row.period)!;
      const line = csv.find((l) => l.split(",")[1] === row.period)!.split(",");
      // merge_rate's min_sample is 10 closed pull requests.
      if (q.closed < 10) {
        expect(row.value).toBeNull();
        expect(table).toMatch(
          new RegExp(`^merge_rate +${quarterName(row.period)} +insufficient data +${q.closed} `, "m"),
        );
        continue;
      }
      expect(row.value).toBeCloseTo(q.merged / q.closed, 12);
      const shown = `${oneDecimal((q.merged / q.closed) * 100)}%`;
      expect(table).toMatch(
        new RegExp(
          `^merge_rate +${quarterName(row.period)} +${shown.replace(".", "\\.")} +${q.closed} `,
          "m",
        ),
      );
      expect(line[header.indexOf("value")]).toBe(String(row.value));
    }
    expect(json.some((r) => r.value !== null)).toBe(true);
  });

  it("names the period by its grain in tables: a quarter as a quarter, a month as a month", async () => {
    const common = ["merged_pull_requests", "--metrics", METRICS, "--warehouse", warehousePath];
    const periodsOf = (text: string) =>
      text
        .split("\n")
        .filter((l) => l.startsWith("merged_pull_requests "))
        .map((l) => l.split(/ {2,}/)[1]);
    const months = [...new Set(prs.filter((p) => p.is_merged).map((p) => p.merged_at!.slice(0, 7)))].sort();
    expect(periodsOf(await run("query", ...common, "--grain", "month"))).toEqual(months);
    const quarters = [...new Set(months.map((m) => quarterName(`${m}-01`)))];
    expect(periodsOf(await run("query", ...common, "--grain", "quarter"))).toEqual(quarters);
  });
});

describe("yardstick metrics check and list", () => {
  it("checks the metrics file and prints each metric's hash", async () => {
    const out = await run("check", "--metrics", METRICS);
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe(`OK: ${METRICS} defines ${shippedNames().length} metrics`);
    expect(lines[1]).toContain("no warehouse to dry-run on");
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(shippedNames());
    for (const line of lines.slice(2)) expect(line).toMatch(/ sha256:[0-9a-f]{64}$/);
  });

  it("fails the check with the file's position when a metric is invalid", async () => {
    const bad = join(dir, "bad-metrics.yaml");
    writeFileSync(bad, "version: 1\nmetrics:\n  - name: x\n    agg: sum\n");
    const error = await inputErrorOf("check", "--metrics", bad);
    expect(error.report()).toContain(`metrics[0].type (${bad}:3:5)`);
    expect(error.report()).toContain("simple, ratio, derived");
    writeFileSync(bad, "version: 1\nmetrics:\n  - name: x\n    type: simple\n    agg: sum\n");
    const fields = await inputErrorOf("check", "--metrics", bad);
    expect(fields.report()).toContain(`metrics[0].label (${bad}:3:5)`);
    expect(fields.exitCode).toBe(2);
  });

  it("lists the metrics as JSON lines", async () => {
    const out = await run("list", "--metrics", METRICS, "--format", "json");
    const entries = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { name: string; dimensions: string[] });
    expect(entries.map((e) => e.name)).toEqual(shippedNames());
    expect(entries[0]!.dimensions).toContain("team");
  });
});
