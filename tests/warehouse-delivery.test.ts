/**
 * Delivery models end to end: a hand-made lake (written by the extractor's own streams and lake writer) is
 * built by the real build stage with real dbt, and the marts are checked on the cases people get wrong —
 * squash, merge and rebase merges, rollbacks, failed deployments, missing history, several production
 * environments, root-cause references, reverts and re-runs. Every expected value is worked out by hand from
 * the fixture below, never read back from the models.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, configFromObject, dataPaths } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { DEFAULT_DEFINITIONS } from "../metrics/metric-schema.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { ensurePythonEnv } from "../warehouse/python-env.ts";
import {
  branchCommitNode,
  checkSuiteNode,
  commitNode,
  deploymentNode,
  Extraction,
  issueNode,
  pullRequestNode,
  repositoryNode,
  sha,
} from "./fixtures/lake-fixture.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

const SQUASH = "acme/squash";
const MERGE = "acme/merge";
const REBASE = "acme/rebase";
const NO_HISTORY = "acme/nohistory";
const QUIET = "acme/quiet";

const at = (day: number, time: string) => `2024-03-${String(day).padStart(2, "0")}T${time}:00Z`;
const prId = (repository: string, number: number) => `PR_${repository}#${number}`;
const ok = (created: string, done: string) => [
  { state: "QUEUED", createdAt: created },
  { state: "SUCCESS", createdAt: done },
];

// acme/squash, squash merges: root ← s1 (#1) ← p2 (a direct push) ← s3 (#2) ← s4 (#3).
const s = {
  r0: sha("squash-root"),
  s1: sha("squash-1"),
  p2: sha("push-2"),
  s3: sha("squash-3"),
  s4: sha("squash-4"),
};
// acme/merge, merge commits: m0 ← M1 (#10, second parent b2 ← b1 ← m0) ← M2 (#11, second parent c1 ← m0).
const m = {
  m0: sha("merge-root"),
  b1: sha("b1"),
  b2: sha("b2"),
  M1: sha("merge-10"),
  c1: sha("c1"),
  M2: sha("merge-11"),
};
// acme/rebase, rebase merges: q0 ← R1 ← R2 (#20's two commits re-created; R2 is its merge commit) ← R3 (#21).
const r = { q0: sha("rebase-root"), R1: sha("rebased-1"), R2: sha("rebased-2"), R3: sha("rebased-3") };

/** The first extraction: the night of 1 March, with some work still in flight. */
function firstNight(): Extraction {
  const night = new Extraction("run-1", new Date(at(1, "23:00")));
  night.repository(repositoryNode(SQUASH, { headOid: s.s3 }));
  night.repository(repositoryNode(MERGE, { headOid: m.M2 }));
  night.repository(repositoryNode(REBASE, { headOid: r.R3 }));
  night.repository(repositoryNode(NO_HISTORY));
  // #3 is still open, its first head's workflow run failed and was re-run.
  night.pullRequest(
    pullRequestNode({
      repository: SQUASH,
      number: 3,
      createdAt: at(1, "16:00"),
      commits: [commitNode({ oid: sha("h1"), authoredDate: at(1, "15:50") })],
      headSuites: [
        checkSuiteNode({
          id: "CS_1",
          runNumber: 41,
          conclusion: "FAILURE",
          createdAt: at(1, "16:01"),
          runs: [
            { name: "test", startedAt: at(1, "16:02"), completedAt: at(1, "16:09"), conclusion: "FAILURE" },
          ],
        }),
        checkSuiteNode({
          id: "CS_2",
          runNumber: 41,
          createdAt: at(1, "16:20"),
          runs: [{ name: "test", startedAt: at(1, "16:21"), completedAt: at(1, "16:27") }],
        }),
      ],
    }),
  );
  // Still deploying when the night's run read it.
  night.deployment(
    SQUASH,
    deploymentNode({
      repository: SQUASH,
      id: "D_A4",
      environment: "production",
      commitOid: s.s3,
      createdAt: at(1, "13:00"),
      statuses: [{ state: "IN_PROGRESS", createdAt: at(1, "13:01") }],
    }),
  );
  return night;
}

