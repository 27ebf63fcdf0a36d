/**
 * Deployments made by GitHub Actions workflow runs, end to end: the generator makes an organisation whose
 * repositories record deployments by turns through the Deployments API only, through a "Deploy" workflow
 * only, and through both (the run creates the Deployment); the real simulator serves it, the real extractor
 * lands it once, and real dbt builds the warehouse with metrics.yaml `definitions.deploy_workflows` naming
 * the workflow. Deployments, their source, and the DORA metrics of metrics.yaml per repository and month are
 * compared with the same definitions computed here in plain TypeScript from the generator's ground truth
 * (never from the warehouse). Rebuilding with other patterns re-derives the deployments with no request to
 * GitHub. The same extraction holds the CI of every push to a pull request, counted as the truth counts it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, dataPaths } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { evaluateMetrics } from "../metrics/metric-evaluator.ts";
import { type Definitions, definitionsSchema } from "../metrics/metric-schema.ts";
import { loadMetricsFile } from "../metrics/metrics-file.ts";
import type { TruthDeployment } from "../simulator/ground-truth.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import { simulatedOrgConfig } from "./helpers/simulated-warehouse.ts";
import { median } from "./helpers/stats.ts";

const ROOT = resolve(import.meta.dirname, "..");
const METRICS = loadMetricsFile(join(ROOT, "metrics.yaml"));
const HOUR = 3_600_000;
const PRODUCTION = /^(prod|production)([-_ ].*)?$/i;

const org = generateOrg({
  seed: 37,
  repositories: 3,
  pullRequests: 500,
  days: 120,
  workflowDeployments: true,
});
const viaOf = new Map(org.truth.repositories.map((r) => [r.repository, r.deployVia]));
const repoVia = (via: string) => org.truth.repositories.find((r) => r.deployVia === via)!.repository;
const API_ONLY = repoVia("deployments_api");
const WORKFLOW_ONLY = repoVia("workflow");
const BOTH = repoVia("both");

/** The generator's "Deploy" workflow runs one job named after the environment: `{job}` is the environment. */
const BY_JOB = definitions([{ workflow: "deploy.yml", environment: "{job}" }]);

function definitions(deployWorkflows: unknown[]): Definitions {
  return definitionsSchema.parse({ deploy_workflows: deployWorkflows });
}

const month = (iso: string) => `${iso.slice(0, 7)}-01`;
const hours = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / HOUR;
const successfulProduction = (d: TruthDeployment) =>
  d.success && d.finishedAt !== null && PRODUCTION.test(d.environment);

/** metric → "repository|period" → value (null: insufficient data), from the truth. */
function expectedDora(): Map<string, Map<string, number | null>> {
  const out = new Map<string, Map<string, number | null>>();
  const put = (metric: string, key: string, value: number | null) => {
    if (!out.has(metric)) out.set(metric, new Map());
    out.get(metric)!.set(key, value);
  };
  const groups = <T>(items: readonly T[], keyOf: (item: T) => string) => {
    const map = new Map<string, T[]>();
    for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
    return map;
  };
  const deployments = org.truth.deployments.filter(successfulProduction);
  for (const [key, group] of groups(deployments, (d) => `${d.repository}|${month(d.finishedAt!)}`)) {
    put("deployments", key, group.length);
    const failures = group.filter((d) => d.incidents.length > 0).length;
    put("change_failure_rate", key, group.length >= 5 ? failures / group.length : null);
  }
  const shipped = org.truth.pullRequests.filter((p) => p.deployedAt !== null && p.firstCommitAt !== null);
  for (const [key, group] of groups(shipped, (p) => `${p.repository}|${month(p.deployedAt!)}`)) {
    const leads = group.map((p) => hours(p.firstCommitAt!, p.deployedAt!));
    put("lead_time_for_changes_p50", key, leads.length >= 5 ? median(leads) : null);
    const withIncident = group.filter((p) => p.incidents.length > 0).length;
    put("shipped_with_incident_rate", key, group.length >= 10 ? withIncident / group.length : null);
  }
  return out;
}

interface DeploymentRow {
  repository: string;
  environment: string;
  commit_oid: string;
  created_at: string;
  finished_at: string | null;
  is_success: boolean;
  is_failed: boolean;
  source: string;
}

const iso = (value: string | null) => (value === null ? null : `${value.replace(" ", "T").slice(0, 19)}Z`);

async function deploymentRows(warehouse: string): Promise<DeploymentRow[]> {
  const rows = await withDb(warehouse, "read_only", (db) =>
    db.all<DeploymentRow>(
      `select repository, environment, commit_oid, strftime(created_at, '%Y-%m-%d %H:%M:%S') as created_at,
              strftime(finished_at, '%Y-%m-%d %H:%M:%S') as finished_at, is_success, is_failed, source
       from fct_deployments`,
    ),
  );
  return rows.map((r) => ({ ...r, created_at: iso(r.created_at)!, finished_at: iso(r.finished_at) }));
}

