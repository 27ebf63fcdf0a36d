/**
 * Copilot usage in the warehouse and in metrics.yaml, built the real way (simulator → extractor → lake →
 * dbt) and checked against numbers computed here, independently, from the generator's answer key: the mart
 * holds every day read across two runs 40 days apart (history past GitHub's window), with its people; the
 * metrics `yardstick metrics query` evaluates equal the same sums and shares; the privacy floor drops teams
 * smaller than it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Config, loadConfig } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { renderReview } from "../dashboards/pages/review.page.ts";
import { evaluateReviews } from "../dashboards/review/evaluate-reviews.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { DEFAULT_DEFINITIONS } from "../metrics/metric-schema.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import { copilotDays, copilotPopulation } from "../simulator/generator/copilot-usage.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { yardstick } from "./helpers/yardstick-cli.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "copilot-metrics-token";
const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("Copilot usage in the warehouse and the metrics", () => {
  const org = generateOrg({ seed: 12, repositories: 3, pullRequests: 120, days: 60 });
  const owner = org.dataset.repositories[0]!.owner;
  const population = copilotPopulation(org.dataset, org.teams);
  const first = new Date("2026-10-25T05:00:00Z");
  const second = new Date(first.getTime() + 40 * DAY_MS);
  let simNow = first;
  let sim: Simulator;
  let config: Config;
  let configFile: string;

  /** The answer key: every day the two runs could read, organisation (team null) and teams. */
  const truth = () => {
    const rows: {
      team: string | null;
      date: string;
      active: number;
      engaged: number;
      completions: number;
    }[] = [];
    for (const now of [first, second]) {
      const today = Date.parse(`${day(now.getTime())}T00:00:00Z`);
      for (const team of [null, ...org.teams.map((t) => t.name)])
        for (const d of copilotDays(population, owner, team, day(today - 28 * DAY_MS), day(today - DAY_MS)) ??
          [])
          rows.push({
            team,
            date: d.date,
            active: d.total_active_users,
            engaged: d.total_engaged_users,
            completions: d.copilot_ide_code_completions.total_engaged_users,
          });
    }
    return rows;
  };
  /** People of the organisation on a day: humans who opened a pull request in its repositories in the 90 days to it. */
  const peopleOn = (date: string) => {
    const end = Date.parse(`${date}T00:00:00Z`) + DAY_MS;
    const start = end - 90 * DAY_MS;
    const logins = new Set<string>();
    for (const pr of org.dataset.pullRequests) {
      const at = Date.parse(pr.createdAt);
      if (pr.author?.type === "User" && at >= start && at < end) logins.add(pr.author.login.toLowerCase());
    }
    return logins.size;
  };

  beforeAll(async () => {
    await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
    sim = await startSimulator({
      dataset: org.dataset,
      teams: org.teams,
      rateLimit: { limit: 1_000_000 },
      clock: () => simNow,
    });
    const dir = mkdtempSync(join(tmpdir(), "ys-copilot-metrics-"));
    configFile = join(dir, "yardstick.yaml");
    writeFileSync(
      configFile,
      stringify({
        dataDir: ".",
        github: {
          url: sim.url,
          tokenEnv: "COPILOT_TOKEN",
          orgs: [owner],
          requestIntervalMs: 0,
          copilot: { teams: true },
        },
        teams: org.teams,
      }),
    );
    config = loadConfig(configFile);
    for (const now of [first, second]) {
      simNow = now;
      await runExtractStage({
        config,
        token: TOKEN,
        tokens: { COPILOT_TOKEN: TOKEN },
        logger: createMemoryLogger(),
        runId: `run-${day(now.getTime())}`,
        now: () => now,
        client: { requestIntervalMs: 0 },
        tuning: { github_copilot: { requestIntervalMs: 0 } },
      });
    }
    await buildWarehouse({ config, root: ROOT, logger: createMemoryLogger(), runId: "build" });
  }, 600_000);
  afterAll(async () => {
    await sim?.close();
  });

  const mart = () =>
    withDb(join(config.dataDir, "warehouse", "warehouse.duckdb"), "read_only", (db) =>
      db.all<{
        scope: string;
        team: string | null;
        date: string;
        active_users: number;
        engaged_users: number;
        code_completion_users: number;
        people: number | null;
      }>(
        `select scope, team, strftime(day, '%Y-%m-%d') as date, active_users, engaged_users, code_completion_users, people
         from fct_copilot_usage_daily order by scope, team nulls first, day`,
      ),
    );

  it("holds every day of both runs, each equal to the generator's, with the organisation's people", async () => {
    const rows = await mart();
    const expected = truth()
      .map((t) => ({
        scope: t.team === null ? "organization" : "team",
        team: t.team,
        date: t.date,
        active_users: t.active,
        engaged_users: t.engaged,
        code_completion_users: t.completions,
        people:
          t.team === null
            ? peopleOn(t.date)
            : new Set(org.teams.find((x) => x.name === t.team)!.members).size,
      }))
      .sort((a, b) =>
        `${a.scope}|${a.team ?? ""}|${a.date}`.localeCompare(`${b.scope}|${b.team ?? ""}|${b.date}`),
      );
    expect(rows.length).toBeGreaterThan(56);
    expect(rows.map((r) => ({ ...r, active_users: Number(r.active_users) }))).toEqual(expected);
  });

  it("evaluates every Copilot metric (daily and weekly active users, engaged users, their shares) as computed from the truth", async () => {
    const result = await yardstick(
      [
        "metrics",
        "query",
        "copilot_active_user_days",
        "copilot_engaged_user_days",
        "copilot_reported_days",
        "copilot_people_days",
        "copilot_daily_active_users",
        "copilot_daily_engaged_users",
        "copilot_weekly_active_users",
        "copilot_active_share",
        "copilot_engaged_share",
        "copilot_team_daily_active_users",
        "--grain",
        "month",
        "--format",
        "json",
        "--config",
        configFile,
        "--metrics",
        join(ROOT, "metrics.yaml"),
      ],
      {},
    );
    expect(result.code, result.stderr).toBe(0);
    const got = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { metric: string; period: string; value: number });
    const org = truth().filter((t) => t.team === null);
    const months = [...new Set(org.map((t) => t.date.slice(0, 7)))].sort();
    const expected: { metric: string; period: string; value: number }[] = [];
    for (const month of months) {
      const days = org.filter((t) => t.date.startsWith(month));
      const sum = (f: (t: (typeof days)[number]) => number) => days.reduce((s, t) => s + f(t), 0);
      const people = sum((t) => peopleOn(t.date));
      const period = `${month}-01`;
      const teamDays = truth().filter((t) => t.team !== null && t.date.startsWith(month));
      expected.push(
        { metric: "copilot_active_user_days", period, value: sum((t) => t.active) },
        { metric: "copilot_engaged_user_days", period, value: sum((t) => t.engaged) },
        { metric: "copilot_reported_days", period, value: days.length },
        { metric: "copilot_people_days", period, value: people },
        {
          metric: "copilot_team_daily_active_users",
          period,
          value: teamDays.reduce((s, t) => s + t.active, 0) / teamDays.length,
        },
        { metric: "copilot_daily_active_users", period, value: sum((t) => t.active) / days.length },
        { metric: "copilot_daily_engaged_users", period, value: sum((t) => t.engaged) / days.length },
        { metric: "copilot_weekly_active_users", period, value: Math.max(...days.map((t) => t.active)) },
        { metric: "copilot_active_share", period, value: sum((t) => t.active) / people },
        { metric: "copilot_engaged_share", period, value: sum((t) => t.engaged) / people },
      );
    }
    const key = (r: { metric: string; period: string }) => `${r.metric}|${r.period.slice(0, 10)}`;
    const actual = new Map(got.map((r) => [key(r), r.value]));
    expect([...actual.keys()].sort()).toEqual(expected.map(key).sort());
    for (const e of expected) expect(actual.get(key(e)), key(e)).toBeCloseTo(e.value, 9);
  }, 120_000);

  it("shows the month's Copilot figures in the review's adoption section", async () => {
    const snapshots = await evaluateReviews({
      warehousePath: join(config.dataDir, "warehouse", "warehouse.duckdb"),
      metrics: loadMetricsFile(join(ROOT, "metrics.yaml")),
      months: ["2026-10"],
      watermark: second.toISOString(),
      ledger: [],
      codeVersion: "test",
      metricsHash: "test",
      now: second,
      frozen: () => null,
      notes: () => null,
    });
    const copilot = snapshots[0]!.adoption.copilot ?? [];
    const october = truth().filter((t) => t.team === null && t.date.startsWith("2026-10"));
    const active = october.reduce((sum, t) => sum + t.active, 0) / october.length;
    const shown = copilot.find((f) => f.metric === "copilot_daily_active_users");
    expect(shown?.value).toBeCloseTo(active, 9);
    expect(copilot.map((f) => f.metric)).toEqual([
      "copilot_daily_active_users",
      "copilot_weekly_active_users",
      "copilot_daily_engaged_users",
      "copilot_active_share",
      "copilot_engaged_share",
    ]);
    const html = renderReview(snapshots[0]!, [], false);
    const adoption = /<section[^>]*id="adoption"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect(adoption).toContain("GitHub Copilot usage this month");
    expect(adoption).toContain('data-metric="copilot_daily_active_users"');
    expect(adoption).toContain("Copilot daily active users");
  });

  it("leaves out the teams smaller than the privacy floor", async () => {
    const sizes = org.teams.map((t) => new Set(t.members).size);
    const floor = Math.max(...sizes);
    expect(Math.min(...sizes)).toBeLessThan(floor);
    const built = await buildWarehouse({
      config,
      root: ROOT,
      logger: createMemoryLogger(),
      runId: "floor",
      definitions: { ...DEFAULT_DEFINITIONS, privacy_floor: floor },
    });
    const teams = await withDb(built.warehousePath, "read_only", (db) =>
      db.all<{ team: string }>(
        "select distinct team from fct_copilot_usage_daily where scope = 'team' order by team",
      ),
    );
    expect(teams.map((t) => t.team)).toEqual(
      org.teams
        .filter((t) => new Set(t.members).size >= floor)
        .map((t) => t.name)
        .sort(),
    );
  }, 600_000);
});
