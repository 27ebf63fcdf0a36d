/**
 * The walking skeleton end to end: simulated GitHub → extract → lake → real dbt → warehouse → metrics →
 * published page, checked against numbers computed here from the generator's ground truth.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dataPaths, loadConfig } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { rowsOf } from "../extractors/extract.ts";
import { type PipelineResult, runPipeline } from "../jobs/pipeline.ts";
import { readLedger } from "../jobs/run-ledger.ts";
import { startSchedule } from "../jobs/schedule.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { filesContaining, readLakePullRequests } from "./helpers/lake.ts";
import { readMetricTable } from "./helpers/page.ts";
import { groupBy, median, oneDecimal, weekStart } from "./helpers/stats.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN = "ghp_pipelineTestTokenNeverWrittenAnywhere42";
const MIN_SAMPLE = 5; // time_to_merge_hours_p50's min_sample in metrics.yaml
const PRIVACY_FLOOR = 5; // privacy_floor in metrics.yaml

describe("yardstick run against a simulated organisation", () => {
  const org = generateOrg({ seed: 21 });
  let sim: Simulator;
  let dataDir: string;
  let configFile: string;
  let first: PipelineResult;
  const run = (full = false) =>
    runPipeline({
      full,
      config: loadConfig(configFile),
      root: ROOT,
      metricsFile: join(ROOT, "metrics.yaml"),
      logger: createMemoryLogger(),
      env: { SIM_TOKEN: TOKEN },
      client: { requestIntervalMs: 0, retryAfterBaseMs: 1 },
    });

  /** The generator's team for a pull request: author's, for agent work the initiator's, else the repository's. */
  const truthTeam = new Map(org.truth.pullRequests.map((t) => [`${t.repository}#${t.number}`, t.team]));
  const teamOf = (pr: { repository: string; number: number }): string =>
    truthTeam.get(`${pr.repository}#${pr.number}`)!;

  const merged = org.dataset.pullRequests.filter((pr) => pr.mergedAt !== null);

  /**
   * Whether the page withholds a group: between 1 and floor − 1 distinct people, a person being whoever asked
   * an agent, else a human author (the generator's own record of both).
   */
  const truthOf = new Map(org.truth.pullRequests.map((t) => [`${t.repository}#${t.number}`, t]));
  const suppressed = (prs: readonly { repository: string; number: number }[]): boolean => {
    const people = new Set(
      prs
        .map((pr) => truthOf.get(`${pr.repository}#${pr.number}`)!)
        .map((t) => t.initiatedBy ?? (t.authorType === "User" ? t.authorLogin : null))
        .filter((login): login is string => login !== null)
        .map((login) => login.toLowerCase()),
    );
    return people.size >= 1 && people.size < PRIVACY_FLOOR;
  };

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    dataDir = mkdtempSync(join(tmpdir(), "ys-pipeline-"));
    configFile = join(dataDir, "yardstick.yaml");
    writeFileSync(
      configFile,
      stringify({
        dataDir: ".",
        github: { url: sim.url, tokenEnv: "SIM_TOKEN", orgs: [org.dataset.repositories[0]!.owner] },
        teams: org.teams,
      }),
    );
    first = await run();
  });
  afterAll(async () => {
    await sim.close();
  });

  it("publishes a page whose merged pull requests per week and team match the ground truth", () => {
    const page = readFileSync(first.pages.find((p) => p.endsWith("overview.html"))!, "utf8");
    const rows = readMetricTable(page, "merged_pull_requests");
    const expected: string[] = [];
    // A group of fewer distinct people than metrics.yaml's privacy floor shows "suppressed" and no n.
    const cell = (week: string, slice: string, prs: typeof merged) =>
      suppressed(prs) ? `${week}|${slice}|suppressed|0` : `${week}|${slice}|${prs.length}|${prs.length}`;
    for (const [week, prs] of groupBy(merged, (pr) => weekStart(pr.mergedAt!))) {
      expected.push(cell(week, "All", prs));
      for (const [team, teamPrs] of groupBy(prs, (pr) => teamOf(pr)))
        expected.push(cell(week, team, teamPrs));
    }
    expect(rows.map((r) => `${r.period}|${r.slice}|${r.value}|${r.n}`).sort()).toEqual(expected.sort());
    expect(merged.length).toBeGreaterThan(50);
    expect(expected.some((e) => e.includes("|suppressed|"))).toBe(true);
    expect(expected.some((e) => !e.includes("|suppressed|"))).toBe(true);
  });

  it("publishes the weekly median hours to merge, or 'insufficient data' below the minimum sample", () => {
    const page = readFileSync(first.pages.find((p) => p.endsWith("overview.html"))!, "utf8");
    const shown = new Map(
      readMetricTable(page, "time_to_merge_hours_p50")
        .filter((r) => r.slice === "All")
        .map((r) => [r.period, r]),
    );
    const weeks = groupBy(merged, (pr) => weekStart(pr.mergedAt!));
    expect(shown.size).toBe(weeks.size);
    for (const [week, prs] of weeks) {
      const hours = prs.map((pr) => (Date.parse(pr.mergedAt!) - Date.parse(pr.createdAt)) / 3_600_000);
      const row = shown.get(week)!;
      if (suppressed(prs)) {
        expect(row.value).toBe("suppressed");
        continue;
      }
      expect(row.n).toBe(prs.length);
      expect(row.value).toBe(
        prs.length < MIN_SAMPLE ? "insufficient data" : `${oneDecimal(median(hours))} h`,
      );
    }
  });

  it("agrees with the generator's own team attribution for every pull request, agent work included", async () => {
    const truth = new Map(org.truth.pullRequests.map((t) => [t.nodeId, t]));
    const rows = await withDb(first.warehousePath, "read_only", (db) =>
      db.all<{ pull_request_id: string; team: string; author_login: string | null; repository: string }>(
        "select pull_request_id, team, author_login, repository from fct_pull_requests",
      ),
    );
    expect(rows).toHaveLength(org.dataset.pullRequests.length);
    for (const row of rows) {
      const t = truth.get(row.pull_request_id)!;
      expect(row.team).toBe(t.team);
    }
  });

  it("records every stage in the run ledger with the code version and metrics.yaml hash", () => {
    const entries = readLedger(dataPaths(dataDir).ledger).filter((e) => e.runId === first.runId);
    expect(entries.map((e) => `${e.stage}:${e.status}`)).toEqual([
      "extract:ok",
      "build:ok",
      "metrics:ok",
      "dashboards:ok",
    ]);
    expect(entries[0]!.rows?.pull_requests).toBe(org.dataset.pullRequests.length);
    expect(entries.every((e) => e.metricsHash?.startsWith("sha256:") && e.codeVersion.length > 0)).toBe(true);
  });

  it("gives the same warehouse when run again, with no duplicate pull requests", async () => {
    const dump = (path: string) =>
      withDb(path, "read_only", (db) =>
        db.all("select * exclude (extracted_at) from fct_pull_requests order by pull_request_id"),
      );
    const before = await dump(first.warehousePath);
    // A nightly run finds nothing new; a --full run lands every pull request in the lake a second time.
    const nightly = await run();
    expect(rowsOf(nightly.extract, "pull_requests")).toBe(0);
    expect(await dump(nightly.warehousePath)).toEqual(before);
    const full = await run(true);
    expect(rowsOf(full.extract, "pull_requests")).toBe(org.dataset.pullRequests.length);
    expect((await readLakePullRequests(dataDir)).length).toBe(2 * org.dataset.pullRequests.length);
    const after = await dump(full.warehousePath);
    expect(after).toEqual(before);
    const ids = after.map((r) => (r as { pull_request_id: string }).pull_request_id);
    expect(new Set(ids).size).toBe(org.dataset.pullRequests.length);
  });

  it("runs the job on its schedule, one run at a time", async () => {
    const config = { ...loadConfig(configFile), schedule: { cron: "*/2 * * * * *", timezone: "UTC" } };
    const runsBefore = new Set(readLedger(dataPaths(dataDir).ledger).map((e) => e.runId));
    const logger = createMemoryLogger();
    const task = startSchedule({
      config,
      root: ROOT,
      metricsFile: join(ROOT, "metrics.yaml"),
      logger,
      env: { SIM_TOKEN: TOKEN },
      client: { requestIntervalMs: 0, retryAfterBaseMs: 1 },
    });
    try {
      // Waits for the first scheduled run to publish, however long a loaded machine takes: no deadline of its
      // own (the test's timeout is the guard), and a failed stage ends the wait at once with the log.
      let scheduled: string[] = [];
      let failed: string[] = [];
      while (scheduled.length === 0 && failed.length === 0) {
        await new Promise((r) => setTimeout(r, 250));
        const entries = readLedger(dataPaths(dataDir).ledger).filter((e) => !runsBefore.has(e.runId));
        scheduled = entries.filter((e) => e.stage === "dashboards" && e.status === "ok").map((e) => e.runId);
        failed = entries.filter((e) => e.status === "failed").map((e) => `${e.runId} ${e.stage}`);
      }
      expect(failed, logger.lines.join("\n")).toEqual([]);
      expect(scheduled.length).toBeGreaterThan(0);
    } finally {
      await task.stop();
    }
  }, 900_000);

  it("never writes the token to the lake, the ledger, the warehouse or the page", () => {
    expect(filesContaining(dataDir, TOKEN)).toEqual([]);
  });
});
