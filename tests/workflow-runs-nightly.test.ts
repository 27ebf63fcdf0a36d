/**
 * A workflow run that starts after its commit was read (a release train deploying yesterday's merges, a
 * deploy started by hand) still reaches the lake: when its repository is read again, the CI of the commits
 * of the lookback window before the cursor is read again. Two nightly extractions against the real simulator:
 * the first sees a repository's last deploy runs missing (not started yet), the second, after a push, finds
 * them; a repository not pushed since costs nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromObject } from "../core/config.ts";
import { createMemoryLogger } from "../core/logger.ts";
import { extract } from "../extractors/extract.ts";
import { createGitHubClient } from "../extractors/github/github-client.ts";
import type { Dataset } from "../simulator/dataset.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";
import { dedupedLake } from "./helpers/lake.ts";

const TOKEN = "nightly-token";
const DAY = 24 * 3_600_000;

describe("deploy workflow runs that start after their commit was read", () => {
  const org = generateOrg({
    seed: 41,
    repositories: 3,
    pullRequests: 300,
    days: 60,
    workflowDeployments: true,
  });
  const owner = org.dataset.repositories[0]!.owner;
  const workflowOnly = org.truth.repositories.find((r) => r.deployVia === "workflow")!.repository;
  const endMs = Date.parse(org.truth.end);
  const isDeployRun = (s: Dataset["checkSuites"][number]) => s.workflowName === "Deploy";
  /** The workflow-only repository's deploy runs of the last two days had not started at the first night. */
  const late = (s: Dataset["checkSuites"][number]) =>
    isDeployRun(s) && s.repository === workflowOnly && Date.parse(s.createdAt) >= endMs - 2 * DAY;
  let sim: Simulator;
  let dataDir: string;
  const run = (at: string) => {
    const logger = createMemoryLogger();
    return extract({
      config: configFromObject(
        { dataDir, github: { url: sim.url, tokenEnv: "T", orgs: [owner] } },
        join(dataDir, "y.yaml"),
      ),
      client: createGitHubClient({ url: sim.url, token: TOKEN, logger, requestIntervalMs: 0 }),
      logger,
      runId: at,
      now: () => new Date(at),
    });
  };
  const deployRunsInLake = async () =>
    (
      await dedupedLake(dataDir, [{ name: "check_suites", primaryKey: ["check_suite_id"] }])
    ).check_suites!.filter((line) => line.includes('"name":"Deploy"') && line.includes(`/${workflowOnly}/`))
      .length;

  beforeAll(async () => {
    const before: Dataset = { ...org.dataset, checkSuites: org.dataset.checkSuites.filter((s) => !late(s)) };
    sim = await startSimulator({ dataset: before, tokens: [TOKEN], rateLimit: { limit: 10_000_000 } });
    dataDir = mkdtempSync(join(tmpdir(), "ys-nightly-runs-"));
    await run(new Date(endMs).toISOString());
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reads the runs that started since on the next night its repository is pushed", async () => {
    const lateRuns = org.dataset.checkSuites.filter(late).length;
    const all = org.dataset.checkSuites.filter((s) => isDeployRun(s) && s.repository === workflowOnly).length;
    expect(lateRuns).toBeGreaterThan(0);
    expect(await deployRunsInLake()).toBe(all - lateRuns);

    // The runs started; the repository was pushed to after the first night.
    const pushed = new Date(endMs + 12 * 3_600_000).toISOString();
    sim.setDataset({
      ...org.dataset,
      repositories: org.dataset.repositories.map((r) =>
        `${r.owner}/${r.name}` === workflowOnly ? { ...r, pushedAt: pushed } : r,
      ),
    });
    const before = sim.requestCount();
    const second = await run(new Date(endMs + DAY).toISOString());
    expect(await deployRunsInLake()).toBe(all);
    // Only the pushed repository is read again: its recent commits (one page) and their CI (a batch per 50).
    const recent = org.dataset.defaultBranchCommits.filter(
      (c) =>
        `${c.repository}` === workflowOnly &&
        Date.parse(c.committedDate) >= endMs - 3_600_000 - 7 * DAY &&
        Date.parse(c.committedDate) <= endMs - 3_600_000,
    ).length;
    expect(second.requestsByPhase.default_branch).toBe(1 + 1 + Math.ceil(recent / 50));
    expect(second.requests).toBe(sim.requestCount() - before);
  });
});
