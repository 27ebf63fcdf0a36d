import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { metricsCommand } from "../cli/metrics-command.ts";
import { InputError } from "../core/errors.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";

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
