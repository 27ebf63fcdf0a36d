import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, configFromObject, dataPaths } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { extract, rowsOf } from "../extractors/extract.ts";
import { createGitHubClient } from "../extractors/github/github-client.ts";
import { GITHUB_LAKE_STREAMS } from "../extractors/github/source.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import type { Dataset } from "../simulator/dataset.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { withDb } from "../warehouse/duckdb.ts";
import { dedupedLake, filesContaining, readLakePullRequests } from "./helpers/lake.ts";

const TOKEN = "ghp_simulatedTokenThatMustNeverBeWritten0001";

function configFor(sim: Simulator, dataDir: string, org: string, repos: string[] = []): Config {
  return configFromObject(
    { dataDir, github: { url: sim.url, orgs: org ? [org] : [], repos } },
    join(dataDir, "yardstick.yaml"),
  );
}

describe("extracting pull requests from the simulated organisation", () => {
  const org = generateOrg({ seed: 11 });
  let sim: Simulator;
  let dataDir: string;
  let clock = new Date("2026-11-02T00:00:00Z");
  const now = () => new Date(clock);
  const run = (config: Config, runId: string) =>
    extract({
      config,
      client: createGitHubClient({
        url: sim.url,
        token: TOKEN,
        logger: createMemoryLogger(),
        requestIntervalMs: 0,
        retryAfterBaseMs: 1,
      }),
      logger: createMemoryLogger(),
      runId,
      now,
    });

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    dataDir = mkdtempSync(join(tmpdir(), "ys-extract-"));
  });
  afterAll(async () => {
    await sim.close();
  });

  it("lands every pull request of every repository in the lake, with its raw payload", async () => {
    const owner = org.dataset.repositories[0]!.owner;
    const summary = await run(configFor(sim, dataDir, owner), "run1");
    const lake = await readLakePullRequests(dataDir);
    expect(summary.repositories.sort()).toEqual(
      org.dataset.repositories.map((r) => `${r.owner}/${r.name}`).sort(),
    );
    expect(lake).toHaveLength(org.dataset.pullRequests.length);
    const expected = org.dataset.pullRequests.map((pr) => `${pr.repository}#${pr.title}`).sort();
    expect(lake.map((row) => `${row.repository}#${row.title}`).sort()).toEqual(expected);
    expect(new Set(lake.map((row) => row.id)).size).toBe(org.dataset.pullRequests.length);
    expect(rowsOf(summary, "pull_requests")).toBe(org.dataset.pullRequests.length);
    expect(summary.requests).toBeGreaterThan(org.dataset.repositories.length);
    expect(summary.points).toBeGreaterThan(0);
  });

  it("reads the ancestry of every deployed commit off the default branch, down to where its branch was cut", async () => {
    const offBranch = org.dataset.deployments.filter((d) => d.ref !== "main");
    expect(offBranch.length).toBeGreaterThan(0);
    const lake = await dedupedLake(dataDir, [
      { name: "deployed_commits", primaryKey: ["repository", "deployed_oid", "commit_oid"] },
    ]);
    // Keys are "repository|deployed_oid|commit_oid".
    const landed = new Set((lake.deployed_commits ?? []).map((line) => line.split(" ")[0]));
    const cutFrom = new Map(org.dataset.otherBranchCommits.map((c) => [c.oid, c.parents[0]]));
    const missing: string[] = [];
    for (const d of offBranch) {
      // The deployed fix, and the default-branch commit its branch was cut from.
      for (const oid of [d.commitOid, cutFrom.get(d.commitOid)])
        if (!landed.has(`${d.repository}|${d.commitOid}|${oid}`))
          missing.push(`${d.repository}#${d.number} ${oid}`);
    }
    expect(missing).toEqual([]);
    // Only those deployments' histories are read: deployments of the default branch cost nothing more.
    const histories = await withDb(":memory:", "read_write", (db) =>
      db.all<{ deployed_oid: string }>(
        "select distinct deployed_oid from read_parquet(?) order by deployed_oid",
        [join(dataDir, "lake", "raw", "github", "deployed_commits", "[!.]*.parquet")],
      ),
    );
    expect(histories.map((h) => h.deployed_oid)).toEqual(
      [...new Set(offBranch.map((d) => d.commitOid))].sort(),
    );
  });

  it("reads nothing on a second run when nothing changed", async () => {
    clock = new Date("2026-11-03T00:00:00Z");
    const owner = org.dataset.repositories[0]!.owner;
    const summary = await run(configFor(sim, dataDir, owner), "run2");
    expect(rowsOf(summary, "pull_requests")).toBe(0);
    expect(rowsOf(summary, "deployed_commits")).toBe(0);
    expect(await readLakePullRequests(dataDir)).toHaveLength(org.dataset.pullRequests.length);
  });

  it("re-reads exactly the pull requests updated since the previous run", async () => {
    clock = new Date("2026-11-04T00:00:00Z");
    const changed = new Set([3, 17, 42]);
    const dataset: Dataset = {
      ...org.dataset,
      pullRequests: org.dataset.pullRequests.map((pr, i) =>
        changed.has(i) ? { ...pr, title: `${pr.title} (edited)`, updatedAt: "2026-11-03T12:00:00Z" } : pr,
      ),
    };
    sim.setDataset(dataset);
    const owner = org.dataset.repositories[0]!.owner;
    const summary = await run(configFor(sim, dataDir, owner), "run3");
    expect(rowsOf(summary, "pull_requests")).toBe(changed.size);
    const lake = await readLakePullRequests(dataDir);
    const edited = lake
      .filter((row) => row.title.endsWith("(edited)"))
      .map((row) => row.title)
      .sort();
    expect(edited).toEqual([...changed].map((i) => `${org.dataset.pullRequests[i]!.title} (edited)`).sort());
  });

  it("never writes the token into the lake, the cursors or anything else", () => {
    expect(filesContaining(dataDir, TOKEN)).toEqual([]);
  });

  it("leaves no temporary file in the lake", () => {
    const files = readdirSync(join(dataDir, "lake", "raw", "github", "pull_requests"));
    expect(files.filter((f) => f.startsWith("."))).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
  });

  it("fails with a clear message when a configured repository does not exist", async () => {
    const config = configFor(sim, mkdtempSync(join(tmpdir(), "ys-extract-")), "", ["nobody/nothing"]);
    await expect(run(config, "run4")).rejects.toThrow(/nobody\/nothing/);
  });

  it("rejects a wrong token without echoing it", async () => {
    const client = createGitHubClient({
      url: sim.url,
      token: "wrong-token-value",
      logger: createMemoryLogger(),
      requestIntervalMs: 0,
    });
    const error = await client.query("query { viewer { login } }", {}).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/401|credentials/i);
    expect((error as Error).message).not.toContain("wrong-token-value");
  });
});

