/**
 * AI against unmarked work: the engine groups rows by period and slice, finds the unmarked baseline, counts the
 * repositories behind each side, and feeds the right numbers to the interval methods. Expected values are
 * computed here from the fixture rows in plain TypeScript (groups, counts, samples, repositories) and the
 * separately tested functions of metrics/comparison-stats.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsCommand } from "../cli/metrics-command.ts";
import { InputError } from "../core/errors.ts";
import { clusteredDifference, clusteredRateDifference } from "../metrics/comparison-stats.ts";
import { compareMetrics } from "../metrics/metric-compare.ts";
import { evaluateMetrics } from "../metrics/metric-evaluator.ts";
import { type MetricsFile, parseMetricsFile } from "../metrics/metrics-file.ts";
import {
  createFixtureWarehouse,
  type FixturePullRequest,
  fixturePullRequests,
} from "./fixtures/metrics-warehouse.ts";
import { median, weekStart } from "./helpers/stats.ts";

const DIMS = "[team, authorship_class, size_bucket]";
const YAML = `version: 1
definitions:
  privacy_floor: 1
metrics:
  - { name: merged, label: Merged, description: d, owner: o, type: simple, model: fct_pull_requests, agg: count,
      expr: pull_request_id, filter: is_merged, time_dimension: merged_at, unit: count, direction: neutral,
      dimensions: ${DIMS} }
  - { name: reverted, label: Reverted, description: d, owner: o, type: simple, model: fct_pull_requests,
      agg: sum_boolean, expr: reverted_within_window, filter: is_merged, time_dimension: merged_at, unit: count,
      direction: lower_is_better, dimensions: ${DIMS} }
  - { name: revert_rate, label: Revert rate, description: d, owner: o, type: ratio, numerator: reverted,
      denominator: merged, unit: ratio, direction: lower_is_better, dimensions: ${DIMS} }
  - { name: ttm_p50, label: Time to merge, description: d, owner: o, type: simple, model: fct_pull_requests,
      agg: median, expr: time_to_merge_hours, filter: is_merged, time_dimension: merged_at, unit: hours,
      direction: lower_is_better, dimensions: ${DIMS} }
  - { name: closed, label: Closed, description: d, owner: o, type: simple, model: fct_pull_requests, agg: count,
      expr: pull_request_id, time_dimension: closed_at, unit: count, direction: neutral, dimensions: ${DIMS} }
  - { name: merged_of_closed, label: Merged when closed, description: d, owner: o, type: simple,
      model: fct_pull_requests, agg: count, expr: pull_request_id, filter: is_merged, time_dimension: closed_at,
      unit: count, direction: neutral, dimensions: ${DIMS} }
  - { name: merge_rate, label: Merge rate, description: d, owner: o, type: ratio, numerator: merged_of_closed,
      denominator: closed, unit: ratio, direction: higher_is_better, dimensions: ${DIMS} }
  - { name: deploys, label: Deploys, description: d, owner: o, type: simple, model: fct_deployments, agg: count,
      expr: database_id, time_dimension: finished_at, unit: count, direction: higher_is_better,
      dimensions: [repository] }
`;

let dir: string;
let warehousePath: string;
let prs: FixturePullRequest[];
let file: MetricsFile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yardstick-compare-"));
  warehousePath = join(dir, "warehouse.duckdb");
  // Spread over eight repositories, every class in each, except automation, which one repository holds: it
  // shows what a side with one repository gets.
  prs = fixturePullRequests(["platform", "mobile"], 400).map((p) => ({
    ...p,
    repository:
      p.authorship_class === "automation" ? "acme/bots" : `acme/repo-${Math.floor(p.number / 6) % 8}`,
  }));
  await createFixtureWarehouse(warehousePath, prs);
  file = parseMetricsFile(YAML, "metrics.yaml");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const month = (iso: string) => `${iso.slice(0, 7)}-01`;
const mergedPrs = () => prs.filter((p) => p.is_merged && p.merged_at !== null);

const repositoriesOf = (g: FixturePullRequest[] | undefined) =>
  g ? new Set(g.map((p) => p.repository)).size : null;

/** A rate's counts per repository, from the fixture rows. */
function countsByRepository(g: FixturePullRequest[], success: (p: FixturePullRequest) => boolean) {
  const repositories = [...new Set(g.map((p) => p.repository))].sort();
  return {
    clusters: repositories,
    successes: repositories.map((r) => g.filter((p) => p.repository === r && success(p)).length),
    trials: repositories.map((r) => g.filter((p) => p.repository === r).length),
  };
}

/** Pull requests by ISO week (of `at`) and class: the groups of a weekly comparison. */
function byWeekAndClass(rows: FixturePullRequest[], at: (p: FixturePullRequest) => string) {
  const out = new Map<string, FixturePullRequest[]>();
  for (const p of rows) {
    const key = `${weekStart(at(p))}|${p.authorship_class}`;
    out.set(key, [...(out.get(key) ?? []), p]);
  }
  return out;
}

