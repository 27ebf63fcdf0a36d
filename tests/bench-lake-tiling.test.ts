/**
 * The bench's lake tiling: a small simulated organisation extracted through the simulator, tiled three
 * times, then built with real dbt. Every key of every stream must be distinct across the copies, `dbt build`
 * must pass every test, and each copy must carry the generator's truth for every pull request and incident
 * (so the rewritten ids, oids, URLs and references still join within each copy and never across copies).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tileLake, tileRepository, tileTeams } from "../bench/lake-tiling.ts";
import { configFromObject, dataPaths } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { GITHUB_LAKE_STREAMS } from "../extractors/github/source.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { type BuildResult, buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TILES = 3;

interface PullRequestRow {
  repository: string;
  number: number;
  authorship_class: string;
  team: string;
  production_deployed_at: string | null;
  reverted_by: number | null;
  shipped_with_incident: boolean | null;
  /** Further columns as JSON, compared between the copies. */
  rest: string;
}

describe("lake tiling for the build benchmark", () => {
  const org = generateOrg({ seed: 61, repositories: 4, pullRequests: 400 });
  let sim: Simulator;
  let sourceLake = "";
  let tiledLake = "";
  let built: BuildResult;

  beforeAll(async () => {
    await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
    sim = await startSimulator({ dataset: org.dataset, rateLimit: { limit: 1_000_000 } });
    const extractDir = mkdtempSync(join(tmpdir(), "ys-tiling-source-"));
    const config = configFromObject(
      {
        dataDir: extractDir,
        github: { url: sim.url, orgs: [org.dataset.repositories[0]!.owner], requestIntervalMs: 0 },
      },
      join(extractDir, "yardstick.yaml"),
    );
    await runExtractStage({ config, token: "tiling", logger: createMemoryLogger(), runId: "tiling" });
    sourceLake = dataPaths(extractDir).lake;

    const buildDir = mkdtempSync(join(tmpdir(), "ys-tiling-build-"));
    tiledLake = dataPaths(buildDir).lake;
    await tileLake({ sourceLake, targetLake: tiledLake, tiles: TILES });
    const tiledConfig = configFromObject(
      {
        dataDir: buildDir,
        github: { url: sim.url, orgs: [org.dataset.repositories[0]!.owner] },
        teams: tileTeams(org.teams, TILES),
      },
      join(buildDir, "yardstick.yaml"),
    );
    built = await buildWarehouse({
      config: tiledConfig,
      root: ROOT,
      logger: createMemoryLogger(),
      runId: "t",
    });
  }, 120_000);
  afterAll(async () => {
    await sim.close();
  });

  /** Distinct values of a SQL expression over a stream's files. */
  async function distinct(lake: string, stream: string, expr: string): Promise<number> {
    return withDb(":memory:", "read_write", async (db) => {
      const [row] = await db.all<{ n: number }>(
        `select count(distinct ${expr})::integer as n from read_parquet(?, union_by_name = true)`,
        [join(lake, "raw", "github", stream, "[!.]*.parquet")],
      );
      return row?.n ?? 0;
    });
  }

  it("gives every record of every stream a key of its own in each copy", async () => {
    for (const stream of GITHUB_LAKE_STREAMS) {
      const key = `(${stream.primaryKey.join(", ")})`;
      const before = await distinct(sourceLake, stream.name, key);
      expect(before, stream.name).toBeGreaterThan(0);
      expect(await distinct(tiledLake, stream.name, key), stream.name).toBe(TILES * before);
    }
  });

  it("makes node ids, commits, database ids and URLs distinct across copies", async () => {
    const checks: [stream: string, expr: string][] = [
      ["pull_requests", "payload->>'$.url'"],
      ["pull_requests", "payload->>'$.mergeCommit.oid'"],
      ["default_branch_commits", "payload->>'$.id'"],
      ["default_branch_commits", "commit_oid"],
      ["default_branch_commits", "payload->>'$.associatedPullRequests.nodes[0].id'"],
      ["check_suites", "payload->>'$.databaseId'"],
      ["check_suites", "payload->>'$.workflowRun.databaseId'"],
      ["deployments", "payload->>'$.databaseId'"],
      ["deployments", "payload->>'$.statuses.nodes[0].logUrl'"],
      ["incidents", "payload->>'$.url'"],
      ["repositories", "payload->>'$.databaseId'"],
    ];
    for (const [stream, expr] of checks) {
      const before = await distinct(sourceLake, stream, expr);
      expect(before, `${stream} ${expr}`).toBeGreaterThan(0);
      expect(await distinct(tiledLake, stream, expr), `${stream} ${expr}`).toBe(TILES * before);
    }
  });

  it("builds the tiled lake with every dbt test passing and every mart K times as large", async () => {
    expect(built.tests.failed).toBe(0);
    expect(built.tests.passed).toBeGreaterThan(100);
    const repositories = org.dataset.repositories.length;
    expect(built.rows.fct_pull_requests).toBe(TILES * org.truth.pullRequests.length);
    expect(built.rows.fct_incidents).toBe(TILES * org.truth.incidents.length);
    expect(built.rows.fct_deployments).toBe(TILES * org.truth.deployments.length);
    expect(built.rows.dim_repos).toBe(TILES * repositories);
    // The copies share their people and teams.
    expect(built.rows.dim_teams).toBe(org.teams.length + 1);
    const perOwner = await withDb(built.warehousePath, "read_only", (db) =>
      db.all<{ owner: string; n: number }>(
        `select split_part(repository, '/', 1) as owner, count(*)::integer as n from fct_ci_runs
         group by owner order by owner`,
      ),
    );
    expect(perOwner.map((r) => r.owner)).toEqual(["acme", "acme-t1", "acme-t2"]);
    expect(new Set(perOwner.map((r) => r.n)).size).toBe(1);
  });

  it("gives every copy of every pull request the generator's class, team, deployment, revert and incident", async () => {
    const rows = await withDb(built.warehousePath, "read_only", (db) =>
      db.all<PullRequestRow>(
        `select p.repository, p.number, p.authorship_class, p.team,
                strftime(p.production_deployed_at, '%Y-%m-%dT%H:%M:%SZ') as production_deployed_at,
                r.number as reverted_by, p.shipped_with_incident,
                json_array(p.cycle_time_hours, p.lead_time_hours, p.pickup_hours, p.review_rounds, p.ci_runs,
                         p.ci_failures, p.size_bucket, p.ai_tools, p.initiated_by, p.first_reviewer_login,
                         p.deploy_link_method, p.reverted_within_window)::varchar as rest
         from fct_pull_requests p left join fct_pull_requests r on r.pull_request_id = p.reverted_by_pull_request_id`,
      ),
    );
    const byKey = new Map(rows.map((r) => [`${r.repository}#${r.number}`, r]));
    const wrong: string[] = [];
    for (const t of org.truth.pullRequests) {
      const want = {
        authorship_class: t.authorship,
        team: t.team,
        production_deployed_at:
          t.deployedAt === null ? null : new Date(t.deployedAt).toISOString().replace(".000", ""),
        // The warehouse counts a revert once it is merged (as in warehouse-truth.test.ts).
        reverted_by: t.revertedAt === null ? null : t.revertedBy,
        shipped_with_incident: t.deployedAt === null ? null : t.incidents.length > 0,
      };
      // What the truth does not spell out (phases, CI runs, …) must at least be the same in every copy.
      const rest = byKey.get(`${t.repository}#${t.number}`)?.rest;
      for (let tile = 0; tile < TILES; tile++) {
        const key = `${tileRepository(t.repository, tile)}#${t.number}`;
        const row = byKey.get(key);
        const got = row && {
          authorship_class: row.authorship_class,
          team: row.team,
          production_deployed_at: row.production_deployed_at,
          reverted_by: row.reverted_by,
          shipped_with_incident: row.production_deployed_at === null ? null : row.shipped_with_incident,
        };
        if (JSON.stringify(got) !== JSON.stringify(want))
          wrong.push(`${key}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
        if (row?.rest !== rest) wrong.push(`${key}: got ${row?.rest}, tile 0 has ${rest}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(org.truth.pullRequests.some((t) => t.revertedAt !== null)).toBe(true);
    expect(org.truth.pullRequests.some((t) => t.incidents.length > 0)).toBe(true);
  });

  it("links every copy of every incident the way the generator did", async () => {
    const rows = await withDb(built.warehousePath, "read_only", (db) =>
      db.all<{ repository: string; number: number; link_method: string | null }>(
        "select repository, number, link_method from fct_incidents",
      ),
    );
    const byKey = new Map(rows.map((r) => [`${r.repository}#${r.number}`, r.link_method]));
    const wrong: string[] = [];
    for (const t of org.truth.incidents) {
      for (let tile = 0; tile < TILES; tile++) {
        const key = `${tileRepository(t.repository, tile)}#${t.number}`;
        if (byKey.get(key) !== t.linkedBy) wrong.push(`${key}: got ${byKey.get(key)}, want ${t.linkedBy}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(new Set(org.truth.incidents.map((t) => t.linkedBy)).size).toBeGreaterThan(2);
  });
});