const sortRows = (rows: DeploymentRow[]) =>
  [...rows].sort((a, b) =>
    `${a.repository}${a.created_at}${a.environment}`.localeCompare(
      `${b.repository}${b.created_at}${b.environment}`,
    ),
  );

describe("deployments from GitHub Actions workflow runs", () => {
  let sim: Simulator;
  let config: Config;
  let warehouse: string;
  let requestsAfterExtraction: number;

  const build = async (name: string, defs: Definitions) =>
    (
      await buildWarehouse({
        config,
        root: ROOT,
        logger: createMemoryLogger(),
        runId: name,
        definitions: defs,
      })
    ).warehousePath;
  const ledgerLines = () =>
    readFileSync(dataPaths(config.dataDir).requestLedger, "utf8").split("\n").filter(Boolean).length;

  beforeAll(async () => {
    await ensurePythonEnv({ root: ROOT, logger: createMemoryLogger() });
    sim = await startSimulator({ dataset: org.dataset, rateLimit: { limit: 1_000_000 } });
    config = simulatedOrgConfig(sim.url, org, mkdtempSync(join(tmpdir(), "ys-workflow-deployments-")));
    await runExtractStage({ config, token: "wf", logger: createMemoryLogger(), runId: "wf-extract" });
    requestsAfterExtraction = sim.requestCount();
    warehouse = await build("wf-build-1", BY_JOB);
  });

  afterAll(async () => {
    await sim?.close();
    if (config) rmSync(config.dataDir, { recursive: true, force: true });
  });

  it("serves each way of recording deployments", () => {
    const suites = org.dataset.checkSuites.filter((s) => s.workflowName === "Deploy");
    const deploymentsOf = (repo: string) => org.dataset.deployments.filter((d) => d.repository === repo);
    const runsOf = (repo: string) => suites.filter((s) => s.repository === repo);
    expect(deploymentsOf(API_ONLY).length).toBeGreaterThan(20);
    expect(runsOf(API_ONLY)).toEqual([]);
    expect(deploymentsOf(WORKFLOW_ONLY)).toEqual([]);
    expect(runsOf(WORKFLOW_ONLY).length).toBeGreaterThan(20);
    expect(deploymentsOf(BOTH).length).toBeGreaterThan(20);
    expect(runsOf(BOTH).length).toBeGreaterThan(20);
    // Some deployments failed, and some incidents link to a workflow-only repository's deployments.
    const workflowTruth = org.truth.deployments.filter((d) => d.repository === WORKFLOW_ONLY);
    expect(workflowTruth.some((d) => d.finishedAt !== null && !d.success)).toBe(true);
    expect(workflowTruth.some((d) => d.incidents.length > 0)).toBe(true);
  });

  it("has every deployment of the truth once per repository, each with its source", async () => {
    const got = await deploymentRows(warehouse);
    const want: DeploymentRow[] = org.truth.deployments.map((d) => ({
      repository: d.repository,
      environment: d.environment,
      commit_oid: d.commitOid,
      // A run that created a Deployment counts once, as GitHub's: the Deployment's creation.
      created_at: d.createdAt,
      finished_at: d.finishedAt,
      is_success: d.success,
      is_failed: d.finishedAt !== null && !d.success,
      source: d.deploymentsApi ? "github" : "workflow",
    }));
    for (const repository of [API_ONLY, WORKFLOW_ONLY, BOTH]) {
      expect(
        sortRows(got.filter((r) => r.repository === repository)),
        `${repository} (${viaOf.get(repository)})`,
      ).toEqual(sortRows(want.filter((r) => r.repository === repository)));
    }
  });

  it("counts a workflow run that created a Deployment once: the lake holds both, the warehouse one", async () => {
    const counts = await withDb(warehouse, "read_only", (db) =>
      db.all<{ runs: number; workflow_rows: number; github_rows: number }>(
        `select
             (select count(*) from stg_github__check_suites where repository = $repo and workflow_name = 'Deploy')::integer as runs,
             (select count(*) from fct_deployments where repository = $repo and source = 'workflow')::integer as workflow_rows,
             (select count(*) from fct_deployments where repository = $repo and source = 'github')::integer as github_rows`,
        { repo: BOTH },
      ),
    );
    const runs = org.dataset.checkSuites.filter((s) => s.repository === BOTH && s.workflowName === "Deploy");
    const deployments = org.dataset.deployments.filter((d) => d.repository === BOTH);
    expect(counts).toEqual([{ runs: runs.length, workflow_rows: 0, github_rows: deployments.length }]);
  });

  it("computes deployment frequency, change failure rate, lead time and shipped-with-incident as the truth says, per repository", async () => {
    const names = [
      "deployments",
      "change_failure_rate",
      "lead_time_for_changes_p50",
      "shipped_with_incident_rate",
    ];
    const rows = await evaluateMetrics({
      warehousePath: warehouse,
      metrics: METRICS,
      names,
      by: ["repository"],
      grain: "month",
    });
    const want = expectedDora();
    let compared = 0;
    for (const metric of names) {
      const expected = want.get(metric) ?? new Map();
      const got = new Map(
        rows
          .filter((r) => r.metric === metric && !r.suppressed)
          .map((r) => [`${r.repository}|${r.period}`, r.insufficient ? null : r.value]),
      );
      for (const [key, value] of expected) {
        if (!got.has(key)) continue; // withheld for privacy (fewer people than the floor)
        compared++;
        if (value === null) expect(got.get(key), `${metric} ${key}`).toBeNull();
        else expect(got.get(key), `${metric} ${key}`).toBeCloseTo(value, 9);
      }
      expect(
        [...got.keys()].filter((k) => !expected.has(k)),
        metric,
      ).toEqual([]);
    }
    // Every repository, the workflow-only one included, has values (not only "insufficient data").
    for (const repository of [API_ONLY, WORKFLOW_ONLY, BOTH]) {
      for (const metric of names) {
        const values = [...(want.get(metric) ?? new Map()).entries()].filter(
          ([k, v]) => k.startsWith(`${repository}|`) && v !== null,
        );
        expect(values.length, `${metric} ${repository}`).toBeGreaterThan(0);
      }
    }
    expect(compared).toBeGreaterThan(40);
  });

  it("counts the CI of every push to a pull request, including a failure fixed by a later push", async () => {
    const rows = await withDb(warehouse, "read_only", (db) =>
      db.all<{ repository: string; number: number; ci_runs: number; ci_failures: number }>(
        "select repository, number, ci_runs, ci_failures from fct_pull_requests",
      ),
    );
    const got = new Map(rows.map((r) => [`${r.repository}#${r.number}`, [r.ci_runs, r.ci_failures]]));
    const want = new Map(
      org.truth.pullRequests.map((p) => [`${p.repository}#${p.number}`, [p.ciRuns, p.ciFailures]]),
    );
    expect(got).toEqual(want);
    // Pull requests whose failure was on an earlier push, fixed before the final head's runs: the old gap.
    const fixedLater = org.dataset.pullRequests.filter((pr) => {
      const head = pr.commits[pr.commits.length - 1]?.oid;
      const earlier = new Set(pr.commits.slice(0, -1).map((c) => c.oid));
      return org.dataset.checkSuites.some(
        (s) =>
          s.repository === pr.repository &&
          s.commitOid !== head &&
          earlier.has(s.commitOid) &&
          s.conclusion === "FAILURE",
      );
    });
    expect(fixedLater.length).toBeGreaterThan(5);
  });

  describe("after the pattern in metrics.yaml changes", () => {
    const production = async (path: string, repo: string, source?: string) =>
      (
        await withDb(path, "read_only", (db) =>
          db.all<{ n: number }>(
            `select count(*)::integer as n from fct_deployments
             where repository = $repo and is_production and is_success and source = coalesce($source, source)`,
            { repo, source: source ?? null },
          ),
        )
      )[0]!.n;
    const workflowTruth = org.truth.deployments.filter((d) => d.repository === WORKFLOW_ONLY);
    let ledgerBefore: number;
    let productionBefore: number;
    let asProduction: string;

    beforeAll(async () => {
      ledgerBefore = ledgerLines();
      // Each build publishes over the same warehouse file: read it before building again.
      productionBefore = await production(warehouse, WORKFLOW_ONLY);
      // Every run of the workflow, staging included, is now a production deployment.
      asProduction = await build(
        "wf-build-2",
        definitions([{ workflow: "Deploy", environment: "production" }]),
      );
    });

    it("re-derives every deployment on the next build, with no request to GitHub", async () => {
      expect(productionBefore).toBe(workflowTruth.filter(successfulProduction).length);
      expect(await production(asProduction, WORKFLOW_ONLY)).toBe(
        workflowTruth.filter((d) => d.success).length,
      );
      expect(workflowTruth.filter((d) => d.success).length).toBeGreaterThan(productionBefore);
      // The other repository's staging runs are production deployments of their own now, not its Deployments.
      expect(await production(asProduction, BOTH, "workflow")).toBe(
        org.truth.deployments.filter(
          (d) =>
            d.repository === BOTH && d.success && d.workflowRunUrl !== null && d.environment === "staging",
        ).length,
      );
      expect(await production(asProduction, API_ONLY, "workflow")).toBe(0);
      expect(ledgerLines()).toBe(ledgerBefore);
      expect(sim.requestCount()).toBe(requestsAfterExtraction);
    });
  });
});