/** The second extraction, the night of 2 March (and later work for reverts). */
function secondNight(): Extraction {
  const night = new Extraction("run-2", new Date(at(2, "23:00")));
  // acme/squash: pull requests, history and deployments.
  const merged = (number: number, mergedAt: string, mergeCommitOid: string, extra = {}) =>
    pullRequestNode({
      repository: SQUASH,
      number,
      createdAt: at(1, "08:00"),
      mergedAt,
      mergeCommitOid,
      ...extra,
    });
  night.pullRequest(merged(1, at(1, "10:00"), s.s1));
  night.pullRequest(
    merged(2, at(1, "12:00"), s.s3, {
      headSuites: [
        checkSuiteNode({
          id: "CS_T",
          runNumber: 40,
          conclusion: "TIMED_OUT",
          createdAt: at(1, "11:00"),
          runs: [
            { name: "e2e", startedAt: at(1, "11:01"), completedAt: at(1, "11:41"), conclusion: "TIMED_OUT" },
          ],
        }),
      ],
    }),
  );
  night.pullRequest(
    pullRequestNode({
      repository: SQUASH,
      number: 3,
      createdAt: at(1, "16:00"),
      mergedAt: at(2, "09:00"),
      mergeCommitOid: s.s4,
      commits: [
        commitNode({ oid: sha("h1"), authoredDate: at(1, "15:50") }),
        commitNode({ oid: sha("h2"), authoredDate: at(2, "08:00") }),
      ],
      headSuites: [
        checkSuiteNode({
          id: "CS_3",
          runNumber: 42,
          createdAt: at(2, "08:01"),
          runs: [{ name: "test", startedAt: at(2, "08:02"), completedAt: at(2, "08:08") }],
        }),
        checkSuiteNode({ id: "CS_4", workflow: null, conclusion: "FAILURE", createdAt: at(2, "08:01") }),
        checkSuiteNode({
          id: "CS_5",
          runNumber: 43,
          conclusion: "CANCELLED",
          createdAt: at(2, "08:03"),
          runs: [
            { name: "test", startedAt: at(2, "08:04"), completedAt: at(2, "08:05"), conclusion: "CANCELLED" },
          ],
        }),
      ],
    }),
  );
  night.pullRequest(pullRequestNode({ repository: SQUASH, number: 4, createdAt: at(2, "10:00") }));
  night.branchCommits(
    SQUASH,
    "main",
    branchCommitNode({ oid: s.r0, parents: [], committedDate: "2024-02-01T00:00:00Z" }),
    branchCommitNode({
      oid: s.s1,
      parents: [s.r0],
      committedDate: at(1, "10:00"),
      associatedPullRequest: { id: prId(SQUASH, 1), number: 1 },
    }),
    branchCommitNode({ oid: s.p2, parents: [s.s1], committedDate: at(1, "11:00") }),
    branchCommitNode({
      oid: s.s3,
      parents: [s.p2],
      committedDate: at(1, "12:00"),
      associatedPullRequest: { id: prId(SQUASH, 2), number: 2 },
    }),
    branchCommitNode({
      oid: s.s4,
      parents: [s.s3],
      committedDate: at(2, "09:00"),
      associatedPullRequest: { id: prId(SQUASH, 3), number: 3 },
    }),
  );
  const deploy = (
    id: string,
    environment: string,
    commitOid: string,
    createdAt: string,
    statuses: { state: string; createdAt: string }[],
  ) =>
    night.deployment(
      SQUASH,
      deploymentNode({ repository: SQUASH, id, environment, commitOid, createdAt, statuses }),
    );
  deploy("D_A1", "staging", s.s1, at(1, "10:30"), ok(at(1, "10:30"), at(1, "10:35")));
  deploy("D_A2", "production", s.s1, at(1, "10:40"), ok(at(1, "10:40"), at(1, "10:50")));
  deploy("D_A3", "production", s.s3, at(1, "12:30"), [
    { state: "QUEUED", createdAt: at(1, "12:30") },
    { state: "FAILURE", createdAt: at(1, "12:40") },
  ]);
  deploy("D_A4", "production", s.s3, at(1, "13:00"), [
    ...ok(at(1, "13:00"), at(1, "13:10")),
    { state: "INACTIVE", createdAt: at(1, "14:05") },
  ]);
  deploy("D_A5", "production", s.s1, at(1, "14:00"), ok(at(1, "14:00"), at(1, "14:05")));
  deploy("D_A6", "production", s.s4, at(2, "10:00"), ok(at(2, "10:00"), at(2, "10:10")));

  // acme/merge: merge commits; the merged branches' own commits are in the history too.
  for (const [number, mergedAt, oid] of [
    [10, at(1, "11:00"), m.M1],
    [11, at(1, "15:00"), m.M2],
  ] as const) {
    night.pullRequest(
      pullRequestNode({
        repository: MERGE,
        number,
        createdAt: at(1, "08:00"),
        mergedAt,
        mergeCommitOid: oid,
      }),
    );
  }
  night.branchCommits(
    MERGE,
    "main",
    branchCommitNode({ oid: m.m0, parents: [], committedDate: "2024-02-01T00:00:00Z" }),
    branchCommitNode({
      oid: m.b1,
      parents: [m.m0],
      committedDate: at(1, "08:10"),
      associatedPullRequest: { id: prId(MERGE, 10), number: 10 },
    }),
    branchCommitNode({
      oid: m.b2,
      parents: [m.b1],
      committedDate: at(1, "08:20"),
      associatedPullRequest: { id: prId(MERGE, 10), number: 10 },
    }),
    branchCommitNode({
      oid: m.M1,
      parents: [m.m0, m.b2],
      committedDate: at(1, "11:00"),
      associatedPullRequest: { id: prId(MERGE, 10), number: 10 },
    }),
    branchCommitNode({
      oid: m.c1,
      parents: [m.m0],
      committedDate: at(1, "08:30"),
      associatedPullRequest: { id: prId(MERGE, 11), number: 11 },
    }),
    branchCommitNode({
      oid: m.M2,
      parents: [m.M1, m.c1],
      committedDate: at(1, "15:00"),
      associatedPullRequest: { id: prId(MERGE, 11), number: 11 },
    }),
  );
  // The environment is named in another case: production all the same.
  night.deployment(
    MERGE,
    deploymentNode({
      repository: MERGE,
      id: "D_B1",
      environment: "Production",
      commitOid: m.M1,
      createdAt: at(1, "11:30"),
      statuses: ok(at(1, "11:30"), at(1, "11:40")),
    }),
  );
  night.deployment(
    MERGE,
    deploymentNode({
      repository: MERGE,
      id: "D_B2",
      environment: "Production",
      commitOid: m.M2,
      createdAt: at(1, "15:30"),
      statuses: ok(at(1, "15:30"), at(1, "15:40")),
    }),
  );

  // acme/rebase: #20's two commits re-created on the branch; its merge commit is the last of them.
  night.pullRequest(
    pullRequestNode({
      repository: REBASE,
      number: 20,
      createdAt: at(1, "08:00"),
      mergedAt: at(1, "10:00"),
      mergeCommitOid: r.R2,
    }),
  );
  night.pullRequest(
    pullRequestNode({
      repository: REBASE,
      number: 21,
      createdAt: at(1, "08:00"),
      mergedAt: at(1, "16:00"),
      mergeCommitOid: r.R3,
    }),
  );
  night.branchCommits(
    REBASE,
    "main",
    branchCommitNode({ oid: r.q0, parents: [], committedDate: "2024-02-01T00:00:00Z" }),
    branchCommitNode({
      oid: r.R1,
      parents: [r.q0],
      committedDate: at(1, "10:00"),
      associatedPullRequest: { id: prId(REBASE, 20), number: 20 },
    }),
    branchCommitNode({
      oid: r.R2,
      parents: [r.R1],
      committedDate: at(1, "10:00"),
      associatedPullRequest: { id: prId(REBASE, 20), number: 20 },
    }),
    branchCommitNode({
      oid: r.R3,
      parents: [r.R2],
      committedDate: at(1, "16:00"),
      associatedPullRequest: { id: prId(REBASE, 21), number: 21 },
    }),
  );
  // Two production environments: the one that finishes first ships the change to production.
  night.deployment(
    REBASE,
    deploymentNode({
      repository: REBASE,
      id: "D_C1",
      environment: "prod-eu",
      commitOid: r.R3,
      createdAt: at(1, "16:30"),
      statuses: ok(at(1, "16:30"), at(1, "16:40")),
    }),
  );
  night.deployment(
    REBASE,
    deploymentNode({
      repository: REBASE,
      id: "D_C2",
      environment: "production",
      commitOid: r.R3,
      createdAt: at(1, "16:31"),
      statuses: ok(at(1, "16:31"), at(1, "16:35")),
    }),
  );

  // acme/nohistory: no default-branch history in the lake at all.
  night.pullRequest(
    pullRequestNode({
      repository: NO_HISTORY,
      number: 30,
      createdAt: at(1, "08:00"),
      mergedAt: at(1, "10:00"),
    }),
  );
  night.pullRequest(
    pullRequestNode({
      repository: NO_HISTORY,
      number: 31,
      createdAt: at(1, "08:00"),
      mergedAt: at(1, "12:00"),
    }),
  );
  for (const [id, created, done] of [
    ["D_D1", at(1, "11:00"), at(1, "11:10")],
    ["D_D2", at(1, "12:00"), at(1, "12:10")],
    ["D_D3", at(1, "13:00"), at(1, "13:10")],
  ] as const) {
    night.deployment(
      NO_HISTORY,
      deploymentNode({
        repository: NO_HISTORY,
        id,
        environment: "production",
        commitOid: sha(id),
        createdAt: created,
        statuses: ok(created, done),
      }),
    );
  }

  // Incidents of acme/squash, and one of a repository without deployments.
  const incident = (
    number: number,
    createdAt: string,
    body: string,
    labels = ["incident", "sev2"],
    repository = SQUASH,
  ) => night.incident(issueNode({ repository, number, createdAt, closedAt: at(4, "12:00"), body, labels }));
  incident(101, at(3, "08:00"), `## Impact\nErrors.\n\nroot cause: ${s.s3}\n`);
  incident(102, at(3, "08:00"), "**Root cause:** #1");
  incident(103, at(3, "08:00"), `root cause: https://github.com/${SQUASH}/actions/runs/D_A5`);
  incident(104, at(2, "09:00"), "Checkout failing.");
  incident(105, at(2, "11:00"), "Checkout failing again.", ["Incident"]);
  incident(106, at(2, "11:00"), "Just a bug.", ["bug"]);
  incident(107, at(2, "11:00"), "Nothing deployed here.", ["incident"], QUIET);
  return night;
}

