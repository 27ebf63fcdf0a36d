/**
 * The metrics bench's like-for-like check on a small simulated organisation (extracted through the simulator,
 * built with real dbt): every metric of metrics.yaml has a hand-written plain query
 * (bench/metrics-plain-sql.ts) that gives the engine's rows (same groups, n, withheld rows, values), so a
 * wrong plain query or a change in the engine's numbers fails here before it skews a benchmark ratio. Also
 * that the check can fail: a plain query changed by a hair is caught, group by group.
 */

import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BenchWindow,
  benchSlices,
  parseMetricsBenchArgs,
  twoYearWindow,
  type Verification,
  verifyPlainQueries,
  withheld,
} from "../bench/metrics.bench.ts";
import { PLAIN_METRIC_SQL } from "../bench/metrics-plain-sql.ts";
import { InputError } from "../core/errors.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { buildSimulatedWarehouse } from "./helpers/simulated-warehouse.ts";

const ROOT = resolve(import.meta.dirname, "..");
const METRICS = loadMetricsFile(join(ROOT, "metrics.yaml"));
const metric = (name: string) => METRICS.metrics.find((m) => m.name === name)!;

describe("withheld: a plain row shown the way the engine shows it", () => {
  const simple = { ...metric("merged_pull_requests"), min_sample: 10 };
  it("suppresses a group of 1 to floor-1 people, value and n", () => {
    expect(withheld(simple, 5, { value: 12, n: 12, people: 4 })).toEqual({
      value: null,
      n: null,
      insufficient: false,
      suppressed: true,
    });
    expect(withheld(simple, 5, { value: 12, n: 12, people: 1 }).suppressed).toBe(true);
  });
  it("shows a group of no people (bots only) or of the floor and more", () => {
    expect(withheld(simple, 5, { value: 12, n: 12, people: 0 })).toEqual({
      value: 12,
      n: 12,
      insufficient: false,
      suppressed: false,
    });
    expect(withheld(simple, 5, { value: "12", n: "12", people: "5" }).value).toBe(12);
    expect(withheld(simple, 5, { value: 12, n: 12, people: null }).suppressed).toBe(false);
  });
  it("withholds the value below min_sample but keeps n", () => {
    expect(withheld(simple, 5, { value: 9, n: 9, people: 6 })).toEqual({
      value: null,
      n: 9,
      insufficient: true,
      suppressed: false,
    });
  });
});

describe("bench arguments", () => {
  it("rejects unknown flags and bad run counts with an InputError naming the flag", () => {
    expect(() => parseMetricsBenchArgs(["--wharehouse", "x"])).toThrow(InputError);
    expect(() => parseMetricsBenchArgs(["--runs", "0"])).toThrow(/--runs/);
    expect(parseMetricsBenchArgs(["--warehouse=/tmp/w.duckdb", "--runs", "2"])).toMatchObject({
      warehouse: "/tmp/w.duckdb",
      explicit: true,
      runs: 2,
    });
  });
});

describe("plain SQL against the engine on a built warehouse", () => {
  // Two teams of a few people each over three months: groups by team and class per month are big enough to
  // show values (p90 needs 20 rows), and small enough that min_sample and the privacy floor withhold others.
  const org = generateOrg({ seed: 11, repositories: 3, pullRequests: 900, days: 90 });
  let dataDir: string;
  let warehouse: string;
  let window: BenchWindow;
  let verified: Verification;

  beforeAll(async () => {
    const built = await buildSimulatedWarehouse(org, {
      name: "bench-metrics",
      definitions: METRICS.definitions,
      // Every metric of metrics.yaml has rows to compare, the Copilot ones included.
      copilot: true,
    });
    dataDir = built.dataDir;
    warehouse = built.warehousePath;
    window = await twoYearWindow(warehouse, METRICS.metrics);
    verified = await verifyPlainQueries(warehouse, METRICS, window);
  });
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("covers the whole organisation in a two-year window ending on its last day", () => {
    const last = org.dataset.pullRequests
      .flatMap((p) => [p.mergedAt, p.closedAt])
      .filter((t): t is string => t !== null)
      .sort()
      .at(-1)!;
    expect(window.to >= last.slice(0, 10)).toBe(true);
    expect(window.from.endsWith("-01")).toBe(true);
    const months =
      (Number(window.to.slice(0, 4)) - Number(window.from.slice(0, 4))) * 12 +
      Number(window.to.slice(5, 7)) -
      Number(window.from.slice(5, 7)) +
      1;
    expect(months).toBe(24);
  });

  it("has a plain query for every metric of metrics.yaml", () => {
    expect(verified.missing).toEqual([]);
    expect(METRICS.metrics.length).toBeGreaterThan(0);
  });

  it("gives the engine's rows for every metric: groups, n, withheld rows and values", () => {
    expect(verified.problems).toEqual([]);
    for (const m of METRICS.metrics) {
      const rows = verified.engine.rows[m.name] ?? [];
      expect(rows.length, m.name).toBeGreaterThan(0);
      // Sliced as the bench says: team and authorship_class where allowed.
      for (const d of benchSlices(m)) expect(rows[0]!, m.name).toHaveProperty(d);
    }
  });

  it("compared shown values, insufficient rows and suppressed rows, not only empty groups", () => {
    const all = Object.values(verified.engine.rows).flat();
    expect(all.filter((r) => r.value !== null).length).toBeGreaterThan(100);
    expect(all.some((r) => r.insufficient === true)).toBe(true);
    expect(all.some((r) => r.suppressed === true)).toBe(true);
    for (const name of ["cycle_time_p50", "merge_rate", "deployments", "time_to_restore_p50"]) {
      expect(
        verified.engine.rows[name]!.some((r) => r.value !== null),
        name,
      ).toBe(true);
    }
  });

  it("catches a plain query that differs: a quantile, a privacy count, a ratio's numerator", async () => {
    const wrong: Record<string, string> = {
      ...PLAIN_METRIC_SQL,
      cycle_time_p50: PLAIN_METRIC_SQL.cycle_time_p50!.replace("0.5)", "0.55)"),
      merge_rate: PLAIN_METRIC_SQL.merge_rate!.replace("count(distinct", "1 + count(distinct"),
      revert_rate: PLAIN_METRIC_SQL.revert_rate!.replace(
        "filter (where reverted_within_window)",
        "filter (where reverted_within_window or size_lines > 100)",
      ),
    };
    for (const name of ["cycle_time_p50", "merge_rate", "revert_rate"])
      expect(wrong[name], name).not.toBe(PLAIN_METRIC_SQL[name]);
    const { problems } = await verifyPlainQueries(warehouse, METRICS, window, wrong);
    for (const name of ["cycle_time_p50", "merge_rate", "revert_rate"]) {
      expect(
        problems.some((p) => p.startsWith(`${name} `)),
        name,
      ).toBe(true);
    }
    expect(problems.every((p) => /^(cycle_time_p50|merge_rate|revert_rate) /.test(p))).toBe(true);

    const { [METRICS.metrics[0]!.name]: _dropped, ...withoutFirst } = PLAIN_METRIC_SQL;
    expect((await verifyPlainQueries(warehouse, METRICS, window, withoutFirst)).missing).toEqual([
      METRICS.metrics[0]!.name,
    ]);
  });
});
