/**
 * Nightly cost grows with the activity since the last run, not with the size of the organisation: an
 * unchanged 200-repository organisation costs a constant handful of requests, and N changed pull requests
 * cost about N/25 more.
 */
import { mkdtempSync } from "node:fs";
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

const TOKEN = "cost-token";

describe("the cost of a nightly extraction", () => {
  const org = generateOrg({ seed: 51, repositories: 200, pullRequests: 3000, teams: 6 });
  const owner = org.dataset.repositories[0]!.owner;
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

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: [TOKEN], rateLimit: { limit: 10_000_000 } });
    dataDir = mkdtempSync(join(tmpdir(), "ys-cost-"));
    const first = await run("2026-11-02T00:00:00Z");
    expect(first.repositories).toHaveLength(200);
  });
  afterAll(async () => {
    await sim.close();
  });

  it("costs a constant handful of requests when nothing changed, not one per repository", async () => {
    const before = sim.requestCount();
    const nightly = await run("2026-11-03T00:00:00Z");
    const sent = sim.requestCount() - before;
    expect(nightly.streams.find((s) => s.stream === "pull_requests")!.rows).toBe(0);
    // 2 pages of repositories, 1 pull request search, 4 deployment batches (50 repositories each), 2 incident searches.
    expect(sent).toBeLessThanOrEqual(10);
    expect(nightly.requests).toBe(sent);
  });

  it("costs about N/25 more requests when N pull requests changed", async () => {
    const changed = 250;
    const dataset: Dataset = {
      ...org.dataset,
      pullRequests: org.dataset.pullRequests.map((pr, i) =>
        i % Math.floor(org.dataset.pullRequests.length / changed) === 0 &&
        i / Math.floor(org.dataset.pullRequests.length / changed) < changed
          ? { ...pr, title: `${pr.title} (edited)`, updatedAt: "2026-11-03T12:00:00Z" }
          : pr,
      ),
    };
    const edited = dataset.pullRequests.filter((pr) => pr.title.endsWith("(edited)")).length;
    expect(edited).toBe(changed);
    sim.setDataset(dataset);
    const before = sim.requestCount();
    const nightly = await run("2026-11-04T00:00:00Z");
    const sent = sim.requestCount() - before;
    expect(nightly.streams.find((s) => s.stream === "pull_requests")!.rows).toBe(changed);
    expect(nightly.requestsByPhase.pull_requests).toBeLessThanOrEqual(Math.ceil(changed / 25) + 1);
    expect(sent).toBeLessThanOrEqual(
      Math.ceil(changed / 25) + 10 + (nightly.requestsByPhase.pull_request_overflow ?? 0),
    );
    expect(nightly.requestsByPhase.pull_request_overflow ?? 0).toBeLessThanOrEqual(changed / 25);
  });
});