/** Reverts, landed later: #5 by GitHub's button, #6 by git (not merged), #7 by title only, 45 days on. */
function reverts(): Extraction {
  const later = new Extraction("run-3", new Date("2024-04-16T23:00:00Z"));
  later.pullRequest(
    pullRequestNode({
      repository: SQUASH,
      number: 5,
      title: 'Revert "Change 3"',
      body: `Reverts ${SQUASH}#3`,
      createdAt: at(5, "09:00"),
      mergedAt: at(5, "10:00"),
    }),
  );
  later.pullRequest(
    pullRequestNode({
      repository: SQUASH,
      number: 6,
      title: 'Revert "Change 2 (#2)"',
      body: `This reverts commit ${s.s3}.\n\nBroke checkout.`,
      createdAt: at(5, "09:00"),
    }),
  );
  later.pullRequest(
    pullRequestNode({
      repository: SQUASH,
      number: 7,
      title: 'Revert "Change 1"',
      createdAt: "2024-04-15T09:00:00Z",
      mergedAt: "2024-04-15T10:00:00Z",
    }),
  );
  return later;
}

function makeConfig(dataDir: string): Config {
  return configFromObject(
    {
      dataDir,
      github: { url: "http://127.0.0.1:1/graphql", orgs: ["acme"] },
      teams: [{ name: "checkout", members: ["alice"], repos: [SQUASH] }],
    },
    join(dataDir, "yardstick.yaml"),
  );
}

