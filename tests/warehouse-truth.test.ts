/**
 * The marts against the generator's ground truth, pull request by pull request: extract a simulated
 * organisation through the simulator, build the warehouse with real dbt, and compare every class, phase,
 * deployment, incident link and revert with what the generator knows it made.
 */

import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createMemoryLogger } from "../core/logger.ts";
import { ids } from "../simulator/node-ids.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { runDbt } from "../warehouse/dbt-runner.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { buildSimulatedWarehouse } from "./helpers/simulated-warehouse.ts";

const ROOT = resolve(import.meta.dirname, "..");
const HOUR = 3_600_000;
const REVERT_WINDOW_DAYS = 30;
/** Set by the ground-truth build, reused by the documentation checks. */
let dataDir = "";
let warehousePath = "";

interface Row {
  pull_request_id: string;
  number: number;
  repository: string;
  team: string;
  authorship_class: string;
  ai_tools: string | null;
  initiated_by: string | null;
  first_commit_at: string | null;
  ready_for_review_at: string | null;
  first_review_at: string | null;
  first_approval_at: string | null;
  merged_at: string | null;
  production_deployed_at: string | null;
  coding_hours: number | null;
  pickup_hours: number | null;
  review_hours: number | null;
  deploy_hours: number | null;
  cycle_time_hours: number | null;
  lead_time_hours: number | null;
  review_rounds: number;
  commits_after_first_review: number | null;
  reverted_by: number | null;
  reverted_within_window: boolean;
  shipped_with_incident: boolean | null;
  merged_by_login: string | null;
  is_agent_opened: boolean;
  has_independent_approval: boolean | null;
  merged_by_initiator_without_review: boolean | null;
  merged_with_failing_ci: boolean | null;
}

const iso = (t: string | null) => (t === null ? null : new Date(t).toISOString());
const hours = (from: string | null, to: string | null) => {
  if (from === null || to === null) return null;
  const h = (Date.parse(to) - Date.parse(from)) / HOUR;
  return h >= 0 ? h : null;
};