describe("differences to unmarked work", () => {
  it("gives rates Newcombe's interval at the sizes the repositories support, with k beside n", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics: file,
      names: ["revert_rate"],
      by: ["authorship_class"],
      grain: "week",
      compare: true,
    });
    const groups = byWeekAndClass(mergedPrs(), (p) => p.merged_at!);
    let checked = 0;
    let tooFew = 0;
    for (const row of rows) {
      const own = groups.get(`${row.period}|${row.authorship_class}`)!;
      if (row.authorship_class === "unmarked") {
        expect(row.vs_unmarked).toBeUndefined();
        continue;
      }
      const base = groups.get(`${row.period}|unmarked`);
      if (!base) {
        expect(row.vs_unmarked?.difference).toBeNull();
        continue;
      }
      const reverted = (p: FixturePullRequest) => p.reverted_within_window;
      const expected = clusteredRateDifference(
        countsByRepository(own, reverted),
        countsByRepository(base, reverted),
      )!;
      const c = row.vs_unmarked!;
      expect(c).toMatchObject({
        baseline_value: base.filter(reverted).length / base.length,
        baseline_n: base.length,
        k: repositoriesOf(own),
        baseline_k: repositoriesOf(base),
        method: "newcombe_wilson_eff",
        repositories: new Set([...own, ...base].map((p) => p.repository)).size,
      });
      expect(c.difference).toBeCloseTo(expected.difference, 12);
      if (expected.low === null) {
        expect(c).toMatchObject({ low: null, high: null, df: null, no_interval: "too_few_repositories" });
        tooFew++;
      } else {
        expect(c.low).toBeCloseTo(expected.low, 12);
        expect(c.high).toBeCloseTo(expected.high, 12);
        expect(c).toMatchObject({ df: expected.df, no_interval: null });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
    // Automation work sits in one repository: no interval, whatever its n.
    expect(tooFew).toBeGreaterThan(0);
    for (const row of rows.filter(
      (r) => r.authorship_class === "automation" && r.vs_unmarked?.difference != null,
    ))
      expect(row.vs_unmarked).toMatchObject({ k: 1, low: null, no_interval: "too_few_repositories" });
  });

  it("gives medians the repository jackknife from the group's own values", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics: file,
      names: ["ttm_p50"],
      by: ["authorship_class"],
      grain: "week",
      compare: true,
    });
    const groups = byWeekAndClass(mergedPrs(), (p) => p.merged_at!);
    const sample = (g: FixturePullRequest[]) => {
      const sorted = g
        .map((p) => ({ v: p.time_to_merge_hours!, c: p.repository }))
        .sort((x, y) => (x.c < y.c ? -1 : x.c > y.c ? 1 : x.v - y.v));
      return { values: sorted.map((e) => e.v), clusters: sorted.map((e) => e.c) };
    };
    let checked = 0;
    for (const row of rows.filter(
      (r) => r.authorship_class !== "unmarked" && r.authorship_class !== "automation",
    )) {
      const own = groups.get(`${row.period}|${row.authorship_class}`)!;
      const base = groups.get(`${row.period}|unmarked`);
      if (!base) continue;
      const a = sample(own);
      const b = sample(base);
      const expected = clusteredDifference(a, b, { kind: "quantile", p: 0.5 })!;
      const c = row.vs_unmarked!;
      expect(c.method).toBe("jackknife_hd_t");
      expect(c.k).toBe(repositoriesOf(own));
      expect(c.baseline_k).toBe(repositoriesOf(base));
      expect(c.difference).toBeCloseTo(median(a.values) - median(b.values), 9);
      if (expected.low === null) continue;
      expect(c.low).toBeCloseTo(expected.low, 9);
      expect(c.high).toBeCloseTo(expected.high, 9);
      expect(c.low!).toBeLessThan(c.difference!);
      expect(c.high!).toBeGreaterThan(c.difference!);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("gives counts the difference alone, with the repositories behind each side", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics: file,
      names: ["merged"],
      by: ["size_bucket", "authorship_class"],
      grain: "month",
      compare: true,
    });
    // Merged pull requests per (month, size bucket, class), grouped from the fixture rows.
    const groups = new Map<string, FixturePullRequest[]>();
    for (const p of mergedPrs()) {
      const key = `${month(p.merged_at!)}|${p.size_bucket}|${p.authorship_class}`;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    const compared = rows.filter((r) => r.vs_unmarked?.difference != null);
    expect(compared.length).toBeGreaterThan(5);
    for (const row of compared) {
      const own = groups.get(`${row.period}|${row.size_bucket}|${row.authorship_class}`)!;
      const base = groups.get(`${row.period}|${row.size_bucket}|unmarked`)!;
      expect(row.vs_unmarked).toEqual({
        baseline_value: base.length,
        baseline_n: base.length,
        k: repositoriesOf(own),
        baseline_k: repositoriesOf(base),
        difference: own.length - base.length,
        low: null,
        high: null,
        method: "none",
        repositories: null,
        df: null,
        no_interval: null,
      });
    }
  });

  it("never gives an interval sliced by repository: every side is one repository", async () => {
    const rows = await evaluateMetrics({
      warehousePath,
      metrics: parseMetricsFile(
        YAML.replaceAll(DIMS, "[team, repository, authorship_class, size_bucket]"),
        "m.yaml",
      ),
      names: ["revert_rate", "ttm_p50"],
      by: ["repository", "authorship_class"],
      grain: "quarter",
      compare: true,
    });
    const compared = rows.filter((r) => r.vs_unmarked?.difference != null);
    expect(compared.length).toBeGreaterThan(5);
    for (const row of compared)
      expect(row.vs_unmarked).toMatchObject({
        k: 1,
        baseline_k: 1,
        low: null,
        no_interval: "too_few_repositories",
      });
  });
});