type Row = Record<string, unknown>;

describe("delivery marts built from a hand-made lake", () => {
  let dataDir: string;
  let config: Config;
  let warehouse: string;
  const query = (sql: string) => withDb(warehouse, "read_only", (db) => db.all<Row>(sql));
  const delivery = () =>
    query(
      `select p.repository || '#' || p.number as pr, d.production_deployment_id as deployment, d.deploy_link_method as method,
              strftime(d.production_deployed_at, '%Y-%m-%dT%H:%M:%SZ') as deployed_at
       from int_pull_requests_delivery d join stg_github__pull_requests p using (pull_request_id)
       order by p.repository, p.number`,
    );

  beforeAll(async () => {
    await ensurePythonEnv({ root, logger: createMemoryLogger() });
    dataDir = mkdtempSync(join(tmpdir(), "yardstick-delivery-"));
    config = makeConfig(dataDir);
    const lake = dataPaths(dataDir).lake;
    await firstNight().land(lake);
    await secondNight().land(lake);
    await reverts().land(lake);
    const result = await buildWarehouse({ config, root, logger: createMemoryLogger(), runId: "delivery-1" });
    expect(result.tests.failed).toBe(0);
    warehouse = result.warehousePath;
  });

  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("ships each merged pull request with the first production deployment containing its merge, across squash, merge and rebase merges", async () => {
    const rows = await delivery();
    const byPr = Object.fromEntries(rows.map((row) => [row.pr, row]));
    // Squash: D_A2 ships #1; D_A3 failed; D_A4 ships #2 (and the direct push before it); the rollback D_A5
    // ships nothing, so D_A6 ships only #3.
    expect(byPr[`${SQUASH}#1`]).toMatchObject({
      deployment: "D_A2",
      method: "first_parent_ancestry",
      deployed_at: at(1, "10:50"),
    });
    expect(byPr[`${SQUASH}#2`]).toMatchObject({
      deployment: "D_A4",
      method: "first_parent_ancestry",
      deployed_at: at(1, "13:10"),
    });
    expect(byPr[`${SQUASH}#3`]).toMatchObject({
      deployment: "D_A6",
      method: "first_parent_ancestry",
      deployed_at: at(2, "10:10"),
    });
    expect(byPr[`${SQUASH}#4`]).toMatchObject({ deployment: null, method: null });
    // Merge commits: each merge commit is on the chain; the merged branch's own commits are not.
    expect(byPr[`${MERGE}#10`]).toMatchObject({ deployment: "D_B1", method: "first_parent_ancestry" });
    expect(byPr[`${MERGE}#11`]).toMatchObject({ deployment: "D_B2", method: "first_parent_ancestry" });
    // Rebase: both in D_C1 and D_C2; D_C2 (production) finished first, at 16:35.
    expect(byPr[`${REBASE}#20`]).toMatchObject({ deployment: "D_C2", deployed_at: at(1, "16:35") });
    expect(byPr[`${REBASE}#21`]).toMatchObject({ deployment: "D_C2", deployed_at: at(1, "16:35") });

    const shipped = await query(
      `select deployment_id, list(pull_request_id order by pull_request_id) as prs from int_deployment_pull_requests group by 1 order by 1`,
    );
    expect(shipped).toEqual([
      { deployment_id: "D_A1", prs: [prId(SQUASH, 1)] },
      { deployment_id: "D_A2", prs: [prId(SQUASH, 1)] },
      { deployment_id: "D_A4", prs: [prId(SQUASH, 2)] },
      { deployment_id: "D_A6", prs: [prId(SQUASH, 3)] },
      { deployment_id: "D_B1", prs: [prId(MERGE, 10)] },
      { deployment_id: "D_B2", prs: [prId(MERGE, 11)] },
      { deployment_id: "D_C1", prs: [prId(REBASE, 20), prId(REBASE, 21)] },
      { deployment_id: "D_C2", prs: [prId(REBASE, 20), prId(REBASE, 21)] },
      { deployment_id: "D_D1", prs: [prId(NO_HISTORY, 30)] },
      { deployment_id: "D_D2", prs: [prId(NO_HISTORY, 31)] },
    ]);
  });

  it("falls back to the merge-time window only where the default-branch history is missing, and flags it", async () => {
    const byPr = Object.fromEntries((await delivery()).map((row) => [row.pr, row]));
    // #30 merged at 10:00: D_D1 is the first deployment created after it; #31 merged at 12:00, the very
    // moment D_D2 was created.
    expect(byPr[`${NO_HISTORY}#30`]).toMatchObject({ deployment: "D_D1", method: "merge_time_window" });
    expect(byPr[`${NO_HISTORY}#31`]).toMatchObject({ deployment: "D_D2", method: "merge_time_window" });
    const deployments = await query(
      `select deployment_id, has_commit_history, shipped_pull_request_count, shipped_by_window_count
       from fct_deployments where repository = '${NO_HISTORY}' order by 1`,
    );
    expect(deployments).toEqual([
      {
        deployment_id: "D_D1",
        has_commit_history: false,
        shipped_pull_request_count: 1,
        shipped_by_window_count: 1,
      },
      {
        deployment_id: "D_D2",
        has_commit_history: false,
        shipped_pull_request_count: 1,
        shipped_by_window_count: 1,
      },
      {
        deployment_id: "D_D3",
        has_commit_history: false,
        shipped_pull_request_count: 0,
        shipped_by_window_count: 0,
      },
    ]);
  });

  it("keeps a deployment's success through a later INACTIVE, and its latest extraction over an in-flight one", async () => {
    const rows = await query(
      `select deployment_id, environment, is_production, outcome, is_success, is_failed,
              strftime(finished_at, '%Y-%m-%dT%H:%M:%SZ') as finished_at, duration_minutes, is_first_known, is_change_failure
       from fct_deployments where repository = '${SQUASH}' order by deployment_id`,
    );
    expect(rows).toEqual([
      {
        deployment_id: "D_A1",
        environment: "staging",
        is_production: false,
        outcome: "success",
        is_success: true,
        is_failed: false,
        finished_at: at(1, "10:35"),
        duration_minutes: 5,
        is_first_known: true,
        is_change_failure: false,
      },
      {
        deployment_id: "D_A2",
        environment: "production",
        is_production: true,
        outcome: "success",
        is_success: true,
        is_failed: false,
        finished_at: at(1, "10:50"),
        duration_minutes: 10,
        is_first_known: true,
        is_change_failure: true,
      },
      {
        deployment_id: "D_A3",
        environment: "production",
        is_production: true,
        outcome: "failure",
        is_success: false,
        is_failed: true,
        finished_at: at(1, "12:40"),
        duration_minutes: 10,
        is_first_known: false,
        is_change_failure: false,
      },
      {
        deployment_id: "D_A4",
        environment: "production",
        is_production: true,
        outcome: "success",
        is_success: true,
        is_failed: false,
        finished_at: at(1, "13:10"),
        duration_minutes: 10,
        is_first_known: false,
        is_change_failure: true,
      },
      {
        deployment_id: "D_A5",
        environment: "production",
        is_production: true,
        outcome: "success",
        is_success: true,
        is_failed: false,
        finished_at: at(1, "14:05"),
        duration_minutes: 5,
        is_first_known: false,
        is_change_failure: true,
      },
      {
        deployment_id: "D_A6",
        environment: "production",
        is_production: true,
        outcome: "success",
        is_success: true,
        is_failed: false,
        finished_at: at(2, "10:10"),
        duration_minutes: 10,
        is_first_known: false,
        is_change_failure: true,
      },
    ]);
  });

  it("links incidents to what their root cause names, else to the latest production deployment that finished before they started", async () => {
    const rows = await query(
      `select number, root_cause, deployment_id, link_method, is_linked, time_to_restore_hours from fct_incidents order by number`,
    );
    expect(rows).toEqual([
      // The SHA is #2's squash commit, which D_A4 shipped.
      {
        number: 101,
        root_cause: s.s3,
        deployment_id: "D_A4",
        link_method: "root_cause_sha",
        is_linked: true,
        time_to_restore_hours: 28,
      },
      {
        number: 102,
        root_cause: "#1",
        deployment_id: "D_A2",
        link_method: "root_cause_pull_request",
        is_linked: true,
        time_to_restore_hours: 28,
      },
      {
        number: 103,
        root_cause: `https://github.com/${SQUASH}/actions/runs/D_A5`,
        deployment_id: "D_A5",
        link_method: "root_cause_deployment",
        is_linked: true,
        time_to_restore_hours: 28,
      },
      // Started 2 March 09:00: D_A6 finished later (10:10), so the rollback D_A5 is the latest before.
      {
        number: 104,
        root_cause: null,
        deployment_id: "D_A5",
        link_method: "latest_before",
        is_linked: true,
        time_to_restore_hours: 51,
      },
      {
        number: 105,
        root_cause: null,
        deployment_id: "D_A6",
        link_method: "latest_before",
        is_linked: true,
        time_to_restore_hours: 49,
      },
      // #106 carries no incident label; #107's repository never deployed.
      {
        number: 107,
        root_cause: null,
        deployment_id: null,
        link_method: null,
        is_linked: false,
        time_to_restore_hours: 49,
      },
    ]);
    const repos = await query(`select repository, team, is_extracted from dim_repos order by repository`);
    expect(repos).toEqual([
      { repository: MERGE, team: "unassigned", is_extracted: true },
      { repository: NO_HISTORY, team: "unassigned", is_extracted: true },
      { repository: QUIET, team: "unassigned", is_extracted: false },
      { repository: REBASE, team: "unassigned", is_extracted: true },
      { repository: SQUASH, team: "checkout", is_extracted: true },
    ]);
  });

  it("finds reverts by reference, commit and title, and counts only merged reverts within the window", async () => {
    const rows = await query(
      `select p.number, r.number as reverted_by, d.reverted_within_window, d.shipped_with_incident,
              strftime(d.revert_window_ends_at, '%Y-%m-%dT%H:%M:%SZ') as window_ends, o.number as reverts
       from int_pull_requests_delivery d
       join stg_github__pull_requests p using (pull_request_id)
       left join stg_github__pull_requests r on r.pull_request_id = d.reverted_by_pull_request_id
       left join stg_github__pull_requests o on o.pull_request_id = d.reverts_pull_request_id
       where p.repository = '${SQUASH}' order by p.number`,
    );
    expect(rows).toEqual([
      // #7 reverts #1 by title, 45 days after its merge: outside the 30-day window.
      {
        number: 1,
        reverted_by: 7,
        reverted_within_window: false,
        shipped_with_incident: true,
        window_ends: "2024-03-31T10:00:00Z",
        reverts: null,
      },
      // #6 names #2's merge commit but never merged: #2 is not reverted.
      {
        number: 2,
        reverted_by: null,
        reverted_within_window: false,
        shipped_with_incident: true,
        window_ends: "2024-03-31T12:00:00Z",
        reverts: null,
      },
      {
        number: 3,
        reverted_by: 5,
        reverted_within_window: true,
        shipped_with_incident: true,
        window_ends: "2024-04-01T09:00:00Z",
        reverts: null,
      },
      {
        number: 4,
        reverted_by: null,
        reverted_within_window: null,
        shipped_with_incident: null,
        window_ends: null,
        reverts: null,
      },
      {
        number: 5,
        reverted_by: null,
        reverted_within_window: false,
        shipped_with_incident: null,
        window_ends: "2024-04-04T10:00:00Z",
        reverts: 3,
      },
      {
        number: 6,
        reverted_by: null,
        reverted_within_window: null,
        shipped_with_incident: null,
        window_ends: null,
        reverts: 2,
      },
      {
        number: 7,
        reverted_by: null,
        reverted_within_window: false,
        shipped_with_incident: null,
        window_ends: "2024-05-15T10:00:00Z",
        reverts: 1,
      },
    ]);
    const methods = await query(
      `select p.number, r.match_method from int_pull_requests_reverts r
       join stg_github__pull_requests p on p.pull_request_id = r.reverting_pull_request_id order by 1`,
    );
    expect(methods).toEqual([
      { number: 5, match_method: "reverts_reference" },
      { number: 6, match_method: "reverted_commit" },
      { number: 7, match_method: "revert_title" },
    ]);
  });

  it("counts workflow runs on every head commit the lake saw, re-runs included, other apps' suites not", async () => {
    const prs = await query(
      `select p.number, d.ci_runs, d.ci_failures, d.ci_cancelled from int_pull_requests_delivery d
       join stg_github__pull_requests p using (pull_request_id) where p.repository = '${SQUASH}' and p.number in (2, 3) order by 1`,
    );
    // #3: CS_1 (failed) and its re-run CS_2 on the first head, read the first night; CS_3 and the cancelled
    // CS_5 on the second head. CS_4 belongs to another app. #2: one timed-out run, a failure.
    expect(prs).toEqual([
      { number: 2, ci_runs: 1, ci_failures: 1, ci_cancelled: 0 },
      { number: 3, ci_runs: 4, ci_failures: 1, ci_cancelled: 1 },
    ]);
    const runs = await query(
      `select check_suite_id, run_attempt, is_rerun, outcome, queue_seconds, duration_seconds, p.number as pr
       from fct_ci_runs left join stg_github__pull_requests p using (pull_request_id) order by check_suite_id`,
    );
    expect(runs).toEqual([
      {
        check_suite_id: "CS_1",
        run_attempt: 1,
        is_rerun: false,
        outcome: "failure",
        queue_seconds: 60,
        duration_seconds: 420,
        pr: 3,
      },
      {
        check_suite_id: "CS_2",
        run_attempt: 2,
        is_rerun: true,
        outcome: "success",
        queue_seconds: 60,
        duration_seconds: 360,
        pr: 3,
      },
      {
        check_suite_id: "CS_3",
        run_attempt: 1,
        is_rerun: false,
        outcome: "success",
        queue_seconds: 60,
        duration_seconds: 360,
        pr: 3,
      },
      {
        check_suite_id: "CS_5",
        run_attempt: 1,
        is_rerun: false,
        outcome: "cancelled",
        queue_seconds: 60,
        duration_seconds: 60,
        pr: 3,
      },
      {
        check_suite_id: "CS_T",
        run_attempt: 1,
        is_rerun: false,
        outcome: "failure",
        queue_seconds: 60,
        duration_seconds: 2400,
        pr: 2,
      },
    ]);
  });

  it("records GitHub as the source of every deployment and incident read from GitHub", async () => {
    expect(
      await query(
        `select 'fct_deployments' as mart, source, count(*)::integer as n, count(external_id)::integer as with_external_id
         from fct_deployments group by source
         union all
         select 'fct_incidents', source, count(*)::integer, count(external_id)::integer from fct_incidents group by source
         order by mart`,
      ),
    ).toEqual([
      { mart: "fct_deployments", source: "github", n: expect.any(Number), with_external_id: 0 },
      { mart: "fct_incidents", source: "github", n: expect.any(Number), with_external_id: 0 },
    ]);
  });

  it("publishes the delivery marts with their enforced column types", async () => {
    const columns = await query(
      `select table_name, list(column_name || ' ' || data_type order by ordinal_position) as columns
       from information_schema.columns
       where table_schema = 'main' and table_name in ('fct_deployments', 'fct_incidents', 'fct_ci_runs', 'dim_repos')
       group by table_name order by table_name`,
    );
    expect(columns).toEqual([
      {
        table_name: "dim_repos",
        columns: [
          "repository VARCHAR",
          "repository_id VARCHAR",
          "owner VARCHAR",
          "name VARCHAR",
          "team VARCHAR",
          "default_branch VARCHAR",
          "is_fork BOOLEAN",
          "is_archived BOOLEAN",
          "created_at TIMESTAMP",
          "pushed_at TIMESTAMP",
          "is_extracted BOOLEAN",
          "default_branch_commit_count INTEGER",
          "production_deployment_count INTEGER",
          "extracted_at TIMESTAMP",
        ],
      },
      {
        table_name: "fct_ci_runs",
        columns: [
          "check_suite_id VARCHAR",
          "repository VARCHAR",
          "team VARCHAR",
          "workflow_name VARCHAR",
          "workflow_run_number INTEGER",
          "run_attempt INTEGER",
          "is_rerun BOOLEAN",
          "event VARCHAR",
          "branch_name VARCHAR",
          "commit_oid VARCHAR",
          "commit_context VARCHAR",
          "pull_request_id VARCHAR",
          "pull_request_count INTEGER",
          "status VARCHAR",
          "conclusion VARCHAR",
          "outcome VARCHAR",
          "is_completed BOOLEAN",
          "is_failure BOOLEAN",
          "is_cancelled BOOLEAN",
          "created_at TIMESTAMP",
          "started_at TIMESTAMP",
          "completed_at TIMESTAMP",
          "queue_seconds DOUBLE",
          "duration_seconds DOUBLE",
          "check_run_count INTEGER",
          "workflow_run_url VARCHAR",
          "extracted_at TIMESTAMP",
        ],
      },
      {
        table_name: "fct_deployments",
        columns: [
          "deployment_id VARCHAR",
          "source VARCHAR",
          "external_id VARCHAR",
          "repository VARCHAR",
          "team VARCHAR",
          "database_id BIGINT",
          "environment VARCHAR",
          "is_production BOOLEAN",
          "commit_oid VARCHAR",
          "ref_name VARCHAR",
          "creator_login VARCHAR",
          "created_at TIMESTAMP",
          "finished_at TIMESTAMP",
          "outcome VARCHAR",
          "is_success BOOLEAN",
          "is_failed BOOLEAN",
          "duration_minutes DOUBLE",
          "log_url VARCHAR",
          "has_commit_history BOOLEAN",
          "is_on_default_branch BOOLEAN",
          "is_first_known BOOLEAN",
          "shipped_pull_request_count INTEGER",
          "shipped_by_window_count INTEGER",
          "linked_incident_count INTEGER",
          "has_incident BOOLEAN",
          "is_change_failure BOOLEAN",
          "extracted_at TIMESTAMP",
        ],
      },
      {
        table_name: "fct_incidents",
        columns: [
          "incident_id VARCHAR",
          "source VARCHAR",
          "external_id VARCHAR",
          "repository VARCHAR",
          "team VARCHAR",
          "number INTEGER",
          "url VARCHAR",
          "title VARCHAR",
          "state VARCHAR",
          "state_reason VARCHAR",
          "author_login VARCHAR",
          "labels VARCHAR[]",
          "severity VARCHAR",
          "started_at TIMESTAMP",
          "resolved_at TIMESTAMP",
          "is_resolved BOOLEAN",
          "time_to_restore_hours DOUBLE",
          "root_cause VARCHAR",
          "deployment_id VARCHAR",
          "link_method VARCHAR",
          "is_linked BOOLEAN",
          "is_change_failure BOOLEAN",
          "deployment_environment VARCHAR",
          "deployment_finished_at TIMESTAMP",
          "extracted_at TIMESTAMP",
        ],
      },
    ]);
  });

  it("reclassifies production and the revert window from metrics.yaml definitions, without re-extraction", async () => {
    const result = await buildWarehouse({
      config,
      root,
      logger: createMemoryLogger(),
      runId: "delivery-2",
      definitions: {
        ...DEFAULT_DEFINITIONS,
        production_environment_pattern: "^staging$",
        revert_window_days: 60,
      },
    });
    expect(result.tests.failed).toBe(0);
    const rows = await query(
      `select p.number, d.production_deployment_id as deployment, d.reverted_within_window
       from int_pull_requests_delivery d join stg_github__pull_requests p using (pull_request_id)
       where p.repository = '${SQUASH}' and p.number in (1, 2) order by 1`,
    );
    // Only staging is production now: D_A1 shipped #1 and nothing shipped #2; #7's revert of #1 45 days on
    // is inside a 60-day window.
    expect(rows).toEqual([
      { number: 1, deployment: "D_A1", reverted_within_window: true },
      { number: 2, deployment: null, reverted_within_window: false },
    ]);
  });
});