describe("the warehouse against the generator's ground truth", () => {
  const org = generateOrg({ seed: 61, repositories: 4, pullRequests: 600 });
  let rows: Map<string, Row>;

  beforeAll(async () => {
    const built = await buildSimulatedWarehouse(org, { name: "truth" });
    dataDir = built.dataDir;
    warehousePath = built.warehousePath;
    const ts = (c: string) => `strftime(p.${c}, '%Y-%m-%dT%H:%M:%SZ') as ${c}`;
    const found = await withDb(built.warehousePath, "read_only", (db) =>
      db.all<Row>(
        `select p.pull_request_id, p.number, p.repository, p.team, p.authorship_class, p.ai_tools, p.initiated_by,
                ${["first_commit_at", "ready_for_review_at", "first_review_at", "first_approval_at", "merged_at", "production_deployed_at"].map(ts).join(", ")},
                p.coding_hours, p.pickup_hours, p.review_hours, p.deploy_hours, p.cycle_time_hours, p.lead_time_hours,
                p.review_rounds, p.commits_after_first_review, r.number as reverted_by, p.reverted_within_window,
                p.shipped_with_incident, p.merged_by_login, p.is_agent_opened, p.has_independent_approval,
                p.merged_by_initiator_without_review, p.merged_with_failing_ci
         from fct_pull_requests p left join fct_pull_requests r on r.pull_request_id = p.reverted_by_pull_request_id`,
      ),
    );
    rows = new Map(found.map((r) => [r.pull_request_id, r]));
  }, 600_000);

  /** Every pull request where `field` disagrees with the truth, as "repo#n: got … want …" lines. */
  function mismatches(
    field: string,
    want: (t: (typeof org.truth.pullRequests)[number]) => unknown,
    got: (r: Row) => unknown,
  ) {
    const out: string[] = [];
    for (const t of org.truth.pullRequests) {
      const row = rows.get(t.nodeId);
      const w = want(t);
      const g = row ? got(row) : "(missing)";
      const same = typeof w === "number" && typeof g === "number" ? Math.abs(w - g) < 1e-6 : w === g;
      if (!same)
        out.push(`${t.repository}#${t.number} ${field}: got ${JSON.stringify(g)}, want ${JSON.stringify(w)}`);
    }
    return out.slice(0, 10);
  }

  it("has one row per generated pull request", () => {
    expect(rows.size).toBe(org.truth.pullRequests.length);
  });

  it("classifies every pull request as the generator made it, with its AI tools and the agent's initiator", () => {
    expect(
      mismatches(
        "class",
        (t) => t.authorship,
        (r) => r.authorship_class,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "initiated_by",
        (t) => (t.authorship === "ai_authored" ? (t.initiatedBy?.toLowerCase() ?? null) : null),
        (r) => r.initiated_by?.toLowerCase() ?? null,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "ai_tools",
        (t) => (t.aiTools.length > 0 ? [...t.aiTools].sort().join(",") : null),
        (r) => r.ai_tools,
      ),
    ).toEqual([]);
    expect(new Set(org.truth.pullRequests.map((t) => t.authorship)).size).toBe(4);
    // People's pull requests a cloud agent worked on are among them: every commit by the agent (ai_authored,
    // the person its initiator) and review fixes below the share (ai_assisted, the agent among its tools).
    const opened = org.truth.pullRequests.filter((t) => t.authorType === "User");
    expect(opened.filter((t) => t.authorship === "ai_authored").length).toBeGreaterThan(0);
    expect(
      opened.filter((t) => t.authorship === "ai_assisted" && t.aiTools.includes("copilot_agent")).length,
    ).toBeGreaterThan(0);
  });

  it("attributes every pull request to the generator's team", () => {
    expect(
      mismatches(
        "team",
        (t) => t.team,
        (r) => r.team,
      ),
    ).toEqual([]);
  });

  it("gives every timestamp and phase the generator recorded", () => {
    expect(
      mismatches(
        "first_commit_at",
        (t) => iso(t.firstCommitAt),
        (r) => iso(r.first_commit_at),
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "ready_for_review_at",
        (t) => iso(t.readyForReviewAt),
        (r) => iso(r.ready_for_review_at),
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "first_review_at",
        (t) => iso(t.firstReviewAt),
        (r) => iso(r.first_review_at),
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "first_approval_at",
        (t) => iso(t.approvedAt),
        (r) => iso(r.first_approval_at),
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "production_deployed_at",
        (t) => iso(t.deployedAt),
        (r) => iso(r.production_deployed_at),
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "coding_hours",
        (t) => hours(t.firstCommitAt, t.createdAt),
        (r) => r.coding_hours,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "pickup_hours",
        (t) => hours(t.readyForReviewAt, t.firstReviewAt),
        (r) => r.pickup_hours,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "review_hours",
        (t) => hours(t.firstReviewAt, t.mergedAt),
        (r) => r.review_hours,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "deploy_hours",
        (t) => hours(t.mergedAt, t.deployedAt),
        (r) => r.deploy_hours,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "cycle_time_hours",
        (t) => hours(t.firstCommitAt, t.mergedAt),
        (r) => r.cycle_time_hours,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "lead_time_hours",
        (t) => hours(t.firstCommitAt, t.deployedAt),
        (r) => r.lead_time_hours,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "review_rounds",
        (t) => t.reviewRounds,
        (r) => r.review_rounds,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "commits_after_first_review",
        (t) => t.commitsAfterFirstReview,
        (r) => r.commits_after_first_review,
      ),
    ).toEqual([]);
    expect(org.truth.pullRequests.filter((t) => t.deployedAt !== null).length).toBeGreaterThan(100);
  });

  it("says who merged every pull request, and whether a person independent of the work approved it", () => {
    expect(
      mismatches(
        "merged_by_login",
        (t) => t.mergedBy?.toLowerCase() ?? null,
        (r) => r.merged_by_login?.toLowerCase() ?? null,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "is_agent_opened",
        (t) => t.agentOpened,
        (r) => r.is_agent_opened,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "has_independent_approval",
        (t) => t.independentApproval,
        (r) => r.has_independent_approval,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "merged_by_initiator_without_review",
        (t) => t.selfMergedWithoutReview,
        (r) => r.merged_by_initiator_without_review,
      ),
    ).toEqual([]);
    // The cases the rules tell apart are all in the organisation: agent work approved by a teammate (then
    // merged by its requester or by the approver), merged on comments alone, and merged by its requester with
    // no one else's review.
    const aiMerged = org.truth.pullRequests.filter((t) => t.authorship === "ai_authored" && t.mergedAt);
    expect(
      aiMerged.filter((t) => t.independentApproval && t.mergedBy === t.initiatedBy).length,
    ).toBeGreaterThan(0);
    expect(
      aiMerged.filter((t) => t.independentApproval && t.mergedBy !== t.initiatedBy).length,
    ).toBeGreaterThan(0);
    expect(aiMerged.filter((t) => t.selfMergedWithoutReview).length).toBeGreaterThan(0);
    expect(aiMerged.filter((t) => t.independentApproval === false).length).toBeGreaterThan(
      aiMerged.filter((t) => t.selfMergedWithoutReview).length,
    );
  });

  it("says which merges went through while the head commit's checks were red", () => {
    expect(
      mismatches(
        "merged_with_failing_ci",
        (t) => t.mergedWithFailingCi,
        (r) => r.merged_with_failing_ci,
      ),
    ).toEqual([]);
    const merged = org.truth.pullRequests.filter((t) => t.mergedAt);
    const red = merged.filter((t) => t.mergedWithFailingCi);
    expect(red.length).toBeGreaterThan(0);
    // Among them, merges whose green re-run, started just before the merge, finished only after it: red at
    // the merge, though the newest run on the head is green.
    const headOf = new Map(
      org.dataset.pullRequests.map((p) => [`${p.repository}#${p.number}`, p.commits.at(-1)?.oid]),
    );
    const greenAfterTheMerge = red.filter((t) =>
      org.dataset.checkSuites.some(
        (s) =>
          s.repository === t.repository &&
          s.commitOid === headOf.get(`${t.repository}#${t.number}`) &&
          s.conclusion === "SUCCESS" &&
          Date.parse(s.updatedAt) > Date.parse(t.mergedAt as string),
      ),
    );
    expect(greenAfterTheMerge.length).toBeGreaterThan(0);
  });

  it("leaves rework after review unknown for pull requests merged without a human review", () => {
    const unreviewed = org.truth.pullRequests.filter((t) => t.mergedAt !== null && t.firstReviewAt === null);
    // The generator merges some pull requests of every kind without a human review.
    expect(unreviewed.filter((t) => t.authorship === "unmarked").length).toBeGreaterThan(3);
    const counted = unreviewed.filter((t) => rows.get(t.nodeId)?.commits_after_first_review !== null);
    expect(counted.map((t) => `${t.repository}#${t.number}`)).toEqual([]);
  });

  it("credits a hotfix or release branch's deployment with every merge its commit contains", async () => {
    // The generator's off-branch production deployments (ref other than main) and what they shipped first.
    const offBranch = new Set(
      org.dataset.deployments.filter((d) => d.ref !== "main").map((d) => `${d.repository}#${d.number}`),
    );
    const shippedOffBranch = org.truth.pullRequests.filter(
      (t) => t.deploymentNumber !== null && offBranch.has(`${t.repository}#${t.deploymentNumber}`),
    );
    expect(shippedOffBranch.length).toBeGreaterThanOrEqual(3);
    const linked = await withDb(warehousePath, "read_only", (db) =>
      db.all<{
        pull_request_id: string;
        deployment_id: string;
        ref_name: string;
        deploy_link_method: string;
      }>(
        `select p.pull_request_id, d.deployment_id, d.ref_name, p.deploy_link_method
         from fct_pull_requests p join fct_deployments d on d.deployment_id = p.production_deployment_id`,
      ),
    );
    const byId = new Map(linked.map((r) => [r.pull_request_id, r]));
    const wrong = shippedOffBranch
      .filter(
        (t) => byId.get(t.nodeId)?.deployment_id !== ids.deployment(t.repository, t.deploymentNumber!).nodeId,
      )
      .map(
        (t) =>
          `${t.repository}#${t.number}: got ${JSON.stringify(byId.get(t.nodeId))}, want #${t.deploymentNumber}`,
      );
    expect(wrong).toEqual([]);
    expect(
      shippedOffBranch.every((t) => byId.get(t.nodeId)?.deploy_link_method === "first_parent_ancestry"),
    ).toBe(true);
  });

  it("finds every revert and whether it came within the window", () => {
    expect(
      mismatches(
        "reverted_by",
        // A revert pull request still open has reverted nothing yet: the generator records it (with
        // revertedAt null); the warehouse counts a revert once it is merged.
        (t) => (t.revertedAt === null ? null : t.revertedBy),
        (r) => r.reverted_by,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        "reverted_within_window",
        (t) =>
          t.revertedAt !== null &&
          t.mergedAt !== null &&
          Date.parse(t.revertedAt) - Date.parse(t.mergedAt) <= REVERT_WINDOW_DAYS * 24 * HOUR,
        (r) => r.reverted_within_window,
      ),
    ).toEqual([]);
    expect(org.truth.pullRequests.some((t) => t.revertedBy !== null)).toBe(true);
  });

  it("links every shipped pull request to the incidents of its deployment", () => {
    expect(
      mismatches(
        "shipped_with_incident",
        (t) => (t.deployedAt === null ? null : t.incidents.length > 0),
        (r) => (r.production_deployed_at === null ? null : r.shipped_with_incident),
      ),
    ).toEqual([]);
    expect(org.truth.pullRequests.some((t) => t.incidents.length > 0)).toBe(true);
  });
});

