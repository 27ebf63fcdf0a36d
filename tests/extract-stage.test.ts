/**
 * The extract stage as the demo, the pipeline and `yardstick extract` run it, without a progress display
 * of their own: the step lines it logs agree with the request ledger it writes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromObject, dataPaths } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { runExtractStage } from "../jobs/extract-stage.ts";
import { generateOrg } from "../simulator/org-generator.ts";
import { type Simulator, startSimulator } from "../simulator/server.ts";

describe("the extract stage's step lines", () => {
  const org = generateOrg({ seed: 5, teams: 1, repositories: 2, pullRequests: 30, days: 30 });
  let sim: Simulator;
  let dataDir: string;

  beforeAll(async () => {
    sim = await startSimulator({ dataset: org.dataset, tokens: ["t"] });
    dataDir = mkdtempSync(join(tmpdir(), "ys-extract-stage-"));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("count every request the ledger records and say how many repositories each stream reads", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ format: "json", write: (l) => lines.push(JSON.parse(l)) });
    const config = configFromObject(
      {
        dataDir,
        github: { url: sim.url, orgs: [org.dataset.repositories[0]!.owner], requestIntervalMs: 0 },
      },
      join(dataDir, "yardstick.yaml"),
    );
    const summary = await runExtractStage({ config, token: "t", logger, runId: "stage-1" });

    const ledger = readFileSync(dataPaths(dataDir).requestLedger, "utf8").trim().split("\n");
    expect(ledger.length).toBeGreaterThan(3);
    const done = lines.filter((l) => l.step === "stream_done");
    expect(done.length).toBe(5);
    const counted = done.reduce((sum, l) => sum + Number(l.requests), 0);
    expect(summary.run.requests).toBe(ledger.length);
    expect(counted).toBe(ledger.length);
    // Every ledger line names its source; the only configured source sent every request.
    expect(new Set(ledger.map((line) => JSON.parse(line).source))).toEqual(new Set(["github"]));
    expect(summary.requestsBySource).toEqual({ github: ledger.length });
    // The search scope's own line counts the requests read under it, like the stream's.
    const scope = lines.find((l) => l.step === "repository_done" && l.stream === "pull_requests");
    const stream = done.find((l) => l.stream === "pull_requests");
    expect(scope?.repository).toBe(`org:${org.dataset.repositories[0]!.owner}`);
    expect(Number(scope?.requests)).toBeGreaterThan(0);
    expect(scope?.requests).toBe(stream?.requests);

    const started = lines.filter((l) => l.step === "stream_started");
    expect(started.map((l) => l.stream)).toEqual([
      "repositories",
      "pull_requests",
      "default_branch",
      "deployments",
      "incidents",
    ]);
    // Repositories (or search scopes) read one by one: the organisation's one search scope for pull
    // requests and incidents, each repository for default branches; none known before the listing, and
    // deployments are read in batches.
    const partitions = Object.fromEntries(started.map((l) => [l.stream, l.repositories]));
    expect(partitions).toEqual({
      repositories: undefined,
      pull_requests: 1,
      default_branch: org.dataset.repositories.length,
      deployments: undefined,
      incidents: 1,
    });
    expect("repositories" in started[0]!).toBe(false);
  });

  it("never write repositories=undefined in text", async () => {
    const text: string[] = [];
    const config = configFromObject(
      { dataDir, github: { url: sim.url, orgs: [org.dataset.repositories[0]!.owner], requestIntervalMs: 0 } },
      join(dataDir, "yardstick.yaml"),
    );
    await runExtractStage({
      config,
      token: "t",
      logger: createLogger({ write: (l) => text.push(l) }),
      runId: "stage-2",
    });
    expect(text.filter((l) => l.includes("started")).length).toBe(5);
    expect(text.join("\n")).not.toContain("undefined");
  });
});
