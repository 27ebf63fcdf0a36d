/**
 * A request that fails for good (its retries spent) costs only what it was reading: the other repositories,
 * scopes and streams are read to the end, the failed one's cursor stays where its last durable batch put it,
 * the summary names what is missing, and the next run fills the gap.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, configFromObject, dataPaths } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { CursorStore } from "../extractors/cursor-store.ts";
import { type ExtractSummary, extract } from "../extractors/extract.ts";
import { createGitHubClient } from "../extractors/github/github-client.ts";
import { GITHUB_LAKE_STREAMS } from "../extractors/github/source.ts";
import type { RequestRecord } from "../extractors/http/request-record.ts";
import type { FaultPlan } from "../simulator/faults.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { dedupedLake } from "./helpers/lake.ts";

const TOKEN = "ghp_partialRunTokenThatMustNeverBeWritten01";
const NOW = new Date("2026-11-02T00:00:00Z");

describe("an extraction with one request that fails for good", () => {
  const org = generateOrg({ seed: 31, repositories: 4, pullRequests: 300 });
  const owner = org.dataset.repositories[0]!.owner;
  const repos = org.dataset.repositories.map((r) => `${r.owner}/${r.name}`).sort();
  let sim: Simulator;
  let reference: Record<string, string[]>;

  const configFor = (dataDir: string, github: Record<string, unknown> = {}): Config =>
    configFromObject(
      { dataDir, github: { url: sim.url, orgs: [owner], requestIntervalMs: 0, ...github } },
      join(dataDir, "yardstick.yaml"),
    );

  async function extractWith(
    dataDir: string,
    faults: FaultPlan | null,
    github: Record<string, unknown> = {},
  ) {
    const records: RequestRecord[] = [];
    const logger = createMemoryLogger();
    sim.setFaults(faults);
    try {
      const summary = await extract({
        config: configFor(dataDir, github),
        client: createGitHubClient({
          url: sim.url,
          token: TOKEN,
          logger,
          requestIntervalMs: 0,
          retryAfterBaseMs: 1,
          onRequest: (r) => records.push(r),
        }),
        logger,
        runId: `run-${Math.random().toString(36).slice(2, 8)}`,
        now: () => NOW,
      });
      return { summary, records, logger };
    } finally {
      sim.setFaults(null);
    }
  }

  /** The reference lake without the rows of one stream of one repository (keys start with the repository). */
  const without = (stream: string, repository: string) => ({
    ...reference,
    [stream]: reference[stream]!.filter((line) => !line.startsWith(`${repository}|`)),
  });

  const incompleteOf = (summary: ExtractSummary) =>
    summary.incomplete.map((i) => `${i.stream}${i.partition ? ` of ${i.partition}` : ""}`);

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 1_000_000 } });
    const dir = mkdtempSync(join(tmpdir(), "ys-partial-ref-"));
    const { summary } = await extractWith(dir, null);
    expect(summary.incomplete).toEqual([]);
    reference = await dedupedLake(dir, GITHUB_LAKE_STREAMS);
    expect(reference.pull_requests).toHaveLength(org.dataset.pullRequests.length);
    expect(reference.default_branch_commits!.length).toBeGreaterThan(0);
    expect(reference.deployments!.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await sim.close();
  });

  it("reads every other repository and stream when one repository's default branch cannot be read, and the next run fills the gap", async () => {
    const broken = repos[1]!;
    const dir = mkdtempSync(join(tmpdir(), "ys-partial-branch-"));
    const first = await extractWith(dir, {
      rules: [
        {
          kind: "connection_reset",
          operation: "DefaultBranchCommits",
          variables: { name: broken.split("/")[1] },
        },
      ],
    });
    expect(incompleteOf(first.summary)).toEqual([`default_branch of ${broken}`]);
    expect(first.summary.incomplete[0]!.reason).toMatch(/DefaultBranchCommits.*after 5 attempts/);
    // One request spent its retries; nothing else was given up.
    expect(first.records.filter((r) => r.outcome === "failed")).toHaveLength(1);
    const lake = await dedupedLake(dir, GITHUB_LAKE_STREAMS);
    const missing = (stream: string) => reference[stream]!.filter((line) => !lake[stream]!.includes(line));
    for (const stream of ["repositories", "pull_requests", "pull_request_commits", "pull_request_reviews"])
      expect(missing(stream), stream).toEqual([]);
    for (const stream of ["deployments", "deployed_commits", "incidents"])
      expect(lake[stream], stream).toEqual(reference[stream]);
    expect(lake.default_branch_commits).toEqual(
      without("default_branch_commits", broken).default_branch_commits,
    );
    // The CI of the unread branch is missing too, and nothing else: every missing check suite is the broken one's.
    expect(missing("check_suites").length).toBeGreaterThan(0);
    expect(missing("check_suites").filter((line) => !line.includes(`github.com/${broken}/`))).toEqual([]);
    const cursors = new CursorStore(dataPaths(dir).state);
    expect(cursors.get(`github/default_branch_commits/${broken}`)).toBeUndefined();
    for (const repo of repos.filter((r) => r !== broken))
      expect(cursors.get(`github/default_branch_commits/${repo}`)).toBeDefined();
    expect(first.logger.lines.join("\n")).toContain(`default_branch of ${broken} could not be read`);

    const second = await extractWith(dir, null);
    expect(second.summary.incomplete).toEqual([]);
    expect(await dedupedLake(dir, GITHUB_LAKE_STREAMS)).toEqual(reference);
  });

  it("keeps what a search scope landed before its failure and resumes from there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-partial-search-"));
    // The organisation's pull request search fails for good from its third page on.
    const first = await extractWith(
      dir,
      { rules: [{ kind: "bad_gateway_502", operation: "SearchPullRequests", from: 3 }] },
      { pageSize: 25 },
    );
    expect(incompleteOf(first.summary)).toEqual([`pull_requests of org:${owner}`]);
    const lake = await dedupedLake(dir, GITHUB_LAKE_STREAMS);
    // The first two pages (oldest update first) landed; the cursor stands after them, not at the window end.
    expect(lake.pull_requests!.length).toBeGreaterThanOrEqual(2 * 25);
    expect(lake.pull_requests!.length).toBeLessThan(reference.pull_requests!.length);
    for (const stream of ["repositories", "default_branch_commits", "deployments", "incidents"])
      expect(lake[stream], stream).toEqual(reference[stream]);
    const cursor = new CursorStore(dataPaths(dir).state).get(`github/pull_requests/org:${owner}`);
    expect(cursor).toBeDefined();
    expect(Date.parse(cursor!.watermark)).toBeLessThan(NOW.getTime() - 60 * 60 * 1000);

    const second = await extractWith(dir, null, { pageSize: 25 });
    expect(second.summary.incomplete).toEqual([]);
    // Resumed from the cursor, not from the beginning: fewer pull requests read than the whole history.
    expect(second.summary.streams.find((s) => s.stream === "pull_requests")!.rows).toBeLessThan(
      reference.pull_requests!.length,
    );
    expect(await dedupedLake(dir, GITHUB_LAKE_STREAMS)).toEqual(reference);
  });

  it("marks each repository of a failed deployments batch and reads the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-partial-deploy-"));
    const first = await extractWith(dir, {
      rules: [{ kind: "malformed_json", operation: "RepositoriesDeployments" }],
    });
    expect(incompleteOf(first.summary)).toEqual(repos.map((r) => `deployments of ${r}`));
    const lake = await dedupedLake(dir, GITHUB_LAKE_STREAMS);
    expect(lake.deployments).toEqual([]);
    for (const stream of ["pull_requests", "default_branch_commits", "incidents"])
      expect(lake[stream], stream).toEqual(reference[stream]);
    const second = await extractWith(dir, null);
    expect(second.summary.incomplete).toEqual([]);
    expect(await dedupedLake(dir, GITHUB_LAKE_STREAMS)).toEqual(reference);
  });

  it("stops after a few failures in a row when GitHub is down, instead of trying every repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ys-partial-down-"));
    const first = await extractWith(
      dir,
      { rules: [{ kind: "connection_reset" }] },
      { orgs: [], repos, discovery: "scan" },
    );
    const failed = first.records.filter((r) => r.outcome === "failed");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThan(repos.length);
    expect(first.summary.stopped?.reason).toMatch(/GitHub did not answer/);
    // Everything from where it stopped on is listed: the repositories not read, then every later stream.
    expect(incompleteOf(first.summary)).toEqual([
      ...repos.slice(0, failed.length).map((r) => `repositories of ${r}`),
      "repositories",
      "pull_requests",
      "default_branch",
      "deployments",
      "incidents",
    ]);
    const second = await extractWith(dir, null, { orgs: [], repos, discovery: "scan" });
    expect(second.summary.incomplete).toEqual([]);
  });

  it("marks a stop at the budget reserve as incomplete: the stream it stopped in and every later one", async () => {
    const limited = await startSimulator({
      dataset: org.dataset,
      tokens: [TOKEN],
      rateLimit: { limit: 40 },
      clock: () => NOW,
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), "ys-partial-budget-"));
      const logger = createMemoryLogger();
      const summary = await extract({
        config: configFromObject(
          { dataDir: dir, github: { url: limited.url, orgs: [owner], reserve: 10, requestIntervalMs: 0 } },
          join(dir, "yardstick.yaml"),
        ),
        client: createGitHubClient({
          url: limited.url,
          token: TOKEN,
          logger,
          requestIntervalMs: 0,
          now: () => NOW,
        }),
        logger,
        runId: "budget",
        now: () => NOW,
      });
      expect(summary.stopped?.reason).toMatch(/reserve/);
      const phases = ["repositories", "pull_requests", "default_branch", "deployments", "incidents"];
      const listed = incompleteOf(summary);
      // A suffix of the phases, from the one it stopped in; no partition named: the rest of each stream.
      expect(listed.length).toBeGreaterThan(0);
      expect(listed).toEqual(phases.slice(phases.length - listed.length));
      expect(summary.incomplete.every((i) => i.partition === undefined && /reserve/.test(i.reason))).toBe(
        true,
      );
    } finally {
      await limited.close();
    }
  });
});
