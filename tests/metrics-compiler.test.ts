/**
 * The compiler for every metric type: the exact SQL it writes and the rows DuckDB returns for it on a fixture
 * warehouse, against values computed here in plain TypeScript from the fixture rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileMetricQuery } from "../metrics/metric-compiler.ts";
import { evaluateMetrics, type MetricRow } from "../metrics/metric-evaluator.ts";
import { type PlanRequest, planQuery } from "../metrics/metric-ir.ts";
import { findMetric, type MetricsFile, parseMetricsFile } from "../metrics/metrics-file.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";

const PERSON = "coalesce(initiated_by, case when author_type = 'User' then author_login end)";

const YAML = (floor: number) => `version: 1
definitions:
  privacy_floor: ${floor}
metrics:
  - name: merged
    label: Merged
    description: Merged pull requests.
    owner: devex
    type: simple
    model: fct_pull_requests
    agg: count
    expr: pull_request_id
    filter: is_merged
    time_dimension: merged_at
    unit: count
    direction: neutral
    dimensions: [team, authorship_class]
  - name: reverted
    label: Reverted
    description: Merged pull requests reverted within the window.
    owner: devex
    type: simple
    model: fct_pull_requests
    agg: sum_boolean
    expr: reverted_within_window
    filter: is_merged
    time_dimension: merged_at
    unit: count
    direction: lower_is_better
    dimensions: [team, authorship_class]
  - name: revert_rate
    label: Revert rate
    description: Share of merged human and AI pull requests reverted.
    owner: devex
    type: ratio
    numerator: { metric: reverted, filter: "authorship_class <> 'automation'" }
    denominator: { metric: merged, filter: "authorship_class <> 'automation'" }
    unit: ratio
    direction: lower_is_better
    bands: { elite: 0.05, high: 0.1, medium: 0.15 }
    dimensions: [team, authorship_class]
  - name: ai_share
    label: AI share
    description: Share of merged human and AI pull requests authored by an agent.
    owner: devex
    type: ratio
    numerator: { metric: merged, filter: "authorship_class = 'ai_authored'" }
    denominator: { metric: merged, filter: "authorship_class <> 'automation'" }
    unit: ratio
    direction: neutral
    dimensions: [team, authorship_class]
  - name: merged_per_week
    label: Merged per week
    description: Merged pull requests per seven days of the period.
    owner: devex
    type: derived
    expr: "m / period_days * 7"
    metrics: [{ metric: merged, alias: m }]
    unit: per_week
    direction: higher_is_better
    bands: { elite: 10, high: 5, medium: 1 }
    dimensions: [team]
  - name: kept
    label: Merged and not reverted
    description: Merged pull requests that stayed.
    owner: devex
    type: derived
    expr: "merged - reverted"
    metrics: [merged, reverted]
    unit: count
    direction: higher_is_better
    dimensions: [team]
`;

let dir: string;
let warehousePath: string;
let prs: FixturePullRequest[];
let file: MetricsFile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-compiler-"));
  warehousePath = join(dir, "warehouse.duckdb");
  prs = fixturePullRequests(["platform", "mobile"], 120);
  await createFixtureWarehouse(warehousePath, prs);
  file = parseMetricsFile(YAML(1), "metrics.yaml");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const month = (iso: string) => `${iso.slice(0, 7)}-01`;
const daysInMonth = (period: string) => {
  const d = new Date(`${period}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).getUTCDate() === 1
    ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
    : 0;
};

function merged(): FixturePullRequest[] {
  return prs.filter((p) => p.is_merged && p.merged_at !== null);
}

function groups(rows: FixturePullRequest[]): Map<string, FixturePullRequest[]> {
  const out = new Map<string, FixturePullRequest[]>();
  for (const pr of rows) {
    const key = `${month(pr.merged_at!)}|${pr.team}`;
    out.set(key, [...(out.get(key) ?? []), pr]);
  }
  return out;
}

function compile(name: string, request: PlanRequest) {
  return compileMetricQuery(planQuery(findMetric(file, name)!, request));
}

async function evaluate(name: string, by: string[], f: MetricsFile = file): Promise<MetricRow[]> {
  return evaluateMetrics({ warehousePath, metrics: f, names: [name], by, grain: "month" });
}

describe("sum_boolean", () => {
  it("compiles to count_if over the filtered rows", () => {
    expect(compile("reverted", { by: ["team"], grain: "month" }).sql).toBe(
      `select strftime(date_trunc('month', "merged_at"), '%Y-%m-%d') as "period", "team" as "team", ` +
        `(count_if(reverted_within_window))::DOUBLE as "value", (count(reverted_within_window))::INTEGER as "n", ` +
        `false as "suppressed" from "fct_pull_requests" where "merged_at" is not null and (is_merged) ` +
        `group by date_trunc('month', "merged_at"), "team" order by "period", "team"`,
    );
  });

  it("counts the true rows per month and team", async () => {
    const rows = await evaluate("reverted", ["team"]);
    const expected = [...groups(merged())].map(([key, g]) => ({
      key,
      value: g.filter((p) => p.reverted_within_window).length,
      n: g.length,
    }));
    expect(rows.map((r) => ({ key: `${r.period}|${r.team}`, value: r.value, n: r.n }))).toEqual(
      expected.sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
    expect(expected.some((e) => e.value > 0)).toBe(true);
  });
});

describe("ratio", () => {
  it("filters once by the conditions both sides share", () => {
    expect(compile("revert_rate", { by: ["team"], grain: "month" }).sql).toBe(
      `select strftime(date_trunc('month', "merged_at"), '%Y-%m-%d') as "period", "team" as "team", ` +
        `(count_if(reverted_within_window))::DOUBLE / nullif((count(pull_request_id))::DOUBLE, 0) as "value", ` +
        `(count(pull_request_id))::INTEGER as "n", false as "suppressed", ` +
        `(count_if(reverted_within_window))::DOUBLE as "numerator", (count(pull_request_id))::DOUBLE as "denominator" ` +
        `from "fct_pull_requests" where "merged_at" is not null and (is_merged) and (authorship_class <> 'automation') ` +
        `group by date_trunc('month', "merged_at"), "team" having count(pull_request_id) > 0 order by "period", "team"`,
    );
  });

  it("aggregates numerator and denominator separately in one pass, each with its own FILTER", () => {
    expect(compile("ai_share", { by: ["team"], grain: "month" }).sql).toBe(
      `select strftime(date_trunc('month', "merged_at"), '%Y-%m-%d') as "period", "team" as "team", ` +
        `(count(pull_request_id) filter (where (authorship_class = 'ai_authored')))::DOUBLE` +
        ` / nullif((count(pull_request_id) filter (where (authorship_class <> 'automation')))::DOUBLE, 0) as "value", ` +
        `(count(pull_request_id) filter (where (authorship_class <> 'automation')))::INTEGER as "n", ` +
        `false as "suppressed", ` +
        `(count(pull_request_id) filter (where (authorship_class = 'ai_authored')))::DOUBLE as "numerator", ` +
        `(count(pull_request_id) filter (where (authorship_class <> 'automation')))::DOUBLE as "denominator" ` +
        `from "fct_pull_requests" where "merged_at" is not null and (is_merged) ` +
        `group by date_trunc('month', "merged_at"), "team" ` +
        `having count(pull_request_id) filter (where (authorship_class <> 'automation')) > 0 ` +
        `order by "period", "team"`,
    );
  });

  it("gives each side its own rows", async () => {
    const rows = await evaluate("ai_share", ["team"]);
    const expected = [...groups(merged().filter((p) => p.authorship_class !== "automation"))]
      .map(([key, g]) => {
        const ai = g.filter((p) => p.authorship_class === "ai_authored").length;
        return { key, value: ai / g.length, numerator: ai, denominator: g.length };
      })
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(
      rows.map((r) => ({
        key: `${r.period}|${r.team}`,
        value: r.value,
        numerator: r.numerator,
        denominator: r.denominator,
      })),
    ).toEqual(expected);
    expect(expected.some((e) => e.numerator > 0 && e.numerator < e.denominator)).toBe(true);
  });

  it("is the sum-level share per group (never an average of ratios), with its sides and band", async () => {
    const rows = await evaluate("revert_rate", ["team"]);
    const eligible = merged().filter((p) => p.authorship_class !== "automation");
    const expected = [...groups(eligible)]
      .map(([key, g]) => {
        const reverted = g.filter((p) => p.reverted_within_window).length;
        const rate = reverted / g.length;
        const band = rate <= 0.05 ? "elite" : rate <= 0.1 ? "high" : rate <= 0.15 ? "medium" : "low";
        return { key, value: rate, n: g.length, numerator: reverted, denominator: g.length, band };
      })
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(
      rows.map((r) => ({
        key: `${r.period}|${r.team}`,
        value: r.value,
        n: r.n,
        numerator: r.numerator,
        denominator: r.denominator,
        band: r.band,
      })),
    ).toEqual(expected);
    expect(new Set(expected.map((e) => e.band)).size).toBeGreaterThan(1);
  });
});

describe("derived", () => {
  it("joins its inputs on period and dimensions and computes the expression with period_days", () => {
    const { sql } = compile("merged_per_week", { by: ["team"], grain: "month" });
    expect(sql).toBe(
      `with "__input_0" as ((select strftime(date_trunc('month', "merged_at"), '%Y-%m-%d') as "period", ` +
        `"team" as "team", (count(pull_request_id))::DOUBLE as "value", (count(pull_request_id))::INTEGER as "n", ` +
        `false as "suppressed" from "fct_pull_requests" where "merged_at" is not null and (is_merged) ` +
        `group by date_trunc('month', "merged_at"), "team" order by "period", "team")), ` +
        `"__keys" as (select "period", "team" from "__input_0"), ` +
        `"__joined" as (select k."period", k."team", "__input_0"."value" as "m", "__input_0"."n" as "__n_0", ` +
        `"__input_0"."suppressed" as "__suppressed_0", ` +
        `date_diff('day', cast(k."period" as date), cast(k."period" as date) + interval 1 month) as "period_days" ` +
        `from "__keys" as k left join "__input_0" on "__input_0"."period" is not distinct from k."period" ` +
        `and "__input_0"."team" is not distinct from k."team") ` +
        `select "period", "team", ((m / period_days * 7))::DOUBLE as "value", ` +
        `least(coalesce("__n_0", 0))::INTEGER as "n", (coalesce("__suppressed_0", false)) as "suppressed" ` +
        `from "__joined" order by "period", "team"`,
    );
  });

  it("gives merged pull requests per week of each month, banded", async () => {
    const rows = await evaluate("merged_per_week", ["team"]);
    const expected = [...groups(merged())]
      .map(([key, g]) => {
        const value = (g.length / daysInMonth(key.slice(0, 10))) * 7;
        const band = value >= 10 ? "elite" : value >= 5 ? "high" : value >= 1 ? "medium" : "low";
        return { key, value, n: g.length, band };
      })
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    const actual = rows.map((r) => ({ key: `${r.period}|${r.team}`, value: r.value, n: r.n, band: r.band }));
    expect(actual.map((a) => a.key)).toEqual(expected.map((e) => e.key));
    actual.forEach((a, i) => {
      expect(a.value).toBeCloseTo(expected[i]!.value, 10);
      expect(a.n).toBe(expected[i]!.n);
      expect(a.band).toBe(expected[i]!.band);
    });
  });

  it("combines two inputs, with n the smaller input's", async () => {
    const rows = await evaluate("kept", ["team"]);
    const expected = [...groups(merged())]
      .map(([key, g]) => ({ key, value: g.filter((p) => !p.reverted_within_window).length, n: g.length }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(rows.map((r) => ({ key: `${r.period}|${r.team}`, value: r.value, n: r.n }))).toEqual(expected);
  });

  it("compiles period_days for every grain", async () => {
    for (const grain of ["day", "week", "month", "quarter"] as const) {
      const rows = await evaluateMetrics({
        warehousePath,
        metrics: file,
        names: ["merged_per_week"],
        by: [],
        grain,
      });
      const total = merged().length;
      expect(rows.reduce((s, r) => s + (r.n ?? 0), 0)).toBe(total);
      if (grain === "week") for (const r of rows) expect(r.value).toBe(r.n);
      if (grain === "day") for (const r of rows) expect(r.value).toBeCloseTo((r.n ?? 0) * 7, 10);
    }
  });
});

describe("the privacy floor", () => {
  it("adds the person count of the mart's contract, the floor as a parameter", () => {
    const compiled = compile("merged", { by: ["team"], grain: "month", privacyFloor: 4 });
    expect(compiled.sql).toContain(`(count(distinct ${PERSON}) between 1 and ?) as "suppressed"`);
    expect(compiled.parameters).toEqual([3]);
  });

  it("suppresses exactly the groups with 1 to floor-1 distinct people, in every metric type", async () => {
    const floor = 4;
    const strict = parseMetricsFile(YAML(floor), "metrics.yaml");
    const people = (g: FixturePullRequest[]) =>
      new Set(
        g.map((p) => p.initiated_by ?? (p.author_type === "User" ? p.author_login : null)).filter(Boolean),
      ).size;
    const byClass = new Map<string, FixturePullRequest[]>();
    for (const pr of merged()) {
      const key = `${month(pr.merged_at!)}|${pr.authorship_class}`;
      byClass.set(key, [...(byClass.get(key) ?? []), pr]);
    }
    const expectedSuppressed = [...byClass]
      .filter(([, g]) => people(g) >= 1 && people(g) < floor)
      .map(([k]) => k)
      .sort();
    const notSuppressed = [...byClass].filter(([, g]) => !(people(g) >= 1 && people(g) < floor));
    expect(expectedSuppressed.length).toBeGreaterThan(0);
    expect(notSuppressed.length).toBeGreaterThan(0);
    const rows = await evaluate("merged", ["authorship_class"], strict);
    expect(
      rows
        .filter((r) => r.suppressed)
        .map((r) => `${r.period}|${r.authorship_class}`)
        .sort(),
    ).toEqual(expectedSuppressed);
    for (const r of rows.filter((r) => r.suppressed)) {
      expect(r.value).toBeNull();
      expect(r.n).toBeNull();
    }
    // A derived metric over a suppressed input is suppressed too.
    const derived = await evaluateMetrics({
      warehousePath,
      metrics: strict,
      names: ["kept"],
      by: [],
      grain: "week",
    });
    const weekly = new Map<string, FixturePullRequest[]>();
    for (const pr of merged()) {
      const d = new Date(pr.merged_at!);
      const monday = new Date(
        Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) -
          ((d.getUTCDay() + 6) % 7) * 86_400_000,
      )
        .toISOString()
        .slice(0, 10);
      weekly.set(monday, [...(weekly.get(monday) ?? []), pr]);
    }
    for (const r of derived) {
      const g = weekly.get(r.period)!;
      expect(Boolean(r.suppressed), r.period).toBe(people(g) >= 1 && people(g) < floor);
    }
  });
});