describe("the warehouse's documentation", () => {
  const MARTS = join(ROOT, "models", "marts");

  it("describes the grain of every mart and every one of its columns", () => {
    const undocumented: string[] = [];
    for (const file of readdirSync(MARTS).filter((f) => f.endsWith(".yml"))) {
      const doc = parseYaml(readFileSync(join(MARTS, file), "utf8")) as {
        models: { name: string; description?: string; columns?: { name: string; description?: string }[] }[];
      };
      for (const model of doc.models) {
        if (!/grain/i.test(model.description ?? ""))
          undocumented.push(`${model.name}: no grain in its description`);
        for (const column of model.columns ?? []) {
          if (!column.description?.trim()) undocumented.push(`${model.name}.${column.name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
    // Every mart SQL file has its .yml.
    const sql = readdirSync(MARTS)
      .filter((f) => f.endsWith(".sql"))
      .map((f) => f.replace(/\.sql$/, ""));
    expect(sql.filter((m) => !existsSync(join(MARTS, `${m}.yml`)))).toEqual([]);
  });

  it("generates dbt docs whose catalog covers every mart column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-docs-"));
    const db = join(dir, "docs.duckdb");
    copyFileSync(warehousePath, db);
    await runDbt(["docs", "generate"], {
      root: ROOT,
      env: {
        YARDSTICK_LAKE: join(dataDir, "lake"),
        YARDSTICK_INPUTS: join(dataDir, "build", "inputs"),
        YARDSTICK_BUILD_DB: db,
      },
      logger: createMemoryLogger(),
      targetPath: join(dir, "target"),
      logPath: join(dir, "logs"),
    });
    const catalog = JSON.parse(readFileSync(join(dir, "target", "catalog.json"), "utf8")) as {
      nodes: Record<string, { metadata: { name: string }; columns: Record<string, unknown> }>;
    };
    const manifest = JSON.parse(readFileSync(join(dir, "target", "manifest.json"), "utf8")) as {
      nodes: Record<string, { name: string; columns: Record<string, { description: string }> }>;
    };
    const marts = readdirSync(MARTS)
      .filter((f) => f.endsWith(".sql"))
      .map((f) => f.replace(/\.sql$/, ""));
    const missing: string[] = [];
    for (const mart of marts) {
      const id = `model.yardstick.${mart}`;
      const columns = Object.keys(catalog.nodes[id]?.columns ?? {});
      if (columns.length === 0) missing.push(`${mart}: not in the catalog`);
      for (const column of columns) {
        if (!manifest.nodes[id]?.columns[column.toLowerCase()]?.description)
          missing.push(`${mart}.${column}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