describe("yardstick metrics compare", () => {
  it("compares pooled and within size buckets, with the merge rate beside durations", async () => {
    const rows = await compareMetrics({
      warehousePath,
      file,
      names: ["ttm_p50"],
      by: [],
      grain: "quarter",
      withinSize: true,
      beside: "merge_rate",
    });
    const pooled = rows.filter((r) => r.size_bucket === undefined);
    const within = rows.filter((r) => r.size_bucket !== undefined);
    expect(pooled.length).toBeGreaterThan(0);
    expect(new Set(within.map((r) => r.size_bucket)).size).toBeGreaterThan(1);
    const closed = prs.filter((p) => p.closed_at !== null);
    for (const row of pooled) {
      const quarterOf = (iso: string) => {
        const m = Number(iso.slice(5, 7));
        return `${iso.slice(0, 4)}-${String(m - ((m - 1) % 3)).padStart(2, "0")}-01`;
      };
      const g = closed.filter(
        (p) => quarterOf(p.closed_at!) === row.period && p.authorship_class === row.authorship_class,
      );
      expect(row.beside?.metric).toBe("merge_rate");
      expect(row.beside?.value).toBeCloseTo(g.filter((p) => p.is_merged).length / g.length, 12);
    }
    // Within a bucket, the baseline is unmarked work of the same bucket.
    for (const row of within.filter((r) => r.vs_unmarked?.baseline_n != null)) {
      const base = within.find(
        (r) =>
          r.period === row.period && r.size_bucket === row.size_bucket && r.authorship_class === "unmarked",
      );
      expect(row.vs_unmarked?.baseline_n).toBe(base?.n);
    }
  });

  it("prints a table with the interval and rejects a metric that cannot be sliced by class", async () => {
    const metricsPath = join(dir, "metrics.yaml");
    writeFileSync(metricsPath, YAML);
    let out = "";
    const io = { out: (t: string) => (out += t) };
    await metricsCommand(io).parseAsync(
      [
        "compare",
        "revert_rate",
        "--grain",
        "quarter",
        "--metrics",
        metricsPath,
        "--warehouse",
        warehousePath,
      ],
      { from: "user" },
    );
    expect(out).toContain("difference [95% interval]");
    // k beside n on both sides of every compared row.
    const [header] = out.split("\n");
    expect(header).toMatch(/ value +n +k +unmarked +n +k +difference \[95% interval\] +method/);
    expect(out).toMatch(/automation .* too few repositories for an interval \(k=1 vs \d+, \d+ in all\)/);
    // A query sliced by class carries the same comparison, unless asked not to.
    const query = async (...extra: string[]) => {
      let text = "";
      await metricsCommand({ out: (t: string) => (text += t) }).parseAsync(
        [
          "query",
          "revert_rate",
          "--by",
          "authorship_class",
          "--grain",
          "quarter",
          "--metrics",
          metricsPath,
        ].concat(["--warehouse", warehousePath, ...extra]),
        { from: "user" },
      );
      return text;
    };
    expect(await query()).toMatch(/ value +n +k +vs unmarked \(95% interval\)/);
    expect(await query("--no-compare")).not.toContain("vs unmarked");
    const json = (await query("--format", "json"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const assisted = json.find(
      (r) => r.authorship_class === "ai_assisted" && r.vs_unmarked.baseline_n !== null,
    );
    expect(assisted.vs_unmarked.method).toBe("newcombe_wilson_eff");
    expect(assisted.vs_unmarked.k).toBe(8);
    expect(assisted.vs_unmarked.baseline_k).toBe(8);
    expect(out).toMatch(/ai_authored .* newcombe_wilson_eff/);
    const csv = (await query("--format", "csv")).split("\r\n");
    expect(csv[0]).toContain("n,insufficient");
    expect(csv[0]).toContain("vs_unmarked_baseline_n,vs_unmarked_k,vs_unmarked_baseline_k,");
    expect(csv[0]).toContain("vs_unmarked_repositories,vs_unmarked_df,vs_unmarked_no_interval");
    const error = await metricsCommand(io)
      .parseAsync(["compare", "deploys", "--metrics", metricsPath, "--warehouse", warehousePath], {
        from: "user",
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).report()).toContain("cannot be sliced by authorship_class");
  });
});