describe("GitHub's hourly budget", () => {
  it("stops cleanly before the budget falls under the reserve, records every request, and resumes next hour", async () => {
    const org = generateOrg({ seed: 12 });
    const owner = org.dataset.repositories[0]!.owner;
    let simNow = new Date("2026-11-02T00:00:00Z");
    const limited = await startSimulator({
      dataset: org.dataset,
      rateLimit: { limit: 100 },
      clock: () => simNow,
      tokens: [TOKEN],
    });
    const free = await startSimulator({ dataset: org.dataset, tokens: [TOKEN] });
    try {
      const dataDir = mkdtempSync(join(tmpdir(), "ys-budget-"));
      const config = configFromObject(
        { dataDir, github: { url: limited.url, orgs: [owner], reserve: 10, requestIntervalMs: 0 } },
        join(dataDir, "yardstick.yaml"),
      );
      const stage = (runId: string) =>
        runExtractStage({
          config,
          token: TOKEN,
          logger: createMemoryLogger(),
          runId,
          now: () => simNow,
          client: { retryAfterBaseMs: 1, now: () => simNow },
        });
      const first = await stage("budget-1");
      expect(first.stopped?.reason).toMatch(/reserve/);
      const ledger = readFileSync(dataPaths(dataDir).requestLedger, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      // Every request sent is in the ledger, and so is the one the reserve kept from being sent.
      expect(ledger.filter((r) => r.outcome !== "stopped").length).toBe(first.requests);
      expect(ledger.at(-1).outcome).toBe("stopped");
      const sent = ledger.filter((r) => r.outcome !== "stopped");
      expect(sent.every((r) => r.runId === "budget-1" && typeof r.rateLimit?.cost === "number")).toBe(true);
      expect(sent.at(-1).rateLimit.remaining).toBeGreaterThanOrEqual(config.github.reserve);

      simNow = new Date("2026-11-02T01:30:00Z"); // the simulator's hourly window has reset
      let finished = false;
      for (let hour = 0; hour < 10 && !finished; hour++) {
        finished = !(await stage(`budget-${hour + 2}`)).stopped;
        simNow = new Date(simNow.getTime() + 61 * 60 * 1000);
      }
      expect(finished).toBe(true);
      const referenceDir = mkdtempSync(join(tmpdir(), "ys-budget-ref-"));
      await extract({
        config: configFor(free, referenceDir, owner),
        client: createGitHubClient({
          url: free.url,
          token: TOKEN,
          logger: createMemoryLogger(),
          requestIntervalMs: 0,
        }),
        logger: createMemoryLogger(),
        runId: "reference",
      });
      const resumed = await dedupedLake(dataDir, GITHUB_LAKE_STREAMS);
      const reference = await dedupedLake(referenceDir, GITHUB_LAKE_STREAMS);
      const sizes = (lake: Record<string, string[]>) =>
        Object.fromEntries(Object.entries(lake).map(([k, v]) => [k, v.length]));
      expect(sizes(resumed)).toEqual(sizes(reference));
      expect(resumed).toEqual(reference);
      expect(filesContaining(dataDir, TOKEN)).toEqual([]);
    } finally {
      await limited.close();
      await free.close();
    }
  });

  it("accepts a GitHub Enterprise Server style URL (https://HOST/api/graphql)", async () => {
    const org = generateOrg({ seed: 13 });
    const sim = await startSimulator({ dataset: org.dataset });
    try {
      const dataDir = mkdtempSync(join(tmpdir(), "ys-ghes-"));
      const url = sim.url.replace(/\/graphql$/, "/api/graphql");
      const summary = await extract({
        config: configFromObject(
          { dataDir, github: { url, orgs: [org.dataset.repositories[0]!.owner] } },
          join(dataDir, "y.yaml"),
        ),
        client: createGitHubClient({ url, token: TOKEN, logger: createMemoryLogger(), requestIntervalMs: 0 }),
        logger: createMemoryLogger(),
        runId: "ghes",
      });
      expect(rowsOf(summary, "pull_requests")).toBe(org.dataset.pullRequests.length);
    } finally {
      await sim.close();
    }
  });
});
